from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("add/", views.ProjectEditView.as_view(), name="project_add"),
    path("import/", views.ProjectImportView.as_view(), name="project_import"),
    path("summary/", views.ProjectSummaryView.as_view(), name="project_summary"),
    path("map/", views.ProjectMapView.as_view(), name="project_map"),
    path("kpi/", views.ChainKpiView.as_view(), name="chain_kpi"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="project_delete"),
    path("<int:pk>/history/", views.ProjectHistoryView.as_view(), name="project_history"),
    path("<int:pk>/stage/", views.ProjectStageView.as_view(), name="project_stage"),
    path(
        "<int:parent_pk>/stages/<int:pk>/file/",
        views.StageEvidenceView.as_view(),
        name="stage_file",
    ),
    path("<int:parent_pk>/reports/add/", views.ReportEditView.as_view(), name="report_add"),
    path(
        "<int:parent_pk>/reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"
    ),
    path(
        "<int:parent_pk>/problems/add/",
        views.ProjectProblemRaiseView.as_view(),
        name="project_problem_add",
    ),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/import/", views.ReportImportView.as_view(), name="report_import"),
    path("problems/", views.ProblemListView.as_view(), name="problem_list"),
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("requests/add/", views.RequestRaiseView.as_view(), name="request_add"),
    path("requests/import/", views.RequestImportView.as_view(), name="request_import"),
    path("problems/<int:pk>/confirm/", views.RequestConfirmView.as_view(), name="request_confirm"),
    path("problems/<int:pk>/reopen/", views.RequestReopenView.as_view(), name="request_reopen"),
    path("problems/add/", views.ProblemRaiseView.as_view(), name="problem_add"),
    path("problems/<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
    path("problems/<int:pk>/history/", views.ProblemHistoryView.as_view(), name="problem_history"),
    path("problems/<int:pk>/assign/", views.ProblemAssignView.as_view(), name="problem_assign"),
    path("problems/<int:pk>/answer/", views.ProblemAnswerView.as_view(), name="problem_answer"),
    path("problems/<int:pk>/verify/", views.ProblemVerifyView.as_view(), name="problem_verify"),
    path("problems/<int:pk>/close/", views.ProblemCloseView.as_view(), name="problem_close"),
    path(
        "problems/<int:parent_pk>/events/<int:pk>/file/",
        views.ProblemFileView.as_view(),
        name="problem_file",
    ),
    path("batches/", views.BatchListView.as_view(), name="batch_list"),
    path("batches/add/", views.BatchEditView.as_view(), name="batch_add"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/edit/", views.BatchEditView.as_view(), name="batch_edit"),
    path("batches/<int:pk>/delete/", views.BatchDeleteView.as_view(), name="batch_delete"),
    path("batches/<int:pk>/history/", views.BatchHistoryView.as_view(), name="batch_history"),
    path("chains/<int:pk>/", views.ChainDashboardView.as_view(), name="chain_dashboard"),
    path("chains/<int:pk>/brief/", views.ChainBriefView.as_view(), name="chain_brief"),
    path("brief/", views.AllChainsBriefView.as_view(), name="all_brief"),
    path("districts/<str:code>/", views.DistrictDashboardView.as_view(), name="district_dashboard"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
]
