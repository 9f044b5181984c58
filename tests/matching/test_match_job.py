"""The full matching run is a background job (django-tasks, a core.Job with its progress bar): the POST queues
it and goes back to the page with ``?job=``; the task runs match_run, records the result on the Job and keeps
the audit row. A run for one need stays in the request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.core.models import AuditEvent, Job
from chainleader.matching import services, tasks
from chainleader.matching.models import Match

from ..factories import ChainFactory, EnterpriseFactory, region


@pytest.fixture
def market(office_user):
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    master = EnterpriseFactory(name="链主集团有限公司", region=region("370211"))
    need = services.need_publish(
        actor=office_user, data={"enterprise": master, "product": "铜管", "chain": chain}
    )
    services.offer_publish(
        actor=office_user, data={"enterprise": EnterpriseFactory(), "product": "紫铜管"}
    )
    return {"need": need}


def test_the_full_run_is_a_job_with_its_progress_on_the_page(
    client, office_user, market, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    back = reverse("matching:need_list") + "?q=铜&job=999"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        resp = client.post(reverse("matching:match_run"), {"next": back})
    assert len(callbacks) == 1
    job = Job.objects.get()
    assert resp.status_code == 302
    assert resp.url.startswith(reverse("matching:need_list"))
    assert f"job={job.pk}" in resp.url and "job=999" not in resp.url and "q=" in resp.url
    # the immediate backend of the tests ran the task: the matches exist and the Job is done
    assert Match.objects.count() == 1
    job.refresh_from_db()
    assert (job.kind, job.status, job.progress, job.created_by) == (
        "match_run",
        Job.Status.DONE,
        100,
        office_user,
    )
    assert "1" in job.message and job.result_url == reverse("matching:match_list")
    event = AuditEvent.objects.get(event_type="match_run")
    assert event.user == office_user and event.detail["new"] == 1
    # the page shows the progress bar, which the starter may poll
    page = client.get(resp.url)
    assert page.context["job_id"] == job.pk and 'data-testid="match-job"' in page.content.decode()
    progress = client.get(reverse("core:job_progress", args=[job.pk]))
    assert progress.status_code == 200 and progress.context["job"] == job


def test_an_unsafe_next_goes_to_the_match_list(
    client, office_user, market, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("matching:match_run"), {"next": "https://evil.example/"})
    job = Job.objects.get()
    assert resp.url == f"{reverse('matching:match_list')}?job={job.pk}"
    assert client.get(resp.url).context["job_id"] == job.pk


def test_nothing_is_queued_before_the_commit(client, office_user, market):
    client.force_login(office_user)
    resp = client.post(reverse("matching:match_run"))
    assert resp.status_code == 302
    assert Job.objects.get().status == Job.Status.QUEUED
    assert not Match.objects.exists()


def test_a_run_for_one_need_stays_in_the_request(client, office_user, market):
    client.force_login(office_user)
    need = market["need"]
    resp = client.post(
        reverse("matching:match_run"), {"need": need.pk, "next": need.get_absolute_url()}
    )
    assert resp.status_code == 302 and resp.url == need.get_absolute_url()
    assert Match.objects.filter(need=need).count() == 1
    assert not Job.objects.exists()
    assert AuditEvent.objects.filter(event_type="match_run").count() == 1


def test_read_only_roles_and_firms_queue_nothing(client, firm_user, system_admin, market):
    for user in (firm_user, system_admin):
        client.force_login(user)
        assert client.post(reverse("matching:match_run")).status_code == 403
    assert not Job.objects.exists() and not Match.objects.exists()


def test_a_failed_run_marks_the_job_failed(office_user, market, monkeypatch):
    from chainleader.core.jobs import job_create

    def crash(**kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(services, "match_run", crash)
    job = job_create(kind="match_run", actor=office_user)
    with pytest.raises(RuntimeError):
        tasks.match_run_task.func(office_user.pk, job.pk)
    job.refresh_from_db()
    assert (job.status, job.message) == (Job.Status.FAILED, "engine down")
    assert not Match.objects.exists()
