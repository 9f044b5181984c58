"""Writes of the policy library and 免申即享: policies and items (with frozen versions of the conditions), runs
over every firm, the office's confirmation, payments (兑现) and the firms' notifications; the measure rules.

Every write checks the role (the office: accounts.policy.is_office), runs in one transaction and leaves an audit
row (core.audit). Bad conditions raise ServiceError naming the path of the bad node (engines.eligibility.check).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.accounts.policy import is_office
from chainleader.core import audit
from chainleader.core import services as core_services
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.files import attachment_problem, storage_name
from chainleader.core.imports import ImportJob, ImportPlan, headers_of, import_service
from chainleader.engines import eligibility as engine
from chainleader.projects.services.notifications import notify

from . import facts as facts_mod
from .importers import PAYMENT_COLUMNS
from .models import (
    EligibilityResult,
    EligibilityRun,
    MeasureRule,
    Payment,
    Policy,
    PolicyItem,
    PolicyItemVersion,
)

ITEM_FIELDS = [
    "number",
    "title",
    "area",
    "support_kind",
    "amount_kind",
    "fixed_wan",
    "rate_pct",
    "base_fact",
    "cap_wan",
    "conditions",
]
FROZEN_FIELDS = {
    "conditions",
    "amount_kind",
    "fixed_wan",
    "rate_pct",
    "base_fact",
    "cap_wan",
    "title",
}


def _require_office(actor: Any) -> None:
    if not is_office(actor):
        raise WorkflowForbidden(_("Only the office changes policies and their payments."))


def conditions_problems(conditions: Any) -> list[str]:
    """The problems of a condition tree, as Chinese messages naming the path of the bad node."""
    return [str(p) for p in engine.check(conditions)]


# --- policies -------------------------------------------------------------------------------------------


def _store_document(policy: Policy, upload: Any) -> None:
    problem = attachment_problem(upload)
    if problem:
        raise ServiceError(problem, field="document")
    policy.document.save(storage_name("policies/documents", upload.name), upload, save=False)


@transaction.atomic
def policy_create(*, actor: Any, data: dict[str, Any], document: Any = None) -> Policy:
    _require_office(actor)
    policy = core_services.object_create(model=Policy, actor=actor, data=data)
    if document:
        _store_document(policy, document)
        policy.save(update_fields=["document"])
    return policy


@transaction.atomic
def policy_update(
    *,
    policy: Policy,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None,
    document: Any = None,
) -> Policy:
    _require_office(actor)
    policy = core_services.object_update(
        instance=policy, actor=actor, data=data, expected_version=expected_version
    )
    if document:
        _store_document(policy, document)
        policy.save(update_fields=["document"])
        audit.record(actor=actor, event_type="policy_document", obj=policy, detail={})
    return policy


@transaction.atomic
def policy_publish(*, policy: Policy, actor: Any) -> Policy:
    _require_office(actor)
    locked = Policy.objects.select_for_update().get(pk=policy.pk)
    if locked.status == Policy.Status.PUBLISHED:
        raise WorkflowConflict(_("The policy is already published."))
    for item in locked.items.all():
        problems = conditions_problems(item.conditions)
        if problems:
            raise ServiceError(
                _("Item %(item)s has bad conditions: %(problem)s")
                % {"item": item.number, "problem": problems[0]}
            )
    locked.status = Policy.Status.PUBLISHED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit.record(actor=actor, event_type="policy_publish", obj=locked, detail={})
    return locked


# --- items and their versions ---------------------------------------------------------------------------


def _check_item(data: dict[str, Any]) -> None:
    conditions = data.get("conditions")
    if conditions in (None, "", {}):
        data["conditions"] = {"all": []}
    problems = conditions_problems(data["conditions"])
    if problems:
        raise ServiceError("；".join(problems), field="conditions")
    rule = engine.AmountRule(
        kind=data.get("amount_kind") or engine.NONE,
        fixed_wan=data.get("fixed_wan"),
        rate_pct=data.get("rate_pct"),
        base_fact=data.get("base_fact") or "",
        cap_wan=data.get("cap_wan"),
    )
    for problem in engine.amount_problems(rule):
        raise ServiceError(problem.message, field="amount_kind")


def _freeze(item: PolicyItem, actor: Any) -> PolicyItemVersion:
    """The version a run uses: the latest if nothing has run with it and the policy is a draft (a draft's
    edits stay in its one working version); a new version otherwise."""
    latest = item.versions.order_by("-number").first()
    frozen = item.frozen()
    if latest is not None and latest.frozen == frozen:
        return latest
    reusable = (
        latest is not None
        and item.policy.status == Policy.Status.DRAFT
        and not latest.runs.exists()
    )
    if reusable and latest is not None:
        latest.frozen = frozen
        latest.save(update_fields=["frozen"])
        return latest
    number = (latest.number if latest else 0) + 1
    version = PolicyItemVersion.objects.create(
        item=item, number=number, frozen=frozen, created_by=_user(actor)
    )
    PolicyItem.objects.filter(pk=item.pk).update(current_version=number)
    item.current_version = number
    return version


@transaction.atomic
def item_create(*, actor: Any, policy: Policy, data: dict[str, Any]) -> PolicyItem:
    _require_office(actor)
    data = dict(data)
    _check_item(data)
    item = PolicyItem(policy=policy, **data)
    item.full_clean(exclude=["conditions"])
    try:
        item.save()
    except IntegrityError as exc:
        raise ServiceError(
            _("The policy already has an item of this number."), field="number"
        ) from exc
    version = _freeze(item, actor)
    audit.record(actor=actor, event_type="create", obj=item, detail={"version": version.number})
    return item


@transaction.atomic
def item_update(
    *, item: PolicyItem, actor: Any, data: dict[str, Any], expected_version: int | None
) -> PolicyItem:
    """Change an item; a change of its conditions or amount rule freezes a new version (old runs keep theirs)."""
    _require_office(actor)
    data = dict(data)
    _check_item(data)
    locked = PolicyItem.objects.select_for_update().select_related("policy").get(pk=item.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    before = audit.snapshot(locked, [f for f in data if hasattr(locked, f)])
    for key, value in data.items():
        setattr(locked, key, value)
    locked.version += 1
    locked.full_clean(exclude=["conditions"])
    try:
        locked.save()
    except IntegrityError as exc:
        raise ServiceError(
            _("The policy already has an item of this number."), field="number"
        ) from exc
    version = _freeze(locked, actor)
    after = audit.snapshot(locked, list(before))
    audit.record(
        actor=actor,
        event_type="update",
        obj=locked,
        detail={
            "changes": {k: [before[k], after[k]] for k in before if before[k] != after[k]},
            "version": version.number,
        },
    )
    return locked


# --- runs -------------------------------------------------------------------------------------------------


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def run_item(*, item: PolicyItem, actor: Any, year: int, on: date | None = None) -> EligibilityRun:
    """Run the item's current version over every firm with the facts of `year`: one result per firm."""
    _require_office(actor)
    if not 2000 <= int(year) <= 2100:
        raise ServiceError(_("Enter a year between 2000 and 2100."), field="year")
    item = PolicyItem.objects.select_related("policy").get(pk=item.pk)
    problems = conditions_problems(item.conditions)
    if problems:
        raise ServiceError("；".join(problems), field="conditions")
    version = _freeze(item, actor)
    tree, rule = version.conditions, version.amount_rule()
    all_facts = facts_mod.build(int(year))
    run = EligibilityRun.objects.create(
        item=item,
        item_version=version,
        year=year,
        run_on=on or timezone.localdate(),
        created_by=_user(actor),
    )
    results = []
    eligible = 0
    names = facts_mod.value_names()
    for firm, facts in all_facts.items():
        outcome = engine.evaluate(tree, facts, names)
        amount = engine.amount(rule, facts) if outcome.passed else None
        eligible += outcome.passed
        results.append(
            EligibilityResult(
                run=run,
                enterprise_id=firm,
                eligible=outcome.passed,
                reasons=outcome.reasons,
                amount_wan=amount,
            )
        )
    EligibilityResult.objects.bulk_create(results, batch_size=500)
    run.counts = {"firms": len(results), "eligible": eligible}
    run.save(update_fields=["counts"])
    audit.record(
        actor=actor,
        event_type="eligibility_run",
        obj=run,
        detail={"item": item.pk, "version": version.number, "year": year, **run.counts},
    )
    return run


def _result_url(pk: int) -> str:
    return reverse("policies:result_detail", args=[pk])


def _firm_users(firm_ids: Iterable[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    rows = User.objects.filter(
        role=Role.ENTERPRISE,
        is_active=True,
        org_unit__kind=OrgUnit.Kind.ENTERPRISE,
        org_unit__enterprise_id__in=list(firm_ids),
    ).values_list("org_unit__enterprise_id", "pk")
    for firm, uid in rows:
        out.setdefault(firm, []).append(uid)
    return out


@transaction.atomic
def results_decide(
    *, run: EligibilityRun, actor: Any, ids: Iterable[int], confirm: bool = True
) -> int:
    """Confirm (or set aside) results of a run in bulk; the firms confirmed are notified."""
    _require_office(actor)
    wanted = [int(i) for i in ids]
    qs = EligibilityResult.objects.filter(
        run=run, pk__in=wanted, status=EligibilityResult.Status.PENDING
    )
    if confirm:
        qs = qs.filter(eligible=True)
    rows = list(qs.values_list("pk", "enterprise_id"))
    if not rows:
        raise WorkflowConflict(_("None of these results is waiting to be confirmed."))
    status = EligibilityResult.Status.CONFIRMED if confirm else EligibilityResult.Status.REJECTED
    EligibilityResult.objects.filter(pk__in=[pk for pk, _f in rows]).update(
        status=status, decided_by=_user(actor), decided_at=timezone.now()
    )
    if confirm:
        item = run.item
        text = _("You qualify for %(item)s (免申即享): the office has confirmed it.") % {
            "item": f"{item.policy.title} {item.title}"
        }
        users = _firm_users(f for _pk, f in rows)
        notify((uid, text, _result_url(pk)) for pk, firm in rows for uid in users.get(firm, []))
    audit.record(
        actor=actor,
        event_type="eligibility_confirm" if confirm else "eligibility_reject",
        obj=run,
        detail={"results": [pk for pk, _f in rows]},
    )
    return len(rows)


@transaction.atomic
def payment_record(
    *,
    result: EligibilityResult,
    actor: Any,
    amount_wan: Decimal,
    paid_on: date,
    voucher_no: str,
    note: str = "",
    is_synthetic: bool = False,
) -> Payment:
    """Record a payment (兑现) of a confirmed result; the firm is notified."""
    _require_office(actor)
    if result.status != EligibilityResult.Status.CONFIRMED:
        raise WorkflowConflict(_("Only a confirmed result can be paid."))
    if amount_wan is None or Decimal(amount_wan) <= 0:
        raise ServiceError(_("The amount must be more than zero."), field="amount_wan")
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise ServiceError(_("Enter the voucher number."), field="voucher_no")
    if Payment.objects.filter(voucher_no=voucher_no).exists():
        raise ServiceError(
            _("A payment with this voucher number is already recorded."), field="voucher_no"
        )
    payment = Payment.objects.create(
        result=result,
        enterprise_id=result.enterprise_id,
        amount_wan=amount_wan,
        paid_on=paid_on,
        voucher_no=voucher_no,
        note=note,
        created_by=_user(actor),
        is_synthetic=is_synthetic,
    )
    item = result.run.item
    text = _("%(amount)s (10k yuan) of %(item)s was paid on %(date)s.") % {
        "amount": f"{Decimal(amount_wan).normalize():f}",
        "item": f"{item.policy.title} {item.title}",
        "date": paid_on.isoformat(),
    }
    notify(
        (uid, text, _result_url(result.pk))
        for uid in _firm_users([result.enterprise_id]).get(result.enterprise_id, [])
    )
    audit.record(
        actor=actor,
        event_type="policy_payment",
        obj=payment,
        detail={"result": result.pk, "paid_on": paid_on.isoformat(), "voucher_no": voucher_no},
    )
    return payment


def totals(qs_payments: Any) -> list[dict[str, Any]]:
    """Payments summed per policy and year (the payments a user sees)."""
    from django.db.models import Count, Sum
    from django.db.models.functions import ExtractYear

    rows = (
        qs_payments.annotate(y=ExtractYear("paid_on"))
        .values("result__run__item__policy_id", "result__run__item__policy__title", "y")
        .annotate(total=Sum("amount_wan"), n=Count("id"), firms=Count("enterprise", distinct=True))
        .order_by("-y", "result__run__item__policy__title")
    )
    return [
        {
            "policy_id": r["result__run__item__policy_id"],
            "policy": r["result__run__item__policy__title"],
            "year": r["y"],
            "total": r["total"],
            "payments": r["n"],
            "firms": r["firms"],
        }
        for r in rows
    ]


# --- measure rules ----------------------------------------------------------------------------------------


def measure_rule_create(*, actor: Any, data: dict[str, Any]) -> MeasureRule:
    _require_office(actor)
    return core_services.object_create(model=MeasureRule, actor=actor, data=data)


def measure_rule_update(
    *, rule: MeasureRule, actor: Any, data: dict[str, Any], expected_version: int | None
) -> MeasureRule:
    _require_office(actor)
    return core_services.object_update(
        instance=rule, actor=actor, data=data, expected_version=expected_version
    )


def latest_version_number(item: PolicyItem) -> int:
    return int(item.versions.aggregate(n=Max("number"))["n"] or 0)


# --- the payments import --------------------------------------------------------------------------------

PAYMENT_HEADERS = headers_of(PAYMENT_COLUMNS)


@import_service(Payment)
def payments_import(job: ImportJob[Payment]) -> ImportPlan:
    """Import payments (兑现台账) keyed by voucher number onto confirmed results; all-or-nothing, every row
    error named. A new voucher is a new payment (its firm is notified); a known one changes its amount, date
    or note."""
    actor, rows = job.actor, job.rows
    if not is_office(actor):
        job.error(None, "", "", _("Only the office changes policies and their payments."))
        job.check()
    result_ids = {r.values.get("result") for r in rows}
    results = {
        r.pk: r
        for r in EligibilityResult.objects.for_user(actor, write=True)
        .filter(pk__in=[i for i in result_ids if i])
        .select_related("enterprise")
    }
    vouchers = {(r.values.get("voucher_no") or "").strip() for r in rows}
    existing = {p.voucher_no: p for p in Payment.objects.filter(voucher_no__in=vouchers)}
    new: list[tuple[int, int]] = []
    for row in rows:
        v = row.values
        voucher = (v.get("voucher_no") or "").strip()
        if not job.first(
            row,
            voucher,
            column=PAYMENT_HEADERS["voucher_no"],
            value=voucher,
            message=_("Duplicate voucher number: also in row %(row)s."),
        ):
            continue
        result = results.get(v.get("result"))
        if result is None:
            job.error(
                row.row,
                PAYMENT_HEADERS["result"],
                v.get("result"),
                _("No eligibility result with this number."),
            )
            continue
        if result.enterprise.uscc != v.get("uscc"):
            job.error(
                row.row,
                PAYMENT_HEADERS["uscc"],
                v.get("uscc"),
                _("The credit code is not the result's firm."),
            )
            continue
        if result.status != EligibilityResult.Status.CONFIRMED:
            job.error(
                row.row,
                PAYMENT_HEADERS["result"],
                v.get("result"),
                _("Only a confirmed result can be paid."),
            )
            continue
        amount = v.get("amount_wan")
        if amount is None or amount <= 0:
            job.error(
                row.row,
                PAYMENT_HEADERS["amount_wan"],
                amount,
                _("The amount must be more than zero."),
            )
            continue
        data = {"amount_wan": amount, "paid_on": v.get("paid_on"), "note": v.get("note") or ""}
        payment = existing.get(voucher)
        if payment is None:
            job.create(
                row,
                Payment(
                    result=result,
                    enterprise_id=result.enterprise_id,
                    voucher_no=voucher,
                    created_by=_user(actor),
                    **data,
                ),
                voucher,
            )
            new.append((result.pk, result.enterprise_id))
        elif payment.result_id != result.pk:
            job.error(
                row.row,
                PAYMENT_HEADERS["voucher_no"],
                voucher,
                _("This voucher number is recorded for another result."),
            )
        else:
            job.update(row, payment, job.present(data), label=voucher, headers=PAYMENT_HEADERS)
    job.commit()
    users = _firm_users(f for _r, f in new)
    notify(
        (uid, _("A payment of a policy you qualify for was recorded."), _result_url(r))
        for r, f in new
        for uid in users.get(f, [])
    )
    return job.record(confidential=True)
