"""The write rules that differ from can_write (accounts.policy, decision 0018): the office's own steps, and a
firm account that writes for its own firm only."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from chainleader.accounts import policy
from chainleader.accounts.models import OrgUnit, Role
from tests.factories import EnterpriseFactory, OrgUnitFactory, UserFactory, region


def test_only_the_office_is_the_office(office_user, district_a_user, firm_user):
    assert policy.is_office(office_user)
    assert not policy.is_office(district_a_user)
    assert not policy.is_office(firm_user)


def test_a_firm_account_speaks_for_its_firm_and_nobody_else_does(firm, firm_user, office_user, db):
    unlinked = UserFactory(
        username="nofirm",
        role=Role.ENTERPRISE,
        org_unit=OrgUnitFactory(kind=OrgUnit.Kind.ENTERPRISE, enterprise=None),
    )
    assert policy.firm_of(firm_user) == firm.pk
    assert policy.firm_of(unlinked) is None
    assert policy.firm_of(office_user) is None
    assert policy.firm_of(AnonymousUser()) is None


def test_editors_and_firm_accounts_write_at_all_readers_do_not(
    office_user, district_a_user, firm_user, department_user, system_admin
):
    assert policy.is_editor_or_firm(office_user)
    assert policy.is_editor_or_firm(district_a_user)
    assert policy.is_editor_or_firm(firm_user)
    assert not policy.is_editor_or_firm(department_user)
    assert not policy.is_editor_or_firm(system_admin)
    assert not policy.is_editor_or_firm(AnonymousUser())


def test_a_firm_writes_for_itself_whatever_its_scope_an_editor_by_can_write(
    firm, firm_user, district_a_user, district_b_user
):
    other = EnterpriseFactory(name="别家有限公司", region=region("370211"))
    # The firm account: its own firm only, and the record's scope is not asked.
    assert policy.can_write_for_firm(firm_user, [firm.pk], other)
    assert not policy.can_write_for_firm(firm_user, [other.pk], firm)
    # An editor: can_write(user, obj), the firms named do not matter.
    assert policy.can_write_for_firm(district_a_user, [firm.pk], other)  # other sits in 370211
    assert not policy.can_write_for_firm(district_b_user, [other.pk], other)
    assert policy.can_write_for_firm(district_b_user, [other.pk])  # no object: the role alone
