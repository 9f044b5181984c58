"""Personas the security tests add to tests/conftest.py: the security and audit administrators."""

from __future__ import annotations

import pytest

from chainleader.accounts.models import Role
from chainleader.core.models import AuditEvent
from tests.factories import UserFactory


@pytest.fixture
def security_admin(db):
    return UserFactory(username="secadmin", role=Role.SECURITY_ADMIN)


@pytest.fixture
def audit_admin(db):
    return UserFactory(username="auditor", role=Role.AUDIT_ADMIN)


def audit_rows(event_type: str | None = None):
    rows = AuditEvent.objects.order_by("id")
    return rows.filter(event_type=event_type) if event_type else rows
