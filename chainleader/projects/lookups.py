"""Finding a project as an import cell names it: by its code (a monthly report's project, a list item's)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from chainleader.core.imports import Lookup

from .models import Project


class ProjectResolver(Lookup[Project]):
    """A project of ``projects`` (the actor's scoped queryset: readable, or writable for reports) by code."""

    def __init__(self, projects: Iterable[Project]) -> None:
        super().__init__()
        for project in projects:
            self.add(0, project.code, project)

    @classmethod
    def for_user(cls, actor: Any, codes: Iterable[Any], *, write: bool = False) -> ProjectResolver:
        """The projects ``actor`` sees (``write``: may change) among ``codes``, the codes the file gives."""
        codes = {str(c or "").strip() for c in codes} - {""}
        return cls(Project.objects.for_user(actor, write=write).filter(code__in=codes))

    def unknown(self) -> str:
        return _("Unknown project code (or outside your data scope).")
