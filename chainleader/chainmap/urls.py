from django.urls import path

from . import views

app_name = "chainmap"
urlpatterns = [
    path("", views.CompareView.as_view(), name="compare"),
    path("graph/", views.GraphImportView.as_view(), name="graph_import"),
    path("links/", views.LinkReviewView.as_view(), name="link_review"),
    path("<int:pk>/", views.ChainMapView.as_view(), name="chain_map"),
    path("<int:pk>/gaps/", views.GapListView.as_view(), name="gap_list"),
    path("<int:pk>/derive/", views.DeriveView.as_view(), name="derive"),
    path("segments/<int:pk>/", views.SegmentPanelView.as_view(), name="segment_panel"),
    path(
        "placements/<int:pk>/review/", views.PlacementReviewView.as_view(), name="placement_review"
    ),
]
