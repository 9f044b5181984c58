from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

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
]
