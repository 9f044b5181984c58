"""Finding a park as an import cell names it (a firm's or a project's park)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from chainleader.core.imports import Lookup

from .models import Park


class ParkResolver(Lookup[Park]):
    """A park the actor sees, by its exact name. Park names were never checked for repeats: the first park of
    a name (in the parks' list order) wins."""

    first_wins = True

    def __init__(self, parks: Iterable[Park]) -> None:
        super().__init__()
        for park in parks:
            self.add(0, park.name, park)

    @classmethod
    def for_user(cls, actor: Any) -> ParkResolver:
        return cls(Park.objects.for_user(actor).only("pk", "name"))

    def unknown(self) -> str:
        return _("Unknown park (or outside your data scope).")
