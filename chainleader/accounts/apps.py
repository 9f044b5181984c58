from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "chainleader.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (checks register themselves on import)

        signals.connect()
