"""The policy library (涉企政策), 免申即享 eligibility and the differentiated measures by 亩均 class.

A policy holds items; an item's conditions are a JSON condition tree (chainleader/engines/eligibility.py) and its
amount rule a fixed sum or a rate of a figure with a cap. What a run uses is frozen in a PolicyItemVersion: an
edit of the conditions or the amount rule once a run used them (or once the policy is published) is a new
version, and old runs keep theirs. The workflow lives in services.py (decision 0029).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from chainleader.core.fields import EncryptedDecimalField, EncryptedJSONField
from chainleader.core.models import VersionedModel
from chainleader.engines import eligibility as engine

from .querysets import (
    EligibilityResultQuerySet,
    EligibilityRunQuerySet,
    MeasureRuleQuerySet,
    PaymentQuerySet,
    PolicyItemQuerySet,
    PolicyItemVersionQuerySet,
    PolicyQuerySet,
)

NOT_NEGATIVE = MinValueValidator(0, message=_("The value cannot be negative."))


class Area(models.TextChoices):
    """The areas (方面) of firm policies."""

    INNOVATION = "innovation", _("innovation")
    TALENT = "talent", _("talent")
    FINANCE = "finance", _("finance")
    LAND = "land", _("land and space")
    TAX = "tax", _("tax and fees")
    DIGITAL = "digital", _("digital transformation")
    GREEN = "green", _("green and low carbon")
    GROWTH = "growth", _("growth and tiers")
    INVESTMENT = "investment", _("investment and projects")
    MARKET = "market", _("market and brands")
    OTHER = "other", _("other")


class Policy(VersionedModel):
    """A policy document (政策文件): issuer, 文号, dates, areas, summary and its source document."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("policy title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100, db_index=True)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True, db_index=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    areas = models.CharField(
        _("areas"),
        max_length=200,
        blank=True,
        help_text=_("The policy's areas, separated by commas."),
    )
    summary = models.TextField(_("summary"), blank=True)
    document = models.FileField(_("source document"), blank=True, max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = PolicyQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:policy_detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError(
                {"effective_to": _("The end of validity cannot come before its start.")}
            )

    @property
    def area_list(self) -> list[str]:
        return [a.strip() for a in self.areas.replace("，", ",").split(",") if a.strip()]


class SupportKind(models.TextChoices):
    SUBSIDY = "subsidy", _("subsidy")
    REWARD = "reward", _("reward")
    REDUCTION = "reduction", _("fee or tax reduction")
    LOAN = "loan", _("loan interest support")
    SERVICE = "service", _("service")
    OTHER = "other", _("other")


class AmountKind(models.TextChoices):
    NONE = engine.NONE, _("no amount")
    FIXED = engine.FIXED, _("fixed amount")
    RATE = engine.RATE, _("rate of a figure")


def base_fact_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [
        (key, label) for key, (kind, label) in engine.FACTS.items() if kind == engine.NUMBER
    ]


class PolicyItem(VersionedModel):
    """One item (条款) of a policy: what it supports, how much, and for whom (the condition tree)."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.CharField(_("item number"), max_length=20)
    title = models.CharField(_("item title"), max_length=200)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, default=Area.OTHER)
    support_kind = models.CharField(
        _("support kind"), max_length=12, choices=SupportKind.choices, default=SupportKind.SUBSIDY
    )
    amount_kind = models.CharField(
        _("amount rule"), max_length=8, choices=AmountKind.choices, default=AmountKind.NONE
    )
    fixed_wan = models.DecimalField(
        _("fixed amount (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    rate_pct = models.DecimalField(
        _("rate (%)"),
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    base_fact = models.CharField(_("rate applies to"), max_length=30, blank=True)
    cap_wan = models.DecimalField(
        _("cap (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    conditions = models.JSONField(
        _("conditions"),
        default=dict,
        blank=True,
        help_text=_(
            'A JSON condition tree: {"all": [...]}, {"any": [...]}, {"not": ...} and leaves '
            '{"fact": ..., "op": ..., "value": ...}.'
        ),
    )
    current_version = models.PositiveIntegerField(_("conditions version"), default=0)

    objects = PolicyItemQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("policy item")
        verbose_name_plural = _("policy items")
        ordering = ["policy", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="uniq_policy_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("policies:item_detail", args=[self.pk])

    def amount_rule(self) -> engine.AmountRule:
        return engine.AmountRule(
            kind=self.amount_kind,
            fixed_wan=self.fixed_wan,
            rate_pct=self.rate_pct,
            base_fact=self.base_fact,
            cap_wan=self.cap_wan,
        )

    def frozen(self) -> dict[str, Any]:
        """What a version keeps: the conditions and the amount rule as they were."""
        return {
            "title": self.title,
            "conditions": self.conditions,
            "amount": {
                "kind": self.amount_kind,
                "fixed_wan": _dec_text(self.fixed_wan),
                "rate_pct": _dec_text(self.rate_pct),
                "base_fact": self.base_fact,
                "cap_wan": _dec_text(self.cap_wan),
            },
        }

    @property
    def amount_text(self) -> str:
        rule = self.amount_rule()
        return amount_text(rule)


def _dec_text(value: Any) -> str | None:
    """A Decimal as its plain text without trailing zeros (10.000 and 10 freeze alike)."""
    return None if value is None else f"{Decimal(value).normalize():f}"


def amount_text(rule: engine.AmountRule) -> str:
    if rule.kind == engine.FIXED and rule.fixed_wan is not None:
        text = f"{rule.fixed_wan.normalize():f} 万元"
    elif rule.kind == engine.RATE and rule.rate_pct is not None:
        label = engine.FACTS.get(rule.base_fact, ("", rule.base_fact))[1]
        text = f"{label} × {rule.rate_pct.normalize():f}%"
    else:
        return "—"
    if rule.cap_wan is not None:
        text += f"，最高 {rule.cap_wan.normalize():f} 万元"
    return text


class PolicyItemVersion(models.Model):
    """A frozen version of an item's conditions and amount rule; runs point at the version they ran with."""

    item = models.ForeignKey(
        PolicyItem, verbose_name=_("policy item"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    frozen = models.JSONField(_("conditions and amount rule"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PolicyItemVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy item version")
        verbose_name_plural = _("policy item versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="uniq_policy_item_version")
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("policies:item_detail", args=[self.item_id])

    @property
    def conditions(self) -> Any:
        return self.frozen.get("conditions") or {"all": []}

    def amount_rule(self) -> engine.AmountRule:
        a = self.frozen.get("amount") or {}

        def dec(key: str) -> Decimal | None:
            return None if a.get(key) in (None, "") else Decimal(str(a[key]))

        return engine.AmountRule(
            kind=a.get("kind") or engine.NONE,
            fixed_wan=dec("fixed_wan"),
            rate_pct=dec("rate_pct"),
            base_fact=a.get("base_fact") or "",
            cap_wan=dec("cap_wan"),
        )


class EligibilityRun(models.Model):
    """One run of an item's conditions over every firm: the facts of `year`, the version used, the counts."""

    item = models.ForeignKey(
        PolicyItem, verbose_name=_("policy item"), on_delete=models.PROTECT, related_name="runs"
    )
    item_version = models.ForeignKey(
        PolicyItemVersion,
        verbose_name=_("conditions version"),
        on_delete=models.PROTECT,
        related_name="runs",
    )
    year = models.PositiveSmallIntegerField(_("figures year"), db_index=True)
    run_on = models.DateField(_("run date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # {"firms": n, "eligible": n}
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    objects = EligibilityRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("eligibility run")
        verbose_name_plural = _("eligibility runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item} · {self.year} · #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("policies:run_detail", args=[self.pk])

    @property
    def firm_count(self) -> int:
        return int(self.counts.get("firms", 0))

    @property
    def eligible_count(self) -> int:
        return int(self.counts.get("eligible", 0))


class EligibilityResult(models.Model):
    """One firm's result in a run: eligible or not, the reason per condition, the amount worked out; the
    office's confirmation."""

    CONFIDENTIAL_FIELDS = ("reasons", "amount_wan")

    class Status(models.TextChoices):
        PENDING = "pending", _("to confirm")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("not confirmed")

    run = models.ForeignKey(
        EligibilityRun,
        verbose_name=_("eligibility run"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="policy_results",
    )
    eligible = models.BooleanField(_("eligible"), default=False, db_index=True)
    # [{"path", "fact", "op", "value", "actual", "passed", "reason"}, ...] — made of the firm's figures: sealed.
    reasons = EncryptedJSONField(_("reasons"), default=list, blank=True)
    amount_wan = EncryptedDecimalField(
        _("amount (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = EligibilityResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("eligibility result")
        verbose_name_plural = _("eligibility results")
        ordering = ["run", "-eligible", "enterprise__name_sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="uniq_eligibility_result")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.run}"

    def get_absolute_url(self) -> str:
        return reverse("policies:result_detail", args=[self.pk])

    @property
    def reason_text(self) -> str:
        return "；".join(str(r.get("reason", "")) for r in (self.reasons or []))


class Payment(VersionedModel):
    """A payment (兑现) of a confirmed result: amount, date, voucher number."""

    result = models.ForeignKey(
        EligibilityResult,
        verbose_name=_("eligibility result"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="policy_payments",
    )
    amount_wan = models.DecimalField(
        _("amount paid (10k yuan)"), max_digits=14, decimal_places=2, validators=[NOT_NEGATIVE]
    )
    paid_on = models.DateField(_("paid on"), db_index=True)
    voucher_no = models.CharField(_("voucher number"), max_length=60)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = PaymentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("policy payment")
        verbose_name_plural = _("policy payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["voucher_no"], name="uniq_policy_payment_voucher")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.amount_wan} {self.paid_on}"

    def get_absolute_url(self) -> str:
        return reverse("policies:result_detail", args=[self.result_id])


class MeasureRule(VersionedModel):
    """A differentiated measure as data: firms of `grade` for at least `min_years` years running get it."""

    class Kind(models.TextChoices):
        LAND = "land", _("land")
        POWER = "power", _("electricity price")
        WATER = "water", _("water price")
        GAS = "gas", _("gas price")
        CREDIT = "credit", _("credit")
        EMISSIONS = "emissions", _("emission quotas")
        SUPPORT = "support", _("support policies")

    grade = models.CharField(
        pgettext_lazy("mu yield", "class"),
        max_length=1,
        choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
    )
    min_years = models.PositiveSmallIntegerField(
        _("consecutive years at least"), default=1, validators=[MinValueValidator(1)]
    )
    kind = models.CharField(_("measure kind"), max_length=10, choices=Kind.choices)
    measure = models.TextField(_("measure"))
    applied_by = models.CharField(
        _("applied by"), max_length=100, blank=True, help_text=_("The utility or department.")
    )
    active = models.BooleanField(_("in force"), default=True)

    objects = MeasureRuleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("class measure rule")
        verbose_name_plural = _("class measure rules")
        ordering = ["grade", "kind", "min_years", "id"]

    def __str__(self) -> str:
        return f"{self.grade} · {self.get_kind_display()} · ≥{self.min_years}"

    def get_absolute_url(self) -> str:
        return reverse("policies:measure_detail", args=[self.pk])
