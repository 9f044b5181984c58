"""Workflow errors: a move the state machine does not allow (409), or a role that may not make it (403)."""

from __future__ import annotations

from chainleader.core.exceptions import ServiceError


class WorkflowConflict(ServiceError):
    """The record is not in a state that allows this step (SECURITY.md AC5): HTTP 409, nothing changes."""


class WorkflowForbidden(ServiceError):
    """The acting user's role (or unit) may not take this step: HTTP 403, nothing changes."""
