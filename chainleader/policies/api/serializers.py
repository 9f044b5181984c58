"""Serializers of the policy API: fields listed explicitly (AC4). Conditions are checked as the forms check them
(a 400 naming the path of the bad node, never a 500)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from chainleader.core.api import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from chainleader.engines import eligibility as engine

from ..models import (
    EligibilityResult,
    EligibilityRun,
    MeasureRule,
    Payment,
    Policy,
    PolicyItem,
)

STAMPS = ("created_at", "updated_at")


class PolicySerializer(VersionedModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="draft or published (POST …/publish/)."
    )
    has_document = serializers.SerializerMethodField()

    class Meta(VersionedModelSerializer.Meta):
        model = Policy
        fields = [
            "id",
            "title",
            "issuer",
            "doc_number",
            "issued_on",
            "effective_from",
            "effective_to",
            "areas",
            "summary",
            "status",
            "has_document",
            "is_synthetic",
            "version",
            *STAMPS,
        ]
        read_only_fields = ["status", "is_synthetic", *STAMPS]

    def get_has_document(self, obj: Policy) -> bool:
        return bool(obj.document)


class PolicyItemSerializer(VersionedModelSerializer):
    policy = ScopedPrimaryKeyRelatedField(model=Policy, help_text="Set on create.")
    conditions = serializers.JSONField(
        required=False,
        help_text='A condition tree: {"all"|"any": [...]}, {"not": ...}, leaves {"fact", "op", "value"}.',
    )
    base_fact = serializers.CharField(required=False, allow_blank=True)
    create_only_fields = ("policy",)

    class Meta(VersionedModelSerializer.Meta):
        model = PolicyItem
        fields = [
            "id",
            "policy",
            "number",
            "title",
            "area",
            "support_kind",
            "amount_kind",
            "fixed_wan",
            "rate_pct",
            "base_fact",
            "cap_wan",
            "conditions",
            "current_version",
            "version",
            *STAMPS,
        ]
        read_only_fields = ["current_version", *STAMPS]

    def validate_conditions(self, value: Any) -> Any:
        problems = engine.check(value if value not in (None, {}) else {"all": []})
        if problems:
            raise serializers.ValidationError([str(p) for p in problems])
        return value

    def validate_base_fact(self, value: str) -> str:
        if value and engine.FACTS.get(value, ("",))[0] != engine.NUMBER:
            raise serializers.ValidationError("须为一个数值数据项。")
        return value


class EligibilityRunSerializer(serializers.ModelSerializer):
    item_version_number = serializers.IntegerField(source="item_version.number", read_only=True)
    conditions = serializers.JSONField(source="item_version.conditions", read_only=True)

    class Meta:
        model = EligibilityRun
        fields = [
            "id",
            "item",
            "item_version",
            "item_version_number",
            "conditions",
            "year",
            "run_on",
            "counts",
            "created_at",
        ]
        read_only_fields = fields


class RunStartSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class EligibilityResultSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    policy = serializers.IntegerField(source="run.item.policy_id", read_only=True)
    item = serializers.IntegerField(source="run.item_id", read_only=True)
    year = serializers.IntegerField(source="run.year", read_only=True)
    reasons = serializers.JSONField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending, confirmed or rejected.")

    class Meta:
        model = EligibilityResult
        fields = [
            "id",
            "run",
            "policy",
            "item",
            "year",
            "enterprise",
            "enterprise_name",
            "eligible",
            "reasons",
            "amount_wan",
            "status",
            "decided_at",
        ]
        read_only_fields = fields


class DecideSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    confirm = serializers.BooleanField(default=True)


class PaymentSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "result",
            "enterprise",
            "enterprise_name",
            "amount_wan",
            "paid_on",
            "voucher_no",
            "note",
            "is_synthetic",
            "created_at",
        ]
        read_only_fields = ["enterprise", "enterprise_name", "is_synthetic", "created_at"]


class MeasureRuleSerializer(VersionedModelSerializer):
    class Meta(VersionedModelSerializer.Meta):
        model = MeasureRule
        fields = [
            "id",
            "grade",
            "min_years",
            "kind",
            "measure",
            "applied_by",
            "active",
            "version",
            *STAMPS,
        ]
        read_only_fields = list(STAMPS)
