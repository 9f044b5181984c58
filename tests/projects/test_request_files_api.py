"""Firm requests' files over the API (issue 15 gap): a firm raises a request with its evidence (multipart), the
department answers with its own, each downloads through the request's scope (another firm: 404), and a file of
a type the pages refuse is refused here too, nothing written."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from chainleader.accounts.models import OrgUnit, Role
from chainleader.core.models import AuditEvent
from chainleader.projects.models import Problem
from tests.factories import EnterpriseFactory, OrgUnitFactory, UserFactory, region

PDF = b"%PDF-1.4\n% evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_request_and_its_answer_carry_files_downloaded_within_the_scope(
    firm_user, office_user, department_user, department_unit
):
    body = {"title": "用电增容", "description": "新产线需要增容", "category": "energy"}
    created = api(firm_user).post("/api/firm-requests/", {**body, "attachment": pdf()})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    files = created.json()["files"]
    assert len(files) == 1 and files[0]["action"] == "raise"
    got = api(firm_user).get(files[0]["url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert AuditEvent.objects.filter(event_type="download").exists()
    api(office_user).post(
        f"/api/firm-requests/{pk}/assign/",
        {"department": department_unit.pk, "deadline": "2026-12-10"},
        format="json",
    )
    answered = api(department_user).post(
        f"/api/firm-requests/{pk}/answer/", {"answer": "已协调", "attachment": pdf("答复.pdf")}
    )
    assert answered.status_code == 200, answered.content
    detail = api(office_user).get(f"/api/firm-requests/{pk}/").json()
    assert [f["action"] for f in detail["files"]] == ["raise", "answer"]
    # Another firm sees neither the request nor its files.
    other_firm = EnterpriseFactory(name="别的企业", region=region("370211"))
    other = UserFactory(
        username="other_firm",
        role=Role.ENTERPRISE,
        org_unit=OrgUnitFactory(
            name="别的企业", kind=OrgUnit.Kind.ENTERPRISE, enterprise=other_firm
        ),
    )
    assert api(other).get(files[0]["url"]).status_code == 404
    # An event of another request is not this request's file.
    assert api(firm_user).get(f"/api/problems/{pk}/file/?event=999999").status_code == 404


def test_a_file_the_pages_refuse_is_refused_and_nothing_is_written(firm_user):
    exe = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    resp = api(firm_user).post(
        "/api/firm-requests/",
        {"title": "用地", "description": "需要用地", "category": "land", "attachment": exe},
    )
    assert resp.status_code == 400 and "attachment" in resp.json()
    assert not Problem.objects.exists()
