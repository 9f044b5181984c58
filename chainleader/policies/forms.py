"""Forms of the policy library: explicit fields (AC4); the conditions as JSON text checked by the service."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainleader.core.files import AttachmentField
from chainleader.core.forms import DATE, VersionedModelForm, style

from .models import MeasureRule, Policy, PolicyItem, base_fact_choices


class PolicyForm(VersionedModelForm):
    document_upload = AttachmentField(label=_("source document"))

    class Meta:
        model = Policy
        fields = [
            "title",
            "issuer",
            "doc_number",
            "issued_on",
            "effective_from",
            "effective_to",
            "areas",
            "summary",
        ]
        widgets = {
            "issued_on": DATE,
            "effective_from": DATE,
            "effective_to": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }


class ConditionsField(forms.JSONField):
    """The condition tree as JSON text; a text that is no JSON says so (the service checks the meaning)."""

    default_error_messages = {"invalid": _("The conditions are not valid JSON: %(detail)s")}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"detail": str(exc)}
            ) from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class PolicyItemForm(VersionedModelForm):
    conditions = ConditionsField(
        label=_("conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "form-control font-monospace"}),
        help_text=PolicyItem._meta.get_field("conditions").help_text,
    )
    base_fact = forms.ChoiceField(label=_("rate applies to"), required=False, choices=())

    class Meta:
        model = PolicyItem
        fields = [
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
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["base_fact"].choices = base_fact_choices()
        self.fields["base_fact"].widget.attrs["class"] = "form-select"


class RunForm(forms.Form):
    year = forms.IntegerField(label=_("figures year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class PaymentForm(forms.Form):
    amount_wan = forms.DecimalField(
        label=_("amount paid (10k yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    paid_on = forms.DateField(label=_("paid on"), widget=DATE)
    voucher_no = forms.CharField(label=_("voucher number"), max_length=60)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class MeasureRuleForm(VersionedModelForm):
    class Meta:
        model = MeasureRule
        fields = ["grade", "min_years", "kind", "measure", "applied_by", "active"]
        widgets = {"measure": forms.Textarea(attrs={"rows": 3})}
