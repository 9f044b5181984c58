"""The project services' clock: today in the site's time zone and the month a date falls in (the workflow, the
monthly reports and the lagging check share them)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def today() -> date:
    return timezone.localdate()


def month_start(value: date) -> date:
    return value.replace(day=1)
