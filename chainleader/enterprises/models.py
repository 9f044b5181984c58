"""Enterprises (企业): identity by unified social credit code, tiers, yearly figures, products, contacts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainleader.core.fields import EncryptedCharField, EncryptedDecimalField
from chainleader.core.models import VersionedModel
from chainleader.core.sorting import SortKeyField
from chainleader.core.validators import validate_uscc

from .querysets import ConfidentialQuerySet, EnterpriseChildQuerySet, EnterpriseQuerySet


class Enterprise(VersionedModel):
    """An enterprise (企业), identified by its unified social credit code (统一社会信用代码, GB 32100-2015)."""

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    name_sort = SortKeyField(_("pinyin sort key"), source="name")
    former_names = models.TextField(_("former names"), blank=True, help_text=_("One per line."))
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    park = models.ForeignKey(
        "parks.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    industry = models.ForeignKey(
        "reference.Industry",
        verbose_name=_("industry code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    registered_capital_wan = models.DecimalField(
        _("registered capital (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        db_index=True,
    )
    founded_on = models.DateField(_("founding date"), null=True, blank=True, db_index=True)
    above_size = models.BooleanField(_("above designated size"), default=False, db_index=True)
    ticker = models.CharField(_("stock ticker"), max_length=12, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    business_scope = models.TextField(
        _("business scope"),
        blank=True,
        help_text=_("经营范围 as registered: the chain-map classifier reads it to place the firm."),
    )
    is_synthetic = models.BooleanField(
        _("synthetic (demo)"),
        default=False,
        help_text=_("Invented for the demo; not a real firm's data."),
    )

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_sort"])

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name_sort", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.pk])


class EnterpriseTier(VersionedModel):
    """A tier title a firm holds (专精特新, 小巨人, 单项冠军 ...), with level and year awarded."""

    class Tier(models.TextChoices):
        SPECIALISED = "specialised", _("specialised and innovative SME")
        LITTLE_GIANT = "little_giant", _("specialised and innovative little giant")
        SINGLE_CHAMPION = "single_champion", _("manufacturing single champion")
        HIDDEN_CHAMPION = "hidden_champion", _("hidden champion")
        GAZELLE = "gazelle", _("gazelle")
        UNICORN = "unicorn", _("unicorn")
        CHAIN_MASTER = "chain_master", _("chain master")

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        CITY = "city", _("city")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="tiers"
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))

    objects = EnterpriseChildQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("enterprise tier")
        verbose_name_plural = _("enterprise tiers")
        ordering = ["-year", "tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "tier", "level", "year"], name="uniq_enterprise_tier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}（{self.get_level_display()}，{self.year}）"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id])


class YearFigure(VersionedModel):
    """Yearly figures of a firm (年度经营数据). Confidential: only scopes granted them see any of these.

    The figures are sealed at rest (SECURITY.md DP2, docs/decisions/0021-encryption-at-rest.md): the database
    cannot sum, compare or sort them; code reads them and computes in Python. `employees` stays a plain column.
    """

    CONFIDENTIAL_FIELDS = (
        "revenue_wan",
        "tax_wan",
        "output_wan",
        "value_added_wan",
        "land_mu",
        "energy_tce",
        "emissions_t",
        "rd_wan",
    )

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revenue_wan = EncryptedDecimalField(
        _("revenue (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    tax_wan = EncryptedDecimalField(
        _("tax paid (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    output_wan = EncryptedDecimalField(
        _("industrial output (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    value_added_wan = EncryptedDecimalField(
        _("value added (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    land_mu = EncryptedDecimalField(
        _("land (mu)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    energy_tce = EncryptedDecimalField(
        _("energy use (tce)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    emissions_t = EncryptedDecimalField(
        _("emissions (t)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    rd_wan = EncryptedDecimalField(
        _("R&D spending (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    objects = ConfidentialQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_enterprise_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id])


class Product(models.Model):
    """A product (产品) firms make; chain segments name their key products from the same table."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    industry = models.ForeignKey(
        "reference.Industry",
        verbose_name=_("industry code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseProduct(models.Model):
    """A product a firm makes, with its share of revenue where known."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="products"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="makers"
    )
    revenue_share = models.DecimalField(
        _("revenue share"), max_digits=7, decimal_places=4, null=True, blank=True
    )

    objects = EnterpriseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise product")
        verbose_name_plural = _("enterprise products")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "product"], name="uniq_enterprise_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id])


class Contact(VersionedModel):
    """A contact person (联系人) at a firm. The phone number is personal information (SECURITY.md DP4)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=50, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)  # sealed at rest (DP2)
    email = models.EmailField(_("email"), blank=True)

    objects = EnterpriseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id])

    @property
    def masked_phone(self) -> str:
        p = self.phone
        return p[:3] + "****" + p[-4:] if len(p) >= 11 else ("****" if p else "")


class ProductSuggestion(models.Model):
    """A suggested product (产品推荐) for a firm with no product data, learned from the listed firms; an office or
    district user confirms it (the firm then makes the product) or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("to review")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="product_suggestions",
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("suggested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = EnterpriseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("product suggestion")
        verbose_name_plural = _("product suggestions")
        ordering = ["enterprise", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "product"], name="uniq_product_suggestion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id])
