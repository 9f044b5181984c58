"""Reference data (区划 regions and GB/T 4754-2017 industry codes): read-only lists every signed-in user reads, with
their filters and the export of the filtered list; nothing offers a change. (The API's filters and its 405 on
writes: tests/api/test_scope.py.)"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def codes(resp) -> list[str]:
    return [str(obj.code) for obj, _cells in resp.context["rows"]]


def test_the_region_list_filters_by_words_level_and_parent(client, firm_user):
    client.force_login(firm_user)  # public data: a firm account reads it too
    url = reverse("reference:region_list")
    assert "370211" in codes(client.get(url, {"q": "黄岛"}))
    assert codes(client.get(url, {"q": "370212"})) == ["370212"]
    under = codes(client.get(url, {"parent": "3702"}))
    assert {"370211", "370212"} <= set(under) and all(c.startswith("3702") for c in under)
    provinces = client.get(url, {"level": 1})
    assert provinces.status_code == 200
    assert all(obj.level == 1 for obj, _cells in provinces.context["rows"])


def test_the_industry_list_filters_by_code_level_and_section(client, office_user):
    client.force_login(office_user)
    url = reverse("reference:industry_list")
    found = client.get(url, {"q": "3951"}).context["rows"]
    assert [obj.full_code for obj, _cells in found][:1] == ["C3951"]
    sections = client.get(url, {"level": 1}).context["rows"]
    assert sections and all(obj.level == 1 for obj, _cells in sections)
    manufacturing = client.get(url, {"section": "c", "level": 2}).context["rows"]
    assert manufacturing and all(obj.section == "C" for obj, _cells in manufacturing)


def test_the_region_export_is_the_filtered_list(client, office_user):
    client.force_login(office_user)
    resp = client.get(reverse("reference:region_list"), {"parent": "3702", "export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    exported = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "370211" in exported and all(str(c).startswith("3702") for c in exported)


@pytest.mark.parametrize("name", ["reference:region_list", "reference:industry_list"])
def test_reference_lists_offer_no_change(client, office_user, name):
    client.force_login(office_user)
    resp = client.get(reverse(name))
    assert resp.status_code == 200
    assert resp.context["can_edit"] is False and not resp.context["add_url_name"]
    assert not resp.context["import_url_name"]
