from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("chainleader.core.urls")),
    path("accounts/", include("chainleader.accounts.urls")),
    path("reference/", include("chainleader.reference.urls")),
    path("enterprises/", include("chainleader.enterprises.urls")),
    path("chains/", include("chainleader.chains.urls")),
    path("maps/", include("chainleader.chainmap.urls")),
    path("parks/", include("chainleader.parks.urls")),
    path("projects/", include("chainleader.projects.urls")),
    path("worklists/", include("chainleader.worklists.urls")),
    path("investment/", include("chainleader.investment.urls")),
    path("commissioners/", include("chainleader.commissioners.urls")),
    path("matching/", include("chainleader.matching.urls")),
    path("tiers/", include("chainleader.tiers.urls")),
    path("growth/", include("chainleader.growth.urls")),
    path("evaluation/", include("chainleader.evaluation.urls")),
    path("indicators/", include("chainleader.indicators.urls")),
    path("cockpit/", include("chainleader.cockpit.urls")),
    path("policies/", include("chainleader.policies.urls")),
    path("innovation/", include("chainleader.challenges.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("chainleader.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI sets style attributes from its script: this one page allows inline styles (never scripts).
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]

# JSON errors under /api/, Django's pages elsewhere (core.error_views).
handler400 = "chainleader.core.error_views.bad_request"
handler403 = "chainleader.core.error_views.permission_denied"
handler404 = "chainleader.core.error_views.page_not_found"
handler500 = "chainleader.core.error_views.server_error"
