"""audit.record(): write one hash-chained audit row in the caller's transaction (fail-closed, SECURITY.md AU1-AU3)."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .middleware import current_request
from .models import AuditCheckpoint, AuditEvent, AuditPurgeToken, AuditSeal

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


# --- signatures: HMAC-SHA256 with a key from settings, never stored in the database ---------------------


def _keys() -> Iterator[str]:
    """The signing key first, then older ones a verify still accepts (Django's SECRET_KEY_FALLBACKS)."""
    own = getattr(settings, "CHAINLEADER_AUDIT_KEY", "")
    if own:
        yield own
        return
    yield settings.SECRET_KEY
    yield from getattr(settings, "SECRET_KEY_FALLBACKS", [])


def _mac_with(key: str, kind: str, parts: tuple[Any, ...]) -> str:
    message = "|".join([kind, *(str(p) for p in parts)])
    secret = hashlib.sha256(f"chainleader.audit:{key}".encode()).digest()
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(kind: str, *parts: Any) -> str:
    return _mac_with(next(_keys()), kind, parts)


def signed(mac: str, kind: str, *parts: Any) -> bool:
    return any(hmac.compare_digest(mac or "", _mac_with(k, kind, parts)) for k in _keys())


def _seal_parts(seal: AuditSeal) -> tuple[Any, ...]:
    return (seal.last_id, seal.last_hash, seal.rows)


def _checkpoint_parts(cp: AuditCheckpoint) -> tuple[Any, ...]:
    return (cp.last_purged_id, cp.last_hash, cp.rows, cp.archive_sha256)


def _advance_seal(ev: AuditEvent) -> None:
    """Move the signed head to ``ev`` (the caller holds the chain's write lock, inside its transaction).

    Without a seal it is created only for a log that starts with ``ev``: a seal missing beside older rows was
    removed, and stays missing (audit_verify reports it) until ``reseal`` is run after a look."""
    seal = AuditSeal.objects.select_for_update().filter(pk=1).first()
    if seal is None:
        if AuditEvent.objects.filter(id__lt=ev.id).exists():
            return
        seal = AuditSeal(pk=1, rows=sum(AuditCheckpoint.objects.values_list("rows", flat=True)) + 1)
    else:
        seal.rows += 1
    seal.last_id, seal.last_hash = ev.id, ev.row_hash
    seal.mac = sign("seal", *_seal_parts(seal))
    seal.save()


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
    _advance_seal(ev)
    return ev


@dataclass(frozen=True)
class Problem:
    """Why the audit log fails its check, and the row id it concerns (0: no one row)."""

    row_id: int
    reason: str


def verify() -> Problem | None:
    """Check the audit log against what plain SQL cannot rewrite: None when intact.

    * no purge token outside a purge (a token lets the triggers pass DELETE);
    * every checkpoint signed, and the latest one equal to its file in the archive directory when there is one;
    * the hash chain from the latest checkpoint (or the genesis) to the end, row by row;
    * the end of the chain and the number of rows ever written equal the signed seal: rows deleted from the
      end or the start of the log show here, where the chain alone says nothing.
    """
    token = AuditPurgeToken.objects.order_by("id").first()
    if token is not None:
        forged = "" if signed(token.mac, "purge", token.up_to_id) else " (forged: bad signature)"
        return Problem(int(token.up_to_id or 0), f"a purge token exists outside a purge{forged}")
    checkpoints = list(AuditCheckpoint.objects.order_by("-last_purged_id"))
    for cp in checkpoints:
        if not signed(cp.mac, "checkpoint", *_checkpoint_parts(cp)):
            return Problem(int(cp.last_purged_id), "an audit checkpoint has a bad signature")
    checkpoint = checkpoints[0] if checkpoints else None
    if checkpoint is not None:
        problem = _checkpoint_file_problem(checkpoint)
        if problem is not None:
            return problem
    prev = checkpoint.last_hash if checkpoint else GENESIS
    last_id = checkpoint.last_purged_id if checkpoint else 0
    rows = AuditEvent.objects.order_by("id")
    if checkpoint:
        rows = rows.filter(id__gt=checkpoint.last_purged_id)
    count = 0
    for ev in rows.iterator(chunk_size=2000):
        if ev.prev_hash != prev or compute_hash(ev) != ev.row_hash:
            return Problem(ev.id, "hash or link wrong")
        prev, last_id = ev.row_hash, ev.id
        count += 1
    seal = AuditSeal.objects.filter(pk=1).first()
    if seal is None:
        if count or checkpoint is not None:
            return Problem(last_id, "the audit seal is missing")
        return None
    if not signed(seal.mac, "seal", *_seal_parts(seal)):
        return Problem(int(seal.last_id), "the audit seal has a bad signature")
    written = count + sum(cp.rows for cp in checkpoints)
    if (seal.last_id, seal.last_hash) != (last_id, prev) or seal.rows != written:
        return Problem(
            int(seal.last_id),
            f"rows missing: the log ends at row {last_id} with {written} rows written, "
            f"the seal at row {seal.last_id} with {seal.rows}",
        )
    return None


def verify_chain() -> int | None:
    """The id of the row where the audit log fails its check (verify()), or None when it is intact."""
    problem = verify()
    return None if problem is None else problem.row_id


def reseal(*, actor: Any = None) -> AuditSeal:
    """Sign the log's present end as its seal (after a missing or broken seal was looked into); audited."""
    with transaction.atomic():
        record(
            actor=actor,
            event_type="update",
            object_type="core.auditseal",
            detail={"reseal": True, "previous": _seal_state()},
        )
        last = AuditEvent.objects.order_by("-id").first()
        checkpoints = sum(AuditCheckpoint.objects.values_list("rows", flat=True))
        seal = AuditSeal(pk=1, rows=AuditEvent.objects.count() + checkpoints)
        seal.last_id, seal.last_hash = (last.id, last.row_hash) if last else (0, GENESIS)
        seal.mac = sign("seal", *_seal_parts(seal))
        seal.save()
    return seal


def _seal_state() -> dict[str, Any] | None:
    seal = AuditSeal.objects.filter(pk=1).first()
    return None if seal is None else {"last_id": seal.last_id, "rows": seal.rows}


def _checkpoint_file(cp: AuditCheckpoint) -> Path:
    return Path(cp.archive).with_name(
        Path(cp.archive).name.removesuffix(".jsonl.gz") + ".checkpoint.json"
    )


def _checkpoint_record(cp: AuditCheckpoint) -> dict[str, Any]:
    return {
        "last_purged_id": cp.last_purged_id,
        "last_hash": cp.last_hash,
        "rows": cp.rows,
        "archive": Path(cp.archive).name,
        "archive_sha256": cp.archive_sha256,
        "mac": cp.mac,
    }


def _checkpoint_file_problem(cp: AuditCheckpoint) -> Problem | None:
    """The checkpoint as the purge wrote it beside its archive, outside the database: they must agree."""
    candidates = [_checkpoint_file(cp)]
    candidates.append(Path(settings.CHAINLEADER_AUDIT_ARCHIVE_DIR) / candidates[0].name)
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        return None  # an archive moved away (or not restored yet): the signature above still holds
    try:
        on_disk = json.loads(found.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Problem(int(cp.last_purged_id), f"the checkpoint file {found.name} is unreadable")
    if on_disk != _checkpoint_record(cp):
        return Problem(int(cp.last_purged_id), f"the checkpoint differs from {found.name}")
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
        token = AuditPurgeToken.objects.create(up_to_id=last.id, mac=sign("purge", last.id))
        with connection.cursor() as cur:
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            # Safe (bandit B608): the table name is the model's own, quoted by Django; the id is a parameter.
            cur.execute(f"DELETE FROM {table} WHERE id <= %s", [last.id])  # noqa: S608  # nosec B608
        AuditPurgeToken.objects.filter(pk=token.pk).delete()
        checkpoint = AuditCheckpoint(
            last_purged_id=last.id,
            last_hash=last.row_hash,
            archive=str(path),
            archive_sha256=digest,
            rows=len(old),
        )
        checkpoint.mac = sign("checkpoint", *_checkpoint_parts(checkpoint))
        checkpoint.save()
        # The checkpoint also goes beside the archive, on disk, out of the database's reach.
        _checkpoint_file(checkpoint).write_text(
            json.dumps(_checkpoint_record(checkpoint), ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        record(
            actor=actor,
            event_type="audit_purge",
            object_type="core.auditcheckpoint",
            object_id=checkpoint.pk,
            detail={"rows": len(old), "archive": path.name, "sha256": digest},
        )
    return checkpoint
