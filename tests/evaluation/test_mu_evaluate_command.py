"""manage.py mu_evaluate: files in, scored CSV out; every bad row named, and no output on error."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from chainleader.core.validators import uscc_check_char
from chainleader.engines.mu_yield import default_scheme
from chainleader.evaluation.fileio import HEADERS
from chainleader.evaluation.management.commands.mu_evaluate import Command

EN = list(HEADERS)  # English headers in MU_SCHEME.md order
ZH = list(HEADERS.values())


def code(n: int) -> str:
    body = f"91370200{n:09d}"
    return body + uscc_check_char(body)


def corrupt(valid: str) -> str:
    return valid[:-1] + ("1" if valid[-1] == "0" else "0")


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


# Columns: uscc, name, year, above_size, industry_code, production_start_year, land_mu, tax_wan,
# revenue_wan, value_added_wan, energy_tce, emissions_t, rd_wan, employees.
#
# 规下, 2024: A 10 亩 tax 30 → 3; B 10 亩 tax 10 → 1; C 20 亩 tax 20 → 1 (ties B: uscc decides);
# D 2 亩 (too small); E no land. Benchmark (30 + 10 + 20) / (10 + 10 + 20) = 1.5:
# A 3/1.5 = 2 → 200, B and C 1/1.5 → 66.6667. N = 3: nA 0, nB floor(1.8) = 1, nD 1 →
# A rank 1 B, B (code 2 < code 3) rank 2 C, C rank 3 D.
# 规上, 2024: F alone (land 10, tax 10, revenue 100, VA 50, energy 10, emissions blank, R&D blank,
# employees 5): every defined ratio is 1 (it is its own benchmark); no firm has emissions or R&D, so
# those two have no benchmark and give ratio 0 to all (MU_SCHEME.md): 30 + 20 + 20 + 0 + 10 + 0 = 80;
# N = 1 → nD 1 → D.
# 2023: A again, alone in 规下: ratio 1 → 100.
ROWS = [
    [code(1), "甲", 2024, 0, "C3951", 2010, 10, 30, "", "", "", "", "", ""],
    [code(2), "乙", 2024, 0, "C3951", 2010, 10, 10, "", "", "", "", "", ""],
    [code(3), "丙", 2024, 0, "3952", 2010, 20, 20, "", "", "", "", "", ""],
    [code(4), "丁", 2024, 0, "C3951", 2010, 2, 50, "", "", "", "", "", ""],
    [code(5), "戊", 2024, 0, "C3951", 2010, "", 50, "", "", "", "", "", ""],
    [code(6), "己", 2024, 1, "C3951", 2010, 10, 10, 100, 50, 10, "", "", 5],
    [code(1), "甲", 2023, 0, "C3951", 2010, 10, 30, "", "", "", "", "", ""],
]


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_output(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {(row["uscc"], row["year"]): row for row in csv.DictReader(fh)}


def run(tmp_path: Path, source: Path, **options: Any) -> Path:
    output = tmp_path / "out.csv"
    call_command(Command(), input=str(source), output=str(output), **options)
    return output


def check_2024(out: dict[tuple[str, str], dict[str, str]]) -> None:
    a, b, c = out[(code(1), "2024")], out[(code(2), "2024")], out[(code(3), "2024")]
    assert (a["group"], a["score"], a["class"], a["rank"], a["reason"]) == (
        "规下",
        "200",
        "B",
        "1",
        "",
    )
    assert (b["score"], b["class"], b["rank"]) == ("66.6667", "C", "2")
    assert (c["score"], c["class"], c["rank"]) == ("66.6667", "D", "3")
    assert (a["tax_per_mu"], a["tax_per_mu_score"]) == ("3", "200")
    assert a["value_added_per_mu"] == ""  # not a 规下 indicator
    d, e = out[(code(4), "2024")], out[(code(5), "2024")]
    assert (d["class"], d["rank"], d["score"], d["reason"]) == (
        "",
        "",
        "",
        "规下且用地不足3亩，不参评",
    )
    assert e["reason"] == "无自有工业用地，不参评"
    f = out[(code(6), "2024")]
    assert (f["group"], f["score"], f["class"], f["rank"]) == ("规上", "80", "D", "1")
    assert (f["value_added_per_emissions"], f["value_added_per_emissions_score"]) == ("", "0")
    assert (f["rd_intensity"], f["rd_intensity_score"]) == ("", "0")
    assert (f["labour_productivity"], f["value_added_per_energy"]) == ("10", "5")


def test_chinese_headers_are_scored_end_to_end(tmp_path):
    output = run(tmp_path, write_csv(tmp_path / "in.csv", ZH, ROWS))
    with output.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    keys = [i.key for i in default_scheme().indicators()]
    assert header == ["uscc", "year", "group", "score", "class", "rank", "reason"] + [
        name for key in keys for name in (key, f"{key}_score")
    ]
    assert not output.read_bytes().startswith(b"\xef\xbb\xbf")
    out = read_output(output)
    assert len(out) == len(ROWS)
    check_2024(out)
    assert out[(code(1), "2023")]["score"] == "100"


def test_english_headers_in_another_order(tmp_path):
    order = list(reversed(range(len(EN))))
    rows = [[row[i] for i in order] for row in ROWS]
    output = run(tmp_path, write_csv(tmp_path / "in.csv", [EN[i] for i in order], rows))
    check_2024(read_output(output))


def test_xlsx_input(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(ZH)
    for row in ROWS:
        sheet.append([None if v == "" else v for v in row])
    source = tmp_path / "in.xlsx"
    workbook.save(source)
    check_2024(read_output(run(tmp_path, source)))


def test_year_option_keeps_that_year_only(tmp_path):
    output = run(tmp_path, write_csv(tmp_path / "in.csv", EN, ROWS), year=2023)
    out = read_output(output)
    assert list(out) == [(code(1), "2023")]
    assert out[(code(1), "2023")]["score"] == "100"


def test_custom_scheme_version_is_used(tmp_path):
    scheme = json.loads(default_scheme().to_json()) | {"version": "county-2025", "cap": None}
    scheme_path = tmp_path / "scheme.json"
    scheme_path.write_text(json.dumps(scheme, ensure_ascii=False), encoding="utf-8")
    source = write_csv(tmp_path / "in.csv", EN, ROWS)
    messages = io.StringIO()
    output = tmp_path / "out.csv"
    call_command(
        Command(), input=str(source), output=str(output), scheme=str(scheme_path), stdout=messages
    )
    assert "with scheme county-2025" in messages.getvalue()
    assert output.exists()


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path):
    rows = [
        ROWS[0],
        [code(2), "乙", 2024, 0, "C3951", 2010, 10, "12,3x", "", "", "", "", "", ""],  # line 3
        [corrupt(code(3)), "丙", 2024, 0, "C3951", 2010, 10, 10, "", "", "", "", "", ""],  # line 4
        [
            code(1),
            "甲",
            2024,
            0,
            "C3951",
            2010,
            10,
            30,
            "",
            "",
            "",
            "",
            "",
            "",
        ],  # line 5: duplicate
        [code(7), "庚", "2024年", 0, "C3951", 2010, 10, 30, "", "", "", "", "", ""],  # line 6
    ]
    source = write_csv(tmp_path / "in.csv", ZH, rows)
    output = tmp_path / "out.csv"
    with pytest.raises(CommandError) as caught:
        call_command(Command(), input=str(source), output=str(output))
    message = str(caught.value)
    assert "line 3, field 税收(万元):" in message
    assert "line 4, field 统一社会信用代码:" in message
    assert "check character" in message
    assert "line 5, field 统一社会信用代码: duplicate firm-year" in message
    assert "also on line 2" in message
    assert "line 6, field 年度:" in message
    assert "line 2," not in message
    assert not output.exists()


def test_a_missing_required_column_is_reported_on_line_one(tmp_path):
    header = [h for h in ZH if h != "综合能耗(吨标煤)"]
    rows = [[v for h, v in zip(ZH, row, strict=True) if h != "综合能耗(吨标煤)"] for row in ROWS]
    output = tmp_path / "out.csv"
    with pytest.raises(
        CommandError, match=r"line 1, field energy_tce: the required column is missing"
    ):
        call_command(
            Command(), input=str(write_csv(tmp_path / "in.csv", header, rows)), output=str(output)
        )
    assert not output.exists()


def test_blank_cells_are_missing_not_zero(tmp_path):
    # R&D blank → no value, ratio 0; R&D 0 → value 0. Same for employees: blank → no value.
    rows = [
        [code(6), "己", 2024, 1, "C3951", 2010, 10, 10, 100, 50, 10, 1, "", ""],
        [code(8), "辛", 2024, 1, "C3951", 2010, 10, 10, 100, 50, 10, 1, 0, 0],
    ]
    out = read_output(run(tmp_path, write_csv(tmp_path / "in.csv", EN, rows)))
    blank, zero = out[(code(6), "2024")], out[(code(8), "2024")]
    assert (blank["rd_intensity"], zero["rd_intensity"]) == ("", "0")
    assert (blank["labour_productivity"], zero["labour_productivity"]) == ("", "")  # 0 employees


def test_an_existing_output_is_left_alone_on_error(tmp_path):
    output = tmp_path / "out.csv"
    output.write_text("previous", encoding="utf-8")
    source = write_csv(tmp_path / "in.csv", EN, [[*ROWS[0][:7], "abc", *ROWS[0][8:]]])
    with pytest.raises(CommandError, match="line 2, field tax_wan"):
        call_command(Command(), input=str(source), output=str(output))
    assert output.read_text(encoding="utf-8") == "previous"


def test_a_bad_scheme_is_a_command_error(tmp_path):
    scheme_path = tmp_path / "scheme.json"
    scheme_path.write_text('{"version": "x"}', encoding="utf-8")
    with pytest.raises(CommandError, match="Bad scheme: scheme: groups must be a non-empty list"):
        call_command(
            Command(),
            input=str(write_csv(tmp_path / "in.csv", EN, ROWS)),
            output=str(tmp_path / "out.csv"),
            scheme=str(scheme_path),
        )
