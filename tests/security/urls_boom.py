"""The project's URLconf plus one view that raises, for the CF2 error-page test only."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from chainleader.urls import urlpatterns as project_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-internal-detail 987654321")


urlpatterns = [path("boom/", boom, name="boom"), *project_urlpatterns]
