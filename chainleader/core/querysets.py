"""ScopedQuerySet: the one data-scope mechanism. Every queryset a user reaches goes through for_user(user)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string

from .sorting import SortKeyQuerySet

if TYPE_CHECKING:
    from .scope import Scope


@cache
def _policy() -> Any:
    return import_string(settings.CHAINLEADER_SCOPE_POLICY)


def scope_for(user: Any) -> Scope:
    """The user's data scope, computed once per user object (cached on it for the request)."""
    cached = getattr(user, "_chainleader_scope", None)
    if cached is None:
        cached = _policy()(user)
        if getattr(user, "pk", None):
            user._chainleader_scope = cached
    return cached


class ScopedQuerySet(SortKeyQuerySet):
    """A model names its scope fields in scope_filter(); the policy of who sees what lives in accounts.

    Bulk writes keep pinyin sort keys in step with their names (core.sorting).
    """

    def scope_filter(self, scope: Scope) -> models.Q:
        raise NotImplementedError

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        """What `user` may see; with write=True, what `user` may change (a narrower set: see Scope.for_write)."""
        # is_superuser is never exempt (SECURITY.md (c)): scope comes from the role only.
        if (
            user is None
            or not getattr(user, "is_authenticated", False)
            or not getattr(user, "is_active", False)
        ):
            return self.none()
        scope = scope_for(user)
        if write:
            scope = scope.for_write()
        if scope.nothing:
            return self.none()
        if scope.everything:
            return self
        # pk__in subquery so that joins through placements never duplicate rows (NetBox's restrict()).
        inner = self.model._base_manager.filter(self.scope_filter(scope)).values("pk")
        return self.filter(pk__in=inner)


class PublicQuerySet(ScopedQuerySet):
    """Reference data (regions, industry codes): every signed-in, active user sees all of it."""

    def for_user(self, user: Any, *, write: bool = False) -> ScopedQuerySet:
        if write:
            return self.none()  # reference data is read-only through the application
        if (
            user is None
            or not getattr(user, "is_authenticated", False)
            or not getattr(user, "is_active", False)
        ):
            return self.none()
        return self
