from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chainleader.accounts.models import OrgUnit
from chainleader.core.forms import VersionedModelForm
from chainleader.enterprises.models import Enterprise
from chainleader.reference.models import Industry, Region

from .models import Chain, ChainTarget, Placement, Segment


class ChainForm(VersionedModelForm):
    class Meta:
        model = Chain
        fields = [
            "name",
            "level",
            "region",
            "category",
            "leader_post",
            "deputy_posts",
            "lead_department",
            "team",
            "description",
            "order",
            "masters",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "masters": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            level__in=[Region.Level.PREFECTURE, Region.Level.COUNTY]
        )
        self.fields["lead_department"].queryset = OrgUnit.objects.filter(
            kind=OrgUnit.Kind.DEPARTMENT
        )
        self.fields["team"].queryset = OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM)
        # Candidates: firms holding the 链主 title, plus the current masters (a list of 100k firms is no choice).
        current = Q(mastered_chains=self.instance) if self.instance.pk else Q(pk__in=[])
        self.fields["masters"].queryset = (
            Enterprise.objects.for_user(self.user)
            .filter(Q(tiers__tier="chain_master") | current)
            .distinct()
        )


class ChainTargetForm(VersionedModelForm):
    class Meta:
        model = ChainTarget
        fields = ["year", "indicator", "value", "unit", "note"]


class SegmentForm(VersionedModelForm):
    class Meta:
        model = Segment
        fields = [
            "name",
            "parent",
            "position",
            "order",
            "kind",
            "key_products",
            "synonyms",
            "industry_codes",
            "keywords",
            "excludes",
            "key_technologies",
            "strategic",
            "strategic_source",
            "status_override",
            "override_reason",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("key_products", "synonyms", "keywords", "excludes", "key_technologies")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("strategic") and not (data.get("strategic_source") or "").strip():
            self.add_error(
                "strategic_source",
                _("Name the public list or study that makes this segment a strategic dependency."),
            )
        if data.get("status_override") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Give the reason for the team's status."))
        codes = (data.get("industry_codes") or "").replace("、", " ").split()
        unknown = [c for c in codes if not Industry.objects.filter(code=c).exists()]
        if unknown:
            self.add_error(
                "industry_codes",
                _("Not a GB/T 4754-2017 class: %(codes)s") % {"codes": "、".join(unknown)},
            )
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent_qs = (
            Segment.objects.for_user(self.user)
            .filter(chain_id=self.instance.chain_id)
            .select_related("chain__region")
        )
        if self.instance.pk:
            parent_qs = parent_qs.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parent_qs


class PlacementForm(VersionedModelForm):
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"),
        queryset=Enterprise.objects.none(),
        widget=forms.TextInput,
        help_text=_("Unified social credit code or exact name."),
    )

    class Meta:
        model = Placement
        fields = ["enterprise", "role"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(self.user)
        self.fields["enterprise"].to_field_name = "uscc"
