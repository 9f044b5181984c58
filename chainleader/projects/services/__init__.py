"""Every write on project data (STYLE.md 3.2): one function per domain event, atomic, audited.

A package because the module outgrew 500 lines: projects and the stage workflow, the lagging check,
the problem ledger, the Excel imports and in-app reminders each have their own module; import from here.
"""

from .briefs import brief_generate, brief_scope_key
from .imports import project_import, report_import
from .lagging import LAGGING_SHARE, lagging_share, projects_mark_lagging, projects_refresh_lagging
from .notifications import notifications_mark_read, notify
from .problems import (
    allowed_actions,
    problem_answer,
    problem_assign,
    problem_close,
    problem_raise,
    problem_verify,
    problems_escalate_overdue,
    request_confirm,
    request_raise,
    request_reopen,
)
from .projects import (
    BACK,
    FORWARD,
    batch_save,
    project_advance_stage,
    project_change_stage,
    project_create,
    project_move_back,
    project_update,
    report_save,
)
from .request_imports import may_import_requests, request_import

__all__ = [
    "BACK",
    "FORWARD",
    "LAGGING_SHARE",
    "allowed_actions",
    "batch_save",
    "brief_generate",
    "brief_scope_key",
    "lagging_share",
    "may_import_requests",
    "notifications_mark_read",
    "notify",
    "problem_answer",
    "problem_assign",
    "problem_close",
    "problem_raise",
    "problem_verify",
    "problems_escalate_overdue",
    "project_advance_stage",
    "project_change_stage",
    "project_create",
    "project_import",
    "project_move_back",
    "project_update",
    "projects_mark_lagging",
    "projects_refresh_lagging",
    "report_import",
    "report_save",
    "request_confirm",
    "request_import",
    "request_raise",
    "request_reopen",
]
