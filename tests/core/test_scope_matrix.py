"""The scope matrix (NetBox's ViewTestCases pattern, generated): every object route × every role.

Every URL pattern that takes an object id is found in the URLconf, not listed by hand, so a new route is covered
the day it is added. For each role: an object outside its scope answers 404 on GET and on POST, and the POST
changes nothing; an object inside its scope answers 200 on its read routes.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chainleader.accounts.models import OrgUnit, Role
from chainleader.chains.models import ChainTarget
from chainleader.core.querysets import scope_for
from chainleader.enterprises.models import Contact
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

ROLES = ["office", "district", "team", "department", "firm", "system_admin"]


def object_patterns():
    """(name, view class, kwarg names) for every namespaced page pattern with an object id."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace and p.name:
                keys = set(p.pattern.converters)
                view = getattr(p.callback, "view_class", None)
                if keys & {"pk", "parent_pk"} and view is not None and hasattr(view, "model"):
                    found.append((f"{namespace}:{p.name}", view, keys))

    walk(get_resolver().url_patterns, None)
    return found


PATTERNS = object_patterns()


@pytest.fixture
def world(db):
    """Two of everything: one inside each persona's scope, one outside."""
    dept = OrgUnitFactory(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)
    chain_in = ChainFactory(
        name="智能家电", level="city", region=region("3702"), lead_department=dept
    )
    chain_out = ChainFactory(name="崂山链", level="district", region=region("370212"))
    seg_in, seg_out = SegmentFactory(chain=chain_in), SegmentFactory(chain=chain_out)
    firm_a = EnterpriseFactory(name="黄岛企业", region=region("370211"))
    firm_b = EnterpriseFactory(name="崂山企业", region=region("370212"))
    firm_c = EnterpriseFactory(name="城阳企业", region=region("370214"))
    PlacementFactory(segment=seg_in, enterprise=firm_a)
    PlacementFactory(segment=seg_out, enterprise=firm_b)
    for firm in (firm_a, firm_b, firm_c):
        YearFigureFactory(enterprise=firm)
        TierFactory(enterprise=firm)
        ContactFactory(enterprise=firm)
    for chain in (chain_in, chain_out):
        ChainTarget.objects.create(chain=chain, year=2025, indicator="产值", value=100, unit="亿元")
    ParkFactory(region=region("370211")), ParkFactory(region=region("370212"))
    LandZoneFactory(region=region("370211")), LandZoneFactory(region=region("370212"))

    district_unit = OrgUnitFactory(
        name="黄岛区", kind=OrgUnit.Kind.DISTRICT, region=region("370211")
    )
    firm_unit = OrgUnitFactory(name="崂山企业", kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm_b)
    team = UserFactory(username="team", role=Role.TEAM_MEMBER)
    team.chains.add(chain_in)
    return {
        "office": UserFactory(username="office", role=Role.OFFICE),
        "district": UserFactory(username="district", role=Role.DISTRICT, org_unit=district_unit),
        "team": team,
        "department": UserFactory(username="dept", role=Role.DEPARTMENT, org_unit=dept),
        "firm": UserFactory(username="firm", role=Role.ENTERPRISE, org_unit=firm_unit),
        "system_admin": UserFactory(username="sys", role=Role.SYSTEM_ADMIN),
    }


def kwargs_for(view, keys, obj):
    if "parent_pk" in keys:
        parent = getattr(obj, view.parent_field)
        return {"parent_pk": parent.pk, **({"pk": obj.pk} if "pk" in keys else {})}
    return {"pk": obj.pk}


def state(model):
    return (
        sorted(model._base_manager.values_list("pk", "version"))
        if hasattr(model, "version")
        else sorted(model._base_manager.values_list("pk", flat=True))
    )


def test_the_matrix_found_the_routes():
    names = {name for name, _v, _k in PATTERNS}
    assert {
        "enterprises:enterprise_detail",
        "chains:chain_edit",
        "chains:placement_add",
        "parks:park_delete",
        "enterprises:figure_edit",
        "chains:segment_history",
    } <= names


@pytest.mark.parametrize("role", ROLES)
def test_out_of_scope_objects_are_404_on_every_route_and_posts_change_nothing(client, world, role):
    user = world[role]
    client.force_login(user)
    checked = 0
    for name, view, keys in PATTERNS:
        target_model = view.parent_model if "parent_pk" in keys and "pk" not in keys else view.model
        visible = set(target_model.objects.for_user(user).values_list("pk", flat=True))
        hidden = target_model._base_manager.exclude(pk__in=visible).first()
        if hidden is None:
            continue
        if "parent_pk" in keys and "pk" not in keys:
            url = reverse(name, kwargs={"parent_pk": hidden.pk})
        else:
            url = reverse(name, kwargs=kwargs_for(view, keys, hidden))
        before = [state(m) for m in (view.model, target_model)]
        # A write route answers a read-only role 403 before any lookup (TP2): the same for every id, so it
        # reveals nothing either. Everything else: 404.
        is_write = getattr(view, "write", False) or any(
            name.endswith(s) for s in ("_edit", "_delete", "_add")
        )
        refused = (
            (is_write and user.role not in settings.CHAINLEADER_EDITOR_ROLES)
            or user.role in getattr(view, "refused_roles", ())
            or scope_for(user).nothing
        )
        denied = (403, 404) if refused else (404,)
        assert client.get(url).status_code in denied, (role, name)
        # A read-only route answers 405 to POST whatever the object; every other route 404 (nothing revealed).
        assert client.post(url, {"name": "x", "version": 1}).status_code in (*denied, 405), (
            role,
            name,
        )
        assert [state(m) for m in (view.model, target_model)] == before, (role, name)
        checked += 1
    if role != "office":
        assert checked >= 5, f"{role}: only {checked} routes had a hidden object"


@pytest.mark.parametrize("role", ROLES)
def test_in_scope_objects_answer_on_read_routes_and_write_routes_follow_the_role(
    client, world, role
):
    user = world[role]
    client.force_login(user)
    editor = user.role in settings.CHAINLEADER_EDITOR_ROLES
    for name, view, keys in PATTERNS:
        # A write route: by its name, or a view that declares it works on the writable scope.
        is_write = getattr(view, "write", False) or any(
            name.endswith(s) for s in ("_edit", "_delete", "_add")
        )
        if "parent_pk" in keys and "pk" not in keys:
            parent = view.parent_model.objects.for_user(user, write=is_write and editor).first()
            if parent is None:
                continue
            url = reverse(name, kwargs={"parent_pk": parent.pk})
        else:
            obj = view.model.objects.for_user(user, write=is_write and editor).first()
            if obj is None:
                continue
            url = reverse(name, kwargs=kwargs_for(view, keys, obj))
        status = client.get(url).status_code
        expected = (200 if editor else 403) if is_write else 200
        if user.role in getattr(
            view, "refused_roles", ()
        ):  # a role the view refuses outright (TP2)
            expected = 403
        assert status == expected, (role, name, status)


def test_the_firm_sees_only_itself(client, world):
    client.force_login(world["firm"])
    body = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert "崂山企业" in body and "黄岛企业" not in body and "城阳企业" not in body


def test_the_department_sees_firms_of_its_chains_but_no_figures(client, world):
    user = world["department"]
    client.force_login(user)
    body = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert "黄岛企业" in body and "崂山企业" not in body
    firm = EnterpriseFactory._meta.model.objects.get(name="黄岛企业")
    detail = client.get(firm.get_absolute_url())
    assert detail.status_code == 200 and detail.context["figures"] == []


def test_contacts_phone_is_masked_for_a_role_without_the_grant(client, world):
    client.force_login(world["department"])
    firm = Contact.objects.get(enterprise__name="黄岛企业").enterprise
    body = client.get(firm.get_absolute_url()).content.decode()
    assert "13812345678" not in body and "138****5678" in body
