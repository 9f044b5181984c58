"""DP3 residual information: the upload temp directory is empty after every import, refused or accepted
or crashed (SECURITY.md DP3, GB/T 22239 §8.1.4.10). Exports are built in memory and streamed: no file
is written for them at all."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chainleader.core import excel
from chainleader.enterprises import services as enterprise_services
from chainleader.enterprises.importers import ENTERPRISE_COLUMNS
from chainleader.enterprises.models import Enterprise
from tests.factories import make_uscc
from tests.imports import import_file


@pytest.fixture
def uploads(monkeypatch, tmp_path) -> dict:
    """A private temp root for this test, and a record of every temp file the import wrote."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: dict = {"paths": []}
    real = excel.check_upload

    def spy(uploaded):
        path = real(uploaded)
        assert path.exists() and path.parent == excel.upload_dir()
        seen["paths"].append(path)
        return path

    monkeypatch.setattr(excel, "check_upload", spy)
    seen["dir"] = excel.upload_dir()
    return seen


def workbook(rows: list[list[object]]) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append([c.header for c in ENTERPRISE_COLUMNS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("企业.xlsx", buf.getvalue())


def row(n: int, uscc: str | None = None) -> list[object]:
    return [uscc or make_uscc(880000 + n), f"残留测试{n}有限公司", "", "370211"]


def leftovers(uploads: dict) -> list[Path]:
    return list(Path(uploads["dir"]).iterdir())


def post(client: Client, upload: SimpleUploadedFile):
    return import_file(client, reverse("enterprises:enterprise_import"), upload)


def test_no_file_remains_after_a_successful_import(client, office_user, uploads):
    client.force_login(office_user)
    assert post(client, workbook([row(1), row(2)])).status_code == 302
    assert Enterprise.objects.count() == 2
    assert len(uploads["paths"]) == 1 and leftovers(uploads) == []


def test_no_file_remains_after_an_import_refused_for_its_rows(client, office_user, uploads):
    client.force_login(office_user)
    resp = post(client, workbook([row(1), row(2, uscc="91370211XXXXXXXXX0")]))
    assert resp.status_code == 200 and resp.context["errors"]
    assert Enterprise.objects.count() == 0
    assert len(uploads["paths"]) == 1 and leftovers(uploads) == []


def test_no_file_remains_after_a_file_refused_at_the_door(client, office_user, uploads):
    client.force_login(office_user)
    fake = SimpleUploadedFile("企业.xlsx", b"MZ\x90\x00 this is an exe")
    resp = post(client, fake)
    assert resp.status_code == 200 and resp.context["errors"]
    assert leftovers(uploads) == []


def test_no_file_remains_when_the_import_crashes(office_user, uploads, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(enterprise_services, "enterprise_import", crash)
    from chainleader.enterprises import views

    monkeypatch.setattr(views.EnterpriseImportView, "import_service", staticmethod(crash))
    client = Client(raise_request_exception=False)
    client.force_login(office_user)
    assert post(client, workbook([row(1)])).status_code == 500
    assert len(uploads["paths"]) == 1 and leftovers(uploads) == []
