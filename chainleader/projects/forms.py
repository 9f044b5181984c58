"""Project forms: explicit fields (SECURITY.md AC4), scoped choices (STYLE.md 3.3), shape checks only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain, Segment
from chainleader.core.files import AttachmentField
from chainleader.core.forms import DATE, VersionedModelForm, style
from chainleader.enterprises.models import Enterprise
from chainleader.parks.models import Park
from chainleader.reference.models import Region

from .models import STAGE_ORDER, MonthlyReport, Problem, Project, Stage, StartBatch


class MonthField(forms.DateField):
    """A month (<input type="month">, "2026-03") as the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        result = super().to_python(value)
        return result.replace(day=1) if result else result


def county_regions() -> Any:
    return Region.objects.filter(level=Region.Level.COUNTY, code__startswith="37")


class ProjectForm(VersionedModelForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "chain",
            "segment",
            "district",
            "park",
            "investor",
            "kind",
            "total_investment_yi",
            "is_leading",
            "owner",
            "signed_on",
            *(f"planned_{s}_on" for s in STAGE_ORDER),
            "description",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "signed_on": DATE,
            **{f"planned_{s}_on": DATE for s in STAGE_ORDER},
        }
        help_texts = {"code": _("Leave empty: the next free code is given.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        # Choices come from what the user can see; the service then checks the project lands in its writable scope.
        self.fields["chain"].queryset = Chain.objects.for_user(self.user)
        self.fields["segment"].queryset = Segment.objects.for_user(self.user).select_related(
            "chain"
        )
        self.fields["district"].queryset = county_regions()
        self.fields["park"].queryset = Park.objects.for_user(self.user)
        self.fields["investor"].queryset = Enterprise.objects.for_user(self.user)
        self.fields["investor"].widget = forms.TextInput(attrs={"class": "form-control"})
        self.fields["investor"].to_field_name = "uscc"
        self.fields["investor"].help_text = _(
            "Unified social credit code of the investing enterprise."
        )
        from django.db.models import Q

        from chainleader.accounts.models import Role, User

        # A district names an owner from its own unit; the office and chain teams from the editor roles.
        owners = User.objects.filter(
            is_active=True,
            role__in=[Role.OFFICE, Role.CHAIN_LEADER, Role.TEAM_MEMBER, Role.DISTRICT],
        )
        if getattr(self.user, "role", "") == Role.DISTRICT:
            owners = owners.filter(
                Q(org_unit_id=self.user.org_unit_id) | Q(pk=self.instance.owner_id or 0)
            )
        self.fields["owner"].queryset = owners
        if self.instance.pk and self.instance.investor_id and not self.is_bound:
            self.initial["investor"] = self.instance.investor.uscc

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        segment, chain = data.get("segment"), data.get("chain")
        if segment is not None and chain is not None and segment.chain_id != chain.pk:
            self.add_error("segment", _("The segment must belong to the chosen chain."))
        return data


class StageChangeForm(forms.Form):
    """One form for the stage workflow: the target stage decides forward (evidence) or back (reason)."""

    to_stage = forms.ChoiceField(label=_("to stage"), choices=Stage.choices)
    happened_on = forms.DateField(
        label=_("date"),
        required=False,
        widget=DATE,
        help_text=_("When the stage was reached (forward only); empty = today."),
    )
    evidence = forms.CharField(
        label=_("evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Forward: document number, permit, inspection record ..."),
    )
    evidence_file = AttachmentField(label=_("evidence file"))
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Back: why the stage was wrong."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        from .services import FORWARD

        if not self.is_bound:
            self.initial.update(
                {
                    "to_stage": FORWARD.get(project.stage, project.stage),
                    "happened_on": timezone.localdate(),
                    "version": project.version,
                }
            )
        style(self)


class MonthlyReportForm(VersionedModelForm):
    month = MonthField(label=_("month"))

    class Meta:
        model = MonthlyReport
        fields = ["month", "planned_yi", "completed_yi", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            self.initial["month"] = timezone.localdate().replace(day=1)
        self.fields["completed_yi"].required = False
        self.fields["planned_yi"].required = False


class StartBatchForm(VersionedModelForm):
    class Meta:
        model = StartBatch
        fields = ["kind", "name", "held_on", "region", "place", "online", "note", "projects"]
        widgets = {
            "held_on": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
            "projects": forms.SelectMultiple(attrs={"size": 12}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            code__startswith="37", level__in=[2, 3]
        )
        self.fields["kind"].required = False  # an older form or client without it: a 集中开工 batch
        # A start batch takes projects about to start or started; a signing ceremony and a completion
        # ceremony take any project of the user's (a signing holds new ones, a completion finished ones).
        self.fields["projects"].queryset = Project.objects.for_user(self.user, write=True).order_by(
            "name_sort"
        )
        if self.instance.pk and not self.is_bound:
            self.initial["projects"] = list(
                self.instance.projects.filter(pk__in=self.fields["projects"].queryset.values("pk"))
            )

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or StartBatch.Kind.START)


class ProblemForm(forms.Form):
    """Raise a problem: on a project (from its page) or on a chain."""

    chain = forms.ModelChoiceField(label=_("chain"), queryset=Chain.objects.none(), required=False)
    project = forms.ModelChoiceField(
        label=_("project"), queryset=Project.objects.none(), required=False
    )
    title = forms.CharField(label=_("Subject"), max_length=200)
    category = forms.ChoiceField(label=_("category"), choices=Problem.Category.choices)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = AttachmentField()

    def __init__(
        self, *args: Any, user: Any, project: Project | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.fixed_project = user, project
        if project is not None:
            del self.fields["chain"], self.fields["project"]
        else:
            self.fields["chain"].queryset = Chain.objects.for_user(user)
            self.fields["project"].queryset = Project.objects.for_user(user, write=True).order_by(
                "name"
            )
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.fixed_project is None and not data.get("chain") and not data.get("project"):
            raise forms.ValidationError(_("Choose a chain or a project."))
        return data


class RequestForm(forms.Form):
    """A firm raises a request (企业诉求); a chain or one of its projects may be named."""

    title = forms.CharField(label=_("Subject"), max_length=200)
    category = forms.ChoiceField(label=_("category"), choices=())
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    chain = forms.ModelChoiceField(label=_("chain"), queryset=Chain.objects.none(), required=False)
    project = forms.ModelChoiceField(
        label=_("project"), queryset=Project.objects.none(), required=False
    )
    attachment = AttachmentField()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .services.problems import FIRM_CATEGORIES

        self.fields["category"].choices = [(c.value, c.label) for c in FIRM_CATEGORIES]
        # A chain or project only from the firm's own scope (the chains it is placed in, its projects).
        self.fields["chain"].queryset = Chain.objects.for_user(user).order_by("name_sort")
        self.fields["project"].queryset = Project.objects.for_user(user).order_by("name")
        style(self)


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("rating (1-5)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Why the answer does not settle the request"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("department"), queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)
    )
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = AttachmentField()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class VerifyForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("result"),
        coerce=lambda v: v == "yes",
        choices=[
            ("yes", _("The answer solves the problem")),
            ("no", _("Not solved: send it back")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
        self.fields["accepted"].widget.attrs["class"] = "form-check-input"


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class BriefForm(forms.Form):
    period_start = forms.DateField(label=_("period start"), widget=DATE)
    period_end = forms.DateField(label=_("period end"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.update({"period_start": today.replace(day=1), "period_end": today})
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        if start and end and (end - start).days > 366:
            raise forms.ValidationError(_("A brief covers at most one year."))
        return data
