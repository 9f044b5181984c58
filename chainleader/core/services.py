"""Generic writes shared by every app's services: optimistic locking (RL1), audit in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from . import audit
from .exceptions import ServiceError, StaleEdit

M = TypeVar("M", bound=models.Model)


def outside_scope_message() -> str:
    return _("This record would be outside your data scope.")


def ensure_in_scope(obj: models.Model, actor: Any) -> None:
    """A write may not leave the record outside the writer's own scope (no creating in another district)."""
    manager = type(obj)._default_manager
    if (
        hasattr(manager, "for_user")
        and not manager.for_user(actor, write=True).filter(pk=obj.pk).exists()
    ):
        raise ServiceError(outside_scope_message())


def _attname(model: type[models.Model], name: str) -> str:
    """The column attribute of a field named in a uniqueness check (``chain`` → ``chain_id``)."""
    field = model._meta.get_field(name)
    return str(getattr(field, "attname", name))


def _clash_hidden(error: ValidationError, obj: models.Model, actor: Any) -> bool:
    """Is ``error`` a uniqueness clash with a record ``actor`` may not see?"""
    params = getattr(error, "params", None) or {}
    fields = params.get("unique_check") if error.code in ("unique", "unique_together") else None
    manager = type(obj)._default_manager
    if not fields or not hasattr(manager, "for_user"):
        return False
    lookup = {f: getattr(obj, _attname(type(obj), f)) for f in fields}
    clashing = manager.for_user(actor).filter(**lookup)
    if obj.pk is not None:
        clashing = clashing.exclude(pk=obj.pk)
    return not clashing.exists()


def without_hidden_clashes(
    exc: ValidationError, obj: models.Model, actor: Any
) -> tuple[ValidationError | None, bool]:
    """``exc`` without its uniqueness errors against records outside ``actor``'s scope, and whether there were
    any. "A firm with this credit code already exists" would tell a district that the code is registered in
    another district (issue 13 item 7): such a clash gets the refusal a record outside the scope gets, and
    a clash with a record the user sees still says it exists."""
    if not hasattr(exc, "error_dict"):
        return exc, False
    kept: dict[str, list[ValidationError]] = {}
    hidden = False
    for field, errors in exc.error_dict.items():
        for error in errors:
            if _clash_hidden(error, obj, actor):
                hidden = True
            else:
                kept.setdefault(field, []).append(error)
    if not hidden:
        return exc, False
    return (ValidationError(kept) if kept else None), True


def full_clean_in_scope(obj: models.Model, actor: Any) -> None:
    """``obj.full_clean()``, a clash with an unseen record refused as a write outside the scope is."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        rest, hidden = without_hidden_clashes(exc, obj, actor)
        if rest is not None:
            raise rest from None
        if hidden:
            raise ServiceError(outside_scope_message()) from None
        raise


# Values the audit row must not carry (SECURITY.md AC3, DP4): the audit administrator reads the log but is not
# granted confidential figures or personal data; the row says which field changed, not to what.
MASKED_FIELDS = {"phone", "email"}


def _changes(
    model: type[models.Model], before: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any]:
    hidden = set(getattr(model, "CONFIDENTIAL_FIELDS", ())) | MASKED_FIELDS
    return {
        k: ("***" if k in hidden else [before.get(k), v])
        for k, v in after.items()
        if before.get(k) != v
    }


@transaction.atomic
def object_create(
    *, model: type[M], actor: Any, data: dict[str, Any], m2m: dict[str, Iterable[Any]] | None = None
) -> M:
    """Create one record from cleaned data; the audit row is written in the same transaction."""
    obj = model(**data)
    full_clean_in_scope(obj, actor)
    try:
        obj.save()
    except IntegrityError as exc:
        raise ServiceError(_("A record with the same key already exists.")) from exc
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    ensure_in_scope(obj, actor)
    audit.record(actor=actor, event_type="create", obj=obj, detail={"fields": sorted(data)})
    return obj


@transaction.atomic
def object_update(
    *,
    instance: M,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None,
    m2m: dict[str, Iterable[Any]] | None = None,
) -> M:
    """Update one record if nobody changed it since `expected_version` was read (else StaleEdit, HTTP 409)."""
    model = type(instance)
    locked: Any = model._base_manager.select_for_update().get(pk=instance.pk)
    current = locked.version
    if expected_version is not None and int(expected_version) != current:
        raise StaleEdit(
            _("This record was changed by someone else. Reload it to see the newer values.")
        )
    before = audit.snapshot(locked, [f for f in data if hasattr(locked, f)])
    for key, value in data.items():
        setattr(locked, key, value)
    locked.version = current + 1
    full_clean_in_scope(locked, actor)
    try:
        locked.save()
    except IntegrityError as exc:
        raise ServiceError(_("A record with the same key already exists.")) from exc
    for name, values in (m2m or {}).items():
        getattr(locked, name).set(values)
    ensure_in_scope(locked, actor)
    after = audit.snapshot(locked, list(before))
    audit.record(
        actor=actor,
        event_type="update",
        obj=locked,
        detail={"changes": _changes(model, before, after)},
    )
    updated: M = locked
    return updated


@transaction.atomic
def object_delete(*, instance: models.Model, actor: Any) -> None:
    """Delete one record; refused with a clear message when other records still depend on it."""
    label, pk = instance._meta.label_lower, instance.pk
    name = str(instance)
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ServiceError(
            _("This record is still used by other records and cannot be deleted.")
        ) from exc
    audit.record(
        actor=actor, event_type="delete", object_type=label, object_id=pk, detail={"name": name}
    )
