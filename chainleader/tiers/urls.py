from django.urls import path

from . import views

app_name = "tiers"
urlpatterns = [
    path("", views.CandidateListView.as_view(), name="candidate_list"),
    path("add/", views.CandidateEditView.as_view(), name="candidate_add"),
    path("import/", views.CandidateImportView.as_view(), name="candidate_import"),
    path("find/", views.FindView.as_view(), name="find"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("<int:pk>/", views.CandidateDetailView.as_view(), name="candidate_detail"),
    path("<int:pk>/edit/", views.CandidateEditView.as_view(), name="candidate_edit"),
    path("<int:pk>/history/", views.CandidateHistoryView.as_view(), name="candidate_history"),
    path("<int:pk>/step/", views.CandidateStepView.as_view(), name="candidate_step"),
    path("<int:pk>/file/", views.CandidateFileView.as_view(), name="candidate_file"),
    path("<int:pk>/recheck/", views.CandidateRecheckView.as_view(), name="candidate_recheck"),
    path("firms/<int:pk>/", views.EnterpriseCheckView.as_view(), name="enterprise_check"),
    path("targets/", views.TargetListView.as_view(), name="target_list"),
    path("targets/add/", views.TargetEditView.as_view(), name="target_add"),
    path("targets/<int:pk>/edit/", views.TargetEditView.as_view(), name="target_edit"),
    path("targets/<int:pk>/delete/", views.TargetDeleteView.as_view(), name="target_delete"),
]
