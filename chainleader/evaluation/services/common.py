"""What every evaluation service shares: roles, version checks, constants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from chainleader.accounts.policy import is_office
from chainleader.core.exceptions import StaleEdit, WorkflowForbidden

from ..models import (
    APPEAL_FIELDS,
    Appeal,
    EvaluationRun,
)

S = EvaluationRun.Status
AS = Appeal.Status
BATCH = 5000
YEAR_RANGE = (2000, 2100)
APPEAL_FIELD_NAMES = tuple(name for name, _label in APPEAL_FIELDS)
RESULT_FIELDS = (
    "group",
    "graded",
    "score",
    "rank",
    "grade",
    "reason",
    "land_mu",
    "tax_wan",
    "indicators",
    "inputs",
)
REASON_NO_FIGURES = (
    "本年度数据已删除，不参评"  # engine reasons are Chinese data, as in MU_SCHEME.md
)
Progress = Callable[[int, str], None]


def _role(actor: Any) -> str:
    return str(getattr(actor, "role", "") or "")


def _require_office(actor: Any, message: str) -> None:
    if not is_office(actor):
        raise WorkflowForbidden(message)


def _check_version(obj: Any, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != obj.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
