"""Writes of matching (卡位入链): publish needs and offers, run the matching, follow each match to a deal.

| step      | from                      | to        | who                                                       |
|-----------|---------------------------|-----------|-----------------------------------------------------------|
| contacted | pushed                    | contacted | the need's or the offer's firm, or an editor in scope     |
| quoted    | contacted                 | quoted    | the same                                                  |
| dealt     | quoted                    | dealt     | the same; the deal amount (万元) is required               |
| closed    | pushed, contacted, quoted | closed    | the same; a reason is required                            |

A wrong role is WorkflowForbidden (403), a wrong state WorkflowConflict (409), a stale version StaleEdit (409);
nothing changes then.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainleader.accounts.policy import can_write_for_firm, firm_of, is_editor
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.engines import matching as engine

from . import selectors
from .models import Match, Need, Offer

S = Match.Status
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "contacted": ((S.PUSHED,), S.CONTACTED),
    "quoted": ((S.CONTACTED,), S.QUOTED),
    "dealt": ((S.QUOTED,), S.DEALT),
    "closed": ((S.PUSHED, S.CONTACTED, S.QUOTED), S.CLOSED),
}
TOP_K = 10


def may_import(actor: Any) -> bool:
    """Excel imports of needs and offers: editors (for the firms in their scope) and a firm account linked
    to its firm (for itself only; the import checks each row)."""
    return is_editor(actor) or firm_of(actor) is not None


def _listing_data(data: dict[str, Any], actor: Any) -> dict[str, Any]:
    enterprise = data.get("enterprise")
    if enterprise is None:
        raise ServiceError(_("Name the enterprise."), field="enterprise")
    if not can_write_for_firm(actor, [enterprise.pk]):  # a firm publishes only for itself
        raise WorkflowForbidden(_("You may publish only for your own enterprise."))
    if not (data.get("product") or "").strip():
        raise ServiceError(_("Name the product."), field="product")
    segment, chain = data.get("segment"), data.get("chain")
    if segment is not None and chain is not None and segment.chain_id != chain.pk:
        raise ServiceError(_("The segment belongs to another chain."), field="segment")
    if segment is not None and chain is None:
        data = {**data, "chain": segment.chain}
    return {**data, "product": data["product"].strip()}


def need_publish(*, actor: Any, data: dict[str, Any]) -> Need:
    """A chain master publishes a need (what it buys)."""
    return core_services.object_create(model=Need, actor=actor, data=_listing_data(data, actor))


def offer_publish(*, actor: Any, data: dict[str, Any]) -> Offer:
    """A local firm publishes an offer (what it makes)."""
    return core_services.object_create(model=Offer, actor=actor, data=_listing_data(data, actor))


def listing_update(
    *, listing: Need | Offer, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Need | Offer:
    merged = {
        "enterprise": listing.enterprise,
        "chain": listing.chain,
        "segment": listing.segment,
        "product": listing.product,
        **data,
    }
    checked = _listing_data(merged, actor)
    return core_services.object_update(
        instance=listing,
        actor=actor,
        data={k: checked[k] for k in data},
        expected_version=expected_version,
    )


@transaction.atomic
def match_run(*, actor: Any, need_ids: list[int] | None = None, k: int = TOP_K) -> int:
    """Match open needs in the actor's scope against all open offers in its scope; new pairs become 已推送
    matches (existing ones keep their status and get the new score). Returns the number of new matches."""
    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not run the matching."))
    needs_qs = Need.objects.for_user(actor).filter(is_open=True)
    if need_ids is not None:
        needs_qs = needs_qs.filter(pk__in=need_ids)
    need_pks, need_firms, need_side = selectors.listing_columns(needs_qs.order_by("pk"))
    offer_pks, offer_firms, offer_side = selectors.listing_columns(
        selectors.offers_for_matching(actor).order_by("pk")
    )
    leaves = {v for v in (*need_side.leaf, *offer_side.leaf) if v is not None}
    result = engine.match(
        need_side, offer_side, k=k + 1, adjacency=selectors.segment_adjacency(leaves)
    )
    weights = result.weights.as_dict()
    existing = {(m.need_id, m.offer_id): m for m in Match.objects.filter(need_id__in=need_pks)}
    new: list[Match] = []
    changed: list[Match] = []
    for i, need_pk in enumerate(need_pks):
        rank = 0
        for j in range(result.index.shape[1]):
            col = int(result.index[i, j])
            score = float(result.score[i, j])
            # no zero-score candidates, and a firm is not matched with itself
            if col < 0 or not score > 0 or offer_firms[col] == need_firms[i] or rank >= k:
                continue
            rank += 1
            parts = {
                name: {
                    "value": round(float(result.components[name][i, j]), 4),
                    "weight": weights[name],
                }
                for name in engine.COMPONENTS
            }
            key = (need_pk, offer_pks[col])
            if key in existing:
                match = existing[key]
                match.score, match.components, match.rank = score, parts, rank
                changed.append(match)
            else:
                new.append(
                    Match(
                        need_id=need_pk,
                        offer_id=offer_pks[col],
                        score=score,
                        components=parts,
                        rank=rank,
                    )
                )
    bulk_create_with_history(new, Match, batch_size=1000, default_user=actor)
    if changed:
        bulk_update_with_history(
            changed, Match, ["score", "components", "rank"], batch_size=1000, default_user=actor
        )
    audit.record(
        actor=actor,
        event_type="match_run",
        object_type="matching.match",
        detail={
            "needs": len(need_pks),
            "offers": len(offer_pks),
            "new": len(new),
            "updated": len(changed),
        },
    )
    return len(new)


def match_run_enqueue(*, actor: Any) -> int:
    """The full matching run as a background job: create its Job (progress page) and queue the task once the
    caller's transaction commits; returns the job id. The role is checked here, before anything is queued."""
    from chainleader.core.jobs import job_create

    from . import tasks

    if not is_editor(actor):
        raise WorkflowForbidden(_("Your role may not run the matching."))
    with transaction.atomic():
        job = job_create(kind="match_run", actor=actor)
        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(lambda: tasks.match_run_task.enqueue(actor_id, job.pk))
    return job.pk


def _may_answer(actor: Any, match: Match) -> bool:
    # The two firms answer their match, whatever their scope; editors those in their writable scope.
    return can_write_for_firm(actor, [match.need.enterprise_id, match.offer.enterprise_id], match)


def allowed_steps(match: Match, actor: Any) -> list[str]:
    if not _may_answer(actor, match):
        return []
    return [step for step, (sources, _to) in STEPS.items() if match.status in sources]


@transaction.atomic
def match_advance(
    *,
    match: Match,
    actor: Any,
    step: str,
    expected_version: int | None,
    reason: str = "",
    deal_amount_wan: Decimal | None = None,
) -> Match:
    """Move a match one step (已联系, 已报价, 已成交 with the amount, or 已关闭 with the reason)."""
    if step not in STEPS:
        raise ServiceError(_("Unknown step."))
    if not Match.objects.for_user(actor).filter(pk=match.pk).exists():
        raise WorkflowForbidden(_("This match is outside your data scope."))
    locked = Match.objects.select_for_update().select_related("need", "offer").get(pk=match.pk)
    if not _may_answer(actor, locked):
        raise WorkflowForbidden(_("Only the two firms and the editors in scope answer a match."))
    sources, target = STEPS[step]
    if locked.status not in sources:
        raise WorkflowConflict(
            _("A match in status “%(status)s” cannot move to “%(target)s”.")
            % {"status": S(locked.status).label, "target": S(target).label}
        )
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    if target == S.CLOSED and not (reason or "").strip():
        raise ServiceError(_("Say why the match is closed."), field="reason")
    if target == S.DEALT:
        if deal_amount_wan is None:
            raise ServiceError(_("Give the deal amount."), field="deal_amount_wan")
        if deal_amount_wan < 0:
            raise ServiceError(_("The amount cannot be negative."), field="deal_amount_wan")
        locked.deal_amount_wan = deal_amount_wan
    before = locked.status
    locked.status = target
    locked.close_reason = (reason or "").strip() if target == S.CLOSED else locked.close_reason
    locked.status_changed_at = timezone.now()
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        event_type=f"match_{step}",
        obj=locked,
        detail={"from": before, "to": target, "amount_wan": str(deal_amount_wan or "")},
    )
    return locked
