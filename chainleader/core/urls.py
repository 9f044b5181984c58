from django.urls import path

from . import audit_views, views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("audit/", audit_views.AuditLogView.as_view(), name="audit_log"),
    path("jobs/<int:pk>/", views.JobProgressView.as_view(), name="job_progress"),
    path("jobs/<int:pk>/page/", views.JobPageView.as_view(), name="job_page"),
    path("jobs/<int:pk>/file/", views.JobFileView.as_view(), name="job_file"),
]
