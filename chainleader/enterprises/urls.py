from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("add/", views.EnterpriseEditView.as_view(), name="enterprise_add"),
    path("import/", views.EnterpriseImportView.as_view(), name="enterprise_import"),
    path("figures/import/", views.FigureImportView.as_view(), name="figure_import"),
    path("suggestions/", views.ProductSuggestionReviewView.as_view(), name="suggestion_review"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("<int:pk>/delete/", views.EnterpriseDeleteView.as_view(), name="enterprise_delete"),
    path("<int:pk>/history/", views.EnterpriseHistoryView.as_view(), name="enterprise_history"),
    path("<int:parent_pk>/figures/add/", views.FigureEditView.as_view(), name="figure_add"),
    path(
        "<int:parent_pk>/figures/<int:pk>/edit/", views.FigureEditView.as_view(), name="figure_edit"
    ),
    path("<int:parent_pk>/tiers/add/", views.TierEditView.as_view(), name="tier_add"),
    path(
        "<int:parent_pk>/tiers/<int:pk>/delete/", views.TierDeleteView.as_view(), name="tier_delete"
    ),
    path(
        "<int:parent_pk>/products/add/",
        views.EnterpriseProductAddView.as_view(),
        name="product_add",
    ),
    path(
        "<int:parent_pk>/products/<int:pk>/delete/",
        views.EnterpriseProductDeleteView.as_view(),
        name="product_delete",
    ),
    path("<int:parent_pk>/contacts/add/", views.ContactEditView.as_view(), name="contact_add"),
    path(
        "<int:parent_pk>/contacts/<int:pk>/edit/",
        views.ContactEditView.as_view(),
        name="contact_edit",
    ),
    path(
        "<int:parent_pk>/contacts/<int:pk>/delete/",
        views.ContactDeleteView.as_view(),
        name="contact_delete",
    ),
]
