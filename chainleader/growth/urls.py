from django.urls import path

from . import views

app_name = "growth"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("add/", views.PlanEditView.as_view(), name="plan_add"),
    path("import/", views.PlanImportView.as_view(), name="plan_import"),
    path("measures/import/", views.MeasureImportView.as_view(), name="measure_import"),
    path("echelons/", views.EchelonView.as_view(), name="echelons"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("<int:pk>/delete/", views.PlanDeleteView.as_view(), name="plan_delete"),
    path("<int:pk>/history/", views.PlanHistoryView.as_view(), name="plan_history"),
    path("<int:parent_pk>/years/add/", views.PlanYearEditView.as_view(), name="year_add"),
    path("<int:parent_pk>/years/<int:pk>/", views.PlanYearEditView.as_view(), name="year_edit"),
    path(
        "<int:parent_pk>/years/<int:pk>/delete/",
        views.PlanYearDeleteView.as_view(),
        name="year_delete",
    ),
    path("<int:parent_pk>/measures/add/", views.MeasureEditView.as_view(), name="measure_add"),
    path(
        "<int:parent_pk>/measures/<int:pk>/", views.MeasureEditView.as_view(), name="measure_edit"
    ),
    path(
        "<int:parent_pk>/measures/<int:pk>/delete/",
        views.MeasureDeleteView.as_view(),
        name="measure_delete",
    ),
    path(
        "<int:plan_pk>/measures/<int:pk>/done/",
        views.MeasureDoneView.as_view(),
        name="measure_done",
    ),
]
