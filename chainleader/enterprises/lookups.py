"""Finding an enterprise as an import cell names it: by credit code, or by its exact name (a project's
investor, the firm of a need or an offer)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from chainleader.core.imports import Lookup

from .models import Enterprise


class FirmResolver(Lookup[Enterprise]):
    """A firm of ``firms`` (the actor's scoped queryset) by its unified social credit code, else by its exact
    name when one firm alone has it. Only the firms the file's ``words`` name are loaded."""

    def __init__(self, firms: Any, words: Iterable[Any]) -> None:
        super().__init__(tables=2)
        words = {str(w or "").strip() for w in words} - {""}
        self.found: list[Enterprise] = list(firms.filter(Q(uscc__in=words) | Q(name__in=words)))
        for firm in self.found:
            self.add(0, firm.uscc, firm)
            self.add(1, firm.name, firm)

    @classmethod
    def for_user(cls, actor: Any, words: Iterable[Any]) -> FirmResolver:
        return cls(Enterprise.objects.for_user(actor), words)

    def unknown(self) -> str:
        return _("Unknown enterprise (or outside your data scope).")

    def several(self) -> str:
        return _("Several enterprises have this name: give the unified social credit code.")
