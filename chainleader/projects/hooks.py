"""What the project pages and briefs show of the apps built on projects (core.hooks, decision 0018).

The four lists (worklists) sit above projects: their construction list links projects and their fourth list is
the problem ledger. Their status rows appear on the chain and district project pages and in the briefs; worklists
supplies them in its AppConfig.ready().
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
