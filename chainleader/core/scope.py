"""The Scope value: what a user may see. Built by accounts.policy; read by every model's scope_filter()."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    nothing: bool = False
    # Territory: region codes (prefixes) of the districts a user covers, e.g. ("370211",).
    region_prefixes: tuple[str, ...] = ()
    # City-level chains reach into a district's territory: the prefix of the city a district sits in.
    city_prefixes: tuple[str, ...] = ()
    chain_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    enterprise_ids: frozenset[int] = field(default_factory=frozenset)
    # Confidential figures (tax, revenue, output, energy, emissions, land): only for scopes granted them.
    confidential: bool = False

    def for_write(self) -> Scope:
        """A district reads the city chains reaching into its territory but does not change them."""
        return replace(self, city_prefixes=())
