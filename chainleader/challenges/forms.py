"""Forms of challenges, scenes, labs and diagnoses: explicit fields (AC4), scoped choices (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainleader.accounts.models import OrgUnit
from chainleader.accounts.policy import firm_of
from chainleader.chains.models import Chain, Segment
from chainleader.core.files import AttachmentField
from chainleader.core.forms import DATE, VersionedModelForm, style
from chainleader.enterprises.models import Enterprise
from chainleader.reference.models import Region

from .models import (
    CRITERIA,
    DIMENSIONS,
    Acceptance,
    Challenge,
    ChallengeApplication,
    Diagnosis,
    DigitalTitle,
    Lab,
    Scene,
)


class _PublisherForm(VersionedModelForm):
    """Publisher (a firm, or a department), chain and segment; a firm account publishes as itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = (
            Chain.objects.for_user(self.user).select_related("region").order_by("name")
        )
        self.fields["segment"].queryset = Segment.objects.for_user(self.user).select_related(
            "chain"
        )
        if firm_of(self.user) is not None:
            del self.fields["publisher_firm"]
            del self.fields["publisher_unit"]
        else:
            self.fields["publisher_firm"].queryset = Enterprise.objects.for_user(
                self.user, write=True
            ).order_by("name_sort")
            self.fields["publisher_unit"].queryset = OrgUnit.objects.filter(
                kind=OrgUnit.Kind.DEPARTMENT
            ).order_by("name")
        style(self)


class ChallengeForm(_PublisherForm):
    class Meta:
        model = Challenge
        fields = [
            "title",
            "publisher_firm",
            "publisher_unit",
            "chain",
            "segment",
            "need",
            "requirements",
            "budget_wan",
            "deadline",
        ]
        widgets = {
            "need": forms.Textarea(attrs={"rows": 3}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
            "deadline": DATE,
        }


class SceneForm(_PublisherForm):
    class Meta:
        model = Scene
        fields = [
            "title",
            "publisher_firm",
            "publisher_unit",
            "chain",
            "segment",
            "sought",
            "budget_wan",
            "note",
        ]
        widgets = {
            "sought": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class StepForm(forms.Form):
    """发榜, 截止 (selection opens) or 撤榜 (with the reason)."""

    step = forms.ChoiceField(label=_("workflow step"))
    reason = forms.CharField(
        label=_("reason (for a withdrawal)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    LABELS = {
        "publish": _("publish"),
        "close": _("close applications and start selection"),
        "withdraw": _("withdraw"),
    }

    def __init__(self, *args: Any, steps: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [
            (s, self.LABELS[s]) for s in (steps or []) if s in self.LABELS
        ]
        style(self)


class SceneStepForm(forms.Form):
    step = forms.ChoiceField(
        label=_("workflow step"), choices=[("publish", _("publish")), ("close", _("close"))]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ApplyForm(forms.Form):
    """揭榜: a firm of the registry (an editor chooses; a firm account applies as itself) or a named solver."""

    solver_firm = forms.ModelChoiceField(
        label=_("solver firm"), queryset=Enterprise.objects.none(), required=False
    )
    solver_name = forms.CharField(
        label=_("solver (university or lab)"), max_length=200, required=False
    )
    contact = forms.CharField(label=_("contact"), max_length=100, required=False)
    proposal = forms.CharField(label=_("proposal"), widget=forms.Textarea(attrs={"rows": 4}))
    asked_wan = forms.DecimalField(
        label=_("amount asked (10k yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    attachment = AttachmentField()

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if firm_of(user) is not None:
            del self.fields["solver_firm"]
            del self.fields["solver_name"]
        else:
            self.fields["solver_firm"].queryset = Enterprise.objects.for_user(user).order_by(
                "name_sort"
            )
        style(self)


class ScoreForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, top in CRITERIA:
            self.fields[f"c_{name}"] = forms.DecimalField(
                label=f"{label}（0–{top}）",
                min_value=0,
                max_value=top,
                max_digits=5,
                decimal_places=2,
            )
        self.order_fields([f"c_{n}" for n, _l, _t in CRITERIA] + ["note"])
        style(self)

    def scores(self) -> dict[str, Any]:
        return {name: self.cleaned_data[f"c_{name}"] for name, _l, _t in CRITERIA}


class SelectForm(forms.Form):
    application = forms.ModelChoiceField(
        label=_("selected application"), queryset=ChallengeApplication.objects.none()
    )
    contract_wan = forms.DecimalField(
        label=_("contract amount (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Blank takes the amount asked."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, challenge: Challenge | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if challenge is not None:
            self.fields["application"].queryset = challenge.applications.filter(
                status=ChallengeApplication.Status.SUBMITTED
            ).select_related("solver_firm")
        style(self)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milestone name"), max_length=200)
    due_on = forms.DateField(label=_("due on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label=_("done on"), widget=DATE)
    evidence = AttachmentField(label=_("evidence file"))
    note = forms.CharField(label=_("note"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate
        style(self)


class AcceptForm(forms.Form):
    on = forms.DateField(label=_("accepted on"), widget=DATE)
    verdict = forms.ChoiceField(label=_("verdict"), choices=Acceptance.Verdict.choices)
    evidence = AttachmentField(label=_("evidence file"))
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate
        style(self)


class SceneApplyForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("supplier"), queryset=Enterprise.objects.none(), required=False
    )
    offer = forms.CharField(label=_("offer"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if firm_of(user) is not None:
            del self.fields["supplier"]
        else:
            self.fields["supplier"].queryset = Enterprise.objects.for_user(user).order_by(
                "name_sort"
            )
            initial = kwargs.get("initial") or {}
            if initial.get("supplier"):
                self.fields["supplier"].initial = initial["supplier"]
        style(self)


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AnswerForm(forms.Form):
    accept = forms.ChoiceField(
        label=_("answer"), choices=[("yes", _("accept")), ("no", _("decline"))]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class LabForm(VersionedModelForm):
    class Meta:
        model = Lab
        fields = [
            "name",
            "kind",
            "host",
            "segment",
            "funding_wan",
            "results",
            "recognised_on",
            "ends_on",
        ]
        widgets = {
            "results": forms.Textarea(attrs={"rows": 3}),
            "recognised_on": DATE,
            "ends_on": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Enterprise.objects.for_user(self.user, write=True).order_by(
            "name_sort"
        )
        self.fields["segment"].queryset = (
            Segment.objects.for_user(self.user)
            .filter(children=None)
            .select_related("chain__region")
        )
        style(self)


class TitleForm(VersionedModelForm):
    class Meta:
        model = DigitalTitle
        fields = ["enterprise", "kind", "level", "year"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(
            self.user, write=True
        ).order_by("name_sort")
        style(self)


class DiagnosisForm(VersionedModelForm):
    class Meta:
        model = Diagnosis
        fields = [
            "enterprise",
            "provider",
            "diagnosed_on",
            *(name for name, _label in DIMENSIONS),
            "note",
        ]
        widgets = {"diagnosed_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(
            self.user, write=True
        ).order_by("name_sort")
        for name, _label in DIMENSIONS:
            self.fields[name].widget = forms.Select(
                choices=[("", "—")] + [(i, str(i)) for i in range(1, 6)]
            )
        style(self)


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("recommendation"), max_length=500)
    dimension = forms.ChoiceField(
        label=_("dimension"), required=False, choices=[("", "—"), *DIMENSIONS]
    )
    estimated_wan = forms.DecimalField(
        label=_("estimated investment (10k yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ConvertForm(forms.Form):
    """A recommendation into an upgrade project: the chain (the firm's chains first), the name, the investment."""

    name = forms.CharField(label=_("project name"), max_length=200, required=False)
    chain = forms.ModelChoiceField(label=_("chain"), queryset=Chain.objects.none())
    segment = forms.ModelChoiceField(
        label=_("segment"), queryset=Segment.objects.none(), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Blank takes the firm's registered district."),
    )
    total_investment_yi = forms.DecimalField(
        label=_("total investment (100 million yuan)"),
        max_digits=14,
        decimal_places=4,
        min_value=0,
        required=False,
        help_text=_("Blank takes the recommendation's estimate."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, user: Any = None, enterprise: Enterprise | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        chains = Chain.objects.for_user(user).select_related("region").order_by("name")
        self.fields["chain"].queryset = chains
        self.fields["segment"].queryset = Segment.objects.for_user(user).select_related(
            "chain__region"
        )
        self.fields["district"].queryset = Region.objects.filter(
            level=Region.Level.COUNTY, code__startswith=settings.CHAINLEADER_HOME_REGION
        ).order_by("code")
        if enterprise is not None and not self.is_bound:
            placed = chains.filter(segments__placements__enterprise=enterprise).first()
            if placed is not None:
                self.fields["chain"].initial = placed.pk
        style(self)
