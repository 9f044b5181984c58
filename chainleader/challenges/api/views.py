"""Endpoints of challenges (揭榜挂帅) with their steps, applications with scoring, scenes with suggested
suppliers, labs, diagnoses with recommendations and their conversion into upgrade projects, digital titles.
Writes go through services; a firm account publishes, applies and reports for its own firm."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.accounts.policy import is_editor_or_firm
from chainleader.core.api import (
    WORKFLOW_ERRORS,
    IsEditorOrReadOnly,
    ScopedModelViewSet,
)

from .. import selectors, services
from ..filters import (
    ApplicationFilter,
    ChallengeFilter,
    DiagnosisFilter,
    LabFilter,
    SceneApplicationFilter,
    SceneFilter,
    TitleFilter,
)
from ..models import (
    Challenge,
    ChallengeApplication,
    Diagnosis,
    DigitalTitle,
    Lab,
    Milestone,
    Recommendation,
    Scene,
    SceneApplication,
)
from .serializers import (
    AcceptSerializer,
    ApplicationSerializer,
    ChallengeSerializer,
    ChallengeStepSerializer,
    ConvertedSerializer,
    ConvertSerializer,
    DiagnosisSerializer,
    DigitalTitleSerializer,
    LabSerializer,
    MilestoneAddSerializer,
    MilestoneDoneSerializer,
    RecommendSerializer,
    SceneAnswerSerializer,
    SceneApplicationSerializer,
    SceneSerializer,
    SceneStepSerializer,
    ScoreSerializer,
    SelectSerializer,
    SuggestionSerializer,
)


class IsEditorFirmOrReadOnly(IsEditorOrReadOnly):
    """Writes for the editors and for firm accounts (their own firm's records: the services decide which)."""

    def may_write(self, user: Any) -> bool:
        return is_editor_or_firm(user)


FIRM_WRITES = [IsEditorFirmOrReadOnly]


class ChallengeViewSet(ScopedModelViewSet):
    """揭榜挂帅 榜单: published ones for every business account, drafts for their publisher and managers.
    Steps: ``move`` (publish, close, withdraw), ``select``, ``milestone``, ``milestone_done``, ``accept``."""

    model = Challenge
    serializer_class = ChallengeSerializer
    filterset_class = ChallengeFilter
    permission_classes = FIRM_WRITES
    select_related = ("acceptance",)
    ordering_fields = ("deadline", "budget_wan", "created_at", "status")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("milestones")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Challenge:
        return services.challenge_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Challenge:
        return services.challenge_update(
            challenge=instance,
            actor=self.request.user,
            data=data,
            expected_version=expected_version,
        )

    @extend_schema(
        request=ChallengeStepSerializer, responses={200: ChallengeSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=FIRM_WRITES)
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Publish (发榜), close the applications (selection opens) or withdraw (撤榜, with a reason)."""
        return self.step(
            request,
            ChallengeStepSerializer,
            lambda obj, d: services.challenge_step(
                challenge=obj,
                actor=request.user,
                step=d["step"],
                reason=d.get("reason") or "",
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(
        request=SelectSerializer, responses={200: ChallengeSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=FIRM_WRITES)
    def select(self, request: Request, pk: str | None = None) -> Response:
        """揭榜: select one submitted application (the contract amount defaults to the amount asked)."""

        def run(obj: Challenge, d: dict[str, Any]) -> Challenge:
            app = get_object_or_404(
                ChallengeApplication.objects.for_user(request.user), pk=d["application"]
            )
            return services.challenge_select(
                challenge=obj,
                actor=request.user,
                application=app,
                contract_wan=d.get("contract_wan"),
                expected_version=d.get("version"),
            )

        return self.step(request, SelectSerializer, run)

    @extend_schema(
        request=MilestoneAddSerializer, responses={200: ChallengeSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=FIRM_WRITES)
    def milestone(self, request: Request, pk: str | None = None) -> Response:
        """Add a milestone (while in progress)."""

        def run(obj: Challenge, d: dict[str, Any]) -> Challenge:
            services.milestone_add(
                challenge=obj, actor=request.user, title=d["title"], due_on=d["due_on"]
            )
            return obj

        return self.step(request, MilestoneAddSerializer, run)

    @extend_schema(
        request=MilestoneDoneSerializer, responses={200: ChallengeSerializer, **WORKFLOW_ERRORS}
    )
    @action(
        detail=True, methods=["post"], permission_classes=FIRM_WRITES, url_path="milestone-done"
    )
    def milestone_done(self, request: Request, pk: str | None = None) -> Response:
        """A milestone reached: its date (and evidence); the publisher, the selected solver or an editor."""

        def run(obj: Challenge, d: dict[str, Any]) -> Challenge:
            milestone = get_object_or_404(
                Milestone.objects.for_user(request.user).filter(challenge=obj), pk=d["milestone"]
            )
            services.milestone_done(
                milestone=milestone,
                actor=request.user,
                done_on=d["done_on"],
                evidence=d.get("evidence"),
                note=d.get("note") or "",
                expected_version=d.get("version"),
            )
            return obj

        return self.step(request, MilestoneDoneSerializer, run)

    @extend_schema(
        request=AcceptSerializer, responses={200: ChallengeSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=FIRM_WRITES)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """验收: the verdict (passed: 已验收, failed: 未通过) with its date and evidence."""
        return self.step(
            request,
            AcceptSerializer,
            lambda obj, d: services.challenge_accept(
                challenge=obj,
                actor=request.user,
                on=d["on"],
                verdict=d["verdict"],
                evidence=d.get("evidence"),
                note=d.get("note") or "",
                expected_version=d.get("version"),
            ),
        )


class ApplicationViewSet(ScopedModelViewSet):
    """揭榜 applications: a firm sees and submits its own; the challenge's managers see all of theirs and score
    them (``score``); ``withdraw``."""

    model = ChallengeApplication
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    permission_classes = FIRM_WRITES
    ordering_fields = ("score", "created_at", "asked_wan")
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> ChallengeApplication:
        challenge = data.pop("challenge")
        return services.application_submit(actor=self.request.user, challenge=challenge, data=data)

    @extend_schema(
        request=ScoreSerializer, responses={200: ApplicationSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=FIRM_WRITES)
    def score(self, request: Request, pk: str | None = None) -> Response:
        """Score per criterion (a reviewer's second scoring replaces the first)."""

        def run(obj: ChallengeApplication, d: dict[str, Any]) -> ChallengeApplication:
            services.application_score(
                application=obj, actor=request.user, scores=d["scores"], note=d.get("note") or ""
            )
            return obj

        return self.step(request, ScoreSerializer, run)

    @extend_schema(request=None, responses={200: ApplicationSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=FIRM_WRITES)
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        app = services.application_withdraw(application=self.get_object(), actor=request.user)
        return Response(self.get_serializer(app).data)


class SceneViewSet(ScopedModelViewSet):
    """应用场景: published ones for every business account; ``move`` (publish, close); ``suggestions``: the
    registry firms whose products match what the scene seeks, with the score."""

    model = Scene
    serializer_class = SceneSerializer
    filterset_class = SceneFilter
    permission_classes = FIRM_WRITES
    ordering_fields = ("created_at", "budget_wan", "status")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Scene:
        return services.scene_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Scene:
        return services.scene_update(
            scene=instance, actor=self.request.user, data=data, expected_version=expected_version
        )

    @extend_schema(request=SceneStepSerializer, responses={200: SceneSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=FIRM_WRITES)
    def move(self, request: Request, pk: str | None = None) -> Response:
        return self.step(
            request,
            SceneStepSerializer,
            lambda obj, d: services.scene_step(
                scene=obj, actor=request.user, step=d["step"], expected_version=d.get("version")
            ),
        )

    @extend_schema(responses={200: SuggestionSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
        filter_backends=[],  # one scene's suggestions: the list's filters do not apply
    )
    def suggestions(self, request: Request, pk: str | None = None) -> Response:
        """Suggested suppliers (for the scene's managers; others get an empty list)."""
        scene = self.get_object()
        rows = (
            selectors.suggestions(scene, request.user)
            if services.may_manage(request.user, scene)
            else []
        )
        return Response(SuggestionSerializer(rows, many=True).data)


class SceneApplicationViewSet(ScopedModelViewSet):
    """Suppliers' applications to scenes (a firm: its own); ``answer`` (accept or decline) by the publisher."""

    model = SceneApplication
    serializer_class = SceneApplicationSerializer
    filterset_class = SceneApplicationFilter
    permission_classes = FIRM_WRITES
    select_related = ("scene",)
    ordering_fields = ("score", "created_at")
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> SceneApplication:
        return services.scene_apply(
            actor=self.request.user,
            scene=data["scene"],
            supplier=data.get("supplier"),
            offer=data.get("offer") or "",
        )

    @extend_schema(
        request=SceneAnswerSerializer,
        responses={200: SceneApplicationSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=FIRM_WRITES)
    def answer(self, request: Request, pk: str | None = None) -> Response:
        return self.step(
            request,
            SceneAnswerSerializer,
            lambda obj, d: services.scene_answer(
                application=obj,
                actor=request.user,
                accept=d["accept"],
                expected_version=d.get("version"),
            ),
        )


class LabViewSet(ScopedModelViewSet):
    """创新应用实验室 and 场景实验室: host firm, chain leaf, funding, results."""

    model = Lab
    serializer_class = LabSerializer
    filterset_class = LabFilter
    select_related = ("host", "segment")
    ordering_fields = ("name", "kind", "funding_wan")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Lab:
        return services.lab_save(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Lab:
        return services.lab_save(
            actor=self.request.user, data=data, lab=instance, expected_version=expected_version
        )


class DiagnosisViewSet(ScopedModelViewSet):
    """数字化转型诊断 with recommendations; ``recommend`` adds one, ``convert`` makes one an upgrade project."""

    model = Diagnosis
    serializer_class = DiagnosisSerializer
    filterset_class = DiagnosisFilter
    ordering_fields = ("diagnosed_on", "level")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("recommendations")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Diagnosis:
        return services.diagnosis_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Diagnosis:
        return services.diagnosis_update(
            diagnosis=instance,
            actor=self.request.user,
            data=data,
            expected_version=expected_version,
        )

    @extend_schema(
        request=RecommendSerializer, responses={200: DiagnosisSerializer, **WORKFLOW_ERRORS}
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated, IsEditorOrReadOnly],
    )
    def recommend(self, request: Request, pk: str | None = None) -> Response:
        def run(obj: Diagnosis, d: dict[str, Any]) -> Diagnosis:
            services.recommendation_add(
                diagnosis=obj,
                actor=request.user,
                text=d["text"],
                dimension=d.get("dimension") or "",
                estimated_wan=d.get("estimated_wan"),
            )
            return obj

        return self.step(request, RecommendSerializer, run)

    @extend_schema(
        request=ConvertSerializer, responses={200: ConvertedSerializer, **WORKFLOW_ERRORS}
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated, IsEditorOrReadOnly],
    )
    def convert(self, request: Request, pk: str | None = None) -> Response:
        """A recommendation of this diagnosis becomes an upgrade project (技改 / 数字化改造) in the register."""
        diagnosis = self.get_object()
        body = ConvertSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        rec = get_object_or_404(
            Recommendation.objects.for_user(request.user).filter(diagnosis=diagnosis),
            pk=d.pop("recommendation"),
        )
        project = services.recommendation_convert(
            recommendation=rec, actor=request.user, data=d, expected_version=d.get("version")
        )
        rec.refresh_from_db()
        return Response(
            ConvertedSerializer(
                {"project": project.pk, "code": project.code, "recommendation": rec}
            ).data
        )


class DigitalTitleViewSet(ScopedModelViewSet):
    """智能工厂 / 数字化车间 / 自动化产线 titles held by firms."""

    model = DigitalTitle
    serializer_class = DigitalTitleSerializer
    filterset_class = TitleFilter
    select_related = ("enterprise",)
    ordering_fields = ("year", "kind", "level")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> DigitalTitle:
        return services.title_save(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> DigitalTitle:
        return services.title_save(
            actor=self.request.user, data=data, title=instance, expected_version=expected_version
        )
