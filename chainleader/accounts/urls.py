from django.contrib.auth import views as auth_views
from django.urls import path

from . import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", views.OTPVerifyView.as_view(), name="otp_verify"),
    path("otp/setup/", views.OTPSetupView.as_view(), name="otp_setup"),
    path("otp/backup-codes/", views.BackupCodesRegenerateView.as_view(), name="otp_backup_codes"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path(
        "profile/sessions/end-others/",
        views.SessionEndOthersView.as_view(),
        name="session_end_others",
    ),
    # The security administrator's pages (安全管理): accounts, roles, data scopes, units.
    path("manage/users/", admin_views.UserListView.as_view(), name="user_list"),
    path("manage/users/add/", admin_views.UserCreateView.as_view(), name="user_add"),
    path("manage/users/<int:pk>/", admin_views.UserEditView.as_view(), name="user_edit"),
    path(
        "manage/users/<int:pk>/password/",
        admin_views.UserPasswordResetView.as_view(),
        name="user_password_reset",
    ),
    path(
        "manage/users/<int:pk>/deactivate/",
        admin_views.UserDeactivateView.as_view(),
        name="user_deactivate",
    ),
    path("manage/users/<int:pk>/unlock/", admin_views.UserUnlockView.as_view(), name="user_unlock"),
    path("manage/units/", admin_views.UnitListView.as_view(), name="unit_list"),
    path("manage/units/add/", admin_views.UnitEditView.as_view(), name="unit_add"),
    path("manage/units/<int:pk>/", admin_views.UnitEditView.as_view(), name="unit_edit"),
]
