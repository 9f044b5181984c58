"""Every list that has both an Excel export and an import reads its export back (issue 11): each column the import
takes is in the export under the template's header, in either language, and a choice cell takes the labels the
pages show. The round trips themselves (export, upload, preview: nothing changes; one cell changed: that field
old → new) are tested per list; this file notices a list that gains an import without one."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation

from chainleader.core import excel
from chainleader.core.import_views import ObjectImportView
from tests.core.test_column_units import list_views, views

# (list view, import view) -> the test file holding its round trip.
ROUND_TRIPS = {
    ("EnterpriseListView", "EnterpriseImportView"): "tests/enterprises/test_round_trip.py",
    ("ChainListView", "ChainImportView"): "tests/chains/test_round_trip.py",
    ("SegmentListView", "SegmentImportView"): "tests/chains/test_round_trip.py",
    ("ProjectListView", "ProjectImportView"): "tests/projects/test_round_trip.py",
    ("ReportListView", "ReportImportView"): "tests/projects/test_round_trip.py",
    ("ItemListView", "ItemImportView"): "tests/worklists/test_round_trip.py",
    ("NeedListView", "NeedImportView"): "tests/matching/test_round_trip.py",
    ("OfferListView", "OfferImportView"): "tests/matching/test_round_trip.py",
    ("AssignmentListView", "AssignmentImportView"): "tests/commissioners/test_imports.py",
    ("PlanListView", "PlanImportView"): "tests/growth/test_import.py",
    ("ValueListView", "ValueImportView"): "tests/indicators/test_import.py",
    ("PaymentListView", "PaymentImportView"): "tests/policies/test_import.py",
    ("CandidateListView", "CandidateImportView"): "tests/tiers/test_pipeline.py",
    ("RequestListView", "RequestImportView"): "tests/projects/test_request_import.py",
    # The ledger lists firm requests too; its export names their firm, so it reads back the same way.
    ("ProblemListView", "RequestImportView"): "tests/projects/test_request_import.py",
    (
        "MyItemListView",
        "ItemImportView",
    ): "tests/worklists/test_round_trip.py",  # 我的事项: the same export
}


def import_views() -> list[type[ObjectImportView]]:
    return sorted(
        {v for v in views() if issubclass(v, ObjectImportView) and v.columns},
        key=lambda v: v.__qualname__,
    )


def pairs() -> list[tuple[type, type[ObjectImportView]]]:
    return [
        (lst, imp)
        for lst in list_views()
        for imp in import_views()
        if getattr(imp, "model", None) is lst.model
    ]


def test_every_list_with_an_export_and_an_import_has_its_round_trip_tested():
    assert {(lst.__name__, imp.__name__) for lst, imp in pairs()} == set(ROUND_TRIPS)


@pytest.mark.parametrize(
    ("list_view", "import_view"), pairs(), ids=[f"{a.__name__}" for a, _b in pairs()]
)
def test_the_export_holds_every_column_of_the_import_under_a_header_it_reads(
    list_view, import_view
):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            headers = {str(c.label) for c in list_view.export_columns or list_view.columns}
        for column in import_view.columns:
            names = {column.header, *column.aliases}
            assert headers & names, (list_view.__name__, language, column.header)


def choice_columns() -> list[tuple[str, type, excel.ExcelColumn]]:
    found = []
    for view in import_views():
        for column in view.columns:
            if column.kind != "choice":
                continue
            try:
                field = view.model._meta.get_field(column.field)
            except FieldDoesNotExist:
                continue
            if field.choices:
                found.append((f"{view.__name__} {column.header}", view.model, column))
    return found


CHOICES = choice_columns()


def test_there_are_choice_columns_to_check():
    assert {c.header for _n, _m, c in CHOICES} >= {
        "项目类型",
        "阶段",
        "层级",
        "类别",
        "位置",
        "清单",
    }


@pytest.mark.parametrize(("name", "model", "column"), CHOICES, ids=[c[0] for c in CHOICES])
def test_a_choice_cell_takes_the_labels_the_pages_show_and_the_stored_values(name, model, column):
    field = model._meta.get_field(column.field)
    with translation.override("zh-hans"):
        labels = [(value, str(label)) for value, label in field.choices]
    for value, label in labels:
        assert excel.convert_cell(column, label) == value, (name, label)
        assert excel.convert_cell(column, value) == value, (name, value)
