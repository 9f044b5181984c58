"""Receivers of core's signals."""

from __future__ import annotations

from typing import Any


def jobs_lost(sender: Any, job_ids: list[int], **kwargs: Any) -> None:
    """Jobs marked failed because their worker was lost: remove a killed computation's results."""
    from .services import runs_lost

    runs_lost(job_ids=job_ids)
