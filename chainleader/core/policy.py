"""Who may write: the role half of the write policy, and the object half built on for_user(write=True).

The policy's one module is accounts.policy (who sees what, who writes what); it re-exports these two. They are
written here because core's generic views, viewsets and import pipeline ask them, and core imports no app:
accounts imports core, so core importing accounts.policy would close a cycle (decision 0018). The editor roles
are named in settings, as CHAINLEADER_SCOPE_POLICY names the read policy.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def is_editor(user: Any) -> bool:
    """An editor role (settings.CHAINLEADER_EDITOR_ROLES: the office, chain leaders, special teams, districts):
    the roles that create, change, delete and import records, each within its writable scope. The other roles
    read (firm accounts write a few records of their own: accounts.policy.is_editor_or_firm)."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") in getattr(
        settings, "CHAINLEADER_EDITOR_ROLES", ()
    )


def can_write(user: Any, obj: Any = None) -> bool:
    """Whether ``user`` may change ``obj``: an editor role and, when ``obj`` is given, ``obj`` inside the user's
    writable scope (``type(obj).objects.for_user(user, write=True)``: a district reads the city chains reaching
    into its territory but does not change them). Without ``obj``, the role alone (may this user write at all)."""
    if not is_editor(user):
        return False
    if obj is None:
        return True
    if getattr(obj, "pk", None) is None:
        return False  # not saved: nothing to find in a scope
    return bool(type(obj).objects.for_user(user, write=True).filter(pk=obj.pk).exists())
