"""core.bulk writes the rows and history rows simple-history's bulk helpers write, faster (issue 18)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainleader.core.bulk import insert_with_history, update_with_history
from chainleader.enterprises.models import Enterprise
from tests.factories import make_uscc, region

SKIP = {"id", "uscc", "created_at", "updated_at", "history_id", "history_date"}


def firms(start: int, count: int) -> list[Enterprise]:
    home = region("370211")
    return [
        Enterprise(
            uscc=make_uscc(start + i),
            name=f"青岛重庆路{i}号机械有限公司",
            region=home,
            registered_capital_wan=Decimal("1234.5") + i,
            founded_on=date(2015, 6, 1 + i),
            above_size=bool(i % 2),
            business_scope="",
        )
        for i in range(count)
    ]


def rows(qs) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in SKIP} for row in qs.order_by("uscc").values()]


def test_insert_writes_what_bulk_create_with_history_writes(db, office_user):
    ours = insert_with_history(Enterprise, firms(810000, 3), actor=office_user)
    theirs = bulk_create_with_history(firms(820000, 3), Enterprise, default_user=office_user)
    assert all(o.pk and not o._state.adding for o in ours)
    mine = Enterprise.objects.filter(pk__in=[o.pk for o in ours])
    other = Enterprise.objects.filter(pk__in=[o.pk for o in theirs])
    assert rows(mine) == rows(other)
    assert mine.first().name_sort.startswith("qing dao")
    history = Enterprise.history.model.objects
    assert rows(history.filter(id__in=[o.pk for o in ours])) == rows(
        history.filter(id__in=[o.pk for o in theirs])
    )
    assert set(
        history.filter(id__in=[o.pk for o in ours]).values_list("history_type", "history_user")
    ) == {("+", office_user.pk)}


def test_update_writes_what_bulk_update_with_history_writes(db, office_user):
    ours = insert_with_history(Enterprise, firms(830000, 2), actor=office_user)
    theirs = insert_with_history(Enterprise, firms(840000, 2), actor=office_user)
    for group in (ours, theirs):
        for obj in group:
            obj.name = "胶州" + obj.name
            obj.registered_capital_wan = Decimal("9.75")
            obj.version += 1
    update_with_history(
        Enterprise, ours, ["name", "registered_capital_wan", "version"], actor=office_user
    )
    bulk_update_with_history(
        theirs, Enterprise, ["name", "registered_capital_wan", "version"], default_user=office_user
    )
    mine = Enterprise.objects.filter(pk__in=[o.pk for o in ours])
    other = Enterprise.objects.filter(pk__in=[o.pk for o in theirs])
    assert rows(mine) == rows(other)
    assert {r.name_sort[:9] for r in mine} == {"jiao zhou"}, "the sort key follows the name"
    history = Enterprise.history.model.objects
    assert rows(history.filter(id__in=[o.pk for o in ours], history_type="~")) == rows(
        history.filter(id__in=[o.pk for o in theirs], history_type="~")
    )


def test_a_failed_insert_writes_nothing_not_even_history(db, office_user):
    batch = firms(850000, 3)
    batch[2].uscc = batch[0].uscc  # a duplicate credit code: the unique index refuses the batch
    before = Enterprise.history.model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_history(Enterprise, batch, actor=office_user)
    assert not Enterprise.objects.filter(uscc=batch[0].uscc).exists()
    assert Enterprise.history.model.objects.count() == before


def test_an_unknown_field_is_refused(db, office_user):
    ours = insert_with_history(Enterprise, firms(860000, 1), actor=office_user)
    with pytest.raises(ValueError, match="nickname"):
        update_with_history(Enterprise, ours, ["nickname"], actor=office_user)
