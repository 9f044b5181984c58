"""The write policy as a property (STYLE §4, decision 0018): for random worlds and random users,
accounts.policy.can_write(user, obj) is true exactly when the user's role is an editor role and obj is in the
user's writable scope, for every role and for chains, segments, firms, parks and yearly figures; without an
object, can_write(user) and is_editor(user) are the role alone.

The writable scope is the one restated in test_scope_property.py (World.sees_*, write=True: a district reads
the city chains of its city but does not write them); the editor roles are restated here, not read from
settings, so a change on either side that the other does not make fails here. Each example runs in its own
transaction (hypothesis.extra.django.TestCase).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from chainleader.accounts import policy
from chainleader.accounts.models import Role, User

from .test_scope_property import World, build, worlds

# Who writes, in words: the office, chain leaders, special-team members and districts. Departments, the general
# chain leader, firm accounts, the three administrators and accounts without a role read (or see nothing).
EDITORS = {Role.OFFICE, Role.CHAIN_LEADER, Role.TEAM_MEMBER, Role.DISTRICT}


def writable(w: World, person: Any) -> list[tuple[Any, bool]]:
    """Every object of the world, with whether the person's writable scope holds it."""
    return [
        *((c, w.sees_chain(person, c, True)) for c in w.chains),
        *((s, w.sees_chain(person, s.chain, True)) for s in w.segments),
        *((f, w.sees_firm(person, f)) for f in w.firms),
        *((p, w.sees_park(person, p)) for p in w.parks),
        *((y, w.sees_figure(person, y)) for y in w.figures),
    ]


class WritePolicyProperty(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=worlds)
    def test_can_write_is_an_editor_role_and_the_writable_scope(self, spec: dict) -> None:
        w, people = build(spec)
        for person in people:
            user = User.objects.get(pk=person.user.pk)  # fresh: no cached scope
            editor = person.role in EDITORS
            assert policy.is_editor(user) is editor, person.role
            assert policy.can_write(user) is editor, person.role
            for obj, in_scope in writable(w, person):
                assert policy.can_write(user, obj) is (editor and in_scope), (person.role, obj)
