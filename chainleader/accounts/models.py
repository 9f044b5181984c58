"""Accounts: organisation units (组织机构), users and their roles (角色). The scope policy is in policy.py."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.fields import EncryptedCharField
from chainleader.core.models import VersionedModel
from chainleader.core.sorting import SortKeyField, SortKeyQuerySet


class OrgUnit(VersionedModel):
    """An organisation unit: the office, a district or functional zone, a department, a special team, a firm."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("chain-leader office")
        DISTRICT = "district", _("district / functional zone")
        DEPARTMENT = "department", _("department")
        TEAM = "team", _("special team")
        ENTERPRISE = "enterprise", _("enterprise")

    name = models.CharField(_("name"), max_length=100)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The territory of a district unit."),
    )
    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="org_unit",
    )

    objects = SortKeyQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_sort"])

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["kind", "name_sort"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Roles of the chain-leader system and the three separated administrators (三权分立)."""

    GENERAL_LEADER = "general_leader", _("general chain leader")
    CHAIN_LEADER = "chain_leader", _("chain leader")
    OFFICE = "office", _("chain-leader office")
    TEAM_MEMBER = "team_member", _("special team member")
    DISTRICT = "district", _("district / functional zone user")
    DEPARTMENT = "department", _("department user")
    ENTERPRISE = "enterprise", _("enterprise user")
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    SECURITY_ADMIN = "security_admin", _("security administrator")
    AUDIT_ADMIN = "audit_admin", _("audit administrator")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class User(AbstractUser):
    """A platform account (用户). One role per account, so no account can combine two admin powers (TP1)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    chains = models.ManyToManyField(
        "chains.Chain",
        verbose_name=_("chains"),
        blank=True,
        related_name="users",
        help_text=_("Chains a chain leader or special team member works on."),
    )
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)  # sealed at rest (DP2)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("must change password at next login"), default=False
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[chains])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        needs_unit = {
            Role.DISTRICT: OrgUnit.Kind.DISTRICT,
            Role.DEPARTMENT: OrgUnit.Kind.DEPARTMENT,
            Role.ENTERPRISE: OrgUnit.Kind.ENTERPRISE,
        }
        kind = needs_unit.get(self.role)  # type: ignore[call-overload]
        if kind and (self.org_unit is None or self.org_unit.kind != kind):
            raise ValidationError(
                {"org_unit": _("This role needs a unit of kind %(kind)s.") % {"kind": kind.label}}
            )


class PasswordHistory(models.Model):
    """A password this user had (历史密码), kept as its hash so the last five cannot be reused (A1)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history"
    )
    password_hash = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("password history entry")
        verbose_name_plural = _("password history")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """One signed-in session of a user (登录会话), so the user or an admin can list and end it (S2)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    ip_address = models.CharField(_("IP address"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
