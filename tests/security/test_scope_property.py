"""AC2 property test (STYLE §4): for random worlds and random users, `Model.objects.for_user(u)` is exactly
the set a plain-Python statement of the scope rules allows, for Enterprise, Chain, Segment, Park and
YearFigure, reading and writing.

The rules below are restated from accounts/policy.py and the scope_filter() methods in words and Python
over model attributes, not by calling them: a change to either side that the other does not make fails
here. Each example runs in its own transaction (hypothesis.extra.django.TestCase).

The rules, as written for this test:
* an inactive account, an account without a role and the three administrators see nothing; is_superuser
  changes nothing (SECURITY.md (c));
* office and general chain leader see everything, figures included;
* a chain leader or special-team member sees the chains on their list (nothing when the list is empty),
  their segments, the firms placed in them and the parks that serve them;
* a district sees the chains, firms and parks whose region code starts with its own; it also reads the
  city-level chains of its city (region code = its first four digits) but does not write them;
* a department sees the chains it leads, the firms placed in them and the parks that serve them, and
  no confidential figures;
* a firm sees itself, the chains it is placed in (with their segments) and the park it sits in;
* yearly figures: only for office, leaders, teams, districts and firms, and then those of the firms in
  their scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.chains.models import Chain, Segment
from chainleader.enterprises.models import Enterprise, YearFigure
from chainleader.parks.models import Park
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    OrgUnitFactory,
    ParkFactory,
    PlacementFactory,
    SegmentFactory,
    UserFactory,
    YearFigureFactory,
    region,
)

DISTRICTS = ("370211", "370212", "370213", "370214", "370102")
CITIES = ("3702", "3701")
ROLES = [*Role.values, ""]
NO_REGION = len(DISTRICTS)  # the unit index that means "a district unit without a region"


# --- the rules, restated ---------------------------------------------------------------------------------


@dataclass
class Person:
    """A user as the rules read it: role, unit, chain list, active flag."""

    user: Any
    role: str
    unit: Any
    chains: set[int]
    active: bool


def grant(p: Person) -> tuple[str, Any] | None:
    if not p.active:
        return None
    if p.role in (Role.OFFICE, Role.GENERAL_LEADER):
        return ("all", None)
    if p.role in (Role.CHAIN_LEADER, Role.TEAM_MEMBER):
        return ("chains", p.chains) if p.chains else None
    if p.role == Role.DISTRICT and p.unit is not None and p.unit.region is not None:
        return ("district", p.unit.region.code)
    if p.role == Role.DEPARTMENT and p.unit is not None:
        return ("department", p.unit.pk)
    if p.role == Role.ENTERPRISE and p.unit is not None and p.unit.enterprise is not None:
        return ("firm", p.unit.enterprise.pk)
    return None


@dataclass
class World:
    chains: list[Any] = field(default_factory=list)
    segments: list[Any] = field(default_factory=list)
    parks: list[Any] = field(default_factory=list)
    park_chains: dict[int, list[Any]] = field(default_factory=dict)
    firms: list[Any] = field(default_factory=list)
    placements: list[tuple[Any, Any]] = field(default_factory=list)  # (segment, firm)
    figures: list[Any] = field(default_factory=list)

    def chains_of_firm(self, firm: Any) -> list[Any]:
        return [seg.chain for seg, f in self.placements if f.pk == firm.pk]

    def sees_chain(self, p: Person, chain: Any, write: bool) -> bool:
        g = grant(p)
        if g is None:
            return False
        kind, value = g
        if kind == "all":
            return True
        if kind == "chains":
            return chain.pk in value
        if kind == "district":
            own = chain.region.code.startswith(value)
            city = chain.level == "city" and chain.region.code == value[:4]
            return own or (city and not write)
        if kind == "department":
            return chain.lead_department is not None and chain.lead_department.pk == value
        return any(seg.chain.pk == chain.pk for seg, f in self.placements if f.pk == value)

    def sees_firm(self, p: Person, firm: Any) -> bool:
        g = grant(p)
        if g is None:
            return False
        kind, value = g
        placed_in = self.chains_of_firm(firm)
        if kind == "all":
            return True
        if kind == "chains":
            return any(c.pk in value for c in placed_in)
        if kind == "district":
            return firm.region.code.startswith(value)
        if kind == "department":
            return any(
                c.lead_department is not None and c.lead_department.pk == value for c in placed_in
            )
        return firm.pk == value

    def sees_park(self, p: Person, park: Any) -> bool:
        g = grant(p)
        if g is None:
            return False
        kind, value = g
        served = self.park_chains.get(park.pk, [])
        if kind == "all":
            return True
        if kind == "chains":
            return any(c.pk in value for c in served)
        if kind == "district":
            return park.region.code.startswith(value)
        if kind == "department":
            return any(
                c.lead_department is not None and c.lead_department.pk == value for c in served
            )
        return any(
            f.pk == value and f.park is not None and f.park.pk == park.pk for f in self.firms
        )

    def sees_figure(self, p: Person, figure: Any) -> bool:
        g = grant(p)
        return g is not None and g[0] != "department" and self.sees_firm(p, figure.enterprise)


# --- random worlds -----------------------------------------------------------------------------------------

account = st.tuples(
    st.integers(0, NO_REGION),
    st.lists(st.integers(0, 3), max_size=3),
    st.sampled_from([True, True, True, False]),  # mostly active, so the scopes get exercised
    st.booleans(),
)
worlds = st.fixed_dictionaries(
    {
        "departments": st.integers(0, 3),
        # (city level?, region index, lead department index or -1)
        "chains": st.lists(
            st.tuples(st.booleans(), st.integers(0, 4), st.integers(-1, 2)), max_size=4
        ),
        # (region index, chains served)
        "parks": st.lists(
            st.tuples(st.integers(0, 4), st.lists(st.integers(0, 3), max_size=3)), max_size=3
        ),
        # (region index, park index or -1)
        "firms": st.lists(st.tuples(st.integers(0, 4), st.integers(-1, 2)), max_size=5),
        # (segment index, firm index)
        "placements": st.lists(st.tuples(st.integers(0, 7), st.integers(0, 4)), max_size=8),
        # (firm index, year)
        "figures": st.lists(
            st.tuples(st.integers(0, 4), st.sampled_from([2023, 2024])), max_size=6
        ),
        # One account of every role, and a few more: (unit index, chain indexes, active, superuser)
        "accounts": st.tuples(*[account for _role in ROLES]),
        "extra": st.lists(st.tuples(st.sampled_from(ROLES), account), max_size=3),
    }
)


def _pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items and index >= 0 else None


def build(spec: dict[str, Any]) -> tuple[World, list[Person]]:
    w = World()
    departments = [OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT) for _ in range(spec["departments"])]
    for i, (city, r, d) in enumerate(spec["chains"]):
        code = CITIES[r % 2] if city else DISTRICTS[r]
        chain = ChainFactory(
            name=f"链{i}",
            level="city" if city else "district",
            region=region(code),
            lead_department=_pick(departments, d),
        )
        w.chains.append(chain)
        top = SegmentFactory(chain=chain)
        w.segments += [top, SegmentFactory(chain=chain, parent=top)]
    for r, served in spec["parks"]:
        park = ParkFactory(region=region(DISTRICTS[r]))
        chains = list({c.pk: c for c in (_pick(w.chains, j) for j in served) if c}.values())
        park.chains.set(chains)
        w.parks.append(park)
        w.park_chains[park.pk] = chains
    for r, p in spec["firms"]:
        w.firms.append(EnterpriseFactory(region=region(DISTRICTS[r]), park=_pick(w.parks, p)))
    seen = set()
    for s, f in spec["placements"]:
        seg, firm = _pick(w.segments, s), _pick(w.firms, f)
        if seg is None or firm is None or (seg.pk, firm.pk) in seen:
            continue
        seen.add((seg.pk, firm.pk))
        PlacementFactory(segment=seg, enterprise=firm)
        w.placements.append((seg, firm))
    years = set()
    for f, year in spec["figures"]:
        firm = _pick(w.firms, f)
        if firm is None or (firm.pk, year) in years:
            continue
        years.add((firm.pk, year))
        w.figures.append(YearFigureFactory(enterprise=firm, year=year))

    district_units: dict[int, Any] = {}
    firm_units: dict[int, Any] = {}
    people = []
    accounts = [*zip(ROLES, spec["accounts"], strict=True), *spec["extra"]]
    for n, (role, (u, chain_idx, active, superuser)) in enumerate(accounts):
        unit = None
        if role == Role.DISTRICT:
            if u not in district_units:
                district_units[u] = OrgUnitFactory(
                    kind=OrgUnit.Kind.DISTRICT,
                    region=region(DISTRICTS[u]) if u < NO_REGION else None,
                )
            unit = district_units[u]
        elif role == Role.DEPARTMENT:
            unit = _pick(departments, u)
        elif role == Role.ENTERPRISE:
            firm = _pick(w.firms, u) if u < NO_REGION else None
            key = firm.pk if firm else -1
            if key not in firm_units:
                firm_units[key] = OrgUnitFactory(kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm)
            unit = firm_units[key]
        user = UserFactory(
            username=f"u{n}", role=role, org_unit=unit, is_active=active, is_superuser=superuser
        )
        # Every role gets a chain list; only chain leaders and team members may be changed by it.
        chains = {c.pk: c for c in (_pick(w.chains, j) for j in chain_idx) if c}
        user.chains.set(chains.values())
        people.append(Person(user, role, unit, set(chains), active))
    return w, people


def scoped(model: Any, user: Any, write: bool) -> set[int]:
    return set(model.objects.for_user(user, write=write).values_list("pk", flat=True))


class ScopeProperty(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=worlds)
    def test_for_user_is_the_policy_for_every_model_read_and_write(self, spec: dict) -> None:
        w, people = build(spec)
        for person in people:
            user = User.objects.get(pk=person.user.pk)  # fresh: no cached scope
            for write in (False, True):
                label = (person.role, write)
                assert scoped(Enterprise, user, write) == {
                    f.pk for f in w.firms if w.sees_firm(person, f)
                }, label
                assert scoped(Chain, user, write) == {
                    c.pk for c in w.chains if w.sees_chain(person, c, write)
                }, label
                assert scoped(Segment, user, write) == {
                    s.pk for s in w.segments if w.sees_chain(person, s.chain, write)
                }, label
                assert scoped(Park, user, write) == {
                    p.pk for p in w.parks if w.sees_park(person, p)
                }, label
                assert scoped(YearFigure, user, write) == {
                    f.pk for f in w.figures if w.sees_figure(person, f)
                }, label

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=worlds)
    def test_a_district_never_writes_a_city_chain(self, spec: dict) -> None:
        w, people = build(spec)
        city_chains = {c.pk for c in w.chains if c.level == "city"}
        for person in people:
            if person.role == Role.DISTRICT:
                user = User.objects.get(pk=person.user.pk)
                assert not scoped(Chain, user, write=True) & city_chains
