from django.urls import path

from . import views

app_name = "investment"
urlpatterns = [
    path("", views.TargetListView.as_view(), name="target_list"),
    path("rank/", views.TargetsDeriveView.as_view(), name="targets_derive"),
    path("targets/<int:pk>/lead/", views.TargetLeadView.as_view(), name="target_lead"),
    path("chains/<int:pk>/opportunity/", views.OpportunityView.as_view(), name="opportunity"),
    path("chains/<int:pk>/catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("leads/", views.LeadListView.as_view(), name="lead_list"),
    path("promises/", views.PromiseCheckView.as_view(), name="promises"),
    path("leads/add/", views.LeadEditView.as_view(), name="lead_add"),
    path("leads/<int:pk>/", views.LeadDetailView.as_view(), name="lead_detail"),
    path("leads/<int:pk>/edit/", views.LeadEditView.as_view(), name="lead_edit"),
    path("leads/<int:pk>/history/", views.LeadHistoryView.as_view(), name="lead_history"),
    path("leads/<int:pk>/advance/", views.LeadAdvanceView.as_view(), name="lead_advance"),
    path("leads/<int:pk>/close/", views.LeadCloseView.as_view(), name="lead_close"),
    path(
        "leads/<int:lead_pk>/steps/<int:pk>/file/",
        views.LeadStepFileView.as_view(),
        name="lead_step_file",
    ),
]
