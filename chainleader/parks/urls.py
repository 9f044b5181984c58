from django.urls import path

from . import views

app_name = "parks"
urlpatterns = [
    path("", views.ParkListView.as_view(), name="park_list"),
    path("add/", views.ParkEditView.as_view(), name="park_add"),
    path("<int:pk>/", views.ParkDetailView.as_view(), name="park_detail"),
    path("<int:pk>/edit/", views.ParkEditView.as_view(), name="park_edit"),
    path("<int:pk>/delete/", views.ParkDeleteView.as_view(), name="park_delete"),
    path("<int:pk>/history/", views.ParkHistoryView.as_view(), name="park_history"),
    path("zones/", views.LandZoneListView.as_view(), name="landzone_list"),
    path("zones/add/", views.LandZoneEditView.as_view(), name="landzone_add"),
    path("zones/<int:pk>/", views.LandZoneDetailView.as_view(), name="landzone_detail"),
    path("zones/<int:pk>/edit/", views.LandZoneEditView.as_view(), name="landzone_edit"),
    path("zones/<int:pk>/delete/", views.LandZoneDeleteView.as_view(), name="landzone_delete"),
    path("zones/<int:pk>/history/", views.LandZoneHistoryView.as_view(), name="landzone_history"),
]
