from django.urls import path

from . import views

app_name = "chains"
urlpatterns = [
    path("", views.ChainListView.as_view(), name="chain_list"),
    path("add/", views.ChainEditView.as_view(), name="chain_add"),
    path("import/", views.ChainImportView.as_view(), name="chain_import"),
    path("<int:pk>/", views.ChainDetailView.as_view(), name="chain_detail"),
    path("<int:pk>/edit/", views.ChainEditView.as_view(), name="chain_edit"),
    path("<int:pk>/delete/", views.ChainDeleteView.as_view(), name="chain_delete"),
    path("<int:pk>/history/", views.ChainHistoryView.as_view(), name="chain_history"),
    path("<int:parent_pk>/targets/add/", views.ChainTargetEditView.as_view(), name="target_add"),
    path(
        "<int:parent_pk>/targets/<int:pk>/edit/",
        views.ChainTargetEditView.as_view(),
        name="target_edit",
    ),
    path(
        "<int:parent_pk>/targets/<int:pk>/delete/",
        views.ChainTargetDeleteView.as_view(),
        name="target_delete",
    ),
    path("<int:parent_pk>/segments/add/", views.SegmentEditView.as_view(), name="segment_add"),
    path(
        "<int:parent_pk>/segments/<int:pk>/edit/",
        views.SegmentEditView.as_view(),
        name="segment_edit",
    ),
    path(
        "<int:parent_pk>/segments/<int:pk>/delete/",
        views.SegmentDeleteView.as_view(),
        name="segment_delete",
    ),
    path("segments/", views.SegmentListView.as_view(), name="segment_list"),
    path("segments/import/", views.SegmentImportView.as_view(), name="segment_import"),
    path("segments/<int:pk>/", views.SegmentDetailView.as_view(), name="segment_detail"),
    path("segments/<int:pk>/history/", views.SegmentHistoryView.as_view(), name="segment_history"),
    path(
        "segments/<int:parent_pk>/firms/add/",
        views.PlacementAddView.as_view(),
        name="placement_add",
    ),
    path(
        "segments/<int:parent_pk>/firms/<int:pk>/delete/",
        views.PlacementDeleteView.as_view(),
        name="placement_delete",
    ),
]
