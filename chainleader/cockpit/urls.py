from django.urls import path

from . import views

app_name = "cockpit"
urlpatterns = [
    path("", views.CockpitView.as_view(), name="home"),
    path("chains/<int:pk>/", views.ChainCockpitView.as_view(), name="chain"),
    path(
        "chains/<int:pk>/record.xlsx",
        views.ChainRecordExportView.as_view(),
        name="chain_record_xlsx",
    ),
    path(
        "chains/<int:pk>/record.docx",
        views.ChainRecordWordView.as_view(),
        name="chain_record_docx",
    ),
    path("assessment/", views.SchemeListView.as_view(), name="scheme_list"),
    path("assessment/add/", views.SchemeEditView.as_view(), name="scheme_add"),
    path("assessment/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("assessment/<int:pk>/edit/", views.SchemeEditView.as_view(), name="scheme_edit"),
    path(
        "assessment/<int:scheme_pk>/adjustments/add/",
        views.AdjustmentAddView.as_view(),
        name="adjustment_add",
    ),
    path(
        "assessment/<int:scheme_pk>/compute/",
        views.RunComputeView.as_view(),
        name="run_compute",
    ),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:pk>/export.xlsx", views.RunExportView.as_view(), name="run_export"),
    path("runs/<int:pk>/review/", views.RunStepView.as_view(step="review"), name="run_review"),
    path("runs/<int:pk>/publish/", views.RunStepView.as_view(step="publish"), name="run_publish"),
    path("runs/<int:pk>/discard/", views.RunStepView.as_view(step="discard"), name="run_discard"),
]
