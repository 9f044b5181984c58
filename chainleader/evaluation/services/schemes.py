"""Scheme versions (评价方案): version 1 is the shipped default; an edit is a new version."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chainleader.core import audit
from chainleader.core.exceptions import ServiceError
from chainleader.engines import mu_yield

from ..models import (
    SchemeVersion,
)
from .common import _require_office


def scheme_current() -> SchemeVersion:
    """The newest scheme version; version 1, the shipped default, is created the first time it is needed."""
    latest = SchemeVersion.objects.order_by("-number").first()
    return latest if latest is not None else _scheme_default_create()


@transaction.atomic
def _scheme_default_create() -> SchemeVersion:
    scheme = mu_yield.default_scheme()
    version, created = SchemeVersion.objects.get_or_create(
        number=1,
        defaults={
            "label": scheme.version,
            "name": scheme.name,
            "scheme_json": scheme.to_json(),
            "note": _("The default scheme shipped with the platform (MU_SCHEME.md)."),
        },
    )
    if created:
        audit.record(actor=None, event_type="create", obj=version, detail={"number": 1})
    return version


@transaction.atomic
def scheme_version_create(*, actor: Any, scheme_json: str, note: str = "") -> SchemeVersion:
    """A new scheme version (评价方案修订), checked by the engine; older runs keep theirs."""
    _require_office(actor, _("Only the office edits the evaluation scheme."))
    try:
        scheme = mu_yield.Scheme.from_json(scheme_json)
    except ValueError as exc:
        raise ServiceError(
            _("The scheme is not valid: %(error)s") % {"error": exc}, field="scheme_json"
        ) from None
    scheme_current()  # version 1 exists before version 2
    if SchemeVersion.objects.filter(label=scheme.version).exists():
        raise ServiceError(
            _("A scheme version labelled “%(label)s” exists already: change “version” in the JSON.")
            % {"label": scheme.version},
            field="scheme_json",
        )
    number = (SchemeVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            version = SchemeVersion.objects.create(
                number=number,
                label=scheme.version,
                name=scheme.name[:200],
                scheme_json=scheme.to_json(),
                note=note.strip()[:500],
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ServiceError(_("Someone saved a version at the same time; try again.")) from None
    audit.record(
        actor=actor,
        event_type="create",
        obj=version,
        detail={"number": number, "label": scheme.version},
    )
    return version
