"""The scope matrix of tests/core/test_scope_matrix.py, run over the evaluation routes with evaluation
records in the world (the core world has none, so there every evaluation route is skipped).

Every evaluation URL with an object id × every role: an object outside the role's scope answers 404 on GET
and on POST, and the POST changes nothing; an object inside answers 200 on its read routes, and the write
routes follow the role.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from chainleader.accounts.models import OrgUnit, Role
from chainleader.accounts.policy import is_editor_or_firm
from chainleader.evaluation import services
from chainleader.evaluation.models import EvaluationRun
from tests.core.test_scope_matrix import ROLES, kwargs_for, object_patterns, state
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

from .conftest import compute, pdf

PATTERNS = [p for p in object_patterns() if p[0].startswith("evaluation:")]


@pytest.fixture
def matrix(db):
    dept = OrgUnitFactory(name="市工业和信息化局", kind=OrgUnit.Kind.DEPARTMENT)
    chain_in = ChainFactory(
        name="智能家电", level="city", region=region("3702"), lead_department=dept
    )
    seg_in = SegmentFactory(chain=chain_in)
    firm_a = EnterpriseFactory(name="黄岛企业", region=region("370211"))
    firm_b = EnterpriseFactory(name="崂山企业", region=region("370212"))
    firm_c = EnterpriseFactory(name="城阳企业", region=region("370214"))
    PlacementFactory(segment=seg_in, enterprise=firm_a)
    for n, firm in enumerate((firm_a, firm_b, firm_c)):
        for year in (2023, 2024):
            YearFigureFactory(enterprise=firm, year=year, land_mu=20 + n, tax_wan=100 + 50 * n)
    district_unit = OrgUnitFactory(
        name="黄岛区", kind=OrgUnit.Kind.DISTRICT, region=region("370211")
    )
    district_b = OrgUnitFactory(name="崂山区", kind=OrgUnit.Kind.DISTRICT, region=region("370212"))
    firm_unit = OrgUnitFactory(name="崂山企业", kind=OrgUnit.Kind.ENTERPRISE, enterprise=firm_b)
    team = UserFactory(username="team", role=Role.TEAM_MEMBER)
    team.chains.add(chain_in)
    users = {
        "office": UserFactory(username="office", role=Role.OFFICE),
        "district": UserFactory(username="district", role=Role.DISTRICT, org_unit=district_unit),
        "team": team,
        "department": UserFactory(username="dept", role=Role.DEPARTMENT, org_unit=dept),
        "firm": UserFactory(username="firm", role=Role.ENTERPRISE, org_unit=firm_unit),
        "system_admin": UserFactory(username="sys", role=Role.SYSTEM_ADMIN),
    }
    district_b_user = UserFactory(username="district_b", role=Role.DISTRICT, org_unit=district_b)
    office = users["office"]
    run = compute(2024, office, EvaluationRun.Status.REVIEWING)
    compute(2023, office)  # a draft: the office's only
    for firm, user in ((firm_a, users["district"]), (firm_b, district_b_user)):
        services.appeal_submit(
            result=run.results.get(enterprise=firm),
            actor=user,
            field="tax_wan",
            claimed_value=Decimal(900),
            evidence=pdf(),
        )
    return users


def test_the_evaluation_routes_are_in_the_matrix():
    names = {name for name, _v, _k in PATTERNS}
    assert {
        "evaluation:run_detail",
        "evaluation:result_list",
        "evaluation:result_detail",
        "evaluation:result_appeal",
        "evaluation:appeal_detail",
        "evaluation:appeal_decide",
        "evaluation:appeal_evidence",
        "evaluation:measure_edit",
        "evaluation:scheme_detail",
    } <= names


@pytest.mark.parametrize("role", ROLES)
def test_out_of_scope_evaluation_objects_are_404_and_posts_change_nothing(client, matrix, role):
    user = matrix[role]
    client.force_login(user)
    checked = 0
    for name, view, keys in PATTERNS:
        target = view.parent_model if "parent_pk" in keys and "pk" not in keys else view.model
        visible = set(target.objects.for_user(user).values_list("pk", flat=True))
        hidden = target._base_manager.exclude(pk__in=visible).first()
        if hidden is None:
            continue
        if "parent_pk" in keys and "pk" not in keys:
            url = reverse(name, kwargs={"parent_pk": hidden.pk})
        else:
            url = reverse(name, kwargs=kwargs_for(view, keys, hidden))
        before = [state(m) for m in (view.model, target)]
        # As in the core matrix, a write route answers a read-only role 403 before any lookup (TP2);
        # here the workflow steps (POST on a read route) do the same for POST.
        is_write = any(name.endswith(s) for s in ("_edit", "_delete", "_add"))
        denied = 403 if is_write and user.role not in settings.CHAINLEADER_EDITOR_ROLES else 404
        post_denied = 403 if not is_editor_or_firm(user) else denied
        assert client.get(url).status_code == denied, (role, name)
        answer = client.post(url, {"note": "x", "version": 1}).status_code
        assert answer in (post_denied, 405), (role, name, answer)
        assert [state(m) for m in (view.model, target)] == before, (role, name)
        checked += 1
    if role != "office":
        assert checked >= 5, f"{role}: only {checked} routes had a hidden object"


@pytest.mark.parametrize("role", ROLES)
def test_in_scope_evaluation_objects_answer_and_writes_follow_the_role(client, matrix, role):
    user = matrix[role]
    client.force_login(user)
    editor = user.role in settings.CHAINLEADER_EDITOR_ROLES
    for name, view, keys in PATTERNS:
        is_write = any(name.endswith(s) for s in ("_edit", "_delete", "_add"))
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
        assert status == expected, (role, name, status)


@pytest.mark.parametrize("persona", ["department", "system_admin"])
def test_a_read_only_role_gets_403_on_every_evaluation_post(client, matrix, persona):
    client.force_login(matrix[persona])
    office = matrix["office"]
    for name, view, keys in PATTERNS:
        obj = view.model.objects.for_user(office).first()
        if obj is None or keys != {"pk"}:
            continue
        answer = client.post(reverse(name, kwargs={"pk": obj.pk}), {"note": "x"}).status_code
        assert answer in (403, 405), (persona, name, answer)
