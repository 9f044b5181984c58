"""API fuzzing (issue 13 item 5, docs/decisions/0022-api-fuzzing.md): schemathesis against the OpenAPI schema the
site serves, with a token per role, in-process against the WSGI application.

Every operation of the schema is tried for every role with data generated from the schema (hypothesis,
derandomized: the same cases every run) over the scope harness's world (tests/scope_harness.py: something inside
and something outside each persona's scope, so lists are not empty). A path's object id is drawn from the ids of
the rows that exist (inside and outside the role's scope) and from ids the schema allows, so the detail routes,
writes and workflow steps reach real records as well as missing ones.

Checks: no server error (5xx); the status code is one the operation documents; the content type is the documented
one; the body matches the documented schema for that status. Reads run first, then writes, deletes last, each
role in its own savepoint of the world.

Nothing is left out silently: ``NOT_FUZZED`` below lists what is not sent as generated, with the reason (the
test fails if it names an operation the schema does not have).

``make fuzz`` runs it (outside ``make test``: marker ``fuzz``); FUZZ_EXAMPLES sets the examples per operation
and generation mode (default 3), FUZZ_MODES the modes (default ``positive,negative``).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chainleader.accounts.models import Role
from tests.scope_harness import world  # noqa: F401 - the module-scoped world fixture

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
MODES = [GenerationMode(m) for m in os.environ.get("FUZZ_MODES", "positive,negative").split(",")]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The roles of issue 13 (the world's personas, plus a security administrator made here).
ROLES = ["office", "district", "team", "department", "firm", "security_admin", "system_admin"]

# Operations not sent as generated, each with its reason. Keep it short.
NOT_FUZZED: dict[str, str] = {}


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The site's WSGI handler, inside the test's transaction: as Django's test client does, requests do not
    close the database connection (close_old_connections would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def user_for(world: Any, role: str) -> Any:  # noqa: F811
    if role == "security_admin":
        from tests.factories import UserFactory

        return UserFactory(username="secadmin", role=Role.SECURITY_ADMIN)
    return world.users[role]


def path_ids() -> dict[str, list[Any]]:
    """For each router prefix, the ids of the rows that exist (every row, in scope or not)."""
    from chainleader.api_urls import router

    ids: dict[str, list[Any]] = {}
    for prefix, viewset, _basename in router.registry:
        model = getattr(viewset, "model", None) or viewset.queryset.model
        ids.setdefault(prefix, []).extend(
            model._default_manager.order_by("pk").values_list("pk", flat=True)[:8]
        )
    return ids


def import_kinds() -> list[str]:
    from chainleader.core.import_views import IMPORT_VIEWS

    return sorted(IMPORT_VIEWS)


def order(label: str) -> int:
    """Reads first, then creates, changes and steps, deletes last (a delete empties what the others need)."""
    method = label.split(" ", 1)[0]
    return {"GET": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}[method]


def strategy(operation: Any, mode: GenerationMode, ids: dict[str, list[Any]]) -> Any:
    """Cases of ``operation``: a path id is one of the rows' ids or any the schema allows."""
    path = operation.path  # /api/<prefix>/{id}/...
    names = [p.name for p in operation.path_parameters]
    if not names:
        return operation.as_strategy(generation_mode=mode)
    if names == ["kind"]:
        fixed = [{"kind": kind} for kind in import_kinds()]
    else:
        prefix = path.split("/")[2]
        fixed = [{"id": pk} for pk in ids.get(prefix, [])]
    return st.one_of(
        *[operation.as_strategy(generation_mode=mode, path_parameters=p) for p in fixed],
        operation.as_strategy(generation_mode=mode),
    )


def fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str], ids: Any) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        # No shrinking: the first failing case is reported as found (the run stays bounded).
        phases=[Phase.explicit, Phase.generate],
        report_multiple_bugs=False,
    )
    @given(case=strategy(operation, mode, ids))
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_within_its_schema(world, db, wsgi_app, role):  # noqa: F811
    user = user_for(world, role)
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    office = {
        "Authorization": f"Token {Token.objects.get_or_create(user=world.users['office'])[0].key}"
    }
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=office)
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()), key=lambda op: order(op.label)
    )
    labels = {op.label for op in operations}
    assert set(NOT_FUZZED) <= labels, f"NOT_FUZZED names no operation: {set(NOT_FUZZED) - labels}"
    ids = path_ids()

    failures: dict[str, str] = {}
    started = time.monotonic()
    for operation in operations:
        if operation.label in NOT_FUZZED:
            continue
        for mode in MODES:
            try:
                fuzz(operation, mode, headers, ids)
            except (Exception, BaseExceptionGroup) as exc:
                failures[f"{operation.label} ({mode.value})"] = str(exc)[:3000]
    sys.stdout.write(
        f"\n{role}: {len(operations)} operations × {len(MODES)} modes × ≤{EXAMPLES} examples "
        f"in {time.monotonic() - started:.1f}s, {len(failures)} failing\n"
    )
    report = "\n\n".join(f"===== {label}\n{text}" for label, text in failures.items())
    assert not failures, f"{len(failures)} operations failed for {role}:\n\n{report}"
