"""Visits carry an evidence file (issue 15 gap): logged on the page or over the API, downloaded through the
assignment's scope (the visited firm too: it is the visit record, the notes stay hidden); a refused type writes
nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from chainleader.commissioners import services
from chainleader.commissioners.models import Visit
from chainleader.core.exceptions import ServiceError

PDF = b"%PDF-1.4\n% evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name="走访记录.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_visit_logged_on_the_page_keeps_its_file_within_the_scope(
    client, assigned, cadre, office_user, firm_user
):
    a, _b = assigned
    client.force_login(cadre)
    resp = client.post(
        reverse("commissioners:assignment_visit", args=[a.pk]),
        {"on": "2026-05-20", "form": "on_site", "notes": "了解用地需求", "attachment": pdf()},
    )
    assert resp.status_code == 302
    visit = Visit.objects.get()
    assert visit.attachment
    url = reverse("commissioners:visit_file", args=[a.pk, visit.pk])
    client.force_login(office_user)
    assert 'data-testid="visit-file"' in client.get(a.get_absolute_url()).content.decode()
    got = client.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    client.force_login(firm_user)  # another firm than the visited one
    assert client.get(url).status_code == 404


def test_the_api_logs_a_visit_with_a_file_and_serves_it(
    assigned, cadre, office_user, district_b_user
):
    a, _b = assigned
    api = APIClient()
    api.force_authenticate(cadre)
    resp = api.post(
        f"/api/commissioner-assignments/{a.pk}/visit/",
        {"on": "2026-05-20", "form": "phone", "attachment": pdf()},
    )
    assert resp.status_code == 200, resp.content
    visit = Visit.objects.get()
    api.force_authenticate(office_user)
    listed = api.get("/api/commissioner-visits/").json()["results"]
    assert listed[0]["file_url"].endswith(f"-visits/{visit.pk}/file/")
    got = api.get(listed[0]["file_url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    api.force_authenticate(district_b_user)  # firm A is in district A
    assert api.get(f"/api/commissioner-visits/{visit.pk}/file/").status_code == 404


def test_a_refused_file_type_logs_no_visit(assigned, cadre):
    a, _b = assigned
    exe = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ServiceError) as refused:
        services.visit_log(actor=cadre, assignment=a, on=date(2026, 5, 20), attachment=exe)
    assert refused.value.field == "attachment"
    assert not Visit.objects.exists()
