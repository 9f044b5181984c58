"""Forms of the tier pipeline: explicit fields (AC4), scoped choices (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainleader.core.files import AttachmentField
from chainleader.core.forms import DATE, VersionedModelForm, style
from chainleader.enterprises.models import Enterprise

from . import selectors
from .models import TierCandidate, TierTarget
from .services import STEPS

DECLARED = list(TierCandidate.DECLARED_FIELDS)


class CandidateForm(VersionedModelForm):
    """Add a firm to a tier's pipeline (firm, tier and level, year), or change what its application declares."""

    rule = forms.ChoiceField(label=_("tier and level"))

    class Meta:
        model = TierCandidate
        fields = ["enterprise", "year", *DECLARED, "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("enterprise", "year", "rule"):
                del self.fields[name]
        else:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(
                self.user, write=True
            ).order_by("name_sort")
            self.fields["rule"].choices = selectors.rule_choices()
            self.fields["year"].initial = timezone.localdate().year
            self.order_fields(["enterprise", "rule", "year"])
        style(self)


class StepForm(forms.Form):
    to_status = forms.ChoiceField(label=_("next step"))
    on = forms.DateField(label=_("date"), widget=DATE)
    note = forms.CharField(
        label=_("note (why, for a rejection or withdrawal)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachment = AttachmentField(label=_("evidence file (the application, the published list)"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, candidate: TierCandidate | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = candidate.status if candidate else ""
        self.fields["to_status"].choices = [
            (str(to), TierCandidate.Status(to).label)
            for to, froms in STEPS.items()
            if status in froms
        ]
        self.fields["on"].initial = timezone.localdate
        style(self)


class FindForm(forms.Form):
    rule = forms.ChoiceField(label=_("tier and level"))
    year = forms.IntegerField(label=_("application year"), min_value=2000, max_value=2100)
    district = forms.ModelChoiceField(label=_("District"), queryset=None, required=False)
    include_possible = forms.BooleanField(
        label=_("also firms whose unknown criteria may pass"), required=False
    )

    def __init__(self, *args: Any, districts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = selectors.rule_choices()
        self.fields["district"].queryset = districts
        self.fields["year"].initial = timezone.localdate().year
        style(self)


class TargetForm(VersionedModelForm):
    class Meta:
        model = TierTarget
        fields = ["tier", "level", "year", "value", "cumulative", "region", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.districts_for(self.user)
        style(self)
