"""Background tasks of the chain-map app (django-tasks): the graph import started from the admin page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from chainleader.core.exceptions import ImportRejected

from .importer import format_error, graph_import
from .models import GraphImport

MAX_MESSAGE_LINES = 200


def _audit_failure(actor: Any, path: str, **detail: Any) -> None:
    """A graph import that wrote nothing is audited too (AU1; issue 13 item 7)."""
    from chainleader.core import audit
    from chainleader.core.models import AuditEvent

    from .importer import shown_folder

    audit.record(
        actor=actor,
        event_type="import",
        object_type="chainmap.graphimport",
        outcome=AuditEvent.Outcome.FAILURE,
        detail={"folder": shown_folder(path), **detail},
    )


@task()
def graph_import_task(path: str, actor_id: int | None) -> int:
    """Run graph_import on the folder ``path``; returns the id of the GraphImport row that records the run.

    Progress shows in that row's ``progress`` column. A rejected import writes no graph data; the task then
    records a failed GraphImport whose message lists the errors (「文件 X 第 N 行 字段 F：…」), so the admin
    page can show them. Any other error marks the row failed and re-raises (the task fails).
    """
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    try:
        return graph_import(path=Path(path), actor=actor).pk
    except ImportRejected as exc:
        lines = [format_error(e) for e in exc.errors[:MAX_MESSAGE_LINES]]
        _audit_failure(actor, path, errors=len(exc.errors))
        if len(exc.errors) > MAX_MESSAGE_LINES:
            lines.append(f"……另有 {len(exc.errors) - MAX_MESSAGE_LINES} 处错误")
        record = GraphImport.objects.create(
            path=path,
            fingerprint="",
            status=GraphImport.Status.FAILED,
            finished_at=timezone.now(),
            counts={"errors": len(exc.errors)},
            message="\n".join([str(exc), *lines]),
        )
        return record.pk


@task()
def map_derive_task(chain_ids: list[int] | None, actor_id: int | None, job_id: int | None) -> int:
    """Re-derive chain maps (all, or the given chains) with progress in the Job row."""
    from chainleader.chains.models import Chain
    from chainleader.core.jobs import job_finish, job_reporter

    from .services import map_derive

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    chains = Chain.objects.filter(pk__in=chain_ids) if chain_ids else None
    try:
        done = map_derive(chains=chains, actor=actor, progress=job_reporter(job_id))
    except Exception as exc:
        job_finish(job_id, ok=False, message=str(exc))
        raise
    from django.urls import reverse
    from django.utils.translation import gettext as _

    url = (
        reverse("chainmap:chain_map", args=[chain_ids[0]])
        if chain_ids and len(chain_ids) == 1
        else ""
    )
    job_finish(
        job_id,
        ok=True,
        message=_("Maps derived: %(n)s chains.") % {"n": done},
        result_url=url or reverse("chainmap:compare"),
    )
    return done


@task()
def graph_import_job_task(path: str, actor_id: int | None, job_id: int | None) -> int:
    """Import the graph from the admin page, then re-derive every map; progress in the Job row."""
    from chainleader.core.jobs import job_finish, job_reporter

    from .importer import import_folder
    from .linking import link_companies, link_products
    from .services import map_derive

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    report = job_reporter(job_id)
    if import_folder(path) is None:  # checked by the page; again here, where the files are read
        _audit_failure(actor, path, reason="not a folder in the import directory")
        job_finish(
            job_id, ok=False, message=_("Give the name of a folder in the import directory.")
        )
        return 0
    try:
        record = graph_import(
            path=Path(path), actor=actor, progress=lambda pct, msg: report(int(pct * 0.6), msg)
        )
        report(62, "linking registry firms")
        link_companies(actor=actor)
        link_products(actor=actor)
        map_derive(actor=actor, progress=lambda pct, msg: report(65 + int(pct * 0.35), msg))
    except ImportRejected as exc:
        lines = [format_error(e) for e in exc.errors[:MAX_MESSAGE_LINES]]
        _audit_failure(actor, path, errors=len(exc.errors))
        job_finish(job_id, ok=False, message="\n".join([str(exc), *lines]))
        return 0
    except Exception as exc:
        _audit_failure(actor, path, error=type(exc).__name__)
        job_finish(job_id, ok=False, message=str(exc))
        raise
    job_finish(job_id, ok=True, message=str(record))
    return record.pk


@task()
def registry_changed_task(enterprise_ids: list[int], actor_id: int | None) -> int:
    """After a registry import: link the new or changed firms to listed companies, take over their products,
    and derive the chain maps again (when a product graph has been imported)."""
    from chainleader.enterprises.models import Enterprise

    from .linking import link_companies, link_products
    from .services import map_derive

    if not GraphImport.objects.filter(status=GraphImport.Status.DONE).exists():
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    firms = Enterprise.objects.filter(pk__in=enterprise_ids)
    link_companies(actor=actor, enterprises=firms)
    link_products(actor=actor, enterprises=firms)
    return map_derive(actor=actor)
