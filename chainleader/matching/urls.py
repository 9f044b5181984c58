from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.NeedListView.as_view(), name="need_list"),
    path("needs/add/", views.NeedEditView.as_view(), name="need_add"),
    path("needs/import/", views.NeedImportView.as_view(), name="need_import"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("needs/<int:pk>/edit/", views.NeedEditView.as_view(), name="need_edit"),
    path("needs/<int:pk>/history/", views.NeedHistoryView.as_view(), name="need_history"),
    path("offers/", views.OfferListView.as_view(), name="offer_list"),
    path("offers/add/", views.OfferEditView.as_view(), name="offer_add"),
    path("offers/import/", views.OfferImportView.as_view(), name="offer_import"),
    path("offers/<int:pk>/", views.OfferDetailView.as_view(), name="offer_detail"),
    path("offers/<int:pk>/edit/", views.OfferEditView.as_view(), name="offer_edit"),
    path("offers/<int:pk>/history/", views.OfferHistoryView.as_view(), name="offer_history"),
    path("matches/", views.MatchListView.as_view(), name="match_list"),
    path("matches/run/", views.MatchRunView.as_view(), name="match_run"),
    path("matches/<int:pk>/", views.MatchDetailView.as_view(), name="match_detail"),
    path("matches/<int:pk>/contacted/", views.MatchContactedView.as_view(), name="match_contacted"),
    path("matches/<int:pk>/quoted/", views.MatchQuotedView.as_view(), name="match_quoted"),
    path("matches/<int:pk>/dealt/", views.MatchDealtView.as_view(), name="match_dealt"),
    path("matches/<int:pk>/closed/", views.MatchClosedView.as_view(), name="match_closed"),
    path("summary/", views.SummaryView.as_view(), name="summary"),
]
