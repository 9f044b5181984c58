"""audit.record(): write one hash-chained audit row in the caller's transaction (fail-closed, SECURITY.md AU1-AU3)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .middleware import current_request
from .models import AuditEvent

GENESIS = "0" * 64


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
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def compute_hash(ev: AuditEvent) -> str:
    return hashlib.sha256(_canonical(ev).encode("utf-8")).hexdigest()


def _clean(text: str) -> str:
    # Log-injection guard (SECURITY.md AU2): control characters are escaped, not stored raw.
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


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
    prev = GENESIS
    for ev in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if ev.prev_hash != prev or compute_hash(ev) != ev.row_hash:
            return ev.id
        prev = ev.row_hash
    return None
