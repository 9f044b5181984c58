"""Finding an organisation unit as an import cell names it (a chain's lead department, a list item's unit)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from chainleader.core.imports import Lookup

from .models import OrgUnit


class UnitResolver(Lookup[OrgUnit]):
    """A unit (not a firm's) by its exact name; a name several units share is refused like an unknown one."""

    def __init__(self, units: Iterable[OrgUnit] | None = None) -> None:
        super().__init__()
        if units is None:
            units = OrgUnit.objects.exclude(kind=OrgUnit.Kind.ENTERPRISE)
        for unit in units:
            self.add(0, unit.name, unit)

    def unknown(self) -> str:
        return _("Unknown unit: give the exact name of an organisation unit.")


class DepartmentResolver(Lookup[OrgUnit]):
    """A department (牵头部门) by its exact name. Department names were never checked for repeats: the first
    department of a name wins."""

    first_wins = True

    def __init__(self, units: Iterable[OrgUnit] | None = None) -> None:
        super().__init__()
        if units is None:
            units = OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("pk")
        self.names: dict[int, str] = {}  # the words a preview shows for a department id
        for unit in units:
            self.add(0, unit.name, unit)
            self.names[unit.pk] = unit.name

    def unknown(self) -> str:
        return _("Unknown department.")
