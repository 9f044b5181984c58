"""The one scope harness (NetBox's ViewTestCases, generated; STYLE.md §4, SECURITY.md AC1, TP2): every route that
names an object × every role, for the pages and for the REST API, over one world with something inside and
something outside each persona's scope.

Routes are found, not listed: the pages from the URLconf (every pattern whose kwargs name an object id), the API
from the DRF router of chainleader/api_urls.py (list, detail and every extra action of every viewset). A route
the world cannot fill (a new route whose object the world does not make, or an id kwarg the harness cannot
read) is a failure that names the route (`route_gaps`), so a route is never skipped silently.

The conventions the harness holds every route to (``out_of_scope_*_ok`` and ``expect_in_scope_get`` say them
once):

* out of scope looks exactly like nonexistent: 404 on GET (the same answer as for an id that does not exist) and
  on POST, and the POST changes nothing, not even an audit row; on a view with the writable scope
  (``view.write``), a record the role reads but may not change answers the same;
* a write route (name ending _edit/_delete/_add, or ``view.write``) answers a role that may not write (the view's
  own ``can_edit()``) 403 before any lookup, whatever the id (TP2); so does a view for its ``refused_roles``,
  and the security administrator's pages for everyone else; a view may refuse a role outright without saying
  so (403 for every id, which reveals nothing either: the in-scope check then shows it is not refused what it
  may see);
* inside the scope, read routes answer 200 and write routes 200 to a role that may write, 403 to the others;
* the API: lists hold exactly the user's scoped rows (count included), details 200 inside and 404 outside as for
  a missing id, writes 403 for a role the endpoint's permission refuses, else 404 outside the (writable) scope,
  405 where the endpoint takes no such method, and nothing changes; unauthenticated 401 with a Token challenge.

The world is built once per test module (``world_fixture``: one transaction rolled back at the module's end,
Django's setUpTestData pattern), so the thin modules that use it pay for it once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from chainleader.accounts.models import OrgUnit, Role
from chainleader.core.policy import is_editor
from chainleader.core.querysets import PublicQuerySet

# --- personas ------------------------------------------------------------------------------------------------

# The roles every route is tried with (tests/conftest.py's personas, as one world): the office sees everything;
# district A (370211) and district B (370212) their territories; the special team the city chain; the department
# the chain it leads (no confidential figures); the firm itself; the system administrator no business data.
ROLES = ["office", "district", "district_b", "team", "department", "firm", "system_admin"]

# A body that fills most forms: an out-of-scope POST must fail on the lookup, not on the form.
POST_BODY = {
    "name": "x",
    "version": 1,
    "note": "x",
    "reason": "x",
    "decision": "confirm",
    "to_stage": "registered",
    "evidence": "x",
    "answer": "x",
    "accepted": "yes",
    "text": "x",
    "approved": "yes",
    "period_start": "2026-01-01",
    "period_end": "2026-02-01",
}
MISSING_ID = 99_999_999
PDF = b"%PDF-1.4\n% evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Page routes whose view does not name its model in `model`: the harness names it.
MODEL_OF = {
    "core:job_progress": "core.Job",  # JobProgressView looks the job up in Job.objects.for_user()
    "core:job_page": "core.Job",
    "core:job_file": "core.Job",  # the file of a finished export, for the job's owner alone
}
# Routes with an object-like kwarg that the matrix does not take, each with its reason.
EXEMPT = {
    "projects:district_dashboard": (
        "a region code, not an object id: regions are reference data every user reads; the page's rows are the "
        "user's scoped projects and problems (tests/projects/test_pages_render.py)"
    ),
    "api:import": "an import kind, not an object id (tests/api/test_imports_api.py)",
}


# --- route discovery ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A named URL pattern: its name, its kwargs and its callback (view function of a class-based view)."""

    name: str
    keys: tuple[str, ...]
    callback: Any

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:") or self.name in ("api-schema", "api-docs")

    @property
    def is_list(self) -> bool:
        """A list page: it may answer ?export=xlsx and an htmx partial from the same queryset."""
        return hasattr(self.view, "export") or self.name.endswith(("_list", ":audit_log"))

    @property
    def view(self) -> Any:
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    @property
    def model(self) -> type[models.Model] | None:
        view = self.view
        if view is None:
            return None
        found = getattr(view, "model", None) or getattr(view, "admin_model", None)
        if found is None:
            queryset = getattr(view, "queryset", None)
            found = getattr(queryset, "model", None)
        if found is None and self.name in MODEL_OF:
            from django.apps import apps

            found = apps.get_model(MODEL_OF[self.name])
        return found if isinstance(found, type) and issubclass(found, models.Model) else None


def routes() -> tuple[list[Route], list[str]]:
    """(every named URL pattern of the product, the patterns without a name)."""
    found: list[Route] = []
    unnamed: list[str] = []

    def walk(patterns: Any, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = (
                    ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
                )
                walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern):
                if not p.name:
                    unnamed.append(str(p.pattern))
                    continue
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.append(Route(name, tuple(p.pattern.regex.groupindex), p.callback))

    walk(get_resolver().url_patterns, "")
    return found, unnamed


def url_names() -> set[str]:
    """Every URL name of the product (the API's format-suffix twins share their route's name)."""
    return {r.name for r in routes()[0]}


def _id_keys(keys: tuple[str, ...]) -> list[str]:
    return [k for k in keys if k == "pk" or k.endswith("_pk") or k == "code"]


@dataclass(frozen=True)
class PageRoute:
    """A page whose URL names an object: how to fill its kwargs and what the harness expects of it."""

    name: str
    keys: tuple[str, ...]
    view: Any
    model: type[models.Model] | None

    @property
    def admin(self) -> bool:
        """The security administrator's pages (accounts): every other role is refused before any lookup."""
        return hasattr(self.view, "admin_model")

    @property
    def is_write(self) -> bool:
        return bool(getattr(self.view, "write", False)) or self.name.endswith(
            ("_edit", "_delete", "_add")
        )

    @property
    def refused_roles(self) -> tuple[str, ...]:
        return tuple(getattr(self.view, "refused_roles", ()))

    def takes(self, method: str) -> bool:
        return hasattr(self.view, method)

    def link(self, key: str) -> str:
        """The model field a kwarg other than pk names: parent_pk → view.parent_field, lead_pk → lead."""
        return str(getattr(self.view, "parent_field", "")) if key == "parent_pk" else key[:-3]

    @property
    def target(self) -> type[models.Model] | None:
        """The model whose scope decides: the object's, or the parent's when the URL names only the parent."""
        if "pk" in self.keys or not self.keys:
            return self.model
        parent = getattr(self.view, "parent_model", None)
        if parent is not None:
            return parent
        try:
            return self.model._meta.get_field(self.link(self.keys[0])).related_model  # type: ignore[union-attr]
        except (AttributeError, FieldDoesNotExist):
            return None

    def fillable(self) -> bool:
        if self.model is None or self.target is None or not hasattr(self.target, "objects"):
            return False
        if "pk" not in self.keys:
            return len(self.keys) == 1 and self.keys[0].endswith("_pk")
        for key in self.keys:
            if key == "pk":
                continue
            if not key.endswith("_pk"):
                return False
            try:
                self.model._meta.get_field(self.link(key))  # type: ignore[union-attr]
            except FieldDoesNotExist:
                return False
        return True

    def kwargs(self, obj: Any) -> dict[str, Any]:
        """URL kwargs naming ``obj`` (an instance of ``target``; None: an id that does not exist)."""
        if obj is None:
            return dict.fromkeys(self.keys, MISSING_ID)
        if "pk" not in self.keys:
            return {self.keys[0]: obj.pk}
        out = {"pk": obj.pk}
        for key in self.keys:
            if key != "pk":
                out[key] = getattr(obj, f"{self.link(key)}_id")
        return out

    def url(self, obj: Any) -> str:
        return reverse(self.name, kwargs=self.kwargs(obj))

    @property
    def public(self) -> bool:
        """Reference data (PublicQuerySet): every signed-in user reads all of it, so nothing is out of scope."""
        return isinstance(self.target._default_manager.all(), PublicQuerySet)  # type: ignore[union-attr]


@cache
def page_routes() -> tuple[PageRoute, ...]:
    """Every page pattern whose kwargs name an object (the API's: api_endpoints())."""
    out = []
    for r in routes()[0]:
        if r.is_api or r.name in EXEMPT or not _id_keys(r.keys):
            continue
        out.append(PageRoute(r.name, r.keys, r.view, r.model))
    return tuple(out)


@cache
def list_pages() -> tuple[Route, ...]:
    """The list pages built on core's ObjectListView (search, filters, htmx partial, ?export=xlsx) without an id."""
    from chainleader.core.views import ObjectListView

    return tuple(
        r
        for r in routes()[0]
        if not r.is_api
        and not r.keys
        and isinstance(r.view, type)
        and issubclass(r.view, ObjectListView)
    )


@dataclass(frozen=True)
class ApiEndpoint:
    """One viewset of the router: its list and detail names and its extra actions."""

    prefix: str
    basename: str
    viewset: Any

    @property
    def model(self) -> type[models.Model]:
        return self.viewset.queryset.model

    def name(self, suffix: str) -> str:
        return f"api:{self.basename}-{suffix}"

    def has(self, action: str) -> bool:
        return hasattr(self.viewset, action)

    def actions(self, *, detail: bool) -> list[tuple[str, list[str]]]:
        """(url name, HTTP methods) of the viewset's extra actions on one object (detail) or on the list."""
        return [
            (self.name(a.url_name), sorted(a.mapping))
            for a in self.viewset.get_extra_actions()
            if a.detail == detail
        ]

    def allows(self, user: Any, method: str, action: str = "") -> bool:
        """Whether the endpoint's permission classes (an extra action's own, when it names them) let ``user``
        send ``method``: asked of the classes themselves."""
        classes = self.viewset.permission_classes
        for a in self.viewset.get_extra_actions():
            if action and self.name(a.url_name) == action:
                classes = a.kwargs.get("permission_classes", classes)
        request = SimpleNamespace(user=user, method=method.upper())
        return all(p().has_permission(request, None) for p in classes)

    def queryset_pks(self, user: Any) -> set[Any]:
        """The rows the endpoint's own queryset holds for ``user`` (a viewset may narrow its scoped set further:
        the firm requests are the problems a firm raised)."""
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        view = self.viewset()
        view.request = Request(APIRequestFactory().get("/"))
        view.request.user = user
        view.action, view.kwargs, view.format_kwarg = "list", {}, None
        return set(view.get_queryset().values_list("pk", flat=True))

    @property
    def public(self) -> bool:
        return isinstance(self.model._default_manager.all(), PublicQuerySet)


@cache
def api_endpoints() -> tuple[ApiEndpoint, ...]:
    from chainleader.api_urls import router

    return tuple(ApiEndpoint(prefix, basename, vs) for prefix, vs, basename in router.registry)


# --- expectations -------------------------------------------------------------------------------------------


def may_write(user: Any, route: PageRoute) -> bool:
    """Who writes on a route, as the view itself says (ScopedMixin.can_edit: the editor roles; matching's pages
    add firm accounts for their own listings)."""
    from django.test import RequestFactory

    view = route.view()
    view.request = RequestFactory().get("/")
    view.request.user = user
    view.kwargs = {}
    return bool(view.can_edit()) if hasattr(view, "can_edit") else is_editor(user)


def refused_before_lookup(user: Any, route: PageRoute) -> bool:
    """The convention: a write route refuses a role that may not write outright, and a view its refused_roles."""
    return (route.is_write and not may_write(user, route)) or getattr(
        user, "role", ""
    ) in route.refused_roles


def out_of_scope_get_ok(user: Any, route: PageRoute, answer: int, missing: int) -> bool:
    """An out-of-scope GET answers as a missing id does (nothing revealed) and as the convention says: 404, or 403
    where the role is refused before any lookup. A view may refuse a role outright without declaring it (the
    office-only measure pages): 403 for every id reveals nothing either, and the in-scope test shows the role
    is not refused what it may see. A page without GET answers 405."""
    if answer != missing:
        return False
    if route.admin or refused_before_lookup(user, route):
        return answer == 403 or (answer == 405 and not route.takes("get"))
    if not route.takes("get"):
        return answer == 405
    return answer in (403, 404)


def out_of_scope_post_ok(user: Any, route: PageRoute, answer: int) -> bool:
    """As GET, or 405 on a page that takes no POST; a role that writes nothing may be refused any POST outright
    (evaluation's step pages do: tests/evaluation/test_scope_matrix.py pins that)."""
    if route.admin or refused_before_lookup(user, route):
        return answer == 403 or (answer == 405 and not route.takes("post"))
    if not route.takes("post"):
        return answer == 405
    return answer in (403, 404)


def expect_in_scope_get(user: Any, route: PageRoute) -> int:
    if not route.takes("get"):
        return 405
    if route.admin or getattr(user, "role", "") in route.refused_roles:
        return 403
    if route.is_write:
        return 200 if may_write(user, route) else 403
    return 200


# --- cases --------------------------------------------------------------------------------------------------


def state(model: type[models.Model]) -> list[Any]:
    """Every row of ``model`` (with its version, where it has one): a POST that changed nothing leaves it equal."""
    manager = model._base_manager
    if any(f.name == "version" for f in model._meta.concrete_fields):
        return sorted(manager.values_list("pk", "version"))
    return sorted(manager.values_list("pk", flat=True))


def visible_pks(model: type[models.Model], user: Any, *, write: bool = False) -> set[Any]:
    return set(model._default_manager.for_user(user, write=write).values_list("pk", flat=True))


def hidden_object(route: PageRoute, user: Any) -> Any:
    """An object of the route's model that ``user`` cannot see (admin pages: any object), or None."""
    target = route.target
    qs = target._base_manager.order_by("pk")  # type: ignore[union-attr]
    if not route.admin:
        qs = qs.exclude(pk__in=visible_pks(target, user))  # type: ignore[arg-type]
    return qs.first()


def visible_object(route: PageRoute, user: Any) -> Any:
    """An object inside the user's scope (the writable scope on a write route, for an editor), or None."""
    if route.admin:
        return None
    write = route.is_write and may_write(user, route)
    qs = route.target._default_manager.for_user(user, write=write)  # type: ignore[union-attr]
    # A download route needs a record that has its file (a step recorded without an attachment has none).
    for f in route.target._meta.concrete_fields:  # type: ignore[union-attr]
        if isinstance(f, models.FileField):
            qs = qs.exclude(**{f.name: ""})
    return qs.order_by("pk").first()


def readable_not_writable(route: PageRoute, user: Any) -> Any:
    """On a writable-scope view (view.write): an object the user reads but may not change (a district and a
    city chain), which must answer like one outside the scope."""
    if route.admin or not getattr(route.view, "write", False) or not may_write(user, route):
        return None
    target = route.target
    readable = visible_pks(target, user)  # type: ignore[arg-type]
    return (
        target._base_manager.filter(pk__in=readable - visible_pks(target, user, write=True))  # type: ignore[union-attr]
        .order_by("pk")
        .first()
    )


def route_gaps(world: World) -> dict[str, str]:
    """Routes the matrix has no case for, with what is missing: every page route needs an out-of-scope case for
    some role (unless its model is public reference data) and an in-scope case for some role (unless only the
    security administrator reaches it); every API endpoint the same on its list."""
    gaps: dict[str, str] = {}
    for route in page_routes():
        if not route.fillable():
            gaps[route.name] = f"the harness cannot fill the kwargs {route.keys}"
            continue
        users = [world.users[r] for r in ROLES]
        if not route.public and not any(hidden_object(route, u) for u in users):
            gaps[route.name] = f"no {route.target.__name__} outside any role's scope in the world"  # type: ignore[union-attr]
        elif not route.admin and not any(visible_object(route, u) for u in users):
            gaps[route.name] = f"no {route.target.__name__} inside any role's scope in the world"  # type: ignore[union-attr]
    for ep in api_endpoints():
        users = [world.users[r] for r in ROLES]
        all_pks = set(ep.model._base_manager.values_list("pk", flat=True))
        if not all_pks:
            gaps[ep.name("list")] = f"no {ep.model.__name__} in the world"
        elif not ep.public and all(visible_pks(ep.model, u) == all_pks for u in users):
            gaps[ep.name("list")] = f"every role sees every {ep.model.__name__}"
    return gaps


# --- the world ---------------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_world() -> World:
    """Two of everything: one inside each persona's scope, one outside (the union of what the route matrices of
    core, projects, evaluation and the API tests built, plus investment, matching, chain maps and jobs)."""
    from chainleader.chainmap.models import ChainMap, GraphCompany, GraphIndustry
    from chainleader.chains.models import ChainTarget
    from chainleader.core.models import Job
    from chainleader.enterprises.models import EnterpriseProduct, Product
    from chainleader.evaluation import services as evaluation
    from chainleader.evaluation.models import EvaluationRun
    from chainleader.investment.models import Lead, LeadStep, Target
    from chainleader.matching.models import Match, Need, Offer
    from chainleader.projects.models import ProblemEvent
    from chainleader.tiers.models import TierCandidate, TierTarget
    from tests.factories import (
        ChainFactory,
        ContactFactory,
        EnterpriseFactory,
        LandZoneFactory,
        OrgUnitFactory,
        ParkFactory,
        PlacementFactory,
        SegmentFactory,
        TierFactory,
        UserFactory,
        YearFigureFactory,
        region,
    )
    from tests.projects.factories import (
        BatchFactory,
        ProblemFactory,
        ProjectFactory,
        ReportFactory,
        StageChangeFactory,
        WorkItemFactory,
        WorkItemNoteFactory,
    )

    w = World()
    o = w.objects
    a, b, c = region("370211"), region("370212"), region("370214")
    # Units and accounts.
    dept = OrgUnitFactory(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)
    finance = OrgUnitFactory(name="市财政局", kind=OrgUnit.Kind.DEPARTMENT)
    unit_a = OrgUnitFactory(name="黄岛区", kind=OrgUnit.Kind.DISTRICT, region=a)
    unit_b = OrgUnitFactory(name="崂山区", kind=OrgUnit.Kind.DISTRICT, region=b)
    # Chains: the city chain (the team's, led by the department) and a district-B chain.
    o["chain_in"] = chain_in = ChainFactory(
        name="智能家电", level="city", region=region("3702"), lead_department=dept
    )
    o["chain_out"] = chain_out = ChainFactory(name="崂山链", level="district", region=b)
    o["seg_in"] = seg_in = SegmentFactory(chain=chain_in, name="整机制造")
    o["seg_out"] = seg_out = SegmentFactory(chain=chain_out, name="乙环节")
    # Firms in A, B and C; A placed in the city chain, B in the district-B chain; B is the firm persona.
    o["firm_a"] = firm_a = EnterpriseFactory(name="黄岛企业", region=a)
    o["firm_b"] = firm_b = EnterpriseFactory(name="崂山企业", region=b)
    o["firm_c"] = firm_c = EnterpriseFactory(name="城阳企业", region=c)
    o["pl_a"] = PlacementFactory(segment=seg_in, enterprise=firm_a)
    o["pl_b"] = PlacementFactory(segment=seg_out, enterprise=firm_b)
    product = Product.objects.create(name="压缩机")
    for n, firm in enumerate((firm_a, firm_b, firm_c)):
        for year in (2023, 2024):
            o[f"fig_{firm.name}_{year}"] = YearFigureFactory(
                enterprise=firm, year=year, land_mu=20 + n, tax_wan=100 + 50 * n
            )
        TierFactory(enterprise=firm)
        ContactFactory(enterprise=firm)
        EnterpriseProduct.objects.create(enterprise=firm, product=product)
    for chain in (chain_in, chain_out):
        ChainTarget.objects.create(chain=chain, year=2025, indicator="产值", value=100, unit="亿元")
    o["park_a"], o["park_b"] = ParkFactory(region=a), ParkFactory(region=b)
    o["park_b"].chains.add(chain_out)
    LandZoneFactory(region=a), LandZoneFactory(region=b)

    firm_unit = OrgUnitFactory(name="崂山企业", kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm_b)
    team = UserFactory(username="team", role=Role.TEAM_MEMBER)
    team.chains.add(chain_in)
    w.users = {
        "office": UserFactory(username="office", role=Role.OFFICE),
        "district": UserFactory(username="district", role=Role.DISTRICT, org_unit=unit_a),
        "district_b": UserFactory(username="district_b", role=Role.DISTRICT, org_unit=unit_b),
        "team": team,
        "department": UserFactory(username="dept", role=Role.DEPARTMENT, org_unit=dept),
        "firm": UserFactory(username="firm", role=Role.ENTERPRISE, org_unit=firm_unit),
        "system_admin": UserFactory(username="sys", role=Role.SYSTEM_ADMIN),
    }
    office = w.users["office"]

    # Projects, reports, stage changes, problems (with events), batches, the four lists (with notes).
    o["p_a"] = ProjectFactory(name="黄岛项目", chain=chain_in, district=a)
    o["p_b"] = ProjectFactory(name="崂山项目", chain=chain_out, district=b, investor=firm_b)
    o["p_c"] = ProjectFactory(name="城阳项目", chain=chain_in, district=c)
    for p in (o["p_a"], o["p_b"], o["p_c"]):
        ReportFactory(project=p, month=date(2026, 1, 1))
        StageChangeFactory(project=p)
    o["prob_a"] = ProblemFactory(chain=chain_in, project=o["p_a"], region=a, raised_by_unit=unit_a)
    o["prob_b"] = ProblemFactory(
        chain=chain_out,
        project=o["p_b"],
        region=b,
        department=dept,
        status="assigned",
        deadline=date(2026, 12, 1),
    )
    o["prob_c"] = ProblemFactory(chain=chain_in, title="链级问题")
    for p in (o["prob_a"], o["prob_b"], o["prob_c"]):
        ProblemEvent.objects.create(
            problem=p, action="raise", to_status="raised", note="提出", attachment=pdf()
        )
    # Firm requests (企业诉求): one of the firm persona's, one of firm A's (raised through its own account).
    from chainleader.projects.services import problems as problem_services

    firm_a_user = UserFactory(
        username="firm_a",
        role=Role.ENTERPRISE,
        org_unit=OrgUnitFactory(name="黄岛企业", kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm_a),
    )
    for key, user in (("request_b", "firm"), ("request_a", firm_a_user)):
        o[key] = problem_services.request_raise(
            actor=w.users[user] if isinstance(user, str) else user,
            title="用地指标",
            description="需要协调用地指标",
            category=problem_services.FIRM_CATEGORIES[0],
            attachment=pdf("诉求.pdf"),
        )
    o["batch_a"] = BatchFactory(region=a)
    o["batch_a"].projects.add(o["p_a"])
    o["batch_city"] = BatchFactory(region=region("3702"))
    o["batch_city"].projects.add(o["p_c"])
    for name, chain, owner in (
        ("item_a", chain_in, unit_a),
        ("item_b", chain_out, dept),
        ("item_c", chain_in, finance),
    ):
        o[name] = WorkItemFactory(chain=chain, owner_unit=owner)
        WorkItemNoteFactory(item=o[name])
    # Chain meetings: the city chain's (the team's) and one district B convened on its chain, a decision each.
    from chainleader.worklists import services as worklists

    for key, chain, host in (("meeting_in", chain_in, None), ("meeting_out", chain_out, unit_b)):
        o[key] = worklists.meeting_create(
            actor=office,
            data={
                "chain": chain,
                "title": f"{chain.name}会商",
                "held_on": date(2026, 1, 10),
                "host_unit": host,
                "status": "held",
                "agenda": "议程",
            },
        )
        worklists.decision_record(
            meeting=o[key],
            actor=office,
            text="协调用地",
            owner_unit=dept,
            deadline=date(2026, 3, 1),
        )

    # Evaluation: a run in review (2024) with an appeal from each district, a draft (2023), the office's only.
    run = evaluation.evaluation_run_create(
        year=2024, scheme=evaluation.scheme_current(), actor=office
    )
    run = evaluation.evaluation_run_compute(run=run, actor=office)
    o["run"] = evaluation.run_review_open(run=run, actor=office)
    draft = evaluation.evaluation_run_create(
        year=2023, scheme=evaluation.scheme_current(), actor=office
    )
    o["draft"] = evaluation.evaluation_run_compute(run=draft, actor=office)
    assert o["draft"].status == EvaluationRun.Status.DRAFT
    for firm, user in ((firm_a, w.users["district"]), (firm_b, w.users["district_b"])):
        evaluation.appeal_submit(
            result=o["run"].results.get(enterprise=firm),
            actor=user,
            field="tax_wan",
            claimed_value=Decimal(900),
            evidence=pdf(),
        )

    # Investment: a target list row and a lead (with a step carrying a file) on each chain.
    industry = GraphIndustry.objects.create(code="330102", name="白色家电", level=3)
    company = GraphCompany.objects.create(ticker="600619.SH", name="海立股份", industry=industry)
    for suffix, chain, seg, district in (
        ("in", chain_in, seg_in, a),
        ("out", chain_out, seg_out, b),
    ):
        o[f"target_{suffix}"] = Target.objects.create(
            chain=chain,
            segment=seg,
            company=company,
            rank=1,
            score=0.5,
            share=0.1,
            buyer=0.0,
            fit=0.5,
            tier=1.0,
            derived_at=timezone.now(),
        )
        lead = Lead.objects.create(
            chain=chain,
            segment=seg,
            firm_name=f"目标企业{suffix}",
            district=district,
            stage_on=date(2026, 1, 5),
        )
        o[f"lead_{suffix}"] = lead
        LeadStep.objects.create(
            lead=lead, stage=lead.stage, on=lead.stage_on, attachment=pdf(), actor=office
        )

    # Matching: a need and an offer of firms A and B; a match each way.
    for key, firm, chain in (("a", firm_a, chain_in), ("b", firm_b, chain_out)):
        o[f"need_{key}"] = Need.objects.create(enterprise=firm, product="压缩机", chain=chain)
        o[f"offer_{key}"] = Offer.objects.create(enterprise=firm, product="压缩机", chain=chain)
    o["match_ab"] = Match.objects.create(need=o["need_a"], offer=o["offer_a"], score=0.9)
    o["match_ba"] = Match.objects.create(need=o["need_b"], offer=o["offer_b"], score=0.8)

    # Derived chain maps (the API's /chains/{id}/map/ answers 404 for a chain without one).
    for chain in (chain_in, chain_out):
        ChainMap.objects.create(chain=chain, derived_at=timezone.now())

    # The tier pipeline: a candidate of firms A and B; a city target (no firm sees it) and district A's own.
    for key, firm in (("a", firm_a), ("b", firm_b)):
        o[f"tier_candidate_{key}"] = TierCandidate.objects.create(
            enterprise=firm, tier="gazelle", level="provincial", year=2026, evidence=pdf()
        )
    o["tier_target_city"] = TierTarget.objects.create(
        tier="specialised", level="provincial", year=2025, value=600
    )
    o["tier_target_a"] = TierTarget.objects.create(
        tier="gazelle", level="provincial", year=2026, value=5, region=a
    )

    # Service commissioners: a cadre of another department serves firm A and firm B (the firm persona's), with
    # one visit each.
    from chainleader.commissioners import services as commissioners

    cadre = UserFactory(
        username="cadre", full_name="王建国", role=Role.DEPARTMENT, org_unit=finance
    )
    for key, firm in (("assignment_a", firm_a), ("assignment_b", firm_b)):
        o[key] = commissioners.assign(
            actor=office, enterprise=firm, commissioner=cadre, kind="key", since=date(2026, 1, 5)
        )
        commissioners.visit_log(
            actor=cadre, assignment=o[key], on=date(2026, 1, 6), attachment=pdf("走访.pdf")
        )

    # Background jobs: one the office started, one district A started.
    # Both are finished large exports with their file (core:job_file serves it to the job's owner alone).
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    for key, owner in (("job_office", office), ("job_district", w.users["district"])):
        o[key] = Job.objects.create(
            kind="export",
            created_by=owner,
            status=Job.Status.DONE,
            result_file=default_storage.save("exports/world/x.xlsx", ContentFile(b"PK\x03\x04")),
            result_name="x.xlsx",
        )

    # Growth plans (倍增) of firms A and B, each with a year's targets and a measure (一企一策).
    from chainleader.growth.models import GrowthPlan, Measure, PlanYear

    for key, firm in (("a", firm_a), ("b", firm_b)):
        o[f"plan_{key}"] = plan = GrowthPlan.objects.create(
            enterprise=firm, base_year=2023, target_year=2026
        )
        o[f"plan_year_{key}"] = PlanYear.objects.create(plan=plan, year=2025)
        o[f"measure_{key}"] = Measure.objects.create(
            plan=plan, text="协调用地", responsible_unit=dept
        )
    # Cockpit (摘星夺旗): a chain scheme with a published run (every cockpit reader sees both) and a district scheme
    # with a draft run (the office's only).
    from chainleader.cockpit.services import assessment as assessment_services

    assessment_items = [{"metric": "projects_started", "weight": 10, "method": "rank"}]
    for key, kind in (("assessment_scheme", "chain"), ("assessment_draft_scheme", "district")):
        o[key] = assessment_services.scheme_save(
            actor=office,
            data={
                "name": f"摘星夺旗{key}",
                "year": 2026,
                "period": "year",
                "subject_kind": kind,
                "awards": 1,
                "items": assessment_items,
            },
        )
    run = assessment_services.run_compute(actor=office, scheme=o["assessment_scheme"])
    run = assessment_services.run_review_open(actor=office, run=run)
    o["assessment_run"] = assessment_services.run_publish(actor=office, run=run)
    o["assessment_draft"] = assessment_services.run_compute(
        actor=office, scheme=o["assessment_draft_scheme"]
    )

    # Policies (免申即享, decision 0029): a published policy with its document and a draft (the office's only);
    # a run of the published item with results of firms A and B (the firm persona), both confirmed and paid;
    # a measure rule in force and one not (the office's only).
    from chainleader.policies.models import (
        EligibilityResult,
        EligibilityRun,
        MeasureRule,
        Payment,
        Policy,
        PolicyItem,
        PolicyItemVersion,
    )

    o["policy_pub"] = pol = Policy.objects.create(
        title="惠企政策", issuer="管委", status="published"
    )
    pol.document.save("policy.pdf", pdf(), save=True)
    o["policy_draft"] = Policy.objects.create(title="草稿政策", issuer="管委")
    for key, policy in (("pub", pol), ("draft", o["policy_draft"])):
        o[f"policy_item_{key}"] = it = PolicyItem.objects.create(
            policy=policy, number="1", title="条款", conditions={"all": []}, current_version=1
        )
        o[f"policy_version_{key}"] = PolicyItemVersion.objects.create(
            item=it, number=1, frozen=it.frozen()
        )
    o["eligibility_run"] = run = EligibilityRun.objects.create(
        item=o["policy_item_pub"],
        item_version=o["policy_version_pub"],
        year=2024,
        run_on=date(2026, 1, 5),
        counts={"firms": 2, "eligible": 2},
    )
    for key, firm in (("a", firm_a), ("b", firm_b)):
        o[f"eligibility_{key}"] = res = EligibilityResult.objects.create(
            run=run, enterprise=firm, eligible=True, amount_wan=Decimal(10), status="confirmed"
        )
        o[f"payment_{key}"] = Payment.objects.create(
            result=res,
            enterprise=firm,
            amount_wan=Decimal(10),
            paid_on=date(2026, 1, 6),
            voucher_no=f"PZ-{key}",
        )
    o["measure_rule_on"] = MeasureRule.objects.create(
        grade="D", min_years=2, kind="power", measure="加价"
    )
    o["measure_rule_off"] = MeasureRule.objects.create(
        grade="C", min_years=1, kind="land", measure="限制", active=False
    )
    # Indicators: a city indicator with targets and values for the city, districts A and B and both chains;
    # warnings on each chain and each district; relocation flags on firms A and B.
    from chainleader.indicators.models import (
        Indicator,
        IndicatorTarget,
        IndicatorValue,
        RelocationFlag,
    )
    from chainleader.indicators.models import Warning as IndicatorWarning

    o["indicator"] = ind = Indicator.objects.create(code="W-1", name="产值", owner=dept)
    for key, subject in (
        ("city", {}),
        ("a", {"region": a}),
        ("b", {"region": b}),
        ("in", {"chain": chain_in}),
        ("out", {"chain": chain_out}),
    ):
        o[f"ind_target_{key}"] = IndicatorTarget.objects.create(
            indicator=ind, target_year=2025, target_value=100, **subject
        )
        o[f"ind_value_{key}"] = IndicatorValue.objects.create(
            indicator=ind, year=2025, value=90, **subject
        )
        o[f"warning_{key}"] = IndicatorWarning.objects.create(
            kind="pace",
            message=f"落后 {key}",
            key=f"world-{key}",
            indicator=ind,
            raised_on=date(2026, 1, 1),
            **subject,
        )
    for key, firm in (("a", firm_a), ("b", firm_b)):
        o[f"relocation_{key}"] = RelocationFlag.objects.create(
            enterprise=firm, note="外迁", evidence=pdf(), evidence_name="x.pdf"
        )
    # Innovation (challenges): a published challenge of firm A's on the city chain (every business account reads
    # it), taken by firm B (the firm persona) with a milestone and its acceptance, and a draft of firm A's on the
    # district-B chain (its managers only); a scene each way with firm B's application to the first; a lab, a
    # diagnosis with a recommendation and a digital title of firm A's and of firm B's.
    from chainleader.challenges.models import (
        Acceptance,
        Challenge,
        ChallengeApplication,
        Diagnosis,
        DigitalTitle,
        Lab,
        Milestone,
        Recommendation,
        Scene,
        SceneApplication,
    )

    o["challenge_in"] = ch = Challenge.objects.create(
        publisher_firm=firm_a,
        chain=chain_in,
        title="降噪",
        need="降噪",
        budget_wan=100,
        deadline=date(2026, 12, 1),
        status="accepted",
    )
    o["challenge_draft"] = Challenge.objects.create(
        publisher_firm=firm_a,
        chain=chain_out,
        title="草稿",
        need="x",
        budget_wan=10,
        deadline=date(2026, 12, 1),
    )
    o["challenge_app"] = app = ChallengeApplication.objects.create(
        challenge=ch, solver_firm=firm_b, proposal="方案", asked_wan=90, attachment=pdf()
    )
    o["challenge_app_draft"] = ChallengeApplication.objects.create(
        challenge=o["challenge_draft"], solver_name="大学", proposal="方案", asked_wan=9
    )
    ch.selected = app
    ch.save()
    o["milestone"] = Milestone.objects.create(
        challenge=ch, title="样机", due_on=date(2026, 6, 1), evidence=pdf()
    )
    o["acceptance"] = Acceptance.objects.create(
        challenge=ch, on=date(2026, 6, 2), verdict="passed", evidence=pdf(), actor=office
    )
    o["scene_in"] = Scene.objects.create(
        publisher_firm=firm_a, chain=chain_in, title="场景", sought="压缩机", status="published"
    )
    o["scene_draft"] = Scene.objects.create(
        publisher_unit=dept, chain=chain_out, title="场景草稿", sought="压缩机"
    )
    o["scene_app"] = SceneApplication.objects.create(
        scene=o["scene_in"], supplier=firm_b, offer="x"
    )
    o["scene_app_c"] = SceneApplication.objects.create(
        scene=o["scene_draft"], supplier=firm_c, offer="x"
    )
    for key, firm, seg in (("a", firm_a, seg_in), ("b", firm_b, seg_out)):
        o[f"lab_{key}"] = Lab.objects.create(
            name=f"实验室{key}", kind="scene", host=firm, segment=seg
        )
        o[f"diagnosis_{key}"] = diag = Diagnosis.objects.create(
            enterprise=firm,
            provider="赋能中心",
            diagnosed_on=date(2026, 1, 5),
            strategy=3,
            equipment=2,
            production=2,
            management=3,
            products=2,
            data=1,
        )
        o[f"recommendation_{key}"] = Recommendation.objects.create(
            diagnosis=diag, text="数字化车间"
        )
        o[f"digital_title_{key}"] = DigitalTitle.objects.create(
            enterprise=firm, kind="smart_factory", level="provincial", year=2021
        )
    return w


def world_fixture(django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    """Build the world in one transaction for the module's tests (each test runs in a savepoint inside it, as
    with Django's setUpTestData) and roll it back at the module's end. Uploaded files go to a temporary folder."""
    media = tmp_path_factory.mktemp("scope-media")
    with override_settings(MEDIA_ROOT=str(media)), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from world_fixture(django_db_blocker, tmp_path_factory)
