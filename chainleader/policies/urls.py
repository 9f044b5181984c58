from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.PolicyListView.as_view(), name="policy_list"),
    path("add/", views.PolicyEditView.as_view(), name="policy_add"),
    path("mine/", views.MinePageView.as_view(), name="mine"),
    path("<int:pk>/", views.PolicyDetailView.as_view(), name="policy_detail"),
    path("<int:pk>/edit/", views.PolicyEditView.as_view(), name="policy_edit"),
    path("<int:pk>/history/", views.PolicyHistoryView.as_view(), name="policy_history"),
    path("<int:pk>/publish/", views.PolicyPublishView.as_view(), name="policy_publish"),
    path("<int:pk>/document/", views.PolicyDocumentView.as_view(), name="policy_document"),
    path("<int:parent_pk>/items/add/", views.ItemAddView.as_view(), name="item_add"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/history/", views.ItemHistoryView.as_view(), name="item_history"),
    path("items/<int:pk>/run/", views.ItemRunView.as_view(), name="item_run"),
    path("runs/", views.RunListView.as_view(), name="run_list"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:pk>/decide/", views.RunDecideView.as_view(), name="run_decide"),
    path("results/", views.ResultListView.as_view(), name="result_list"),
    path("results/<int:pk>/", views.ResultDetailView.as_view(), name="result_detail"),
    path("results/<int:pk>/pay/", views.ResultPayView.as_view(), name="result_pay"),
    path("payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("payments/import/", views.PaymentImportView.as_view(), name="payment_import"),
    path("measures/", views.MeasureRuleListView.as_view(), name="measure_list"),
    path("measures/add/", views.MeasureRuleEditView.as_view(), name="measure_add"),
    path("measures/<int:pk>/", views.MeasureRuleDetailView.as_view(), name="measure_detail"),
    path("measures/<int:pk>/edit/", views.MeasureRuleEditView.as_view(), name="measure_edit"),
]
