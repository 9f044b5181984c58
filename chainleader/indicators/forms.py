"""Forms of the indicator system: explicit fields (AC4), scoped choices (STYLE.md 3.3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain
from chainleader.core.files import AttachmentField
from chainleader.core.forms import DATE, VersionedModelForm, style
from chainleader.enterprises.models import Enterprise
from chainleader.reference.models import Region

from .models import Indicator, IndicatorTarget, IndicatorValue, Source


def _districts() -> Any:
    return Region.objects.filter(
        code__startswith=settings.CHAINLEADER_HOME_REGION, level=Region.Level.COUNTY
    )


class IndicatorForm(VersionedModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "group",
            "unit",
            "direction",
            "frequency",
            "kind",
            "level",
            "owner",
            "source",
            "computed_key",
            "formula",
            "reference",
            "tolerance_pct",
            "threshold",
            "order",
        ]
        widgets = {"formula": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)


class _SubjectForm(VersionedModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _districts()
        self.fields["region"].help_text = _("Blank with no chain: the city.")
        self.fields["chain"].queryset = Chain.objects.for_user(
            self.user, write=True
        ).select_related("region")
        if self.instance.pk:
            for name in ("indicator", "region", "chain"):
                self.fields[name].disabled = True


class TargetForm(_SubjectForm):
    class Meta:
        model = IndicatorTarget
        fields = [
            "indicator",
            "region",
            "chain",
            "base_year",
            "base_value",
            "target_year",
            "target_value",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.for_user(self.user)


class ValueForm(_SubjectForm):
    class Meta:
        model = IndicatorValue
        fields = ["indicator", "region", "chain", "year", "period", "value", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.for_user(self.user).filter(
            source=Source.MANUAL
        )

    def data_for_service(self) -> tuple[dict[str, Any], dict[str, Any]]:
        data, m2m = super().data_for_service()
        if self.instance.pk:
            for name in ("indicator", "region", "chain"):
                data.pop(name, None)
        return data, m2m


class RelocationFlagForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("enterprise"), queryset=Enterprise.objects.none())
    note = forms.CharField(
        label=_("note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What points to the move: talks with another city, land sought elsewhere …"),
    )
    evidence = AttachmentField(label=_("evidence file"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, write=True)
        style(self)


class WarningConfirmForm(forms.Form):
    chain = forms.ModelChoiceField(
        label=_("chain"),
        queryset=Chain.objects.none(),
        required=False,
        help_text=_("The chain whose list takes the item; blank: the warning's chain."),
    )
    owner_unit = forms.ModelChoiceField(
        label=_("owner unit"), queryset=OrgUnit.objects.none(), required=False
    )
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.for_user(user, write=True).select_related(
            "region"
        )
        self.fields["owner_unit"].queryset = OrgUnit.objects.exclude(kind=OrgUnit.Kind.ENTERPRISE)
        style(self)


class WarningDismissForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
