"""AU1 for the failures the probe found unaudited (issue 13 item 7): a refused import (page and API) writes an
`import` row with outcome failure and the error count; a stored file's download writes a `download` row."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.core.models import AuditEvent
from chainleader.enterprises.importers import ENTERPRISE_COLUMNS
from chainleader.enterprises.models import Enterprise
from tests.imports import import_file

pytestmark = pytest.mark.django_db


def bad_roster() -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in ENTERPRISE_COLUMNS])
    ws.append(["不是信用代码", "甲有限公司", "", "370211"])
    ws.append(["也不是", "乙有限公司", "", "370211"])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("坏名录.xlsx", buf.getvalue())


def failures():
    return AuditEvent.objects.filter(event_type="import", outcome=AuditEvent.Outcome.FAILURE)


def test_a_refused_import_on_the_page_is_audited_with_its_error_count(client, office_user):
    client.force_login(office_user)
    resp = import_file(client, reverse("enterprises:enterprise_import"), bad_roster())
    assert resp.context["error_count"] >= 2
    assert Enterprise.objects.count() == 0
    row = failures().get()
    assert row.user == office_user
    assert row.object_type == "enterprises.enterprise"
    assert row.detail == {"file": "坏名录.xlsx", "errors": resp.context["error_count"]}


def test_a_refused_file_is_audited_too(client, office_user):
    client.force_login(office_user)
    fake = SimpleUploadedFile("名录.xlsx", b"MZ\x90\x00 not a workbook")
    client.post(reverse("enterprises:enterprise_import"), {"file": fake})
    assert failures().get().detail["errors"] >= 1


def test_a_refused_import_through_the_api_is_audited(office_user):
    api = APIClient()
    api.force_login(office_user)
    resp = api.post(
        "/api/imports/enterprises.enterprise/", {"file": bad_roster()}, format="multipart"
    )
    assert resp.status_code == 400
    row = failures().get()
    assert row.detail["errors"] == len(resp.json()["errors"])
