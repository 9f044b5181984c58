from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TiersConfig(AppConfig):
    name = "chainleader.tiers"
    verbose_name = _("Tier pipeline")
