"""The security administrator's pages (安全管理): accounts, roles, data scopes and units.

Only security_admin reaches them (TP1/TP2); each change writes exactly one audit row through a service
(AU1); accounts never get is_staff or is_superuser (TP1, TP3, AC4); initial and reset passwords must be
changed at the next login (A4); deactivation ends sessions (S2); no lost updates (RL1).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chainleader.accounts import services
from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.core.exceptions import ServiceError
from tests.conftest import PASSWORD
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    OrgUnitFactory,
    UserFactory,
    region,
)

from .conftest import audit_rows

NEW_PASSWORD = "Init-Passw0rd#7"
PERSONAS = [
    "office_user",
    "district_a_user",
    "chain_team_user",
    "department_user",
    "firm_user",
    "system_admin",
    "audit_admin",
]


def admin_urls(user: User, unit: OrgUnit) -> list[str]:
    return [
        reverse("accounts:user_list"),
        reverse("accounts:user_add"),
        reverse("accounts:user_edit", args=[user.pk]),
        reverse("accounts:user_password_reset", args=[user.pk]),
        reverse("accounts:user_deactivate", args=[user.pk]),
        reverse("accounts:user_unlock", args=[user.pk]),
        reverse("accounts:unit_list"),
        reverse("accounts:unit_add"),
        reverse("accounts:unit_edit", args=[unit.pk]),
    ]


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def user_form(account: User, **changes) -> dict:
    """The edit form as the page would post it (values as loaded, plus the changes)."""
    data = {
        "full_name": account.full_name,
        "role": account.role,
        "org_unit": account.org_unit_id or "",
        "chains": list(account.chains.values_list("pk", flat=True)),
        "phone": account.phone,
        "is_active": "on" if account.is_active else "",
        "fingerprint": services.user_fingerprint(account),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- who may use the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_other_role_gets_403_on_every_page_and_method(request, client, persona):
    user = request.getfixturevalue(persona)
    target = UserFactory(username="target", role=Role.OFFICE)
    unit = OrgUnitFactory()
    client.force_login(user)
    for url in admin_urls(target, unit):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "x", "role": "office"}).status_code == 403, url
    target.refresh_from_db()
    assert target.is_active and target.role == Role.OFFICE
    assert not audit_rows().exclude(event_type__startswith="login").exists()


def test_other_roles_get_403_even_for_ids_that_do_not_exist(client, system_admin):
    client.force_login(system_admin)
    assert client.get(reverse("accounts:user_edit", args=[999999])).status_code == 403
    assert client.get(reverse("accounts:unit_edit", args=[999999])).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    resp = client.get(reverse("accounts:user_list"))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_the_security_admin_opens_every_page(client, security_admin):
    target = UserFactory(username="target", role=Role.OFFICE)
    unit = OrgUnitFactory()
    client.force_login(security_admin)
    for url in admin_urls(target, unit):
        expected = 405 if url.endswith("/unlock/") else 200
        assert client.get(url).status_code == expected, url


def test_the_security_admin_sees_no_business_data(client, security_admin):
    """TP1: the page that assigns data scopes does not open the data itself."""
    firm = EnterpriseFactory(name="保密企业有限公司")
    client.force_login(security_admin)
    assert client.get(firm.get_absolute_url()).status_code == 404
    assert (
        "保密企业有限公司"
        not in client.get(reverse("enterprises:enterprise_list")).content.decode()
    )


# --- the account list --------------------------------------------------------------------------------


def test_the_list_searches_username_name_and_unit_and_filters_role_and_active(
    client, security_admin
):
    unit = OrgUnitFactory(name="市发展改革委", kind=OrgUnit.Kind.DEPARTMENT)
    UserFactory(username="zhangsan", full_name="张三", role=Role.OFFICE)
    UserFactory(username="lisi", full_name="李四", role=Role.DEPARTMENT, org_unit=unit)
    UserFactory(username="wangwu", full_name="王五", role=Role.OFFICE, is_active=False)
    client.force_login(security_admin)
    url = reverse("accounts:user_list")

    def names(**params):
        resp = client.get(url, params)
        assert resp.status_code == 200
        return {u.username for u in resp.context["page_obj"]}

    assert names(q="zhang") == {"zhangsan"}
    assert names(q="李四") == {"lisi"}
    assert names(q="发展改革") == {"lisi"}
    assert names(role="office") == {"zhangsan", "wangwu"}
    assert names(role="office", active="1") == {"zhangsan"}
    assert names(active="0") == {"wangwu"}


def test_the_list_is_paginated_and_keeps_the_filters(client, security_admin):
    for i in range(60):
        UserFactory(username=f"bulk{i:02d}", role=Role.OFFICE)
    client.force_login(security_admin)
    resp = client.get(reverse("accounts:user_list"), {"role": "office"})
    assert len(resp.context["page_obj"]) == 50
    assert "role=office&page=2" in resp.content.decode()
    page2 = client.get(reverse("accounts:user_list"), {"role": "office", "page": 2})
    assert len(page2.context["page_obj"]) == 10


# --- creating an account -----------------------------------------------------------------------------


def test_a_new_account_gets_one_role_no_admin_flags_and_must_change_its_password(
    client, security_admin, district_a_unit
):
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:user_add"),
        {
            "username": "newdistrict",
            "full_name": "新区用户",
            "role": Role.DISTRICT,
            "org_unit": district_a_unit.pk,
            "phone": "13700001111",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            # A crafted form cannot reach the admin flags (AC4): they are not fields.
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert resp.status_code == 302
    user = User.objects.get(username="newdistrict")
    assert (user.role, user.org_unit, user.is_active) == (Role.DISTRICT, district_a_unit, True)
    assert not user.is_superuser and not user.is_staff
    assert user.must_change_password and user.check_password(NEW_PASSWORD)
    row = audit_rows("user_create").get()
    assert (row.user, row.object_id) == (security_admin, str(user.pk))
    assert NEW_PASSWORD not in str(row.detail) and "13700001111" not in str(row.detail)
    # A4: the first login goes to the password change before any page.
    other = Client()
    assert login(other, "newdistrict", NEW_PASSWORD).status_code == 302
    resp = other.get(reverse("enterprises:enterprise_list"))
    assert resp.status_code == 302 and resp["Location"] == reverse("accounts:password_change")


@pytest.mark.parametrize(
    ("password", "confirm"),
    [("abc12345", "abc12345"), ("password1", "password1"), (NEW_PASSWORD, NEW_PASSWORD + "x")],
)
def test_a_weak_or_mistyped_initial_password_is_a_form_error(
    client, security_admin, password, confirm
):
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:user_add"),
        {
            "username": "weak",
            "role": Role.OFFICE,
            "password": password,
            "password_confirm": confirm,
        },
    )
    assert resp.status_code == 200
    assert resp.context["form"].errors
    assert not User.objects.filter(username="weak").exists()
    assert not audit_rows("user_create").exists()


def test_a_role_needs_a_unit_of_its_kind(client, security_admin, department_unit):
    """TP1 is structural (one role field); the role's unit is checked by User.clean."""
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:user_add"),
        {
            "username": "baddistrict",
            "role": Role.DISTRICT,
            "org_unit": department_unit.pk,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert resp.status_code == 200
    assert "org_unit" in resp.context["form"].errors
    assert not User.objects.filter(username="baddistrict").exists()


def test_the_role_field_takes_exactly_one_known_role(client, security_admin):
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:user_add"),
        {
            "username": "two",
            "role": [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN],
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    # A list posts its last value only; an unknown role is refused.
    assert User.objects.get(username="two").role == Role.AUDIT_ADMIN
    resp = client.post(
        reverse("accounts:user_add"),
        {
            "username": "three",
            "role": "system_admin,audit_admin",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert "role" in resp.context["form"].errors


def test_chains_are_kept_only_for_chain_roles(client, security_admin):
    chain = ChainFactory()
    client.force_login(security_admin)
    for username, role in (("leader", Role.CHAIN_LEADER), ("officer", Role.OFFICE)):
        client.post(
            reverse("accounts:user_add"),
            {
                "username": username,
                "role": role,
                "chains": [chain.pk],
                "password": NEW_PASSWORD,
                "password_confirm": NEW_PASSWORD,
            },
        )
    assert list(User.objects.get(username="leader").chains.all()) == [chain]
    assert not User.objects.get(username="officer").chains.exists()


# --- editing an account ------------------------------------------------------------------------------


def test_an_edit_writes_one_user_update_row_with_the_changes(client, security_admin):
    chain = ChainFactory()
    account = UserFactory(username="member", role=Role.TEAM_MEMBER, phone="13811112222")
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:user_edit", args=[account.pk]),
        user_form(account, full_name="新名字", chains=[chain.pk], phone="13933334444"),
    )
    assert resp.status_code == 302
    account.refresh_from_db()
    assert account.full_name == "新名字" and list(account.chains.all()) == [chain]
    row = audit_rows("user_update").get()
    assert (row.user, row.object_id) == (security_admin, str(account.pk))
    changes = row.detail["changes"]
    assert set(changes) == {"full_name", "chains", "phone"}
    assert changes["chains"] == [[], [chain.pk]]
    assert changes["phone"] == ["138****2222", "139****4444"]  # DP4: masked in the log
    assert audit_rows().exclude(event_type__in=["user_update", "login_success"]).count() == 0


def test_a_stale_account_edit_is_refused_and_the_first_edit_stays(client, security_admin):
    account = UserFactory(username="member", role=Role.OFFICE)
    client.force_login(security_admin)
    url = reverse("accounts:user_edit", args=[account.pk])
    loaded = user_form(account)  # both admins load the form now
    assert client.post(url, {**loaded, "full_name": "甲改的"}).status_code == 302
    resp = client.post(url, {**loaded, "full_name": "乙改的"})
    assert resp.status_code == 200
    assert resp.context["form"].non_field_errors()
    account.refresh_from_db()
    assert account.full_name == "甲改的"
    assert audit_rows("user_update").count() == 1


def test_an_edit_without_the_fingerprint_is_refused(client, security_admin):
    account = UserFactory(username="member", role=Role.OFFICE)
    client.force_login(security_admin)
    form = user_form(account, full_name="盲改")
    form.pop("fingerprint")
    resp = client.post(reverse("accounts:user_edit", args=[account.pk]), form)
    assert resp.status_code == 200
    account.refresh_from_db()
    assert account.full_name != "盲改"


def test_the_security_admin_cannot_change_its_own_role_or_switch_itself_off(client, security_admin):
    client.force_login(security_admin)
    url = reverse("accounts:user_edit", args=[security_admin.pk])
    for change in ({"role": Role.OFFICE}, {"is_active": ""}):
        resp = client.post(url, user_form(security_admin, **change))
        assert resp.status_code == 200
    security_admin.refresh_from_db()
    assert security_admin.role == Role.SECURITY_ADMIN and security_admin.is_active
    with pytest.raises(ServiceError):
        services.account_deactivate(user=security_admin, actor=security_admin)


def test_the_break_glass_superuser_is_not_managed_here(client, security_admin):
    root = UserFactory(username="root", role="", is_superuser=True)
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:user_edit", args=[root.pk]), user_form(root, role="office")
    )
    assert resp.status_code == 200
    resp = client.post(
        reverse("accounts:user_password_reset", args=[root.pk]),
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert resp.status_code == 200
    root.refresh_from_db()
    assert root.role == "" and root.check_password(PASSWORD)
    assert not audit_rows("user_update").exists() and not audit_rows("password_reset").exists()


def test_only_the_security_admin_may_call_the_services(office_user, system_admin):
    for actor in (office_user, system_admin):
        with pytest.raises(ServiceError):
            services.user_create(
                actor=actor, username="x", password=NEW_PASSWORD, role=Role.SYSTEM_ADMIN
            )
        with pytest.raises(ServiceError):
            services.user_update(
                user=office_user,
                actor=actor,
                data={"role": Role.SECURITY_ADMIN},
                chains=[],
                expected_fingerprint=None,
            )
    assert not User.objects.filter(username="x").exists()


# --- deactivating, reactivating, passwords, locks ----------------------------------------------------


def test_deactivation_ends_the_users_open_sessions(client, security_admin, office_user):
    theirs = Client()
    assert login(theirs, "office").status_code == 302
    assert theirs.get(reverse("enterprises:enterprise_list")).status_code == 200
    client.force_login(security_admin)
    url = reverse("accounts:user_deactivate", args=[office_user.pk])
    assert client.get(url).status_code == 200  # asks first
    assert client.post(url).status_code == 302
    office_user.refresh_from_db()
    assert not office_user.is_active
    resp = theirs.get(reverse("enterprises:enterprise_list"))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    row = audit_rows("user_deactivate").get()
    assert (row.user, row.object_id) == (security_admin, str(office_user.pk))
    assert row.detail["sessions_ended"] == 1
    # Twice is refused, and writes nothing more.
    client.post(url)
    assert audit_rows("user_deactivate").count() == 1


def test_switching_active_off_on_the_edit_form_also_ends_sessions(
    client, security_admin, office_user
):
    theirs = Client()
    login(theirs, "office")
    client.force_login(security_admin)
    client.post(
        reverse("accounts:user_edit", args=[office_user.pk]), user_form(office_user, is_active="")
    )
    resp = theirs.get(reverse("enterprises:enterprise_list"))
    assert resp.status_code == 302
    assert audit_rows("user_update").get().detail["sessions_ended"] == 1


def test_a_reactivated_stale_account_can_log_in_again(client, security_admin, db):
    """A4 disables an account unused for 90 days; re-enabling restarts that clock."""
    account = UserFactory(username="stale", role=Role.OFFICE, is_active=False)
    User.objects.filter(pk=account.pk).update(
        last_login=timezone.now() - timedelta(days=120),
        date_joined=timezone.now() - timedelta(days=200),
    )
    account.refresh_from_db()
    client.force_login(security_admin)
    client.post(
        reverse("accounts:user_edit", args=[account.pk]), user_form(account, is_active="on")
    )
    row = audit_rows("user_update").get()
    assert row.detail["changes"]["is_active"] == [False, True]
    assert row.detail["idle_clock_restarted"] is True
    assert login(Client(), "stale").status_code == 302


def test_a_password_reset_sets_a_temporary_password_and_ends_sessions(
    client, security_admin, office_user
):
    theirs = Client()
    login(theirs, "office")
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:user_password_reset", args=[office_user.pk]),
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    office_user.refresh_from_db()
    assert office_user.must_change_password and office_user.check_password(NEW_PASSWORD)
    assert theirs.get(reverse("enterprises:enterprise_list")).status_code == 302
    row = audit_rows("password_reset").get()
    assert (row.user, row.object_id) == (security_admin, str(office_user.pk))
    assert NEW_PASSWORD not in str(row.detail)
    fresh = Client()
    login(fresh, "office", NEW_PASSWORD)
    assert fresh.get(reverse("core:home"))["Location"] == reverse("accounts:password_change")


def test_a_reset_password_follows_the_policy(client, security_admin, office_user):
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:user_password_reset", args=[office_user.pk]),
        {"password": "office1", "password_confirm": "office1"},
    )
    assert resp.status_code == 200 and "password" in resp.context["form"].errors
    office_user.refresh_from_db()
    assert office_user.check_password(PASSWORD) and not audit_rows("password_reset").exists()


def test_unlocking_lifts_a_running_login_lock(client, security_admin, office_user):
    theirs = Client()
    for _ in range(5):
        login(theirs, "office", "wrong-password")
    assert login(theirs, "office").status_code == 200  # locked
    client.force_login(security_admin)
    resp = client.post(reverse("accounts:user_unlock", args=[office_user.pk]))
    assert resp.status_code == 302
    assert login(theirs, "office").status_code == 302
    row = audit_rows("account_unlock").get()
    assert row.user == security_admin and row.detail["username"] == "office"


# --- organisation units ------------------------------------------------------------------------------


def unit_form(**values) -> dict:
    base = {
        "name": "单位",
        "kind": OrgUnit.Kind.OFFICE,
        "parent": "",
        "region": "",
        "enterprise": "",
    }
    return {**base, **values}


def test_units_are_listed_parents_before_children(client, security_admin):
    office = OrgUnitFactory(name="链长办", kind=OrgUnit.Kind.OFFICE)
    OrgUnitFactory(name="专班甲", kind=OrgUnit.Kind.TEAM, parent=office)
    OrgUnitFactory(name="工信局", kind=OrgUnit.Kind.DEPARTMENT)
    client.force_login(security_admin)
    rows = client.get(reverse("accounts:unit_list")).context["rows"]
    names = [(u.name, len(indent)) for u, indent in rows]
    assert names.index(("链长办", 0)) + 1 == names.index(("专班甲", 1))


def test_a_district_unit_needs_a_region_and_gets_one_unit_create_row(client, security_admin):
    client.force_login(security_admin)
    url = reverse("accounts:unit_add")
    resp = client.post(url, unit_form(name="即墨区", kind=OrgUnit.Kind.DISTRICT))
    assert resp.status_code == 200 and "region" in resp.context["form"].errors
    resp = client.post(
        url, unit_form(name="即墨区", kind=OrgUnit.Kind.DISTRICT, region=region("370215").pk)
    )
    assert resp.status_code == 302
    unit = OrgUnit.objects.get(name="即墨区")
    row = audit_rows("unit_create").get()
    assert (row.user, row.object_id) == (security_admin, str(unit.pk))


def test_an_enterprise_unit_names_its_firm_by_credit_code(client, security_admin):
    firm = EnterpriseFactory(name="某某公司")
    client.force_login(security_admin)
    url = reverse("accounts:unit_add")
    resp = client.post(
        url, unit_form(name="某某公司", kind=OrgUnit.Kind.ENTERPRISE, enterprise="9" * 18)
    )
    assert "enterprise" in resp.context["form"].errors
    resp = client.post(
        url,
        unit_form(name="某某公司", kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm.uscc.lower()),
    )
    assert resp.status_code == 302
    assert OrgUnit.objects.get(name="某某公司").enterprise == firm


def test_a_stale_unit_edit_is_refused(client, security_admin):
    unit = OrgUnitFactory(name="旧名", kind=OrgUnit.Kind.DEPARTMENT)
    client.force_login(security_admin)
    url = reverse("accounts:unit_edit", args=[unit.pk])
    loaded = unit_form(name="旧名", kind=unit.kind, version=unit.version)
    assert client.post(url, {**loaded, "name": "甲改的"}).status_code == 302
    resp = client.post(url, {**loaded, "name": "乙改的"})
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("甲改的", 2)
    row = audit_rows("unit_update").get()
    assert row.detail["changes"] == {"name": ["旧名", "甲改的"]}


def test_a_unit_cannot_sit_under_its_own_sub_unit(client, security_admin):
    top = OrgUnitFactory(name="上级", kind=OrgUnit.Kind.OFFICE)
    child = OrgUnitFactory(name="下级", kind=OrgUnit.Kind.TEAM, parent=top)
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:unit_edit", args=[top.pk]),
        unit_form(name="上级", kind=top.kind, parent=child.pk, version=top.version),
    )
    assert resp.status_code == 200 and "parent" in resp.context["form"].errors
    top.refresh_from_db()
    assert top.parent is None


def test_a_unit_keeps_the_kind_its_users_need(client, security_admin, district_a_user):
    unit = district_a_user.org_unit
    client.force_login(security_admin)
    resp = client.post(
        reverse("accounts:unit_edit", args=[unit.pk]),
        unit_form(name=unit.name, kind=OrgUnit.Kind.DEPARTMENT, version=unit.version),
    )
    assert resp.status_code == 200 and resp.context["form"].errors
    unit.refresh_from_db()
    assert unit.kind == OrgUnit.Kind.DISTRICT
