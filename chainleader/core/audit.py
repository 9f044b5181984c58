"""audit.record(): write one hash-chained audit row in the caller's transaction (fail-closed, SECURITY.md AU1-AU3)."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .middleware import current_request
from .models import AuditCheckpoint, AuditEvent, AuditPurgeToken

GENESIS = "0" * 64
MIN_RETENTION_DAYS = 180  # Cybersecurity Law Art. 21(3): at least six months online


def _canonical(ev: AuditEvent) -> str:
    payload = {
        "t": ev.created_at.isoformat(),
        "u": ev.user_id,
        "n": ev.username,
        "ip": ev.source_ip,
        "rid": ev.request_id,
        "e": ev.event_type,
        "ot": ev.object_type,
        "oid": ev.object_id,
        "o": ev.outcome,
        "d": ev.detail,
        "p": ev.prev_hash,
    }
    return json.dumps(
        payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


def compute_hash(ev: AuditEvent) -> str:
    return hashlib.sha256(_canonical(ev).encode("utf-8")).hexdigest()


def _clean(text: str) -> str:
    # Log-injection guard (SECURITY.md AU2): control characters are escaped, not stored raw.
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def actor_name(actor: Any) -> str:
    """Who acted, as the name a history row keeps beside its user link (the ``*_name`` fields, 150 characters):
    the row still says who it was after the account is gone."""
    return (str(actor) if actor is not None else "")[:150]


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Plain-value copy of a model's concrete fields, for before/after detail."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {n: getattr(obj, n) for n in names}


@transaction.atomic
def record(
    *,
    actor: Any,
    event_type: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one row; raises (and so rolls back the business change) if it cannot be written."""
    request = current_request()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:  # serialise writers of the hash chain
            cur.execute("SELECT pg_advisory_xact_lock(727274)")
    last = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
    user = actor if getattr(actor, "pk", None) else None
    ev = AuditEvent(
        created_at=timezone.now(),
        user=user,
        username=_clean(username or (getattr(actor, "username", "") or ""))[:150],
        source_ip=(getattr(request, "audit_ip", "") if request else "")[:45],
        request_id=(getattr(request, "request_id", "") if request else ""),
        event_type=event_type,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id or (obj.pk if obj is not None else "")),
        outcome=outcome,
        detail=json.loads(json.dumps(detail or {}, default=str, ensure_ascii=False)),
        prev_hash=last or GENESIS,
    )
    ev.row_hash = compute_hash(ev)
    ev.save(force_insert=True)
    return ev


def verify_chain() -> int | None:
    """The id of the first row whose hash or link is wrong, or None when the chain is intact."""
    checkpoint = AuditCheckpoint.objects.order_by("-last_purged_id").first()
    prev = checkpoint.last_hash if checkpoint else GENESIS
    rows = AuditEvent.objects.order_by("id")
    if checkpoint:
        rows = rows.filter(id__gt=checkpoint.last_purged_id)
    for ev in rows.iterator(chunk_size=2000):
        if ev.prev_hash != prev or compute_hash(ev) != ev.row_hash:
            return ev.id
        prev = ev.row_hash
    return None


def _row_dict(ev: AuditEvent) -> dict[str, Any]:
    return {
        "id": ev.id,
        "created_at": ev.created_at.isoformat(),
        "user_id": ev.user_id,
        "username": ev.username,
        "source_ip": ev.source_ip,
        "request_id": ev.request_id,
        "event_type": ev.event_type,
        "object_type": ev.object_type,
        "object_id": ev.object_id,
        "outcome": ev.outcome,
        "detail": ev.detail,
        "prev_hash": ev.prev_hash,
        "row_hash": ev.row_hash,
    }


def purge(
    *, actor: Any = None, retention_days: int | None = None, archive_dir: Path | None = None
) -> AuditCheckpoint | None:
    """Archive rows older than the retention (≥ 180 days) to a checksummed file, verify it, then delete them (AU4)."""
    days = max(int(retention_days or settings.CHAINLEADER_AUDIT_RETENTION_DAYS), MIN_RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        # Rows leave the chain from its start: only the prefix before the first row that must stay.
        keep_from = (
            AuditEvent.objects.filter(created_at__gte=cutoff)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        candidates = AuditEvent.objects.filter(created_at__lt=cutoff).order_by("id")
        if keep_from is not None:
            candidates = candidates.filter(id__lt=keep_from)
        old = list(candidates)
        if not old:
            return None
        last = old[-1]
        folder = archive_dir or Path(settings.CHAINLEADER_AUDIT_ARCHIVE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"audit-{old[0].id}-{last.id}-{timezone.now():%Y%m%d%H%M%S}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            for ev in old:
                fh.write(json.dumps(_row_dict(ev), ensure_ascii=False, default=str) + "\n")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        # Verify the archive before anything is deleted: re-read every row and compare hashes.
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            archived = [json.loads(line)["row_hash"] for line in fh]
        if archived != [ev.row_hash for ev in old]:
            path.unlink(missing_ok=True)
            raise RuntimeError("audit archive verification failed")
        token = AuditPurgeToken.objects.create()
        with connection.cursor() as cur:
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            # Safe (bandit B608): the table name is the model's own, quoted by Django; the id is a parameter.
            cur.execute(f"DELETE FROM {table} WHERE id <= %s", [last.id])  # noqa: S608  # nosec B608
        AuditPurgeToken.objects.filter(pk=token.pk).delete()
        checkpoint = AuditCheckpoint.objects.create(
            last_purged_id=last.id,
            last_hash=last.row_hash,
            archive=str(path),
            archive_sha256=digest,
            rows=len(old),
        )
        record(
            actor=actor,
            event_type="audit_purge",
            object_type="core.auditcheckpoint",
            object_id=checkpoint.pk,
            detail={"rows": len(old), "archive": path.name, "sha256": digest},
        )
    return checkpoint
