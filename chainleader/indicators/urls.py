from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="indicator_list"),
    path("add/", views.IndicatorEditView.as_view(), name="indicator_add"),
    path("<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("<int:pk>/delete/", views.IndicatorDeleteView.as_view(), name="indicator_delete"),
    path("<int:pk>/history/", views.IndicatorHistoryView.as_view(), name="indicator_history"),
    path("targets/add/", views.TargetEditView.as_view(), name="target_add"),
    path("targets/<int:pk>/", views.TargetEditView.as_view(), name="target_edit"),
    path("targets/<int:pk>/delete/", views.TargetDeleteView.as_view(), name="target_delete"),
    path("values/", views.ValueListView.as_view(), name="value_list"),
    path("values/add/", views.ValueEditView.as_view(), name="value_add"),
    path("values/import/", views.ValueImportView.as_view(), name="value_import"),
    path("values/<int:pk>/", views.ValueEditView.as_view(), name="value_edit"),
    path("values/<int:pk>/delete/", views.ValueDeleteView.as_view(), name="value_delete"),
    path("values/<int:pk>/history/", views.ValueHistoryView.as_view(), name="value_history"),
    path("chains/<int:pk>/", views.ChainTargetsView.as_view(), name="chain_targets"),
    path("warnings/", views.WarningListView.as_view(), name="warning_list"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning_detail"),
    path("warnings/<int:pk>/confirm/", views.WarningConfirmView.as_view(), name="warning_confirm"),
    path("warnings/<int:pk>/dismiss/", views.WarningDismissView.as_view(), name="warning_dismiss"),
    path("relocations/", views.RelocationListView.as_view(), name="relocation_list"),
    path("relocations/add/", views.RelocationAddView.as_view(), name="relocation_add"),
    path(
        "relocations/<int:pk>/clear/", views.RelocationClearView.as_view(), name="relocation_clear"
    ),
    path(
        "relocations/<int:pk>/evidence/",
        views.RelocationEvidenceView.as_view(),
        name="relocation_evidence",
    ),
]
