from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_reference_data(sender: Any, **kwargs: Any) -> None:
    # The data migration loads the fixtures once; a `flush` (as test teardown does) empties the tables and then
    # emits post_migrate, so they are put back here. Idempotent: only missing codes are inserted.
    from .models import Region
    from .services import reference_load

    if not Region.objects.exists():
        reference_load()


class ReferenceConfig(AppConfig):
    name = "chainleader.reference"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        post_migrate.connect(_ensure_reference_data, sender=self, dispatch_uid="reference_data")
