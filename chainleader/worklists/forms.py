"""Forms of the four lists: explicit fields (AC4), scoped choices (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain
from chainleader.core.files import AttachmentField
from chainleader.core.forms import DATE, VersionedModelForm, style
from chainleader.investment.models import Lead
from chainleader.projects.models import Project

from .models import ChainMeeting, WorkItem


class WorkItemForm(VersionedModelForm):
    class Meta:
        model = WorkItem
        fields = [
            "kind",
            "chain",
            "year",
            "title",
            "description",
            "project",
            "lead",
            "target_firm",
            "target_investment_yi",
            "owner_unit",
            "owner_user",
            "deadline",
        ]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The list and the chain an item is on stay fixed; move it by closing it and adding a new one.
            del self.fields["kind"], self.fields["chain"]
        else:
            self.fields["chain"].queryset = Chain.objects.for_user(self.user)
            if not self.is_bound:
                self.initial["year"] = timezone.localdate().year
        # A number, not a select: a select would list every project in scope.
        self.fields["project"] = forms.ModelChoiceField(
            label=_("project code"),
            queryset=Project.objects.for_user(self.user),
            required=False,
            to_field_name="code",
            widget=forms.TextInput(attrs={"class": "form-control"}),
            help_text=_("Key construction projects: the project's code, e.g. XM2026-00001."),
        )
        if self.instance.pk and self.instance.project_id and not self.is_bound:
            self.initial["project"] = self.instance.project.code
        self.fields["owner_unit"].queryset = OrgUnit.objects.exclude(kind=OrgUnit.Kind.ENTERPRISE)
        self.fields["lead"].queryset = (
            Lead.objects.for_user(self.user)
            .exclude(stage=Lead.Stage.CLOSED)
            .select_related("chain")
            .order_by("chain_id", "firm_name_sort")
        )
        self.fields["lead"].help_text = _(
            "Key investment projects: the lead being followed; its firm fills the target firm."
        )
        self.fields["owner_user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(role__in=["enterprise", "system_admin", "security_admin", "audit_admin"])
        )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = AttachmentField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class RequestCloseForm(forms.Form):
    text = forms.CharField(label=_("what was achieved"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = AttachmentField()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ReviewForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("result"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", _("Passed: ready to close out")), ("no", _("Not done: send it back"))],
    )
    text = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
        self.fields["approved"].widget.attrs["class"] = "form-check-input"


class CloseItemForm(forms.Form):
    text = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


def _people() -> Any:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(role__in=["enterprise", "system_admin", "security_admin", "audit_admin"])
    )


class ChainMeetingForm(VersionedModelForm):
    class Meta:
        model = ChainMeeting
        fields = [
            "chain",
            "title",
            "held_on",
            "place",
            "host_unit",
            "chair",
            "chair_name",
            "attendees",
            "agenda",
            "minutes",
            "status",
        ]
        widgets = {
            "held_on": DATE,
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "agenda": forms.Textarea(attrs={"rows": 10}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["chain"]  # a meeting stays on its chain
        else:
            self.fields["chain"].queryset = Chain.objects.for_user(self.user)
            if not self.is_bound:
                self.initial["held_on"] = timezone.localdate()
        self.fields["agenda"].help_text = _(
            "Left empty, it is built from the chain's figures: the last meeting's decisions, open problems, "
            "lagging projects and open list items."
        )
        self.fields["host_unit"].queryset = OrgUnit.objects.exclude(kind=OrgUnit.Kind.ENTERPRISE)
        self.fields["chair"].queryset = _people()


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_unit = forms.ModelChoiceField(label=_("owner unit"), queryset=OrgUnit.objects.none())
    owner_user = forms.ModelChoiceField(
        label=_("owner"), queryset=get_user_model().objects.none(), required=False
    )
    deadline = forms.DateField(label=_("deadline"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = OrgUnit.objects.exclude(kind=OrgUnit.Kind.ENTERPRISE)
        self.fields["owner_user"].queryset = _people()
        style(self)
