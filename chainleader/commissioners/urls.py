from django.urls import path

from . import views

app_name = "commissioners"
urlpatterns = [
    path("", views.AssignmentListView.as_view(), name="assignment_list"),
    path("add/", views.AssignView.as_view(), name="assignment_add"),
    path("mine/", views.MyFirmsView.as_view(), name="my_firms"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("import/", views.AssignmentImportView.as_view(), name="assignment_import"),
    path("visits/import/", views.VisitImportView.as_view(), name="visit_import"),
    path("<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("<int:pk>/edit/", views.AssignmentEditView.as_view(), name="assignment_edit"),
    path("<int:pk>/end/", views.AssignmentEndView.as_view(), name="assignment_end"),
    path("<int:pk>/history/", views.AssignmentHistoryView.as_view(), name="assignment_history"),
    path("<int:pk>/visit/", views.VisitLogView.as_view(), name="assignment_visit"),
    path("<int:parent_pk>/visits/<int:pk>/file/", views.VisitFileView.as_view(), name="visit_file"),
]
