"""Cockpit and assessment serializers: fields listed explicitly (AC4), read-only."""

from __future__ import annotations

from rest_framework import serializers

from chainleader.chains.models import Chain

from ..models import AssessmentRun, AssessmentScheme, AssessmentScore


class CockpitChainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chain
        fields = ["id", "name", "level"]
        read_only_fields = fields


class AssessmentSchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentScheme
        fields = [
            "id",
            "name",
            "year",
            "period",
            "subject_kind",
            "items",
            "awards",
            "note",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class AssessmentScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentScore
        fields = ["id", "rank", "label", "chain", "region", "total", "awarded", "breakdown"]
        read_only_fields = fields


class AssessmentRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentRun
        fields = [
            "id",
            "scheme",
            "status",
            "scheme_json",
            "period_start",
            "period_end",
            "computed_at",
            "review_opened_at",
            "published_at",
            "note",
        ]
        read_only_fields = fields
