"""TP1/TP2, separation of the three powers (三权分立, GB/T 22239 §8.1.5, §8.1.7.1).

A snapshot pins, for every Role, four permissions, read both from what the code declares (settings, the
scope policy, the role checks) and from what the routes answer. Changing who may do what means changing the
dict literal below, in review. The audit administrator writes nothing anywhere; the system administrator
cannot read the audit log.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.accounts.models import ADMIN_ROLES, OrgUnit, Role, User
from chainleader.core.models import AuditEvent
from chainleader.core.querysets import scope_for
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    OrgUnitFactory,
    PlacementFactory,
    SegmentFactory,
    UserFactory,
    YearFigureFactory,
    region,
)

from .crawl import id_pool, kwargs_for, routes

# role -> (edits business data, sees confidential figures, reads the audit log, manages accounts)
EXPECTED = {
    "general_leader": (False, True, False, False),
    "chain_leader": (True, True, False, False),
    "office": (True, True, False, False),
    "team_member": (True, True, False, False),
    "district": (True, True, False, False),
    "department": (False, False, False, False),
    "enterprise": (False, True, False, False),
    "system_admin": (False, False, False, False),
    "security_admin": (False, False, False, True),
    "audit_admin": (False, False, True, False),
}
# Routes a signed-in user needs for their own account, whatever the role: not "admin writes".
SELF_SERVICE = {
    "accounts:login",
    "accounts:logout",
    "accounts:otp_verify",
    "accounts:otp_setup",
    "accounts:otp_backup_codes",
    "accounts:password_change",
    "accounts:profile",
    "accounts:session_end_others",
    "projects:notification_list",  # POST marks the user's own reminders read
    "set_language",
}


@pytest.fixture
def people(db):
    """One account per role, each with a figure inside its scope (where its role has a scope)."""
    dept = OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT)
    chain = ChainFactory(region=region("370211"), lead_department=dept)
    firm = EnterpriseFactory(region=region("370211"))
    PlacementFactory(segment=SegmentFactory(chain=chain), enterprise=firm)
    YearFigureFactory(enterprise=firm)
    units = {
        Role.DISTRICT: OrgUnitFactory(kind=OrgUnit.Kind.DISTRICT, region=region("370211")),
        Role.DEPARTMENT: dept,
        Role.ENTERPRISE: OrgUnitFactory(kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm),
    }
    out = {}
    for role in Role:
        user = UserFactory(username=f"p_{role.value}", role=role, org_unit=units.get(role))
        if role in (Role.CHAIN_LEADER, Role.TEAM_MEMBER):
            user.chains.add(chain)
        out[role.value] = user
    return out


def declared(user: User) -> tuple[bool, bool, bool, bool]:
    scope = scope_for(user)
    return (
        user.role in settings.CHAINLEADER_EDITOR_ROLES,
        scope.confidential and not scope.nothing,
        user.role == settings.CHAINLEADER_AUDIT_ROLE,
        user.role == Role.SECURITY_ADMIN,
    )


def observed(user: User) -> tuple[bool, bool, bool, bool]:
    client = APIClient()
    client.force_login(user)
    figures = client.get("/api/year-figures/").json()["count"]
    return (
        client.get(reverse("enterprises:enterprise_add")).status_code == 200,
        figures > 0,
        client.get(reverse("core:audit_log")).status_code == 200,
        client.get(reverse("accounts:user_list")).status_code == 200,
    )


def test_the_snapshot_names_every_role():
    assert set(EXPECTED) == set(Role.values)


def test_what_the_code_declares_matches_the_snapshot(people):
    assert {role: declared(user) for role, user in people.items()} == EXPECTED


def test_what_the_routes_answer_matches_the_snapshot(people):
    assert {role: observed(user) for role, user in people.items()} == EXPECTED


def test_no_two_admin_powers_and_no_figures_for_any_admin():
    """TP1: each of the three powers belongs to exactly one role, and no admin sees figures."""
    for column in range(4):
        holders = [r for r, powers in EXPECTED.items() if powers[column] and r in ADMIN_ROLES]
        assert len(holders) <= 1, (column, holders)
    assert all(not EXPECTED[r][1] for r in ADMIN_ROLES)


def test_an_account_holds_exactly_one_role():
    """TP1 is structural: one role column, no many-valued role field beside it."""
    role = User._meta.get_field("role")
    assert not role.many_to_many and list(role.choices) == list(Role.choices)
    role_fields = [
        f.name for f in User._meta.get_fields() if getattr(f, "choices", None) == Role.choices
    ]
    assert role_fields == ["role"]


def test_the_system_admin_cannot_read_the_audit_log(client, system_admin):
    client.force_login(system_admin)
    assert client.get(reverse("core:audit_log")).status_code == 403
    assert client.get(reverse("core:audit_log"), {"export": "xlsx"}).status_code == 403
    assert not AuditEvent.objects.filter(event_type__startswith="audit_").exists()


# --- the auditor writes nothing ------------------------------------------------------------------------


def _table_counts() -> dict[str, int]:
    counts = {}
    for label in (
        "accounts",
        "enterprises",
        "chains",
        "parks",
        "projects",
        "worklists",
        "chainmap",
    ):
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            counts[model._meta.label] = model._base_manager.count()
    return counts


def _write_routes() -> list[tuple[str, str]]:
    """(route name, url) of every page route but the self-service ones, with real ids filled in."""
    found, _unnamed = routes()
    pool = id_pool()
    out = []
    for route in found:
        if route.is_api or route.name in SELF_SERVICE:
            continue
        fillings, unknown = kwargs_for(route, pool, ["370211"])
        if fillings and not unknown:
            try:
                out.append((route.name, reverse(route.name, kwargs=fillings[0])))
            except Exception:  # noqa: S112 - a route whose ids do not reverse is skipped
                continue
    return out


@pytest.fixture
def auditor_world(people):
    """Records of every kind for the auditor to try to change (the people fixture made most of them)."""
    from tests.factories import ContactFactory, LandZoneFactory, ParkFactory, TierFactory

    firm = EnterpriseFactory(region=region("370212"))
    TierFactory(enterprise=firm)
    ContactFactory(enterprise=firm)
    ParkFactory()
    LandZoneFactory()
    return people


def test_the_auditor_gets_403_on_every_write_method_of_every_page(auditor_world):
    auditor = auditor_world["audit_admin"]
    client = Client()
    client.force_login(auditor)
    before = _table_counts()
    answers = {}
    for name, url in _write_routes():
        for method in ("post", "put", "patch", "delete"):
            resp = getattr(client, method)(url, {"name": "审计员改的", "version": 1})
            answers[(name, method)] = resp.status_code
    assert len(answers) > 100
    # 403, or 404 where the page first looks the object up in the auditor's (empty) scope, or 405
    # where the page takes no such method: never a success.
    wrong = {k: v for k, v in answers.items() if v not in (403, 404, 405)}
    assert wrong == {}
    assert _table_counts() == before
    writes = AuditEvent.objects.exclude(event_type__in=["login_success", "audit_search"])
    assert not writes.exists()


def test_the_auditor_gets_exactly_403_on_every_post_to_a_page(auditor_world):
    client = Client()
    client.force_login(auditor_world["audit_admin"])
    answers = {name: client.post(url, {}).status_code for name, url in _write_routes()}
    assert {k: v for k, v in answers.items() if v not in (403, 405)} == {}


def test_the_auditor_gets_403_on_every_api_write(auditor_world):
    client = APIClient()
    client.force_login(auditor_world["audit_admin"])
    found, _unnamed = routes()
    api = {r.name for r in found if r.name.startswith("api:") and r.name.endswith("-list")}
    before = _table_counts()
    checked = 0
    for name in sorted(api):
        route = next(r for r in found if r.name == name)
        model = route.model
        if model is None:
            continue
        assert client.post(reverse(name), {}, format="json").status_code in (403, 405), name
        obj = model._base_manager.first()
        if obj is None:
            continue
        detail = reverse(name.replace("-list", "-detail"), kwargs={"pk": obj.pk})
        for method in ("put", "patch", "delete"):
            resp = getattr(client, method)(detail, {"version": 1}, format="json")
            assert resp.status_code in (403, 405), (name, method, resp.status_code)
            checked += 1
    assert checked >= 20
    assert _table_counts() == before
