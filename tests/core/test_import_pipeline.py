"""core.imports' pipeline (code-health issue 12): resolvers, duplicate keys, the write-then-scope check, the audit
row every import writes, and the one yes/no vocabulary."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chainleader.chains.models import Chain
from chainleader.chains.services import chain_import
from chainleader.core.excel import ExcelColumn, ParsedRow, convert_cell
from chainleader.core.exceptions import ImportRejected
from chainleader.core.imports import ImportJob, Lookup, run_import
from chainleader.core.models import AuditEvent
from chainleader.evaluation.fileio import _flag


@dataclass(frozen=True)
class Thing:
    pk: int
    code: str
    name: str


class Things(Lookup[Thing]):
    def __init__(self, things: list[Thing], *, first_wins: bool = False) -> None:
        super().__init__(tables=2)
        self.first_wins = first_wins
        for thing in things:
            self.add(0, thing.code, thing)
            self.add(1, thing.name, thing)

    def unknown(self) -> str:
        return "unknown"

    def several(self) -> str:
        return "several"


A, B, C = Thing(1, "A1", "甲"), Thing(2, "B2", "乙"), Thing(3, "C3", "乙")


def test_a_lookup_finds_one_refuses_several_unless_one_is_preferred_or_the_first_wins():
    things = Things([A, B, C])
    assert things.resolve(" A1 ") == (A, "")
    assert things.resolve("甲") == (A, "")  # the second table when the first has no such word
    assert things.resolve("乙") == (None, "several")
    assert things.resolve("乙", prefer=3) == (C, "")
    assert things.resolve("丙") == (None, "unknown")
    assert Things([A, B, C], first_wins=True).resolve("乙") == (B, "")


def test_a_key_given_twice_is_an_error_naming_the_earlier_row():
    job: ImportJob[Thing] = ImportJob(None, actor=None, rows=[])
    first, again = ParsedRow(row=2, values={}), ParsedRow(row=5, values={})
    assert job.first(first, "A1", column="编号", value="A1", message="also in row %(row)s")
    assert not job.first(again, "A1", column="编号", value="A1", message="also in row %(row)s")
    assert [(e["row"], e["message"]) for e in job.errors.errors] == [(5, "also in row 2")]


def rows(*cells: tuple[str, str, str]) -> list[ParsedRow]:
    return [
        ParsedRow(row=n, values={"name": name, "level": level, "region": code})
        for n, (name, level, code) in enumerate(cells, start=2)
    ]


def test_an_import_writes_one_audit_row_of_the_common_shape(db, office_user):
    chain_import(actor=office_user, rows=rows(("海洋装备", "city", "3702")), filename="链.xlsx")
    plan = chain_import(
        actor=office_user,
        rows=rows(("海洋装备", "city", "3702"), ("船舶海工", "district", "370211")),
        filename="链.xlsx",
    )
    assert (len(plan.created), len(plan.unchanged)) == (1, 1)
    last = AuditEvent.objects.filter(event_type="import").order_by("-id").first()
    assert (last.object_type, last.detail) == (
        "chains.chain",
        {"file": "链.xlsx", "rows": 2, "created": 1, "updated": 0, "unchanged": 1},
    )


def test_a_written_row_outside_the_write_scope_rolls_the_whole_file_back(db, district_a_user):
    with pytest.raises(ImportRejected) as refused:
        chain_import(
            actor=district_a_user,
            rows=rows(("本区链", "district", "370211"), ("市级链", "city", "3702")),
        )
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(3, "所在区域")]
    assert not Chain.objects.exists()


def test_a_preview_of_a_service_that_writes_first_leaves_nothing_behind(db, office_user):
    plan = run_import(
        chain_import, actor=office_user, rows=rows(("海洋装备", "city", "3702")), dry_run=True
    )
    assert len(plan.created) == 1
    assert not Chain.objects.exists()
    assert not AuditEvent.objects.filter(event_type="import").exists()


@pytest.mark.parametrize(
    ("cell", "flag"),
    [
        ("是", True),
        ("√", True),
        ("Y", True),
        ("规上", True),
        ("否", False),
        ("×", False),
        ("规下", False),
    ],
)
def test_imports_and_the_evaluation_reader_share_one_yes_no_vocabulary(cell, flag):
    column = ExcelColumn("是否规上", "above_size", kind="bool")
    assert convert_cell(column, cell) is flag
    assert _flag(cell) == float(flag)
