"""Finding a region as offices write it (imports, issue 18)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from .models import Region

_REGION_SUFFIXES = ("自治县", "新区", "区", "市", "县", "旗")


def _region_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


class RegionResolver:
    """A region by code (370211, full-width digits too), full name (黄岛区), alias (西海岸新区), the page's
    "黄岛区（西海岸新区）", "370211 黄岛区", or a unique short name (黄岛, 胶州); home-region places win ties.

    ``counties_only`` limits the lookup to district-level regions (projects are placed in a 区（市）).
    """

    def __init__(self, *, counties_only: bool = False) -> None:
        from django.conf import settings

        home = str(getattr(settings, "CHAINLEADER_HOME_REGION", ""))
        regions = Region.objects.all()
        if counties_only:
            regions = regions.filter(level=Region.Level.COUNTY)
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        self.short: dict[str, list[int]] = {}
        self.home: set[int] = set()
        self.names: dict[int, str] = {}
        for pk, code, name, alias in regions.values_list("pk", "code", "name", "alias"):
            self.by_code[code] = pk
            self.names[pk] = name
            if home and code.startswith(home):
                self.home.add(pk)
            keys = {
                name,
                alias,
                f"{name}（{alias}）" if alias else "",
                f"{code} {name}",
                f"{code}{name}",
            }
            for key in {_region_key(k) for k in keys} - {""}:
                self.by_name.setdefault(key, []).append(pk)
            for suffix in _REGION_SUFFIXES:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    self.short.setdefault(name[: -len(suffix)], []).append(pk)
                    break

    def _pick(self, ids: list[int]) -> int | None:
        ids = list(dict.fromkeys(ids))
        home = [i for i in ids if i in self.home]
        ids = home or ids
        return ids[0] if len(ids) == 1 else None

    def resolve(self, text: Any) -> tuple[int | None, str]:
        """(region id, "") or (None, the reason in words)."""
        key = _region_key(str(text or ""))
        if not key:
            return None, _("Give the region's code (e.g. 370211) or its name.")
        if key in self.by_code:
            return self.by_code[key], ""
        for table in (self.by_name, self.short):
            ids = table.get(key)
            if ids:
                found = self._pick(ids)
                if found is None:
                    return None, _("Region name is ambiguous: give its code.")
                return found, ""
        return None, _("Unknown region: give its code (e.g. 370211) or a unique name.")
