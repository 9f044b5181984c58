"""What the project pages and briefs show of the apps built on projects (core.hooks, decision 0018).

The four lists (worklists) sit above projects: their construction list links projects and their fourth list is
the problem ledger. Their status rows appear on the chain and district project pages and in the briefs, and a
chain brief reports what became of the last chain meeting's decisions; worklists supplies both in its
AppConfig.ready().
"""

from __future__ import annotations

from typing import Any

from chainleader.core.hooks import Hook


def _no_lists(
    user: Any, *, chain: Any = None, region_code: str | None = None
) -> list[dict[str, Any]]:
    return []


# One row per list (the three item lists and the problem ledger): kind, label, url and the counts total, open,
# requested, closed, overdue; narrowed to a chain or to a district's region code. worklists.selectors.list_status.
list_status: Hook[..., list[dict[str, Any]]] = Hook("projects.list_status", _no_lists)


def _no_meeting(
    user: Any, *, chain: Any, until: Any = None, before: Any = None
) -> dict[str, Any] | None:
    return None


# What became of the decisions of a chain's last held meeting (on or before ``until``): the meeting, its url, one
# row per decision (text, text_short, owner_unit, deadline, status, status_label, closed, overdue, url) and the
# counts total, closed, open, overdue; None without a meeting. The chain brief shows it.
# worklists.selectors.meeting_outcomes.
meeting_outcomes: Hook[..., dict[str, Any] | None] = Hook("projects.meeting_outcomes", _no_meeting)


def _no_origins(user: Any, project: Any) -> list[dict[str, Any]]:
    return []


# Where a project came from, beyond the investment lead: one row per origin (label, text, url) as the user sees it,
# e.g. the digital diagnosis whose recommendation became this upgrade project. challenges.selectors.project_origins.
project_origins: Hook[..., list[dict[str, Any]]] = Hook("projects.project_origins", _no_origins)
