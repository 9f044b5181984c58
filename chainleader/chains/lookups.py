"""Finding a chain as an import cell names it (projects, segments, list items)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from .models import Chain


def _key(text: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


class ChainResolver:
    """A chain by the name pages and exports show (智能家电 for the city's, 智能家电（西海岸新区） for a district's),
    by region code:name (370211:智能家电), or by its bare name when one chain alone has it.

    The shown name wins: 智能家电 is the city's chain even when a district runs one of the same name, as the
    pages tell them apart. Brackets and digits are compared after NFKC (半角/全角 alike).
    """

    def __init__(self, chains: Iterable[Chain]) -> None:
        self.shown: dict[str, list[Chain]] = {}
        self.coded: dict[str, list[Chain]] = {}
        self.named: dict[str, list[Chain]] = {}
        for chain in chains:
            self.shown.setdefault(_key(str(chain)), []).append(chain)
            self.coded.setdefault(_key(f"{chain.region.code}:{chain.name}"), []).append(chain)
            self.named.setdefault(_key(chain.name), []).append(chain)

    def resolve(self, text: Any) -> tuple[Chain | None, str]:
        """(the chain, "") or (None, the reason in words)."""
        key = _key(text)
        for table in (self.shown, self.coded, self.named):
            found = table.get(key, [])
            if len(found) == 1:
                return found[0], ""
            if found:
                return None, _(
                    "Several chains have this name: write it as region code:name, e.g. 370211:智能家电."
                )
        return None, _("Unknown chain (or outside your data scope).")
