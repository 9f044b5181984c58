from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "chainleader.enterprises"
    verbose_name = _("Enterprises")
