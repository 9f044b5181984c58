"""Forms of matching: publish a need or an offer, answer a match. Explicit fields (AC4), scoped choices."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chainleader.accounts.policy import firm_of
from chainleader.chains.models import Chain, Segment
from chainleader.core.forms import DATE, VersionedModelForm, style
from chainleader.enterprises.lookups import FirmResolver

from .models import Need, Offer

LISTING_FIELDS = ["enterprise", "product", "spec", "chain", "segment"]


class EnterpriseField(forms.CharField):
    """A firm by its credit code or exact name, among the firms the user may see (a text box, not a select of
    every firm in scope)."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self, value: Any) -> Any:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        # The imports' lookup (one rule and one wording); a credit code typed in lower case is found too.
        firms = FirmResolver.for_user(self.user, {text, text.upper()})
        firm, error = firms.resolve(text.upper())
        if firm is None and text.upper() != text:
            firm, error = firms.resolve(text)
        if firm is None:
            raise ValidationError(error)
        return firm


class ListingForm(VersionedModelForm):
    """A need or an offer. A firm account publishes for itself (no enterprise field); the office names the firm.
    The firm of a published listing does not change."""

    enterprise_label = _("enterprise")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk or firm_of(self.user) is not None:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"] = EnterpriseField(
                label=self.enterprise_label,
                user=self.user,
                help_text=_("Unified social credit code or exact name."),
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        chain_field = cast(forms.ModelChoiceField, self.fields["chain"])
        chain_field.queryset = Chain.objects.for_user(self.user).select_related("region")
        segment_field = cast(forms.ModelChoiceField, self.fields["segment"])
        segment_field.queryset = (
            Segment.objects.for_user(self.user).select_related("chain").order_by("chain", "order")
        )
        if not self.instance.pk:
            del self.fields["is_open"]


class NeedForm(ListingForm):
    enterprise_label = _("chain-master firm")

    class Meta:
        model = Need
        fields = [*LISTING_FIELDS, "volume", "needed_by", "note", "is_open"]
        widgets = {"needed_by": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class OfferForm(ListingForm):
    class Meta:
        model = Offer
        fields = [*LISTING_FIELDS, "capacity", "note", "is_open"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class DealForm(StepForm):
    deal_amount_wan = forms.DecimalField(
        label=_("deal amount (10k yuan)"), min_value=0, max_digits=14, decimal_places=2
    )


class CloseForm(StepForm):
    reason = forms.CharField(label=_("reason for closing"), max_length=200)
