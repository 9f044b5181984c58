from django.urls import path

from . import views

app_name = "reference"
urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("industries/", views.IndustryListView.as_view(), name="industry_list"),
]
