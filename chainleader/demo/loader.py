"""Writes the demo data into a migrated database.

Idempotent: every row is looked up by its natural key (org unit kind + name, or district region; chain region +
name; segment chain + parent + name; park region + name; zone kind + name; enterprise credit code; username ...)
and only missing rows are created, changed fields of the demo's own rows are updated. Deterministic: all values
come from `random.Random` instances with fixed seeds, generated in full before anything is written, so what is
generated never depends on what the database already holds. Everything runs in one transaction.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction
from django.utils import timezone

from chainleader.accounts.models import OrgUnit, User
from chainleader.chainmap.services import placements_derive
from chainleader.chains.models import Chain, ChainTarget, Placement, Segment
from chainleader.chains.trees_service import read_tree, tree_file, tree_load
from chainleader.enterprises.models import (
    Contact,
    Enterprise,
    EnterpriseProduct,
    EnterpriseTier,
    Product,
    YearFigure,
)
from chainleader.parks.models import LandZone, Park
from chainleader.reference.models import Industry, Region

from . import chains_data as cd
from .accounts import DEMO_ACCOUNTS
from .commissioners_data import load_commissioners
from .evaluation_data import load_evaluation
from .firms import master_figures, synthetic_firms, unique_uscc
from .growth_data import load_growth
from .innovation_data import load_innovation
from .masters import MASTER_LEAVES, MASTER_TIER_YEAR, MASTERS, Master
from .meetings_data import load_meetings
from .places import LAND_ZONES, PARKS
from .policies_data import load_policies
from .projects_data import load_projects
from .tiers_data import load_tiers

SEED = 20210606  # the date of source 001 (Qingdao Daily on the West Coast's 9 chains)
BATCH = 500

ChainKey = tuple[str, str]


@dataclass
class Outcome:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    accounts: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # username, role, unit, password


def upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], out: Outcome
) -> tuple[Any, bool]:
    """Get by natural key; create when missing; save only the fields that differ (no needless history rows)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        out.created[model.__name__] += 1
        return obj, True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()
        out.updated[model.__name__] += 1
    return obj, False


class DemoLoader:
    def __init__(self, password: str, reset_passwords: bool = False) -> None:
        self.password = password
        self.reset_passwords = reset_passwords
        self.out = Outcome()
        self.regions = {r.code: r for r in Region.objects.filter(code__startswith="3702")}
        self.industries = {i.code: i for i in Industry.objects.filter(level=Industry.Level.CLASS)}
        self.units: dict[tuple[str, str], OrgUnit] = {}
        self.chains: dict[ChainKey, Chain] = {}
        self.segments: dict[tuple[ChainKey, str], Segment] = {}
        self.parks: dict[tuple[str, str], Park] = {}
        self.enterprises: dict[str, Enterprise] = {}

    # ------------------------------------------------------------------------------------------ entry point
    def run(self) -> Outcome:
        if "3702" not in self.regions or not self.industries:
            raise RuntimeError(
                "参考数据缺失：请先运行 migrate（行政区划与行业代码由数据迁移加载）。"
            )
        validate_password(self.password)  # fail before writing; each account is checked again below
        with transaction.atomic():
            self.load_org_units()
            self.load_chains()
            self.load_parks()
            self.load_masters()
            self.load_synthetic_firms()
            self.place_firms()
            self.load_accounts()
            load_projects(self)
            load_evaluation(self)
            load_tiers(self)
            load_growth(self)
            load_commissioners(self)
            load_policies(self)
            load_innovation(self)
            load_meetings(self)
        return self.out

    def _unit(self, kind: str, name: str, **values: Any) -> OrgUnit:
        unit, _ = upsert(OrgUnit, {"kind": kind, "name": name}, values, self.out)
        self.units[(kind, name)] = unit
        return unit

    # ------------------------------------------------------------------------------------------ org units
    def load_org_units(self) -> None:
        K = OrgUnit.Kind
        self._unit(K.OFFICE, cd.CITY_OFFICE, parent=None)
        districts = Region.objects.filter(
            code__startswith="3702", level=Region.Level.COUNTY
        ).order_by("code")
        for region in districts:
            name = cd.WEST_COAST_DISTRICT if region.code == cd.WEST_COAST_REGION else region.name
            # A district is keyed by its territory, so an existing "黄岛区" unit is reused, not duplicated.
            unit, _ = upsert(
                OrgUnit, {"kind": K.DISTRICT, "region": region}, {"name": name}, self.out
            )
            self.units[(K.DISTRICT, name)] = unit
        west_coast = self.units[(K.DISTRICT, cd.WEST_COAST_DISTRICT)]
        self._unit(K.OFFICE, cd.WEST_COAST_OFFICE, parent=west_coast)
        for name in cd.CITY_DEPARTMENTS:
            self._unit(K.DEPARTMENT, name, parent=None)
        for name in cd.WEST_COAST_DEPARTMENTS:
            self._unit(K.DEPARTMENT, name, parent=west_coast)
        for spec in cd.ALL_CHAINS:
            office = cd.CITY_OFFICE if spec.level == cd.CITY else cd.WEST_COAST_OFFICE
            self._unit(K.TEAM, spec.team_name, parent=self.units[(K.OFFICE, office)])

    # ------------------------------------------------------------------------------------------ chains
    def load_chains(self) -> None:
        K = OrgUnit.Kind
        for specs in (cd.CITY_CHAINS, cd.WEST_COAST_CHAINS):
            for order, spec in enumerate(specs, start=1):
                chain, _ = upsert(
                    Chain,
                    {"region": self.regions[spec.region_code], "name": spec.name},
                    {
                        "level": spec.level,
                        "category": spec.category,
                        "leader_post": spec.leader_post,
                        "lead_department": self.units[(K.DEPARTMENT, spec.department)],
                        "team": self.units[(K.TEAM, spec.team_name)],
                        "description": spec.description,
                        "order": order,
                    },
                    self.out,
                )
                key = (spec.level, spec.name)
                self.chains[key] = chain
                for t in spec.targets:
                    upsert(
                        ChainTarget,
                        {"chain": chain, "year": t.year, "indicator": t.indicator},
                        {
                            "value": Decimal(str(t.value)).quantize(Decimal("0.01"))
                            if t.value is not None
                            else None,
                            "unit": t.unit,
                            "note": t.note,
                        },
                        self.out,
                    )
                tree_load(chain=chain, tree=read_tree(tree_file(chain)), force=False)
                for seg in Segment.objects.filter(chain=chain):
                    self.segments[(key, seg.name)] = seg

    @staticmethod
    def _leaf(seg: Segment) -> Segment:
        """A named parent segment stands for its first leaf (firms sit on leaves)."""
        while True:
            child = seg.children.order_by("order", "pk").first()
            if child is None:
                return seg
            seg = child

    def first_midstream(self, key: ChainKey) -> Segment:
        chain = self.chains[key]
        leaves = Segment.objects.filter(chain=chain, position="mid", children__isnull=True)
        return leaves.order_by("parent__order", "order", "pk").first()  # type: ignore[return-value]

    # ------------------------------------------------------------------------------------------ parks
    def load_parks(self) -> None:
        for p in PARKS:
            park, _ = upsert(
                Park,
                {"region": self.regions[p.region], "name": p.name},
                {
                    "kind": p.kind,
                    "area_km2": p.area_km2,
                    "area_mu": p.area_mu,
                    "leading_industry": p.leading,
                    "is_synthetic": True,
                },
                self.out,
            )
            park.chains.add(*(self.chains[k] for k in p.chains))
            self.parks[(p.region, p.name)] = park
        for z in LAND_ZONES:
            share = Decimal(str(z.share)).quantize(Decimal("0.01")) if z.share is not None else None
            upsert(
                LandZone,
                {"kind": z.kind, "name": z.name},
                {
                    "region": self.regions[z.region],
                    "area_km2": z.area_km2,
                    "area_mu": z.area_mu,
                    "leading_industry": z.leading,
                    "leading_industry_share": share,
                    "is_synthetic": True,
                },
                self.out,
            )

    # ------------------------------------------------------------------------------------------ chain masters
    def load_masters(self) -> None:
        rng = random.Random(f"{SEED}-masters")  # noqa: S311 — demo data, not security
        taken: set[str] = set()
        for m in MASTERS:
            uscc = unique_uscc(rng, m.region, 2000, taken)
            figures = master_figures(
                rng, m
            )  # drawn even when not written, so the stream never shifts
            ent = self._master_enterprise(m, uscc)
            self.enterprises[m.name] = ent
            EnterpriseTier.objects.get_or_create(
                enterprise=ent,
                tier=EnterpriseTier.Tier.CHAIN_MASTER,
                level=EnterpriseTier.Level.CITY,
                year=MASTER_TIER_YEAR,
            )
            if ent.is_synthetic:
                have = set(ent.figures.values_list("year", flat=True))
                new = [
                    YearFigure(enterprise=ent, is_synthetic=True, **f)
                    for f in figures
                    if f["year"] not in have
                ]
                YearFigure.objects.bulk_create(new)
                self.out.created["YearFigure"] += len(new)
            for level, chain_name, seg_names in m.chains:
                key = (level, chain_name)
                self.chains[key].masters.add(ent)
                codes = MASTER_LEAVES.get((m.short, level, chain_name), ())
                segments = list(Segment.objects.filter(chain=self.chains[key], code__in=codes))
                segments += [
                    self._leaf(self.segments[(key, s)])
                    for s in seg_names
                    if (key, s) in self.segments
                ]
                segments = list({s.pk: s for s in segments}.values()) or [self.first_midstream(key)]
                for seg in segments:
                    upsert(
                        Placement,
                        {"segment": seg, "enterprise": ent},
                        {"role": Placement.Role.MASTER},
                        self.out,
                    )
        self.master_usccs = taken

    def _master_enterprise(self, m: Master, uscc: str) -> Enterprise:
        existing = (
            Enterprise.objects.filter(uscc=uscc).first()
            or Enterprise.objects.filter(name=m.name).first()
        )
        if existing is not None and not existing.is_synthetic:
            return existing  # a real record (e.g. imported): link it, never overwrite it
        values = {
            "name": m.name,
            "region": self.regions[m.region],
            "industry": self.industries.get(m.industry),
            "ticker": m.ticker,
            "above_size": True,
            "address": "",  # the real address is not in the public documents; no note in its place
            "is_synthetic": True,
        }
        if existing is None:
            ent = Enterprise.objects.create(uscc=uscc, **values)
            self.out.created["Enterprise"] += 1
            return ent
        ent, _ = upsert(Enterprise, {"pk": existing.pk}, values, self.out)
        return ent

    # ------------------------------------------------------------------------------------------ synthetic firms
    def load_synthetic_firms(self) -> None:
        rng = random.Random(f"{SEED}-firms")  # noqa: S311 — demo data, not security
        records = synthetic_firms(
            rng, set(self.industries), set(self.master_usccs), {m.name for m in MASTERS}
        )
        existing = set(
            Enterprise.objects.filter(uscc__in=[r.uscc for r in records]).values_list(
                "uscc", flat=True
            )
        )
        new = [r for r in records if r.uscc not in existing]
        if not new:
            return
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    uscc=r.uscc,
                    name=r.name,
                    region=self.regions[r.region],
                    industry=self.industries[r.industry],
                    registered_capital_wan=r.capital_wan,
                    founded_on=r.founded_on,
                    above_size=r.above_size,
                    park=self.parks[r.park] if r.park else None,
                    is_synthetic=True,
                )
                for r in new
            ],
            batch_size=BATCH,
        )
        ids = dict(
            Enterprise.objects.filter(uscc__in=[r.uscc for r in new]).values_list("uscc", "pk")
        )
        figures: list[Any] = []
        tiers: list[Any] = []
        contacts: list[Any] = []
        products: list[tuple[int, str]] = []
        for r in new:
            pk = ids[r.uscc]
            figures += [YearFigure(enterprise_id=pk, is_synthetic=True, **f) for f in r.figures]
            tiers += [
                EnterpriseTier(enterprise_id=pk, tier=t, level=lv, year=y) for t, lv, y in r.tiers
            ]
            contacts += [
                Contact(enterprise_id=pk, name=n, title=t, phone=ph) for n, t, ph in r.contacts
            ]
            products += [(pk, name) for name in r.products]
        for model, rows in (
            (YearFigure, figures),
            (EnterpriseTier, tiers),
            (Contact, contacts),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)
            self.out.created[model.__name__] += len(rows)
        self.out.created["Enterprise"] += len(new)
        names = sorted({name for _pk, name in products})
        known = dict(Product.objects.filter(name__in=names).values_list("name", "pk"))
        Product.objects.bulk_create(
            [Product(name=n) for n in names if n not in known], batch_size=BATCH
        )
        known = dict(Product.objects.filter(name__in=names).values_list("name", "pk"))
        rows = [EnterpriseProduct(enterprise_id=pk, product_id=known[n]) for pk, n in products]
        EnterpriseProduct.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        self.out.created["EnterpriseProduct"] += len(rows)

    def place_firms(self) -> None:
        """The classifier places every firm on the trees' leaves from its products, code and name, with the
        evidence (the same service as in production); the masters' hand placements stay."""
        counts = placements_derive()
        self.out.created["Placement"] += counts["created"]

    # ------------------------------------------------------------------------------------------ accounts
    def load_accounts(self) -> None:
        haier = self.enterprises[next(m.name for m in MASTERS if m.short == "海尔")]
        unit, _ = upsert(
            OrgUnit,
            {"kind": OrgUnit.Kind.ENTERPRISE, "enterprise": haier},
            {"name": haier.name},
            self.out,
        )
        self.units[(OrgUnit.Kind.ENTERPRISE, unit.name)] = unit
        now = timezone.now()
        for acc in DEMO_ACCOUNTS:
            org_unit = self.units[acc.unit] if acc.unit else None
            values = {
                "role": acc.role,
                "full_name": acc.full_name,
                "org_unit": org_unit,
                "is_superuser": False,
                "is_staff": False,
                "is_active": True,
                "must_change_password": False,
            }
            user = User.objects.filter(username=acc.username).first()
            if user is None:
                user = User(username=acc.username, **values)
                validate_password(self.password, user)
                user.set_password(self.password)
                user.password_changed_at = now
                user.save()
                self.out.created["User"] += 1
                pw = "new"
            else:
                changed = [k for k, v in values.items() if getattr(user, k) != v]
                for k in changed:
                    setattr(user, k, values[k])
                if self.reset_passwords and not user.check_password(self.password):
                    validate_password(self.password, user)
                    user.set_password(self.password)
                    user.password_changed_at = now
                    changed.append("password")
                if changed:
                    user.save()
                    self.out.updated["User"] += 1
                pw = "reset" if self.reset_passwords else "kept"
            if acc.chains:
                user.chains.add(*(self.chains[k] for k in acc.chains))
            self.out.accounts.append(
                (acc.username, acc.role, org_unit.name if org_unit else "", pw)
            )
