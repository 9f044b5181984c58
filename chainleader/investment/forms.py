"""Forms of investment attraction: explicit fields (AC4), scoped choices (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainleader.chains.models import Chain, Segment
from chainleader.core.files import AttachmentField
from chainleader.core.forms import DATE, VersionedModelForm, style
from chainleader.projects.filters import home_counties

from .models import Lead
from .services import STAGE_ORDER


class LeadForm(VersionedModelForm):
    class Meta:
        model = Lead
        fields = [
            "chain",
            "segment",
            "firm_name",
            "source",
            "district",
            "owner",
            "expected_investment_yi",
            "land_need_mu",
            "promised_intensity_wan_per_mu",
            "promised_tax_wan_per_mu",
            "promised_jobs",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["chain"]
            self.fields["segment"].queryset = Segment.objects.filter(chain=self.instance.chain_id)
        else:
            self.fields["chain"].queryset = Chain.objects.for_user(self.user)
            self.fields["segment"].queryset = Segment.objects.for_user(self.user)
        self.fields["district"].queryset = home_counties(None).order_by("code")


class AdvanceForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("next stage"))
    on = forms.DateField(label=_("date"), widget=DATE)
    note = forms.CharField(
        label=_("notes or evidence (visit, talks)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachment = AttachmentField(
        label=_("evidence file (visit report, letter of intent, agreement)"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, lead: Lead | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = STAGE_ORDER.index(lead.stage) if lead and lead.stage in STAGE_ORDER else -1
        self.fields["to_stage"].choices = [
            (str(s), Lead.Stage(s).label) for s in STAGE_ORDER[current + 1 :]
        ]
        self.fields["on"].initial = timezone.localdate
        style(self)


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("why the lead is closed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
