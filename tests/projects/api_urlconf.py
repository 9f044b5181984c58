"""The site's URLconf plus the project and four-list endpoints on the API router, for the API tests until
chainleader/api_urls.py registers them (chainleader.projects.api.urls.register does it once there)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from chainleader import api_urls
from chainleader import urls as site
from chainleader.projects.api.urls import register

router = DefaultRouter()
for prefix, viewset, basename in api_urls.router.registry:
    router.register(prefix, viewset, basename)
register(router)

urlpatterns = [
    path("api/", include((router.urls, "api"))),
    *[p for p in site.urlpatterns if str(p.pattern) != "api/"],
]
