from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistsConfig(AppConfig):
    name = "chainleader.worklists"
    verbose_name = _("The four lists")
