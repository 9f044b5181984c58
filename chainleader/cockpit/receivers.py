"""Writes the cockpit reads bump its cache version (selectors.bump_version), after the transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _bump(**kwargs: Any) -> None:
    from .selectors import bump_version

    transaction.on_commit(bump_version)


def connect() -> None:
    from chainleader.evaluation.models import EvaluationRun
    from chainleader.projects.models import MonthlyReport, Problem, Project

    from .models import AssessmentRun

    for model in (Project, MonthlyReport, Problem, EvaluationRun, AssessmentRun):
        post_save.connect(_bump, sender=model, dispatch_uid=f"cockpit_bump_{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"cockpit_bump_del_{model.__name__}")
