"""Finding a chain, or a segment of a chain, as an import cell names it (projects, segments, list items,
needs and offers)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from chainleader.core.imports import Lookup

from .models import Chain, Segment


def _key(text: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


class ChainResolver(Lookup[Chain]):
    """A chain by the name pages and exports show (智能家电 for the city's, 智能家电（西海岸新区） for a district's),
    by region code:name (370211:智能家电), or by its bare name when one chain alone has it.

    The shown name wins: 智能家电 is the city's chain even when a district runs one of the same name, as the
    pages tell them apart. Brackets and digits are compared after NFKC (半角/全角 alike).
    """

    def __init__(self, chains: Iterable[Chain]) -> None:
        super().__init__(tables=3)
        for chain in chains:
            self.add(0, str(chain), chain)
            self.add(1, f"{chain.region.code}:{chain.name}", chain)
            self.add(2, chain.name, chain)

    @classmethod
    def for_user(cls, actor: Any, *, write: bool = False) -> ChainResolver:
        """The chains ``actor`` sees (``write``: may change)."""
        return cls(Chain.objects.for_user(actor, write=write).select_related("region"))

    def key(self, text: Any) -> str:
        return _key(text)

    def unknown(self) -> str:
        return _("Unknown chain (or outside your data scope).")

    def several(self) -> str:
        return _(
            "Several chains have this name: write it as region code:name, e.g. 370211:智能家电."
        )


class _ChainSegments(Lookup[Segment]):
    def unknown(self) -> str:
        return _("Unknown segment of this chain.")

    def several(self) -> str:
        return _("Several segments of this chain have this name.")


class SegmentResolver:
    """A segment of a given chain by its exact name, among the segments ``segments`` (the actor's scoped
    queryset) holds; each chain's segments are loaded once, when a row first names one of them."""

    def __init__(self, segments: Any) -> None:
        self.segments = segments
        self.chains: dict[int, _ChainSegments] = {}

    def of(self, chain: Chain) -> _ChainSegments:
        if chain.pk not in self.chains:
            table = _ChainSegments()
            for segment in self.segments.filter(chain=chain):
                table.add(0, segment.name, segment)
            self.chains[chain.pk] = table
        return self.chains[chain.pk]
