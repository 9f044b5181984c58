"""Errors that services raise; views and the API turn them into form errors or 4xx responses, never a 500."""

from __future__ import annotations


class ServiceError(Exception):
    """A business rule refused the operation; the message is for the user (already translated)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEdit(ServiceError):
    """The record changed since the user loaded it (optimistic locking, SECURITY.md RL1): HTTP 409."""


class WorkflowConflict(ServiceError):
    """The record is not in a state that allows this step (SECURITY.md AC5): HTTP 409, nothing changes."""


class WorkflowForbidden(ServiceError):
    """The acting user's role (or unit) may not take this step: HTTP 403, nothing changes."""


class ImportRejected(Exception):
    """An upload failed validation; `errors` lists every bad cell (sheet, row, column, value, message)."""

    def __init__(self, errors: list[dict[str, object]], message: str = "") -> None:
        super().__init__(message or f"{len(errors)} error(s)")
        self.errors = errors


class HeadersMissing(ImportRejected):
    """The file's header row lacks required columns: the user may map the file's columns instead."""
