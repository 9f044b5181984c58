"""Evaluation serializers: explicit fields (SECURITY.md AC4); everything but an appeal's claim is read-only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chainleader.accounts.policy import scope_for
from chainleader.core.api import ScopedPrimaryKeyRelatedField
from chainleader.evaluation import selectors
from chainleader.evaluation.models import Appeal, EvaluationResult, EvaluationRun

RUN_FIELDS = [
    "id",
    "year",
    "status",
    "scheme",
    "scheme_number",
    "scheme_label",
    "counts",
    "benchmarks",
    "started_at",
    "finished_at",
    "review_opened_at",
    "published_at",
    "version",
]


class EvaluationRunSerializer(serializers.ModelSerializer):
    scheme_number = serializers.IntegerField(source="scheme.number", read_only=True)
    scheme_label = serializers.CharField(source="scheme.label", read_only=True)
    # Counted in the caller's scope (a district its own firms, not the city's): issue 13, item 7.
    counts = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_counts(self, run: EvaluationRun) -> dict[str, Any]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and scope_for(user).everything:
            return dict(run.counts)
        return selectors.run_counts(run, user)

    class Meta:
        model = EvaluationRun
        fields = RUN_FIELDS
        read_only_fields = RUN_FIELDS


RESULT_FIELDS = [
    "id",
    "run",
    "year",
    "enterprise",
    "enterprise_name",
    "uscc",
    "group",
    "graded",
    "score",
    "rank",
    "grade",
    "reason",
    "land_mu",
    "tax_wan",
    "indicators",
    "inputs",
]


class EvaluationResultSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="run.year", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)

    class Meta:
        model = EvaluationResult
        fields = RESULT_FIELDS
        read_only_fields = RESULT_FIELDS


APPEAL_READ_ONLY = [
    "id",
    "enterprise",
    "current_value",
    "evidence_name",
    "status",
    "outcome",
    "submitted_at",
    "checked_at",
    "district_supports",
    "check_note",
    "decided_at",
    "decision_note",
    "score_before",
    "grade_before",
    "score_after",
    "grade_after",
    "version",
]


class AppealSerializer(serializers.ModelSerializer):
    result = ScopedPrimaryKeyRelatedField(model=EvaluationResult)
    evidence = serializers.FileField(
        write_only=True,
        help_text="PDF, PNG, JPEG, .docx or .xlsx, at most 10 MB (multipart/form-data).",
    )
    claimed_value = serializers.DecimalField(max_digits=16, decimal_places=3)

    class Meta:
        model = Appeal
        fields = [*APPEAL_READ_ONLY[:2], "result", "field", "claimed_value", "evidence", "note"]
        fields += APPEAL_READ_ONLY[2:]
        read_only_fields = APPEAL_READ_ONLY


class AppealCheckSerializer(serializers.Serializer):
    supports = serializers.BooleanField(help_text="Whether the district supports the claim.")
    note = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)


class AppealDecideSerializer(serializers.Serializer):
    accepted = serializers.BooleanField(
        help_text="true changes the figure and re-scores the run's year; false rejects."
    )
    note = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)
