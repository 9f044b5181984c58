from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainmapConfig(AppConfig):
    name = "chainleader.chainmap"
    verbose_name = _("Chain maps")
