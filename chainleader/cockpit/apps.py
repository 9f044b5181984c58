from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "chainleader.cockpit"
    verbose_name = _("Cockpit")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
