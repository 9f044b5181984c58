from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.RunListView.as_view(), name="run_list"),
    path("runs/start/", views.RunStartView.as_view(), name="run_start"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:pk>/review/", views.RunReviewView.as_view(), name="run_review"),
    path("runs/<int:pk>/publish/", views.RunPublishView.as_view(), name="run_publish"),
    path("runs/<int:pk>/export/", views.RunExportView.as_view(), name="run_export"),
    path("runs/<int:parent_pk>/results/", views.ResultListView.as_view(), name="result_list"),
    path("results/<int:pk>/", views.ResultDetailView.as_view(), name="result_detail"),
    path("results/<int:pk>/appeal/", views.ResultAppealView.as_view(), name="result_appeal"),
    path("appeals/", views.AppealListView.as_view(), name="appeal_list"),
    path("appeals/<int:pk>/", views.AppealDetailView.as_view(), name="appeal_detail"),
    path("appeals/<int:pk>/check/", views.AppealCheckView.as_view(), name="appeal_check"),
    path("appeals/<int:pk>/decide/", views.AppealDecideView.as_view(), name="appeal_decide"),
    path("appeals/<int:pk>/evidence/", views.AppealEvidenceView.as_view(), name="appeal_evidence"),
    path("appeals/<int:pk>/record/", views.AppealRecordView.as_view(), name="appeal_record"),
    path("measures/", views.MeasureListView.as_view(), name="measure_list"),
    path("measures/<int:pk>/edit/", views.MeasureEditView.as_view(), name="measure_edit"),
    path("measures/<int:pk>/history/", views.MeasureHistoryView.as_view(), name="measure_history"),
    path("schemes/", views.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/add/", views.SchemeAddView.as_view(), name="scheme_add"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
]
