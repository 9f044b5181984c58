"""One router for the REST API (mounted at /api/); the viewsets live in each app's api/views.py."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from chainleader.chainmap.api.views import ChainMapViewSet
from chainleader.chains.api.views import (
    ChainTargetViewSet,
    ChainViewSet,
    PlacementViewSet,
    SegmentViewSet,
)
from chainleader.challenges.api import routes as challenges_routes
from chainleader.cockpit.api import routes as cockpit_routes
from chainleader.commissioners.api.views import AssignmentViewSet, VisitViewSet
from chainleader.core.import_api import ImportView
from chainleader.enterprises.api.views import (
    EnterpriseTierViewSet,
    EnterpriseViewSet,
    YearFigureViewSet,
)
from chainleader.evaluation.api.views import (
    AppealViewSet,
    EvaluationResultViewSet,
    EvaluationRunViewSet,
)
from chainleader.growth.api.views import GrowthPlanViewSet, MeasureViewSet, PlanYearViewSet
from chainleader.indicators.api import routes as indicators_routes
from chainleader.investment.api.views import LeadViewSet, TargetViewSet
from chainleader.matching.api.views import MatchViewSet, NeedViewSet, OfferViewSet
from chainleader.parks.api.views import LandZoneViewSet, ParkViewSet
from chainleader.policies.api import routes as policies_routes
from chainleader.projects.api.views import (
    FirmRequestViewSet,
    MonthlyReportViewSet,
    ProblemViewSet,
    ProjectViewSet,
)
from chainleader.reference.api.views import IndustryViewSet, RegionViewSet
from chainleader.tiers.api.views import TierCandidateViewSet, TierTargetViewSet
from chainleader.worklists.api.views import (
    ChainMeetingViewSet,
    MeetingDecisionViewSet,
    WorkItemViewSet,
)

app_name = "api"

router = DefaultRouter()
router.register("regions", RegionViewSet)
router.register("industries", IndustryViewSet)
router.register("enterprises", EnterpriseViewSet)
router.register("enterprise-tiers", EnterpriseTierViewSet)
router.register("year-figures", YearFigureViewSet)
router.register("chains", ChainViewSet)
# The chain map's one route under the chain, /api/chains/{id}/map/ (chainmap is built on chains).
router.register("chains", ChainMapViewSet, basename="chain-map")
router.register("segments", SegmentViewSet)
router.register("chain-targets", ChainTargetViewSet)
router.register("placements", PlacementViewSet)
router.register("parks", ParkViewSet)
router.register("land-zones", LandZoneViewSet)
router.register("evaluation-runs", EvaluationRunViewSet)
router.register("evaluation-results", EvaluationResultViewSet)
router.register("evaluation-appeals", AppealViewSet)
router.register("projects", ProjectViewSet)
router.register("monthly-reports", MonthlyReportViewSet)
router.register("problems", ProblemViewSet)
router.register("firm-requests", FirmRequestViewSet, basename="firm-request")
router.register("work-items", WorkItemViewSet)
router.register("chain-meetings", ChainMeetingViewSet)
router.register("meeting-decisions", MeetingDecisionViewSet)
router.register("investment-targets", TargetViewSet)
router.register("leads", LeadViewSet)
router.register("matching-needs", NeedViewSet)
router.register("matching-offers", OfferViewSet)
router.register("matches", MatchViewSet)
router.register("commissioner-assignments", AssignmentViewSet)
router.register("commissioner-visits", VisitViewSet)
router.register("tier-candidates", TierCandidateViewSet)
router.register("tier-targets", TierTargetViewSet)
router.register("growth-plans", GrowthPlanViewSet)
router.register("growth-plan-years", PlanYearViewSet)
router.register("growth-measures", MeasureViewSet)
# The newer apps register their own routes (api/routes.py each).
for routes in (indicators_routes, cockpit_routes, policies_routes, challenges_routes):
    routes.register(router)

urlpatterns = [
    path("imports/<str:kind>/", ImportView.as_view(), name="import"),
    *router.urls,
]
