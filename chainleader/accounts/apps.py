from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "chainleader.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (checks register themselves on import)

        signals.connect()
        seal_totp_seeds()


def seal_totp_seeds() -> None:
    """django-otp's TOTPDevice.key holds the seed sealed (SECURITY.md DP2): its field gets SealedHexKeyField.

    Same column (varchar 80) and same migration state (SealedHexKeyField deconstructs as CharField); only the
    conversion to and from the database changes. accounts' migration 0005 seals the seeds already stored.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chainleader.core.fields import SealedHexKeyField

    field = TOTPDevice._meta.get_field("key")
    if type(field) is not SealedHexKeyField:
        field.__class__ = SealedHexKeyField
