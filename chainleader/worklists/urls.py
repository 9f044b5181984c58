from django.urls import path

from . import views

app_name = "worklists"
urlpatterns = [
    path("", views.ItemListView.as_view(), name="item_list"),
    path("mine/", views.MyItemListView.as_view(), name="my_items"),
    path("add/", views.ItemEditView.as_view(), name="item_add"),
    path("import/", views.ItemImportView.as_view(), name="item_import"),
    path("chains/<int:pk>/", views.ChainListsView.as_view(), name="chain_lists"),
    path("<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("<int:pk>/delete/", views.ItemDeleteView.as_view(), name="item_delete"),
    path("<int:pk>/history/", views.ItemHistoryView.as_view(), name="item_history"),
    path("<int:pk>/note/", views.ItemNoteView.as_view(), name="item_note"),
    path(
        "<int:pk>/request-close/", views.ItemRequestCloseView.as_view(), name="item_request_close"
    ),
    path("<int:pk>/review/", views.ItemReviewView.as_view(), name="item_review"),
    path("<int:pk>/close/", views.ItemCloseView.as_view(), name="item_close"),
    path("<int:parent_pk>/notes/<int:pk>/file/", views.NoteFileView.as_view(), name="note_file"),
    # Chain meetings (链长制工作会议): decisions become key tasks on the chain's list.
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/add/", views.MeetingEditView.as_view(), name="meeting_add"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/decide/", views.MeetingDecisionView.as_view(), name="meeting_decide"),
    path("meetings/<int:pk>/minutes/", views.MeetingMinutesView.as_view(), name="meeting_minutes"),
]
