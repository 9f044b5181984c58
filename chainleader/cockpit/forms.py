"""Forms of the assessment pages: shape checks only; the rules live in services/assessment.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainleader.chains.models import Chain
from chainleader.core.files import AttachmentField
from chainleader.core.views import style_form
from chainleader.reference.models import Region

from . import metrics
from .models import AssessmentScheme, Period, SubjectKind

METHOD_CHOICES = [
    ("ratio", _("attainment against the target, capped")),
    ("best", _("against the best subject")),
    ("rank", _("points by rank")),
]


class SchemeForm(forms.Form):
    """The scheme and one row per metric of the registry (a weight of 0 leaves the metric out)."""

    name = forms.CharField(label=_("name"), max_length=100)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("period"), choices=Period.choices)
    subject_kind = forms.ChoiceField(label=_("subjects"), choices=SubjectKind.choices)
    awards = forms.IntegerField(
        label=_("awards"),
        min_value=0,
        max_value=50,
        initial=3,
        help_text=_("How many of the best get the star (chains) or flag."),
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, instance: AssessmentScheme | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {
                "name": instance.name,
                "year": instance.year,
                "period": instance.period,
                "subject_kind": instance.subject_kind,
                "awards": instance.awards,
                "note": instance.note,
                "version": instance.version,
            }
            for item in instance.items:
                for part in ("weight", "method", "target", "cap"):
                    initial[f"{part}_{item['metric']}"] = item.get(part)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for key, metric in metrics.METRICS.items():
            self.fields[f"weight_{key}"] = forms.FloatField(
                label=metric.label, min_value=0, max_value=1000, initial=0, required=False
            )
            self.fields[f"method_{key}"] = forms.ChoiceField(
                label=_("scoring"), choices=METHOD_CHOICES, initial=metric.default_method
            )
            self.fields[f"target_{key}"] = forms.FloatField(
                label=_("target"), min_value=0, initial=metric.default_target, required=False
            )
            self.fields[f"cap_{key}"] = forms.FloatField(
                label=_("cap"), min_value=0, initial=1.0, required=False
            )
        style_form(self)

    def metric_rows(self) -> list[tuple[Any, list[Any]]]:
        return [
            (m.label, [self[f"{p}_{k}"] for p in ("weight", "method", "target", "cap")])
            for k, m in metrics.METRICS.items()
        ]

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        items = [
            {
                "metric": k,
                "weight": d.get(f"weight_{k}") or 0,
                "method": d.get(f"method_{k}") or "ratio",
                "target": d.get(f"target_{k}") or 1.0,
                "cap": d.get(f"cap_{k}") or 1.0,
            }
            for k in metrics.METRICS
        ]
        return {
            "name": d["name"],
            "year": d["year"],
            "period": d["period"],
            "subject_kind": d["subject_kind"],
            "awards": d["awards"],
            "note": d.get("note") or "",
            "items": items,
        }


class AdjustmentForm(forms.Form):
    chain = forms.ModelChoiceField(label=_("chain"), queryset=Chain.objects.none(), required=False)
    region = forms.ModelChoiceField(
        label=_("District"), queryset=Region.objects.none(), required=False
    )
    points = forms.DecimalField(
        label=_("points"),
        max_digits=6,
        decimal_places=2,
        help_text=_("Above 0 for a bonus, below 0 for a deduction."),
    )
    reason = forms.CharField(label=_("reason"), max_length=500)
    evidence = forms.CharField(
        label=_("evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_file = AttachmentField(label=_("evidence file"))

    def __init__(self, *args: Any, scheme: AssessmentScheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scheme.subject_kind == SubjectKind.CHAIN:
            self.fields["chain"].queryset = Chain.objects.filter(level=Chain.Level.CITY).order_by(
                "name_sort"
            )
            self.fields["chain"].required = True
            del self.fields["region"]
        else:
            codes = [k for k, _l in metrics.subjects(SubjectKind.DISTRICT)]
            self.fields["region"].queryset = Region.objects.filter(code__in=codes).order_by("code")
            self.fields["region"].required = True
            del self.fields["chain"]
        style_form(self)
