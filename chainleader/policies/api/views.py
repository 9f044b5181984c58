"""Policy endpoints: policies and items (the office writes; items' conditions checked), runs (the office starts
one), results (a firm its own; the office confirms in bulk), payments (the office records; a firm reads its own),
and the measure rules. Results carry confidential figures: every read that returns any is audited (AU1)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chainleader.accounts.policy import is_office
from chainleader.core import audit
from chainleader.core.api import (
    WORKFLOW_ERRORS,
    ScopedAutoSchema,
    ScopedModelViewSet,
    ScopedViewSetMixin,
)
from chainleader.core.exceptions import WorkflowForbidden

from .. import services
from ..filters import MeasureRuleFilter, PaymentFilter, PolicyFilter, ResultFilter, RunFilter
from ..models import EligibilityResult, EligibilityRun, MeasureRule, Payment, Policy, PolicyItem
from .serializers import (
    DecideSerializer,
    EligibilityResultSerializer,
    EligibilityRunSerializer,
    MeasureRuleSerializer,
    PaymentSerializer,
    PolicyItemSerializer,
    PolicySerializer,
    RunStartSerializer,
)

NO_DELETE = ["post", "put", "patch", "get", "head", "options"]


class IsOfficeOrReadOnly(permissions.BasePermission):
    """Reads for every signed-in user (scoped); writes for the office only."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or is_office(request.user)


class AuditedReads:
    request: Any
    audit_type = ""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        data = response.data
        rows = data.get("results", []) if isinstance(data, dict) else data
        if rows:
            audit.record(
                actor=request.user,
                event_type="view_confidential",
                object_type=self.audit_type,
                detail={"count": len(rows)},
            )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        audit.record(
            actor=request.user,
            event_type="view_confidential",
            object_type=self.audit_type,
            object_id=response.data.get("id", ""),
            detail={"count": 1},
        )
        return response


class PolicyViewSet(ScopedModelViewSet):
    """The policy library: published policies for every business scope, drafts for the office."""

    model = Policy
    serializer_class = PolicySerializer
    filterset_class = PolicyFilter
    permission_classes = [IsOfficeOrReadOnly]
    http_method_names = NO_DELETE
    ordering_fields = ("issued_on", "title", "issuer")

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> Policy:
        return services.policy_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> Policy:
        return services.policy_update(
            policy=instance, actor=self.request.user, data=data, expected_version=expected_version
        )

    @extend_schema(request=None, responses={200: PolicySerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        policy = self.get_object()
        policy = services.policy_publish(policy=policy, actor=request.user)
        return Response(self.get_serializer(self.reload(policy)).data)


class PolicyItemViewSet(ScopedModelViewSet):
    """Items with their conditions (a JSON tree) and amount rule. A change of the conditions of an item that
    has run (or of a published policy) makes a new version; runs keep theirs."""

    model = PolicyItem
    serializer_class = PolicyItemSerializer
    permission_classes = [IsOfficeOrReadOnly]
    http_method_names = NO_DELETE
    select_related = ("policy",)
    ordering_fields = ("number",)

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> PolicyItem:
        policy = data.pop("policy")
        return services.item_create(actor=self.request.user, policy=policy, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> PolicyItem:
        data.pop("policy", None)
        return services.item_update(
            item=instance, actor=self.request.user, data=data, expected_version=expected_version
        )


class EligibilityRunViewSet(
    ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):  # type: ignore[misc]
    """Runs of an item over every firm (POST {item, year}: the office)."""

    schema = ScopedAutoSchema()
    model = EligibilityRun
    serializer_class = EligibilityRunSerializer
    filterset_class = RunFilter
    permission_classes = [IsOfficeOrReadOnly]
    select_related = ("item_version",)
    ordering_fields = ("year", "run_on")

    @extend_schema(request=RunStartSerializer, responses={201: EligibilityRunSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = RunStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = (
            PolicyItem.objects.for_user(request.user).filter(pk=body.validated_data["item"]).first()
        )
        if item is None:
            return Response({"item": ["No such item."]}, status=status.HTTP_400_BAD_REQUEST)
        run = services.run_item(item=item, actor=request.user, year=body.validated_data["year"])
        return Response(self.get_serializer(run).data, status=status.HTTP_201_CREATED)


class EligibilityResultViewSet(AuditedReads, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[misc]
    """Eligibility results with the reason per condition (a firm account: its own). POST …/decide/ confirms
    results of one run in bulk (the office)."""

    schema = ScopedAutoSchema()
    model = EligibilityResult
    serializer_class = EligibilityResultSerializer
    filterset_class = ResultFilter
    permission_classes = [permissions.IsAuthenticated]
    select_related = ("enterprise", "run__item")
    ordering_fields = ("eligible", "status")
    audit_type = "policies.eligibilityresult"

    @extend_schema(request=DecideSerializer, responses={200: DecideSerializer})
    @action(detail=False, methods=["post"], permission_classes=[IsOfficeOrReadOnly])
    def decide(self, request: Request) -> Response:
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data["ids"]
        if not is_office(request.user):
            raise WorkflowForbidden(_("Only the office changes policies and their payments."))
        runs = set(
            EligibilityResult.objects.for_user(request.user, write=True)
            .filter(pk__in=ids)
            .values_list("run_id", flat=True)
        )
        n = 0
        for run in EligibilityRun.objects.for_user(request.user).filter(pk__in=runs):
            n += services.results_decide(
                run=run, actor=request.user, ids=ids, confirm=body.validated_data["confirm"]
            )
        return Response({"ids": ids, "confirm": body.validated_data["confirm"], "decided": n})


class PaymentViewSet(
    AuditedReads, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):  # type: ignore[misc]
    """Payments (兑现) of confirmed results: the office records them (the firm is notified); a firm reads its own."""

    schema = ScopedAutoSchema()
    model = Payment
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    permission_classes = [IsOfficeOrReadOnly]
    select_related = ("enterprise",)
    ordering_fields = ("paid_on", "amount_wan")
    audit_type = "policies.payment"

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = PaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        result = (
            EligibilityResult.objects.for_user(request.user, write=True)
            .filter(pk=d["result"].pk)
            .select_related("run__item__policy")
            .first()
        )
        if result is None:
            return Response({"result": ["No such result."]}, status=status.HTTP_400_BAD_REQUEST)
        payment = services.payment_record(
            result=result,
            actor=request.user,
            amount_wan=d["amount_wan"],
            paid_on=d["paid_on"],
            voucher_no=d["voucher_no"],
            note=d.get("note") or "",
        )
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)


class MeasureRuleViewSet(ScopedModelViewSet):
    """The differentiated measures as rules: class, consecutive years at least, kind, measure."""

    model = MeasureRule
    serializer_class = MeasureRuleSerializer
    filterset_class = MeasureRuleFilter
    permission_classes = [IsOfficeOrReadOnly]
    http_method_names = NO_DELETE

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> MeasureRule:
        return services.measure_rule_create(actor=self.request.user, data=data)

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> MeasureRule:
        return services.measure_rule_update(
            rule=instance, actor=self.request.user, data=data, expected_version=expected_version
        )
