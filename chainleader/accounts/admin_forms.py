"""Forms of the security administrator's pages (安全管理): accounts, roles, data scopes, units.

Shape only: the services check the role's unit, the password policy, the unit tree and stale edits. The
fields are listed one by one; is_staff and is_superuser are never among them (TP1, TP3, AC4).

The choice lists are the names of what the security administrator assigns (chains, units, districts),
not business data: that administrator's own data scope is empty (policy.scope_for), so these querysets
cannot come from for_user(). A firm is named by its credit code, so no list of firms is ever shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chainleader.chains.models import Chain
from chainleader.enterprises.models import Enterprise
from chainleader.reference.models import Region

from .models import OrgUnit, Role, User


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class UserSearchForm(forms.Form):
    """The account list's search box and filters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("role"), required=False)
    active = forms.ChoiceField(
        label=_("active"),
        required=False,
        choices=[("", _("All")), ("1", _("yes")), ("0", _("no"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role: Any = self.fields["role"]
        role.choices = [("", _("All")), *Role.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("username, name or unit")
        _style(self)


def _choices(form: forms.BaseForm, **querysets: Any) -> None:
    for name, queryset in querysets.items():
        field: Any = form.fields[name]
        field.queryset = queryset


def _unit_choices() -> Any:
    return OrgUnit.objects.select_related("parent").order_by("kind", "name_sort")


def _chain_choices() -> Any:
    return Chain.objects.select_related("region").order_by("level", "order", "name")


class _AccountFields(forms.Form):
    """What the security administrator sets on an account: name, one role, unit, chains, phone."""

    full_name = forms.CharField(label=_("full name"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    org_unit = forms.ModelChoiceField(
        label=_("organisation unit"), queryset=OrgUnit.objects.none(), required=False
    )
    chains = forms.ModelMultipleChoiceField(
        label=_("chains"),
        queryset=Chain.objects.none(),
        required=False,
        help_text=_("Only for chain leaders and special team members; other roles keep none."),
    )
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, org_unit=_unit_choices(), chains=_chain_choices())
        self.fields["chains"].widget.attrs["size"] = 8

    def account_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "role": data["role"],
            "org_unit": data["org_unit"],
            "phone": data["phone"],
        }


class _PasswordPair(forms.Form):
    """A password typed twice; the policy (A1) is checked by the service."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Password confirmation"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password")
            and data.get("password_confirm")
            and data["password"] != data["password_confirm"]
        ):
            self.add_error("password_confirm", _("The two password fields didn’t match."))
        return data


class UserCreateForm(_PasswordPair, _AccountFields):
    """A new account with its initial password (the user must change it at the first login, A4)."""

    username = forms.CharField(
        label=_("username"),
        max_length=150,
        validators=[User.username_validator],
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )

    field_order = [
        "username",
        "full_name",
        "role",
        "org_unit",
        "chains",
        "phone",
        "password",
        "password_confirm",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Initial password")
        self.fields["password"].help_text = _("The user must change it at the first login.")
        _style(self)


class UserEditForm(_AccountFields):
    """Name, role, unit, chains, phone and the active flag; `fingerprint` guards against lost updates."""

    is_active = forms.BooleanField(label=_("active"), required=False)
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def account_data(self) -> dict[str, Any]:
        return {**super().account_data(), "is_active": self.cleaned_data["is_active"]}


class PasswordResetForm(_PasswordPair):
    """A temporary password set by the security administrator (changed at the next login, A4)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Temporary password")
        self.fields["password"].help_text = _("The user must change it at the next login.")
        _style(self)


class UsccChoiceField(forms.ModelChoiceField):
    """A firm chosen by typing its credit code (spaces dropped, letters upper-cased)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = "".join(value.split()).upper()
        return super().to_python(value)


class OrgUnitForm(forms.Form):
    """A unit: name, kind, parent; the region of a district, the credit code of a firm's unit."""

    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=OrgUnit.Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("parent unit"), queryset=OrgUnit.objects.none(), required=False
    )
    region = forms.ModelChoiceField(
        label=_("region"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("The territory of a district unit."),
    )
    enterprise = UsccChoiceField(
        label=_("unified social credit code"),
        queryset=Enterprise.objects.none(),
        to_field_name="uscc",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 18, "autocomplete": "off"}),
        help_text=_("Only for an enterprise unit: the firm's 18-character code."),
        error_messages={"invalid_choice": _("No enterprise has this credit code.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, user: Any = None, instance: OrgUnit | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        parents = _unit_choices()
        if instance is not None and instance.pk:
            parents = parents.exclude(pk=instance.pk)
        counties = Region.objects.for_user(user).filter(
            level=Region.Level.COUNTY, code__startswith=settings.CHAINLEADER_HOME_REGION
        )
        # Names of firms are not confidential; their figures are. The code is typed, never listed.
        firms = Enterprise._default_manager.all()
        _choices(self, parent=parents, region=counties, enterprise=firms)
        _style(self)

    def unit_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("name", "kind", "parent", "region", "enterprise")
        }
