"""One router for the REST API; each app registers its viewsets in its api/views.py."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
urlpatterns = router.urls
