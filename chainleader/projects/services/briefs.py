"""Generate a chain-meeting brief: the Word file, its snapshot for the next brief, one audit row (AU1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chainleader.chains.models import Chain
from chainleader.core import audit
from chainleader.core.exceptions import ServiceError, WorkflowForbidden
from chainleader.core.querysets import scope_for

from ..models import Brief


def brief_scope_key(user: Any, chain: Chain | None) -> str:
    """Briefs compare with the last one made over the same data: the whole chain, or this user's part of it."""
    scope = scope_for(user)
    if scope.everything:
        return "all"
    if chain is not None and chain.pk in scope.chain_ids:
        return "chain"
    return f"user:{getattr(user, 'pk', '')}"


@transaction.atomic
def brief_generate(*, actor: Any, chain: Chain | None, start: date, end: date) -> tuple[bytes, str]:
    """One click: the .docx brief of a chain (or all chains) for a period, and its file name."""
    from ..briefs import brief_data, render_docx

    if scope_for(actor).nothing:
        raise WorkflowForbidden(_("Your role sees no business data."))
    if start > end:
        raise ServiceError(_("The period must start before it ends."), field="period_start")
    if chain is not None and not Chain.objects.for_user(actor).filter(pk=chain.pk).exists():
        raise ServiceError(_("This chain is outside your data scope."))
    key = brief_scope_key(actor, chain)
    previous = (
        Brief.objects.filter(chain=chain, scope_key=key).order_by("-created_at", "-id").first()
    )
    data = brief_data(actor, chain, start, end, previous)
    content = render_docx(data)
    Brief.objects.create(
        chain=chain,
        scope_key=key,
        period_start=start,
        period_end=end,
        snapshot=data.snapshot(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        event_type="export",
        object_type="projects.brief",
        object_id=chain.pk if chain is not None else "",
        detail={
            "format": "docx",
            "period": [start.isoformat(), end.isoformat()],
            "rows": data.headline["count"],
        },
    )
    name = chain.name if chain is not None else _("all chains")
    return content, f"{name}-{_('brief')}-{start:%Y%m%d}-{end:%Y%m%d}.docx"
