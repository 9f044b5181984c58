from django.urls import path

from . import views

app_name = "chainmap"
urlpatterns = [
    path("", views.CompareView.as_view(), name="compare"),
    path("graph/", views.GraphImportView.as_view(), name="graph_import"),
    path("links/", views.LinkReviewView.as_view(), name="link_review"),
    path("<int:pk>/", views.ChainMapView.as_view(), name="chain_map"),
    path("<int:pk>/segment/", views.SegmentPanelView.as_view(), name="segment_panel"),
    path("<int:pk>/gaps/", views.GapListView.as_view(), name="gap_list"),
    path("<int:pk>/derive/", views.DeriveView.as_view(), name="derive"),
    path("<int:pk>/overrides/add/", views.OverrideAddView.as_view(), name="override_add"),
    path(
        "<int:pk>/overrides/<int:override_pk>/remove/",
        views.OverrideRemoveView.as_view(),
        name="override_remove",
    ),
]
