"""The measures per class (差别化措施), edited by the office."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from chainleader.core import services as core_services

from ..models import (
    ClassMeasure,
)
from .common import _require_office


def class_measure_update(
    *, measure: ClassMeasure, actor: Any, data: dict[str, Any], expected_version: int | None
) -> ClassMeasure:
    """Change the measures of a class (差别化措施); history keeps every earlier text."""
    _require_office(actor, _("Only the office edits the measures per class."))
    allowed = {k: v for k, v in data.items() if k in ("land", "power_water_gas", "support")}
    return core_services.object_update(
        instance=measure, actor=actor, data=allowed, expected_version=expected_version
    )
