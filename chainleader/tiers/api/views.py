"""Tier pipeline endpoints: candidates with their steps, criteria and the search for candidates; the city's
targets and the counts against them. Writes go through services."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.core import audit
from chainleader.core.api import WORKFLOW_ERRORS, ScopedModelViewSet
from chainleader.core.throttles import ConfidentialFiguresThrottle

from .. import selectors, services
from ..filters import CandidateFilter, TargetFilter
from ..models import TierCandidate, TierTarget
from .serializers import (
    FoundSerializer,
    ProgressSerializer,
    StepSerializer,
    TierCandidateSerializer,
    TierTargetSerializer,
    VerdictSerializer,
)


def _year(request: Request) -> int:
    raw = str(request.query_params.get("year", ""))
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


class TierCandidateViewSet(ScopedModelViewSet):
    """梯度培育库: firms in the pipeline of a tier and year: 候选 → 已申报 → 已认定 / 未通过 (or 撤回)."""

    model = TierCandidate
    serializer_class = TierCandidateSerializer
    filterset_class = CandidateFilter
    select_related = ("enterprise",)
    ordering_fields = ("year", "tier", "status", "verdict")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> TierCandidate:
        return services.candidate_create(
            actor=self.request.user,
            enterprise=data.pop("enterprise"),
            tier=data.pop("tier"),
            level=data.pop("level"),
            year=data.pop("year"),
            data=data,
        )

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> TierCandidate:
        return services.candidate_update(
            candidate=instance,
            actor=self.request.user,
            data=data,
            expected_version=expected_version,
        )

    @extend_schema(
        request=StepSerializer, responses={200: TierCandidateSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move the candidate on: applied, recognised (records the title on the firm), rejected, withdrawn."""
        return self.step(
            request,
            StepSerializer,
            lambda obj, d: services.candidate_step(
                candidate=obj,
                actor=request.user,
                to_status=d["to_status"],
                on=d.get("on"),
                note=d.get("note") or "",
                expected_version=d.get("version"),
            ),
        )

    @extend_schema(request=None, responses={200: TierCandidateSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def recheck(self, request: Request, pk: str | None = None) -> Response:
        """Work the stored verdict out again on the registry's current figures."""
        cand = services.candidate_recheck(candidate=self.get_object(), actor=request.user)
        return Response(TierCandidateSerializer(cand, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: VerdictSerializer})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        throttle_classes=[ConfidentialFiguresThrottle],
    )
    def criteria(self, request: Request, pk: str | None = None) -> Response:
        """Each criterion with the value found, the threshold and pass / fail / unknown, on what the caller may
        see (figures the caller's scope is not granted are unknown)."""
        cand = self.get_object()
        verdict = selectors.verdict_for(request.user, cand)
        if selectors.figures_visible(request.user):
            # Every read of confidential figures is audited (SECURITY.md AU1), as the firm page's.
            audit.record(
                actor=request.user,
                event_type="view_confidential",
                obj=cand.enterprise,
                detail={"view": "tier criteria (API)", "rule": cand.rule_key},
            )
        return Response(VerdictSerializer(_verdict(verdict)).data)

    @extend_schema(
        responses={200: FoundSerializer(many=True)},
        parameters=[
            OpenApiParameter(
                "rule", str, required=True, description="tier:level, e.g. gazelle:provincial"
            ),
            OpenApiParameter("year", int, description="Application year (default: this year)."),
            OpenApiParameter(
                "possible", bool, description="Also firms failing no known criterion."
            ),
        ],
    )
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        throttle_classes=[ConfidentialFiguresThrottle],
    )
    def find(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """找候选: firms in scope the criteria find eligible (not yet in the pipeline, not holding the title)."""
        rule = str(request.query_params.get("rule", ""))
        if rule not in dict(selectors.rule_choices()):
            raise ValidationError(
                {"rule": [f"One of {', '.join(dict(selectors.rule_choices()))}."]}
            )
        possible = str(request.query_params.get("possible", "")).lower() in ("1", "true", "yes")
        found, checked = selectors.find_candidates(
            request.user, rule, _year(request), include_possible=possible
        )
        if checked and selectors.figures_visible(request.user):
            audit.record(
                actor=request.user,
                event_type="view_confidential",
                object_type="enterprises.enterprise",
                detail={"view": "tier candidates (API)", "rule": rule, "firms": checked},
            )
        rows = [{"enterprise": f.enterprise, "verdict": _verdict(f.verdict)} for f in found]
        return Response(FoundSerializer(rows, many=True).data)


def _verdict(verdict: Any) -> dict[str, Any]:
    return {
        "rule": verdict.rule,
        "label": verdict.label,
        "source": verdict.source,
        "outcome": verdict.outcome,
        "checks": [c.__dict__ for c in verdict.checks],
    }


class TierTargetViewSet(ScopedModelViewSet):
    """The city's (and districts') targets per tier and year; GET …/progress/ the counts against them."""

    model = TierTarget
    serializer_class = TierTargetSerializer
    filterset_class = TargetFilter
    select_related = ("region",)
    ordering_fields = ("year", "tier")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> TierTarget:
        return services.target_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> TierTarget:
        return services.target_update(
            target=instance, actor=self.request.user, data=data, expected_version=expected_version
        )

    def delete_object(self, *, instance: Any) -> None:
        services.target_delete(target=instance, actor=self.request.user)

    @extend_schema(
        responses={200: ProgressSerializer(many=True)},
        parameters=[OpenApiParameter("year", int, description="Year (default: this year).")],
    )
    # One list, not paginated: the schema says so (found by the API fuzzing).
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
    )
    def progress(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """计划完成情况: per tier, the year's target and the counts against it in the caller's scope."""
        rows = selectors.progress(request.user, _year(request))
        return Response(ProgressSerializer(rows, many=True).data)
