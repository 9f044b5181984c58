"""Forms of the evaluation pages: shape checks only; the rules live in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainleader.core.forms import VersionedModelForm
from chainleader.engines import mu_yield

from .evidence import evidence_problem
from .models import APPEAL_FIELDS, ClassMeasure, SchemeVersion


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class RunStartForm(StyledForm):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    scheme = forms.ModelChoiceField(
        label=_("scheme version"), queryset=SchemeVersion.objects.none()
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = SchemeVersion.objects.for_user(user).order_by("-number")


class SchemeVersionForm(StyledForm):
    scheme_json = forms.CharField(
        label=_("scheme (JSON)"),
        widget=forms.Textarea(attrs={"rows": 28, "class": "form-control font-monospace"}),
        max_length=100_000,
        help_text=_(
            "Indicators, weights, cap, class shares and scope rules (MU_SCHEME.md). Give the new "
            "version its own “version” label; runs already made keep the version they used."
        ),
    )
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def clean_scheme_json(self) -> str:
        text = self.cleaned_data["scheme_json"]
        try:
            mu_yield.Scheme.from_json(text)
        except ValueError as exc:
            raise forms.ValidationError(
                _("The scheme is not valid: %(error)s"), params={"error": exc}
            ) from None
        return text


class EvidenceField(forms.FileField):
    """The appeal's evidence, checked (type, size, first bytes) before anything is stored."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if value:
            problem = evidence_problem(value)
            if problem:
                raise forms.ValidationError(problem)
        return value


class AppealForm(StyledForm):
    field = forms.ChoiceField(label=_("figure"), choices=APPEAL_FIELDS)
    claimed_value = forms.DecimalField(
        label=_("claimed value"), max_digits=16, decimal_places=3, min_value=-(10**12)
    )
    evidence = EvidenceField(
        label=_("evidence"),
        help_text=_("PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx); at most 10 MB."),
    )
    note = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class StepForm(StyledForm):
    """A confirmation step that only carries the version the user saw (optimistic locking, RL1)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AppealCheckForm(StepForm):
    supports = forms.TypedChoiceField(
        label=_("the district's opinion"),
        choices=(("1", _("supports the claim")), ("0", _("does not support the claim"))),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("what the district found"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AppealDecideForm(StepForm):
    accepted = forms.TypedChoiceField(
        label=_("decision"),
        choices=(("1", _("accept: change the figure and re-score")), ("0", _("reject"))),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ClassMeasureForm(VersionedModelForm):
    class Meta:
        model = ClassMeasure
        fields = ["land", "power_water_gas", "support"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
