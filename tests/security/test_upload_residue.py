"""DP3 residual information: the upload temp directory is empty after every import, refused or accepted
or crashed (SECURITY.md DP3, GB/T 22239 §8.1.4.10). Exports are built in memory and streamed: no file
is written for them at all."""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
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
def uploads(monkeypatch, settings, tmp_path) -> dict:
    """A private upload directory for this test, and a record of every temp file the import wrote."""
    settings.CHAINLEADER_UPLOAD_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads" / "incoming")
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
    return [p for p in Path(uploads["dir"]).iterdir() if p.is_file()]


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


# --- this instance's own directory, swept at start (issue 13 item 7) ---------------------------------------


def test_uploads_wait_in_this_instances_own_directory_not_the_shared_temp(settings):
    """A temp file left by a crash stayed in <tmp>/chainleader-uploads, shared by every instance and user of
    the machine: uploads now wait under this instance's var/ (and Django's own temp files inside it)."""
    directory = excel.upload_dir()
    assert directory == Path(settings.CHAINLEADER_UPLOAD_DIR)
    # Under the instance's own var/ (which may itself lie under /tmp, as a CI checkout does), never directly in
    # the machine's shared temp folder.
    assert Path(settings.BASE_DIR) / "var" in directory.parents
    assert directory.parent != Path(tempfile.gettempdir())
    assert directory.stat().st_mode & 0o077 == 0
    assert Path(settings.FILE_UPLOAD_TEMP_DIR).parent == directory


def test_the_start_creates_the_directories_and_deletes_what_a_killed_process_left(
    settings, tmp_path
):
    settings.CHAINLEADER_UPLOAD_DIR = tmp_path / "instance" / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "instance" / "uploads" / "incoming")
    apps.get_app_config("core").ready()  # what every process start runs
    directory, incoming = excel.upload_dir(), Path(settings.FILE_UPLOAD_TEMP_DIR)
    assert incoming.is_dir() and incoming.stat().st_mode & 0o077 == 0
    crashed = [
        directory / "upload-dead.xlsx",
        directory / "pending-old.xlsx",
        incoming / "x.upload",
    ]
    running = directory / "upload-live.xlsx"
    old = time.time() - excel.STALE_SECONDS - 60
    for path in crashed:
        path.write_bytes(b"PK\x03\x04 left by a killed worker")
        os.utime(path, (old, old))
    running.write_bytes(b"PK\x03\x04 a request in progress")
    apps.get_app_config("core").ready()
    assert [p for p in crashed if p.exists()] == []
    assert running.exists()
