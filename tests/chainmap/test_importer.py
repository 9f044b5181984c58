"""graph_import: counts, idempotence, all-or-nothing, errors naming file, line and field."""

from __future__ import annotations

import pytest
from django.conf import settings

from chainleader.chainmap.importer import graph_import, normalise_product_name
from chainleader.chainmap.importer import write as importer_write
from chainleader.chainmap.models import (
    CompanyProduct,
    GraphCompany,
    GraphImport,
    GraphIndustry,
    IndustryUpstream,
    ProductLink,
)
from chainleader.core.exceptions import ImportRejected
from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import Product

from .graphs import SMALL_GRAPH, SMALL_PRODUCTS, write_graph

pytestmark = pytest.mark.django_db

MODELS = [
    GraphImport,
    GraphIndustry,
    GraphCompany,
    Product,
    CompanyProduct,
    ProductLink,
    IndustryUpstream,
    AuditEvent,
]


def table_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def snapshot() -> dict[str, list]:
    """Every graph row's values, to prove a rejected import changed nothing."""
    return {m.__name__: sorted(map(str, m.objects.values_list())) for m in MODELS}


def malformed(folder):
    """Bad weight on line 4, unknown rel on line 3, industries.csv without its parent_code column."""
    cp = [list(r) for r in SMALL_GRAPH["company_product.csv"]]
    cp[2][3] = "0,5x"
    pp = [list(r) for r in SMALL_GRAPH["product_product.csv"]]
    pp[1][1] = "上级产品"
    industries = [r[:3] for r in SMALL_GRAPH["industries.csv"]]
    return write_graph(
        folder,
        {"company_product.csv": cp, "product_product.csv": pp, "industries.csv": industries},
        headers={"industries.csv": ["code", "name", "level"]},
    )


def test_small_graph_imports_with_the_right_counts(graph_dir):
    record = graph_import(path=graph_dir)

    assert record.status == GraphImport.Status.DONE
    assert record.progress == 100
    assert record.finished_at is not None
    assert len(record.fingerprint) == 64
    c = record.counts
    assert c["industries.csv"] == {"read": 6, "created": 6, "updated": 0, "skipped": 0}
    assert c["companies.csv"] == {
        "read": 4,
        "created": 4,
        "updated": 0,
        "skipped": 0,
        "list_date_unknown": 1,
    }
    assert c["company_industry.csv"] == {
        "read": 5,
        "created": 4,
        "updated": 0,
        "skipped": 1,
        "unknown_tickers": 1,
        "industries_added": 1,
    }
    assert c["products.csv"] == {
        "read": 8,
        "created": SMALL_PRODUCTS,
        "updated": 0,
        "skipped": 1,
        "from_relations": 4,
    }
    assert c["company_product.csv"] == {
        "read": 7,
        "created": 6,
        "updated": 0,
        "skipped": 1,
        "unknown_tickers": 0,
        "duplicates": 1,
    }
    assert c["product_product.csv"] == {
        "read": 8,
        "created": 6,
        "updated": 0,
        "skipped": 2,
        "self_loops": 1,
        "duplicates": 1,
    }
    assert c["industry_upstream.csv"] == {
        "read": 2,
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "duplicates": 0,
    }

    assert GraphIndustry.objects.count() == 7
    assert GraphIndustry.objects.get(code="280201").parent.code == "280200"
    added = GraphIndustry.objects.get(code="640301")
    assert (added.name, added.level, added.parent) == ("仪器仪表", 3, None)
    haier = GraphCompany.objects.get(ticker="600690.SH")
    assert haier.industry.code == "330102"
    assert haier.other_fullnames == "青岛海尔股份有限公司"
    assert str(haier.list_date) == "1993-11-19"
    assert GraphCompany.objects.get(ticker="300001.SZ").list_date is None
    assert Product.objects.count() == SMALL_PRODUCTS
    assert Product.objects.filter(name="合成橡胶制品").exists()
    assert CompanyProduct.objects.get(company=haier, product__name="冰箱").weight == 0.5
    assert ProductLink.objects.count() == 6
    assert set(ProductLink.objects.values_list("rel", flat=True)) == {"up", "sub", "down"}
    assert not ProductLink.objects.filter(source__name="轮胎", target__name="轮胎").exists()
    assert IndustryUpstream.objects.get(industry_name="空调").count == 12

    events = AuditEvent.objects.filter(event_type="import", object_type="chainmap.graphimport")
    assert [(e.object_id, e.detail) for e in events] == [(str(record.pk), record.counts)]


def test_second_run_creates_and_updates_nothing(graph_dir):
    first = graph_import(path=graph_dir)
    before = snapshot()

    second = graph_import(path=graph_dir)

    assert second.fingerprint == first.fingerprint
    assert str(first.pk) in second.message
    for name, row in second.counts.items():
        assert row["created"] == 0, name
        assert row["updated"] == 0, name
        assert row["read"] == first.counts[name]["read"]
    after = snapshot()
    for model in (
        "GraphIndustry",
        "GraphCompany",
        "Product",
        "CompanyProduct",
        "ProductLink",
        "IndustryUpstream",
    ):
        assert after[model] == before[model], model
    assert GraphImport.objects.count() == 2


def test_changed_files_update_only_what_changed_and_keep_absent_rows(tmp_path):
    graph_import(path=write_graph(tmp_path / "v1"))
    cp = [r for r in SMALL_GRAPH["company_product.csv"] if r[2] != "轮胎"]  # 赛轮 轮胎 left out
    cp[0] = ["600690.SH", "海尔智家", "空调", "0.45"]
    companies = [list(r) for r in SMALL_GRAPH["companies.csv"]]
    companies[1][2] = "赛轮集团股份有限公司（新）"
    upstream = [["空调", "白色家电零部件", "13"], *SMALL_GRAPH["industry_upstream.csv"][1:]]

    record = graph_import(
        path=write_graph(
            tmp_path / "v2",
            {
                "company_product.csv": cp,
                "companies.csv": companies,
                "industry_upstream.csv": upstream,
            },
        )
    )

    c = record.counts
    assert (c["company_product.csv"]["created"], c["company_product.csv"]["updated"]) == (0, 1)
    assert (c["companies.csv"]["created"], c["companies.csv"]["updated"]) == (0, 1)
    assert (c["industry_upstream.csv"]["created"], c["industry_upstream.csv"]["updated"]) == (0, 1)
    assert c["company_industry.csv"]["updated"] == 0
    assert (
        CompanyProduct.objects.get(company__ticker="600690.SH", product__name="空调").weight == 0.45
    )
    assert GraphCompany.objects.get(ticker="601058.SH").fullname == "赛轮集团股份有限公司（新）"
    # Absent from the new file, still in the database.
    assert CompanyProduct.objects.filter(company__ticker="601058.SH", product__name="轮胎").exists()


def test_malformed_files_are_rejected_naming_file_line_and_field(tmp_path):
    folder = malformed(tmp_path / "bad")

    with pytest.raises(ImportRejected) as info:
        graph_import(path=folder)

    errors = {(e["sheet"], e["row"], e["column"]) for e in info.value.errors}
    assert ("company_product.csv", 4, "weight") in errors
    assert ("product_product.csv", 3, "rel") in errors
    assert ("industries.csv", 1, "parent_code") in errors
    assert len(info.value.errors) == 3
    weight = next(e for e in info.value.errors if e["column"] == "weight")
    assert weight["value"] == "0,5x"
    assert "0,5x" in weight["message"]
    assert all(set(e) == {"sheet", "row", "column", "value", "message"} for e in info.value.errors)
    assert all(v == 0 for v in table_counts().values())


def test_rejected_import_leaves_a_previous_import_untouched(tmp_path):
    graph_import(path=write_graph(tmp_path / "good"))
    before = snapshot()

    with pytest.raises(ImportRejected):
        graph_import(path=malformed(tmp_path / "bad"))

    assert snapshot() == before


@pytest.mark.parametrize(
    ("file", "row", "column", "expected"),
    [
        ("industries.csv", ["330200", "黑色家电", "4", "330000"], "level", 8),
        (
            "companies.csv",
            [
                "600000.SH",
                "浦发银行",
                "上海浦东发展银行股份有限公司",
                "上海证券交易所",
                "1999/11/10",
                "1",
                "",
            ],
            "list_date",
            6,
        ),
        ("industry_upstream.csv", ["空调", "铜", "x"], "count", 4),
        ("company_product.csv", ["600690.SH", "海尔智家", " ", "0.1"], "product_name", 10),
        ("company_product.csv", ["600690.SH", "海尔智家", "洗衣机", "nan"], "weight", 10),
    ],
)
def test_each_cell_rule_names_its_line(tmp_path, file, row, column, expected):
    """Line numbers count physical lines: company_product.csv has a name with a line break on line 7."""
    folder = write_graph(tmp_path / "g", {file: [*SMALL_GRAPH[file], row]})

    with pytest.raises(ImportRejected) as info:
        graph_import(path=folder)

    assert [(e["sheet"], e["row"], e["column"]) for e in info.value.errors] == [
        (file, expected, column)
    ]


def test_wrong_field_count_and_missing_file(tmp_path):
    folder = write_graph(tmp_path / "g", {"industry_upstream.csv": [["空调", "铜"]]})
    with pytest.raises(ImportRejected) as info:
        graph_import(path=folder)
    assert [(e["sheet"], e["row"]) for e in info.value.errors] == [("industry_upstream.csv", 2)]
    assert "3" in info.value.errors[0]["message"]

    (folder / "products.csv").unlink()
    with pytest.raises(ImportRejected) as info:
        graph_import(path=folder)
    assert any(e["sheet"] == "products.csv" and e["row"] is None for e in info.value.errors)


def test_at_most_1000_errors_are_listed(tmp_path):
    bad = [["600690.SH", "海尔智家", f"产品{i}", "x"] for i in range(1200)]
    with pytest.raises(ImportRejected) as info:
        graph_import(path=write_graph(tmp_path / "g", {"company_product.csv": bad}))
    assert len(info.value.errors) == 1000
    assert "1000" in str(info.value)


def test_a_failure_while_writing_rolls_everything_back(graph_dir, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer_write, "_write_upstream", boom)
    with pytest.raises(RuntimeError):
        graph_import(path=graph_dir)

    record = GraphImport.objects.get()
    assert record.status == GraphImport.Status.FAILED
    assert "disk full" in record.message
    counts = table_counts()
    assert counts.pop("GraphImport") == 1
    assert all(v == 0 for v in counts.values()), counts


def test_progress_callback_runs_from_0_to_100(graph_dir):
    seen: list[tuple[int, str]] = []
    graph_import(path=graph_dir, progress=lambda p, label: seen.append((p, label)))
    percents = [p for p, _label in seen]
    assert percents == sorted(percents)
    assert percents[0] == 0
    assert percents[-1] == 100
    assert all(label for _p, label in seen)


def test_product_name_normalisation():
    assert (
        normalise_product_name("合成维生素\nE系列") == "合成维生素E系列"
    )  # one rule with the engine
    assert normalise_product_name(" 航空电子设备") == "航空电子设备"
    assert normalise_product_name('防伪"碘盐标志"') == "防伪碘盐标志"
    assert normalise_product_name('防伪\\"碘盐标志\\"') == "防伪碘盐标志"
    assert normalise_product_name('逐日"""') == "逐日"


@pytest.mark.shared_data
def test_real_chainkg_imports_with_the_readme_counts():
    folder = settings.SHARED_DATA_DIR / "chainkg"
    if not (folder / "companies.csv").is_file():
        pytest.skip(f"shared data not present: {folder}")
    first = graph_import(path=folder)
    c = first.counts
    assert c["companies.csv"]["created"] == 4586
    assert c["industries.csv"]["created"] == 511
    assert c["company_industry.csv"]["unknown_tickers"] == 103
    assert c["company_industry.csv"]["industries_added"] == 8
    assert c["products.csv"]["read"] == 95559
    # 48,104 rows; three names with a PDF line break (合成维生素\nE系列) are, once joined, a product the same company
    # already lists: one pair each (the larger weight stays).
    cp = c["company_product.csv"]
    assert cp["created"] + cp["duplicates"] == 48104 and cp["duplicates"] == 3
    assert c["product_product.csv"]["read"] == 110153
    assert c["product_product.csv"]["self_loops"] == 108
    assert (
        c["product_product.csv"]["created"] == 110153 - 108 - c["product_product.csv"]["duplicates"]
    )
    assert c["industry_upstream.csv"]["created"] == 5256
    assert GraphCompany.objects.count() == 4586
    assert GraphIndustry.objects.filter(level=1).count() == 31
    assert GraphCompany.objects.filter(industry__isnull=False).count() == 4430 - 103
    assert ProductLink.objects.count() == c["product_product.csv"]["created"]
    assert GraphCompany.objects.get(ticker="688078.SH").fullname == ""

    second = graph_import(path=folder)  # timings belong in bench/, not here
    assert all(r["created"] == 0 and r["updated"] == 0 for r in second.counts.values())
