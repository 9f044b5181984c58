"""Project endpoints: projects (with the stage workflow), monthly reports and the problem ledger; every write goes
through the same services as the pages, so the scopes and workflow rules are the same."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.accounts.policy import is_editor_or_firm
from chainleader.core.api import WORKFLOW_ERRORS, ScopedModelViewSet
from chainleader.core.files import download

from .. import services
from ..filters import MonthlyReportFilter, ProblemFilter, ProjectFilter
from ..models import MonthlyReport, Problem, ProblemEvent, Project
from .serializers import (
    AnswerSerializer,
    AssignSerializer,
    ConfirmSerializer,
    FirmRequestSerializer,
    MonthlyReportSerializer,
    NoteSerializer,
    ProblemSerializer,
    ProjectSerializer,
    ReopenSerializer,
    StageAdvanceSerializer,
    StageBackSerializer,
    VerifySerializer,
)


class ProjectViewSet(ScopedModelViewSet):
    """Chain projects (产业链重点项目) in the caller's scope; the stage moves only through advance / move-back."""

    model = Project
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    select_related = ("chain", "district")
    ordering_fields = ("name", "code", "total_investment_yi", "stage", "signed_on")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Project:
        return services.project_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Project:
        return services.project_update(
            project=instance, actor=self.request.user, data=data, expected_version=expected_version
        )

    @extend_schema(
        request=StageAdvanceSerializer, responses={200: ProjectSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="advance")
    def advance(self, request: Request, pk: str | None = None) -> Response:
        """Move the project one stage forward with the evidence (签约 → 备案 → 开工 → 在建 → 竣工 → 投产 → 纳统)."""
        return self.step(
            request,
            StageAdvanceSerializer,
            lambda obj, d: services.project_advance_stage(
                project=obj,
                actor=request.user,
                to_stage=d["to_stage"],
                happened_on=d.get("happened_on"),
                evidence=d["evidence"],
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(
        request=StageBackSerializer, responses={200: ProjectSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="move-back")
    def move_back(self, request: Request, pk: str | None = None) -> Response:
        """Move the project one stage back, with the reason."""
        return self.step(
            request,
            StageBackSerializer,
            lambda obj, d: services.project_move_back(
                project=obj,
                actor=request.user,
                to_stage=d["to_stage"],
                reason=d["reason"],
                expected_version=d.get("version"),
            ),
        )


class MonthlyReportViewSet(ScopedModelViewSet):
    """Planned and completed investment per project and month (亿元); one report per project and month (a second
    one for the same month is refused with a field error: update the existing one)."""

    model = MonthlyReport
    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilter
    select_related = ("project",)
    ordering_fields = ("month", "planned_yi", "completed_yi")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> MonthlyReport:
        return services.report_save(
            project=data["project"],
            actor=self.request.user,
            month=data["month"],
            planned_yi=data.get("planned_yi"),
            completed_yi=data.get("completed_yi"),
            note=data.get("note") or "",
        )

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> MonthlyReport:
        return services.report_save(
            project=instance.project,
            actor=self.request.user,
            month=instance.month,
            planned_yi=data.get("planned_yi", instance.planned_yi),
            completed_yi=data.get("completed_yi", instance.completed_yi),
            note=data.get("note", instance.note),
            expected_version=expected_version,
            report=instance,
        )


class ProblemViewSet(ScopedModelViewSet):
    """The problem ledger (问题台账): raise, then assign → answer → verify → close out, each by its roles."""

    model = Problem
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilter
    select_related = ("chain", "project", "region")
    ordering_fields = ("raised_on", "deadline", "status")
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Problem:
        project = data.get("project")
        return services.problem_raise(
            actor=self.request.user,
            chain=project.chain if project else data["chain"],
            project=project,
            title=data["title"],
            description=data.get("description") or "",
            category=data.get("category") or Problem.Category.OTHER,
        )

    @extend_schema(request=AssignSerializer, responses={200: ProblemSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign to a department with a deadline (the office, or the chain's leader and special team)."""
        return self.step(
            request,
            AssignSerializer,
            lambda obj, d: services.problem_assign(
                problem=obj,
                actor=request.user,
                department=d["department"],
                deadline=d["deadline"],
                note=d.get("note") or "",
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "event",
                int,
                required=False,
                description="The step's id (see files); without it, the latest step's file.",
            )
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def file(self, request: Request, pk: str | None = None) -> Any:
        """Download the file of one step of the problem or firm request (found through its scope; audited)."""
        problem = self.get_object()
        events = ProblemEvent.objects.for_user(request.user).filter(problem=problem)
        events = events.exclude(attachment="").order_by("-pk")
        raw = str(request.query_params.get("event", ""))
        if raw:
            event = get_object_or_404(events, pk=int(raw) if raw.isdigit() else 0)
        else:
            event = events.first()
            if event is None:
                raise Http404
        return download(event.attachment, f"problem-{problem.pk}-{event.action}")

    @extend_schema(request=AnswerSerializer, responses={200: ProblemSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """The assigned department answers."""
        return self.step(
            request,
            AnswerSerializer,
            lambda obj, d: services.problem_answer(
                problem=obj,
                actor=request.user,
                answer=d["answer"],
                attachment=d.get("attachment"),
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(request=VerifySerializer, responses={200: ProblemSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        """The office verifies the answer (or sends it back)."""
        return self.step(
            request,
            VerifySerializer,
            lambda obj, d: services.problem_verify(
                problem=obj,
                actor=request.user,
                accepted=d["accepted"],
                note=d.get("note") or "",
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(request=NoteSerializer, responses={200: ProblemSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """销号: the office closes out a verified problem; any other state is 409."""
        return self.step(
            request,
            NoteSerializer,
            lambda obj, d: services.problem_close(
                problem=obj,
                actor=request.user,
                note=d.get("note") or "",
                expected_version=d.get("version"),
            ),
        )


class MayWriteOrReadOnly(permissions.BasePermission):
    """Writes for the editors and firm accounts (auditors, readers and administrators get 403, TP2); the
    services then decide who takes which step."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or is_editor_or_firm(request.user)


class FirmRequestViewSet(ProblemViewSet):
    """Firm requests (企业诉求): a firm raises its own; the office routes (assign), the department answers, the
    firm confirms with a rating or reopens, the office closes out (销号). Same steps as the ledger's."""

    serializer_class = FirmRequestSerializer
    select_related = ("chain", "project", "region", "enterprise")
    permission_classes = [permissions.IsAuthenticated, MayWriteOrReadOnly]

    def get_queryset(self) -> Any:
        files = (
            ProblemEvent.objects.for_user(self.request.user).exclude(attachment="").order_by("pk")
        )
        return (
            super()
            .get_queryset()
            .filter(source=Problem.Source.FIRM)
            .prefetch_related(Prefetch("events", queryset=files, to_attr="file_events"))
        )

    file = None  # a request's files download from /api/problems/{id}/file/ (the same steps)

    def split(self, validated: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        validated = dict(validated)
        self.attachment = validated.pop(
            "attachment", None
        )  # not a field of the request: its first step's
        return super().split(validated)

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Problem:
        return services.request_raise(
            actor=self.request.user,
            title=data["title"],
            description=data.get("description") or "",
            category=data.get("category") or Problem.Category.OTHER,
            chain=data.get("chain"),
            project=data.get("project"),
            attachment=getattr(self, "attachment", None),
        )

    @extend_schema(
        request=ConfirmSerializer, responses={200: FirmRequestSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The firm accepts the answer and rates it 1–5."""
        return self.step(
            request,
            ConfirmSerializer,
            lambda obj, d: services.request_confirm(
                problem=obj,
                actor=request.user,
                rating=d["rating"],
                note=d.get("note") or "",
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(
        request=ReopenSerializer, responses={200: FirmRequestSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """The firm reopens the request: back to the same department, with the reason."""
        return self.step(
            request,
            ReopenSerializer,
            lambda obj, d: services.request_reopen(
                problem=obj,
                actor=request.user,
                note=d["note"],
                expected_version=d.get("version"),
            ),
        )
