from django.urls import path

from . import views

app_name = "challenges"
urlpatterns = [
    path("", views.ChallengeListView.as_view(), name="challenge_list"),
    path("challenges/add/", views.ChallengeEditView.as_view(), name="challenge_add"),
    path("challenges/summary/", views.ChallengeSummaryView.as_view(), name="challenge_summary"),
    path("challenges/<int:pk>/", views.ChallengeDetailView.as_view(), name="challenge_detail"),
    path("challenges/<int:pk>/edit/", views.ChallengeEditView.as_view(), name="challenge_edit"),
    path(
        "challenges/<int:pk>/history/",
        views.ChallengeHistoryView.as_view(),
        name="challenge_history",
    ),
    path("challenges/<int:pk>/step/", views.ChallengeStepView.as_view(), name="challenge_step"),
    path(
        "challenges/<int:pk>/select/", views.ChallengeSelectView.as_view(), name="challenge_select"
    ),
    path(
        "challenges/<int:pk>/accept/", views.ChallengeAcceptView.as_view(), name="challenge_accept"
    ),
    path("acceptances/<int:pk>/file/", views.AcceptanceFileView.as_view(), name="acceptance_file"),
    path(
        "challenges/<int:pk>/milestone/",
        views.ChallengeMilestoneView.as_view(),
        name="challenge_milestone",
    ),
    path("challenges/<int:pk>/apply/", views.ChallengeApplyView.as_view(), name="challenge_apply"),
    path("milestones/<int:pk>/done/", views.MilestoneDoneView.as_view(), name="milestone_done"),
    path("milestones/<int:pk>/file/", views.MilestoneFileView.as_view(), name="milestone_file"),
    path("applications/", views.ApplicationListView.as_view(), name="application_list"),
    path(
        "applications/<int:pk>/",
        views.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/score/",
        views.ApplicationScoreView.as_view(),
        name="application_score",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views.ApplicationWithdrawView.as_view(),
        name="application_withdraw",
    ),
    path(
        "applications/<int:pk>/file/", views.ApplicationFileView.as_view(), name="application_file"
    ),
    path("scenes/", views.SceneListView.as_view(), name="scene_list"),
    path("scenes/add/", views.SceneEditView.as_view(), name="scene_add"),
    path("scenes/<int:pk>/", views.SceneDetailView.as_view(), name="scene_detail"),
    path("scenes/<int:pk>/edit/", views.SceneEditView.as_view(), name="scene_edit"),
    path("scenes/<int:pk>/step/", views.SceneStepView.as_view(), name="scene_step"),
    path("scenes/<int:pk>/apply/", views.SceneApplyView.as_view(), name="scene_apply"),
    path(
        "scene-applications/<int:pk>/answer/",
        views.SceneAnswerView.as_view(),
        name="scene_answer",
    ),
    path("labs/", views.LabListView.as_view(), name="lab_list"),
    path("labs/add/", views.LabEditView.as_view(), name="lab_add"),
    path("labs/<int:pk>/", views.LabDetailView.as_view(), name="lab_detail"),
    path("labs/<int:pk>/edit/", views.LabEditView.as_view(), name="lab_edit"),
    path("diagnoses/", views.DiagnosisListView.as_view(), name="diagnosis_list"),
    path("diagnoses/add/", views.DiagnosisEditView.as_view(), name="diagnosis_add"),
    path("diagnoses/funnel/", views.FunnelView.as_view(), name="funnel"),
    path("diagnoses/<int:pk>/", views.DiagnosisDetailView.as_view(), name="diagnosis_detail"),
    path("diagnoses/<int:pk>/edit/", views.DiagnosisEditView.as_view(), name="diagnosis_edit"),
    path(
        "diagnoses/<int:pk>/history/",
        views.DiagnosisHistoryView.as_view(),
        name="diagnosis_history",
    ),
    path(
        "diagnoses/<int:pk>/recommend/", views.RecommendView.as_view(), name="diagnosis_recommend"
    ),
    path(
        "recommendations/<int:pk>/convert/",
        views.ConvertView.as_view(),
        name="recommendation_convert",
    ),
    path("titles/", views.TitleListView.as_view(), name="title_list"),
    path("titles/add/", views.TitleEditView.as_view(), name="title_add"),
    path("titles/<int:pk>/edit/", views.TitleEditView.as_view(), name="title_edit"),
]
