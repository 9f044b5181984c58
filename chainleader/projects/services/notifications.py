"""In-app reminders (我的提醒): who is told about a project or a problem, and the write itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from chainleader.accounts.models import Role, User

from ..models import Notification, Project

CHAIN_ROLES = (Role.TEAM_MEMBER, Role.CHAIN_LEADER)


def chain_people(
    chain_ids: Iterable[int], roles: tuple[str, ...] = CHAIN_ROLES
) -> dict[int, set[int]]:
    """chain id -> active users of the given roles working on it (one query)."""
    out: dict[int, set[int]] = {}
    rows = User.chains.through.objects.filter(
        chain_id__in=list(chain_ids), user__role__in=roles, user__is_active=True
    ).values_list("chain_id", "user_id")
    for chain_id, user_id in rows:
        out.setdefault(chain_id, set()).add(user_id)
    return out


def district_people() -> list[tuple[str, int]]:
    """(region code, user id) of every active district user."""
    return list(
        User.objects.filter(
            role=Role.DISTRICT, is_active=True, org_unit__region__isnull=False
        ).values_list("org_unit__region__code", "pk")
    )


def project_recipients(project_ids: list[int]) -> dict[int, set[int]]:
    """The owners of each project: its owner, its chain's team and leader, its district's users."""
    rows = list(
        Project.objects.filter(pk__in=project_ids).values_list(
            "pk", "owner_id", "chain_id", "district__code"
        )
    )
    by_chain = chain_people({chain for _pk, _o, chain, _d in rows})
    districts = district_people()
    out: dict[int, set[int]] = {}
    for pk, owner, chain, code in rows:
        users = set(by_chain.get(chain, set()))
        if owner:
            users.add(owner)
        users |= {uid for prefix, uid in districts if code.startswith(prefix)}
        out[pk] = users
    return out


@transaction.atomic
def notify(messages: Iterable[tuple[int, str, str]]) -> int:
    """Write (user id, text, link) reminders; a user gets one copy of the same text and link."""
    unique = {(uid, text[:300], link[:300]) for uid, text, link in messages}
    Notification.objects.bulk_create(
        [Notification(user_id=uid, text=text, link=link) for uid, text, link in sorted(unique)],
        batch_size=1000,
    )
    return len(unique)


@transaction.atomic
def notifications_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's own reminders read (all of them when `ids` is None)."""
    qs = Notification.objects.for_user(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
