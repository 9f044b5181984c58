"""A credit code registered in another district does not show through a uniqueness error (issue 13 item 7).

Out of scope, a clash gets the refusal any write outside the scope gets ("This record would be outside your
data scope."), the same body as creating a new firm in another district; in scope it still says the code
exists, so the user can find the firm.
"""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.enterprises.forms import EnterpriseForm
from chainleader.enterprises.models import Enterprise
from tests.factories import EnterpriseFactory, make_uscc, region

pytestmark = pytest.mark.django_db
URL = "/api/enterprises/"


def payload(uscc: str, area: str) -> dict[str, object]:
    return {"uscc": uscc, "name": "新登记有限公司", "region": area}


@pytest.fixture
def api(district_a_user):
    client = APIClient()
    client.force_login(district_a_user)
    return client


def test_a_code_taken_in_another_district_answers_like_any_write_outside_the_scope(api):
    taken = EnterpriseFactory(uscc=make_uscc(730001, "370212"), region=region("370212"))
    clash = api.post(URL, payload(taken.uscc, "370211"), format="json")
    elsewhere = api.post(URL, payload(make_uscc(730002, "370212"), "370212"), format="json")
    assert clash.status_code == elsewhere.status_code == 400
    assert clash.json() == elsewhere.json()
    assert "已存在" not in clash.content.decode()
    assert Enterprise.objects.count() == 1


def test_a_code_taken_in_the_users_own_district_still_says_it_exists(api):
    own = EnterpriseFactory(uscc=make_uscc(730003, "370211"), region=region("370211"))
    resp = api.post(URL, payload(own.uscc, "370211"), format="json")
    assert resp.status_code == 400
    assert "uscc" in resp.json()


def _form_errors(client, data):
    resp = client.post(reverse("enterprises:enterprise_add"), data)
    assert resp.status_code == 200
    form = resp.context["form"]
    return {k: [str(m) for m in v] for k, v in form.errors.items()}


def test_the_add_page_hides_it_the_same_way(client, district_a_user):
    taken = EnterpriseFactory(uscc=make_uscc(730004, "370212"), region=region("370212"))
    client.force_login(district_a_user)
    base = {
        k: ("" if v is None else v)
        for k, v in model_to_dict(
            EnterpriseFactory.build(region=region("370211")), fields=EnterpriseForm._meta.fields
        ).items()
    }
    clash = _form_errors(client, {**base, "uscc": taken.uscc, "region": region("370211").pk})
    elsewhere = _form_errors(
        client, {**base, "uscc": make_uscc(730005, "370212"), "region": region("370212").pk}
    )
    assert clash == elsewhere
    assert "uscc" not in clash
    assert Enterprise.objects.count() == 1


def _import_errors(client, rows):
    from tests.enterprises.test_import import workbook
    from tests.imports import import_file

    resp = import_file(client, reverse("enterprises:enterprise_import"), workbook(rows))
    return [(e["row"], e["column"], e["value"], e["message"]) for e in resp.context["errors"]]


def test_the_import_refuses_a_code_taken_elsewhere_as_it_refuses_a_new_firm_elsewhere(
    client, district_a_user
):
    from tests.enterprises.test_import import firm_row

    taken = EnterpriseFactory(uscc=make_uscc(730006, "370212"), region=region("370212"))
    client.force_login(district_a_user)
    bad_industry = firm_row(9)
    bad_industry[5] = "X9999"
    # the code stored in district B, given with the user's own district
    clash = firm_row(1, "370211")
    clash[0] = taken.uscc
    # a new code, placed in district B
    fresh = firm_row(1, "370212")
    fresh[0] = make_uscc(730007, "370212")
    for extra in ([], [bad_industry]):  # alone, and beside another row's error
        got_clash = _import_errors(client, [clash, *extra])
        got_fresh = _import_errors(client, [fresh, *extra])
        assert [e[:2] + e[3:] for e in got_clash] == [e[:2] + e[3:] for e in got_fresh]
    assert _import_errors(client, [clash])[0][2] == taken.uscc
    assert Enterprise.objects.count() == 1
