"""Background tasks of the chain-map app (django-tasks): the graph import started from the admin page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from chainleader.core.exceptions import ImportRejected

from .importer import format_error, graph_import
from .models import GraphImport

MAX_MESSAGE_LINES = 200


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
