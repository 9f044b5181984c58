"""Forms of service commissioners: explicit fields (AC4), scoped choices (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainleader.core.files import AttachmentField
from chainleader.core.forms import DATE, style
from chainleader.enterprises.models import Enterprise
from chainleader.projects.models import Problem

from .models import Assignment, Visit, default_interval
from .services import commissioner_candidates


class CommissionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = f"（{obj.org_unit}）" if obj.org_unit_id else ""
        return f"{obj.full_name or obj.username}{unit} · {obj.username}"


class AssignForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("enterprise"), queryset=Enterprise.objects.none())
    commissioner = CommissionerChoiceField(
        label=_("service commissioner"), queryset=commissioner_candidates()
    )
    kind = forms.ChoiceField(label=_("kind of firm"), choices=Assignment.Kind.choices)
    since = forms.DateField(label=_("assigned since"), widget=DATE)
    visit_interval_days = forms.IntegerField(
        label=_("visit interval (days)"), min_value=1, max_value=366
    )
    notes = forms.CharField(
        label=_("notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any = None, enterprise: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        firms = Enterprise.objects.for_user(user, write=True)
        self.fields["enterprise"].queryset = firms
        self.fields["commissioner"].queryset = commissioner_candidates().select_related("org_unit")
        if enterprise is not None:
            self.fields["enterprise"].initial = enterprise.pk
        self.fields["since"].initial = timezone.localdate
        self.fields["visit_interval_days"].initial = default_interval
        style(self)


class AssignmentEditForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of firm"), choices=Assignment.Kind.choices)
    visit_interval_days = forms.IntegerField(
        label=_("visit interval (days)"), min_value=1, max_value=366
    )
    notes = forms.CharField(
        label=_("notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, assignment: Assignment | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assignment is not None and not self.is_bound:
            self.initial.update(
                kind=assignment.kind,
                visit_interval_days=assignment.visit_interval_days,
                notes=assignment.notes,
                version=assignment.version,
            )
        style(self)


class UnassignForm(forms.Form):
    until = forms.DateField(label=_("assigned until"), widget=DATE)
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = timezone.localdate
        style(self)


class VisitForm(forms.Form):
    on = forms.DateField(label=_("visit date"), widget=DATE)
    form = forms.ChoiceField(label=_("form of visit"), choices=Visit.Form.choices)
    notes = forms.CharField(
        label=_("visit notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    requests = forms.ModelMultipleChoiceField(
        label=_("requests raised"),
        required=False,
        queryset=Problem.objects.none(),
        help_text=_("The firm's requests (企业诉求) raised or followed up during the visit."),
    )
    attachment = AttachmentField()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, assignment: Assignment | None = None, user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate
        if assignment is not None:
            # The firm's own requests: its commissioner links them whatever their role's scope of problems.
            self.fields["requests"].queryset = Problem.objects.filter(
                source=Problem.Source.FIRM, enterprise_id=assignment.enterprise_id
            ).order_by("-pk")
        style(self)
