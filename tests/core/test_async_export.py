"""A large list export runs in a task worker (issue 13 item 4): the page answers with a job page, the task builds
the same list for the same user (scope, filters, sort), and only that user downloads the file."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chainleader.core.models import AuditEvent, Job
from chainleader.core.tasks import purge_old_exports

from ..factories import EnterpriseFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_threshold(settings, tmp_path):
    settings.CHAINLEADER_EXPORT_ASYNC_ROWS = 2
    settings.MEDIA_ROOT = tmp_path


def _names(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    col = rows[0].index("企业名称") if "企业名称" in rows[0] else 1
    return [r[col] for r in rows[1:]]


def test_a_large_export_becomes_a_job_with_the_users_rows_only(
    client, small_threshold, district_a_user, district_b_user, django_capture_on_commit_callbacks
):
    mine = [EnterpriseFactory(name=f"黄岛测试{i}有限公司") for i in range(3)]
    EnterpriseFactory(name="崂山测试有限公司", region=region("370212"))
    client.force_login(district_a_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.get(reverse("enterprises:enterprise_list"), {"export": "xlsx", "q": "测试"})
    job = Job.objects.get(kind="export")
    assert resp.status_code == 302 and resp.url == reverse("core:job_page", args=[job.pk])
    assert job.status == Job.Status.DONE and job.created_by == district_a_user
    assert job.result_name.endswith(".xlsx") and job.result_file.startswith("exports/")

    page = client.get(resp.url)
    assert page.status_code == 200
    assert reverse("core:job_file", args=[job.pk]) in page.content.decode()

    download = client.get(reverse("core:job_file", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    names = _names(download.content)
    assert sorted(names) == sorted(e.name for e in mine)  # the other district's firm is not in it
    kinds = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"export", "download"} <= kinds

    # Nobody else gets the file, not even someone who can see the same firms.
    client.force_login(district_b_user)
    assert client.get(reverse("core:job_file", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:job_page", args=[job.pk])).status_code == 404


def test_a_small_export_stays_a_download(client, settings, office_user):
    settings.CHAINLEADER_EXPORT_ASYNC_ROWS = 5000
    EnterpriseFactory()
    client.force_login(office_user)
    resp = client.get(reverse("enterprises:enterprise_list"), {"export": "xlsx"})
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    assert not Job.objects.filter(kind="export").exists()


def test_old_export_files_are_deleted(
    client, small_threshold, office_user, django_capture_on_commit_callbacks
):
    for _ in range(3):
        EnterpriseFactory()
    client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("enterprises:enterprise_list"), {"export": "xlsx"})
    job = Job.objects.get(kind="export")
    assert default_storage.exists(job.result_file)
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=2))
    assert purge_old_exports() == 1
    assert not default_storage.exists(job.result_file)
    assert client.get(reverse("core:job_file", args=[job.pk])).status_code == 404
