"""mu_yield engine: hand-worked default-scheme cases, the pure-Python oracle, and scheme validation.

Every expected number below was worked out by hand from MU_SCHEME.md (the arithmetic is in the
comments), not produced by running the engine.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainleader.core.validators import uscc_check_char
from chainleader.engines import mu_yield
from chainleader.engines.mu_yield import (
    INPUT_COLUMNS,
    REASON_BAD_SIZE,
    REASON_BAD_YEAR,
    REASON_NOT_FINITE,
    Scheme,
    default_scheme,
    evaluate,
)
from tests.engines.mu_oracle import evaluate_rows_python

NAN = math.nan

NO_LAND = "无自有工业用地，不参评"
SMALL_LAND = "规下且用地不足3亩，不参评"
UTILITY = "公用事业，不定等级"
NEW_FIRM = "新投产企业，不定等级"


def code(n: int) -> str:
    """A valid credit code: "91" + region 370200 + a 9-digit serial + its check character."""
    body = f"91370200{n:09d}"
    return body + uscc_check_char(body)


def firm(uscc: str, above: int, land: float, tax: float, **figures: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "uscc": uscc,
        "year": 2024,
        "above_size": above,
        "industry_code": "C3951",
        "production_start_year": 2010,
        "land_mu": land,
        "tax_wan": tax,
        "revenue_wan": NAN,
        "value_added_wan": NAN,
        "energy_tce": NAN,
        "emissions_t": NAN,
        "rd_wan": NAN,
        "employees": NAN,
    }
    row.update(figures)
    return row


def columns_of(rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    cols: dict[str, np.ndarray] = {}
    for key in INPUT_COLUMNS:
        data = [row.get(key) for row in rows]
        if key in ("uscc", "industry_code"):
            cols[key] = np.array(["" if v is None else str(v) for v in data])
        else:
            cols[key] = np.array([NAN if v is None else v for v in data], dtype=float)
    return cols


def by_uscc(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["uscc"]: row for row in rows}


# ------------------------------------------------------------------------------------------
# The hand-worked table: 2024, default scheme.
#
# 规上 graded firms G1..G5 (land, tax, revenue, VA, energy, emissions, R&D, employees):
#   G1  10, 100, 1000,  300, 100, 10, 30, 20
#   G2  20, 100, 2000,  400, 200, 20, 20, 40
#   G3  10,  50,  500,  100,   —,  —, 10, 10   energy and emissions missing → ratio 1 on both
#   G4  10, -20,  500,  100,  50,  5,  —,  0   negative tax, R&D missing, 0 employees
#   G5  10, 370, 1500,  300, 200, 20, 40, 40   tax per mu 37 = 3.7 × benchmark → capped at 2
# 规上 not graded (big figures, to show they stay out of the benchmarks):
#   U1 land missing; U2 industry D4411 (utility); U3 production started 2023 = year − 1.
#
# Benchmarks (Σ numerator / Σ denominator over graded firms whose value is defined):
#   tax/mu      (100+100+50−20+370) / (10+20+10+10+10) = 600/60   = 10
#   VA/mu       (300+400+100+100+300) / 60             = 1200/60  = 20
#   VA/energy   (300+400+100+300) / (100+200+50+200)   = 1100/550 = 2     (G3 excluded)
#   VA/emission (300+400+100+300) / (10+20+5+20)       = 1100/55  = 20    (G3 excluded)
#   VA/employee (300+400+100+300) / (20+40+10+40)      = 1100/110 = 10    (G4 excluded: 0)
#   R&D/revenue (30+20+10+40) / (1000+2000+500+1500)   = 100/5000 = 0.02  (G4 excluded: R&D missing)
#
# Ratios (value / benchmark, floor 0, cap 2) and scores (weight × ratio; weights 30/20/20/10/10/10):
#   G1 tax 10/10=1 →30   VA/mu 30/20=1.5 →30   energy 3/2=1.5 →30   emis 30/20=1.5 →15
#      labour 15/10=1.5 →15   R&D .03/.02=1.5 →15                         total 135
#   G2 tax 5/10=.5 →15   VA/mu 20/20=1 →20   energy 2/2=1 →20   emis 20/20=1 →10
#      labour 10/10=1 →10   R&D .01/.02=.5 →5                              total 80
#   G3 tax .5 →15   VA/mu 10/20=.5 →10   energy (missing) 1 →20   emis (missing) 1 →10
#      labour 10/10=1 →10   R&D .02/.02=1 →10                              total 75
#   G4 tax −2/10=−.2 → floor 0 →0   VA/mu .5 →10   energy 2/2=1 →20   emis 20/20=1 →10
#      labour (0 employees) 0 →0   R&D (missing) 0 →0                      total 40
#   G5 tax 37/10=3.7 → cap 2 →60   VA/mu 30/20=1.5 →30   energy 1.5/2=.75 →15
#      emis 15/20=.75 →7.5   labour 7.5/10=.75 →7.5   R&D (40/1500)/.02=4/3 →13.3333  total 133.3333
# Ranks: G1 135, G5 133.33, G2 80, G3 75, G4 40.  N = 5: nA = floor(1) = 1,
#   nB = floor(3) − 1 = 2, nD = ceil(0.25) = 1  →  G1 A, G5 B, G2 B, G3 C, G4 D.
#
# 规下 graded firms S1..S6 (land, tax → tax per mu); S7 has 2 亩 (< 3) and is not graded:
#   S1 10, 20 → 2     S2 10, 20 → 2 (same as S1)     S3 5, 50 → 10     S4 4, 60 → 15
#   S5 20, 10 → 0.5   S6 11, −10 → −0.909            S7 2, 100 (excluded)
#   Benchmark (20+20+50+60+10−10) / (10+10+5+4+20+11) = 150/60 = 2.5
#   Scores 100 × ratio: S1 2/2.5=.8 →80, S2 80, S3 10/2.5=4 → cap 2 →200, S4 6 → cap →200,
#   S5 .5/2.5=.2 →20, S6 negative → floor →0.
#   Ranks: S3 and S4 tie at 200 → tax per mu decides: S4 (15) 1, S3 (10) 2; S1 and S2 tie at 80
#   with equal tax per mu → uscc decides: S2 (code 1) 3, S1 (code 2) 4; S5 5; S6 6.
#   N = 6: nA = floor(1.2) = 1, nB = floor(3.6) − 1 = 2, nD = ceil(0.3) = 1
#   → S4 A, S3 B, S2 B, S1 C, S5 C, S6 D.
# ------------------------------------------------------------------------------------------

G1, G2, G3, G4, G5 = code(101), code(102), code(103), code(104), code(105)
U1, U2, U3 = code(201), code(202), code(203)
S1, S2, S3, S4, S5, S6, S7 = code(2), code(1), code(3), code(4), code(5), code(6), code(7)

BIG = {"revenue_wan": 9e5, "value_added_wan": 9e5, "energy_tce": 1, "emissions_t": 1}
BIG |= {"rd_wan": 9e5, "employees": 1}

HAND_TABLE = [
    firm(
        G1,
        1,
        10,
        100,
        revenue_wan=1000,
        value_added_wan=300,
        energy_tce=100,
        emissions_t=10,
        rd_wan=30,
        employees=20,
    ),
    firm(
        G2,
        1,
        20,
        100,
        revenue_wan=2000,
        value_added_wan=400,
        energy_tce=200,
        emissions_t=20,
        rd_wan=20,
        employees=40,
    ),
    firm(G3, 1, 10, 50, revenue_wan=500, value_added_wan=100, rd_wan=10, employees=10),
    firm(
        G4,
        1,
        10,
        -20,
        revenue_wan=500,
        value_added_wan=100,
        energy_tce=50,
        emissions_t=5,
        employees=0,
    ),
    firm(
        G5,
        1,
        10,
        370,
        revenue_wan=1500,
        value_added_wan=300,
        energy_tce=200,
        emissions_t=20,
        rd_wan=40,
        employees=40,
    ),
    firm(U1, 1, NAN, 9e5, **BIG),
    firm(U2, 1, 10, 9e5, industry_code="D4411", **BIG),
    firm(U3, 1, 10, 9e5, production_start_year=2023, **BIG),
    firm(S1, 0, 10, 20),
    firm(S2, 0, 10, 20),
    firm(S3, 0, 5, 50),
    firm(S4, 0, 4, 60),
    firm(S5, 0, 20, 10),
    firm(S6, 0, 11, -10),
    firm(S7, 0, 2, 100),
]

EXPECTED = {
    # uscc: (group, total, rank, class, per-indicator scores in scheme order)
    G1: ("规上", 135.0, 1, "A", (30, 30, 30, 15, 15, 15)),
    G5: ("规上", 133 + 1 / 3, 2, "B", (60, 30, 15, 7.5, 7.5, 40 / 3)),
    G2: ("规上", 80.0, 3, "B", (15, 20, 20, 10, 10, 5)),
    G3: ("规上", 75.0, 4, "C", (15, 10, 20, 10, 10, 10)),
    G4: ("规上", 40.0, 5, "D", (0, 10, 20, 10, 0, 0)),
    S4: ("规下", 200.0, 1, "A", (200,)),
    S3: ("规下", 200.0, 2, "B", (200,)),
    S2: ("规下", 80.0, 3, "B", (80,)),
    S1: ("规下", 80.0, 4, "C", (80,)),
    S5: ("规下", 20.0, 5, "C", (20,)),
    S6: ("规下", 0.0, 6, "D", (0,)),
}
ABOVE_KEYS = (
    "tax_per_mu",
    "value_added_per_mu",
    "value_added_per_energy",
    "value_added_per_emissions",
    "labour_productivity",
    "rd_intensity",
)


@pytest.fixture(scope="module")
def hand_result() -> mu_yield.MuYieldResult:
    return evaluate(columns_of(HAND_TABLE), default_scheme())


def test_hand_worked_scores_ranks_and_classes(hand_result):
    rows = by_uscc(hand_result.to_rows())
    for uscc, (group, total, rank, klass, parts) in EXPECTED.items():
        row = rows[uscc]
        assert (row["group"], row["rank"], row["class"], row["reason"]) == (group, rank, klass, "")
        assert row["score"] == pytest.approx(total, rel=1e-12)
        keys = ABOVE_KEYS if group == "规上" else ("tax_per_mu",)
        assert [row[f"{k}_score"] for k in keys] == pytest.approx(parts, rel=1e-12)


def test_hand_worked_benchmarks(hand_result):
    b = hand_result.benchmarks
    assert b.usable.all()
    got = {
        (str(g), str(i)): float(v)
        for g, i, v in zip(b.group, b.indicator, b.benchmark, strict=True)
    }
    assert got == pytest.approx(
        {
            ("规上", "tax_per_mu"): 10.0,
            ("规上", "value_added_per_mu"): 20.0,
            ("规上", "value_added_per_energy"): 2.0,
            ("规上", "value_added_per_emissions"): 20.0,
            ("规上", "labour_productivity"): 10.0,
            ("规上", "rd_intensity"): 0.02,
            ("规下", "tax_per_mu"): 2.5,
        },
        rel=1e-12,
    )
    defined = {
        (str(g), str(i)): int(d) for g, i, d in zip(b.group, b.indicator, b.defined, strict=True)
    }
    assert defined[("规上", "value_added_per_energy")] == 4  # G3 (missing energy) left out
    assert defined[("规上", "labour_productivity")] == 4  # G4 (0 employees) left out
    assert defined[("规上", "rd_intensity")] == 4  # G4 (R&D missing) left out
    assert set(b.graded.tolist()) == {5, 6}
    assert set(b.year.tolist()) == {2024}


def test_hand_worked_special_values_and_ratios(hand_result):
    rows = by_uscc(hand_result.to_rows())
    # Missing energy and emissions: ratio 1 (the average), and no value of its own.
    assert rows[G3]["value_added_per_energy"] is None
    assert rows[G3]["value_added_per_energy_ratio"] == 1.0
    assert rows[G3]["value_added_per_emissions_ratio"] == 1.0
    # 0 employees and missing R&D: ratio 0.
    assert rows[G4]["labour_productivity"] is None
    assert rows[G4]["labour_productivity_ratio"] == 0.0
    assert rows[G4]["rd_intensity_ratio"] == 0.0
    # Negative tax: value −2 (kept), ratio floored at 0.
    assert rows[G4]["tax_per_mu"] == -2.0
    assert rows[G4]["tax_per_mu_ratio"] == 0.0
    # Outlier: tax per mu 37 is 3.7 × the benchmark, capped at 2.
    assert rows[G5]["tax_per_mu"] == 37.0
    assert rows[G5]["tax_per_mu_ratio"] == 2.0
    assert rows[G5]["rd_intensity_ratio"] == pytest.approx(4 / 3)
    # 规下 firms have no 规上 indicators.
    assert rows[S1]["value_added_per_mu"] is None
    assert rows[S1]["value_added_per_mu_score"] is None


def test_not_graded_firms_get_the_scheme_reasons_and_no_class(hand_result):
    rows = by_uscc(hand_result.to_rows())
    for uscc, group, reason in (
        (U1, "规上", NO_LAND),
        (U2, "规上", UTILITY),
        (U3, "规上", NEW_FIRM),
        (S7, "规下", SMALL_LAND),
    ):
        row = rows[uscc]
        assert (row["group"], row["reason"], row["class"], row["rank"], row["score"]) == (
            group,
            reason,
            "",
            None,
            None,
        )
    assert rows[U2]["tax_per_mu"] == 90_000.0  # values are still shown for a firm not graded
    assert rows[U1]["tax_per_mu"] is None  # no land, no value


def test_oracle_agrees_on_the_hand_worked_table(hand_result):
    assert_same(hand_result.to_rows(), evaluate_rows_python(HAND_TABLE, default_scheme()))


def test_result_carries_the_scheme_version(hand_result):
    assert hand_result.scheme_version == default_scheme().version == "default-2025.1"


def test_class_boundaries_for_twenty_firms():
    # 20 规下 firms, 10 亩 each, tax 1..20: benchmark 210/200 = 1.05, best ratio 2/1.05 < 2 (no cap),
    # so rank r is the firm with tax 21 − r. N = 20: nA = floor(4) = 4, nB = floor(12) − 4 = 8,
    # nD = ceil(1) = 1 → ranks 1–4 A, 5–12 B, 13–19 C, 20 D.
    rows = [firm(code(300 + t), 0, 10, t) for t in range(1, 21)]
    result = by_uscc(evaluate(columns_of(rows), default_scheme()).to_rows())
    for t in range(1, 21):
        row = result[code(300 + t)]
        rank = 21 - t
        assert row["rank"] == rank
        assert row["class"] == (
            "A" if rank <= 4 else "B" if rank <= 12 else "C" if rank <= 19 else "D"
        )
        assert row["score"] == pytest.approx(100 * (t / 10) / 1.05)


def scheme_with(**changes: Any) -> Scheme:
    data = json.loads(default_scheme().to_json())
    data.update(changes)
    return Scheme.from_dict(data)


@pytest.mark.parametrize(
    ("shares", "n", "expected"),
    [
        # A 0.5, B to 1.0, D 0.1, N = 10: nA 5, nB 5, nD 1 → 11 > 10, D first, then A: B keeps 4.
        ({"A": 0.5, "B_cumulative": 1.0, "D": 0.1}, 10, "AAAAABBBBD"),
        # A 1.0, D 0.5, N = 4: nD 2 first, then A gets the 2 left.
        ({"A": 1.0, "B_cumulative": 1.0, "D": 0.5}, 4, "AADD"),
        # The default with N = 2: nA 0, nB floor(1.2) = 1, nD 1.
        ({"A": 0.2, "B_cumulative": 0.6, "D": 0.05}, 2, "BD"),
        # 0.05 × 60 must be 3, not 3.0000000000000004 rounded up to 4.
        ({"A": 0.2, "B_cumulative": 0.6, "D": 0.05}, 60, "A" * 12 + "B" * 24 + "C" * 21 + "D" * 3),
    ],
)
def test_class_shares_with_d_then_a_precedence(shares, n, expected):
    scheme = scheme_with(class_shares=shares)
    rows = [firm(code(400 + t), 0, 10, t) for t in range(1, n + 1)]
    result = evaluate(columns_of(rows), scheme)
    ranked = sorted(zip(result.rank.tolist(), result.class_.tolist(), strict=True))
    assert "".join(c for _r, c in ranked) == expected
    assert [
        r["class"] for r in sorted(evaluate_rows_python(rows, scheme), key=lambda r: r["rank"])
    ] == list(expected)


def test_each_year_is_benchmarked_and_ranked_on_its_own():
    # 2023: taxes 10 and 30 on 10 亩 → benchmark 2; 2024: taxes 10 and 50 → benchmark 3.
    rows = [
        firm(code(501), 0, 10, 10) | {"year": 2023},
        firm(code(502), 0, 10, 30) | {"year": 2023},
        firm(code(501), 0, 10, 10),
        firm(code(502), 0, 10, 50),
    ]
    result = evaluate(columns_of(rows), default_scheme())
    # 2023: 1/2 → 50, 3/2 → 150; 2024: 1/3 → 33.33, 5/3 → 166.67; each year ranks 1 and 2.
    assert result.score.tolist() == pytest.approx([50, 150, 100 / 3, 500 / 3])
    assert result.rank.tolist() == [2, 1, 2, 1]
    b = result.benchmarks
    assert dict(zip(b.year.tolist(), b.benchmark.tolist(), strict=True)) == pytest.approx(
        {2023: 2.0, 2024: 3.0}
    )


def test_a_benchmark_that_is_not_positive_gives_ratio_zero_to_all():
    # Taxes −5 and 2 on 10 亩 each: (−5 + 2) / 20 = −0.15 ≤ 0 → every tax ratio 0, scores 0.
    rows = [firm(code(601), 0, 10, -5), firm(code(602), 0, 10, 2)]
    result = evaluate(columns_of(rows), default_scheme())
    assert result.score.tolist() == [0.0, 0.0]
    assert not result.benchmarks.usable.any()
    # No energy figures at all: no defined value, no benchmark; every ratio 0, even the
    # firms the special rule would give 1.
    above = [
        firm(code(603), 1, 10, 10, value_added_wan=5),
        firm(code(604), 1, 10, 20, value_added_wan=5),
    ]
    result = evaluate(columns_of(above), default_scheme())
    assert result.ratios["value_added_per_energy"].tolist() == [0.0, 0.0]


def test_missing_is_not_zero():
    # R&D missing → ratio 0 and out of the benchmark; R&D 0 → value 0, in the benchmark (revenue 100
    # counts): R&D/revenue benchmark = (0 + 10) / (100 + 100) = 0.05 with the zero, 10/100 = 0.1 without.
    base = {
        "revenue_wan": 100,
        "value_added_wan": 10,
        "energy_tce": 1,
        "emissions_t": 1,
        "employees": 1,
    }
    rows = [
        firm(code(701), 1, 10, 10, rd_wan=0, **base),
        firm(code(702), 1, 10, 10, rd_wan=10, **base),
        firm(code(703), 1, 10, 10, **base),
    ]
    result = evaluate(columns_of(rows), default_scheme())
    assert result.values["rd_intensity"][0] == 0.0
    assert math.isnan(result.values["rd_intensity"][2])
    b = result.benchmarks
    bench = {str(i): float(v) for i, v in zip(b.indicator, b.benchmark, strict=True)}
    assert bench["rd_intensity"] == pytest.approx(0.05)


def test_data_faults_never_crash_and_give_reasons():
    rows = [
        firm(code(801), 1, 10, 10) | {"year": NAN},
        firm(code(802), 1, 10, 10) | {"year": 2024.5},
        firm(code(803), 1, 10, 10) | {"above_size": NAN},
        firm(code(804), 1, 10, 10) | {"above_size": 2},
        firm(code(805), 1, 10, math.inf),
        firm(code(806), 0, 10, 10, employees=-math.inf),
        firm(code(807), 0, 10, 10) | {"industry_code": None},
        firm(code(808), 0, 10, 10) | {"industry_code": "??"},
    ]
    result = evaluate(columns_of(rows), default_scheme())
    assert result.reason.tolist() == [
        REASON_BAD_YEAR,
        REASON_BAD_YEAR,
        REASON_BAD_SIZE,
        REASON_BAD_SIZE,
        REASON_NOT_FINITE,
        REASON_NOT_FINITE,
        "",
        "",
    ]
    assert result.group.tolist() == ["规上", "规上", "", "", "规上", "规下", "规下", "规下"]
    assert_same(result.to_rows(), evaluate_rows_python(rows, default_scheme()))


def test_scores_a_hair_apart_are_still_ranked_exactly():
    # The engine sorts on the leading bits of the score first; scores that differ only in the last
    # bits must still rank by the exact score (here: tax 10, 10 + 1e-12, 10 + 2e-12 on 10 亩).
    taxes = [10.0, 10.0 + 2e-12, 10.0 + 1e-12, 10.0 - 1e-12]
    rows = [firm(code(900 + i), 0, 10, tax) for i, tax in enumerate(taxes)]
    result = evaluate(columns_of(rows), default_scheme())
    assert result.rank.tolist() == [3, 1, 2, 4]
    assert_same(result.to_rows(), evaluate_rows_python(rows, default_scheme()))


def test_empty_input():
    result = evaluate(columns_of([]), default_scheme())
    assert len(result.score) == 0
    assert evaluate_rows_python([], default_scheme()) == []


def test_industry_divisions():
    codes = np.array(
        ["C3951", "3951", "D4411", "4411", "45", "c46x", "4", "", "None", "Ｃ44", "A1B"]
    )
    assert mu_yield.industry_divisions(codes).tolist() == [
        39,
        39,
        44,
        44,
        45,
        46,
        -1,
        -1,
        -1,
        -1,
        -1,
    ]
    assert mu_yield.industry_divisions(np.array([4411, 3951])).tolist() == [44, 39]


def test_missing_input_column_is_a_clear_error():
    cols = columns_of(HAND_TABLE)
    del cols["energy_tce"]
    with pytest.raises(ValueError, match="energy_tce"):
        evaluate(cols, default_scheme())


# ------------------------------------------------------------------------------------------
# The vectorised engine and the row-by-row oracle agree on random inputs.
# ------------------------------------------------------------------------------------------


def assert_same(engine_rows: list[dict[str, Any]], oracle_rows: list[dict[str, Any]]) -> None:
    assert len(engine_rows) == len(oracle_rows)
    for i, (e, p) in enumerate(zip(engine_rows, oracle_rows, strict=True)):
        assert e.keys() == p.keys()
        for key in e:
            a, b = e[key], p[key]
            if isinstance(a, float) and isinstance(b, float):
                close = a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
                assert close, (i, key, a, b)
            else:
                assert a == b, (i, key, a, b)


SMALL = st.sampled_from([NAN, 0.0, -3.0, 1.0, 2.0, 5.0, 10.0])
FIGURE = st.one_of(
    SMALL,
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.just(math.inf),
)
ROW = st.fixed_dictionaries(
    {
        "uscc": st.sampled_from([code(i) for i in range(12)]),
        "year": st.sampled_from([2022, 2023, 2024, 2024, NAN, 2023.5]),
        "above_size": st.sampled_from([0, 1, 1, 0, NAN, 2]),
        "industry_code": st.sampled_from(["C3951", "3951", "D4411", "4510", "C46", "", "x"]),
        "production_start_year": st.sampled_from([NAN, 2000, 2021, 2022, 2023, 2024]),
        "land_mu": st.one_of(st.sampled_from([NAN, -1.0, 0.0, 2.0, 3.0, 10.0]), FIGURE),
        **{name: FIGURE for name in mu_yield.FIGURE_COLUMNS if name != "land_mu"},
    }
)
VARIANT = {
    "cap": None,
    "class_shares": {"A": 0.3, "B_cumulative": 0.7, "D": 0.1},
    "tie_breaks": [{"key": "uscc", "order": "desc"}],
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, max_size=40), variant=st.booleans())
def test_engine_agrees_with_the_python_oracle(rows, variant):
    scheme = scheme_with(**VARIANT) if variant else default_scheme()
    assert_same(evaluate(columns_of(rows), scheme).to_rows(), evaluate_rows_python(rows, scheme))


# ------------------------------------------------------------------------------------------
# Scheme validation
# ------------------------------------------------------------------------------------------


def default_dict() -> dict[str, Any]:
    return json.loads(default_scheme().to_json())


def test_default_scheme_matches_mu_scheme_md():
    scheme = default_scheme()
    above, below = scheme.groups
    assert (above.label, below.label) == ("规上", "规下")
    assert [(i.key, i.weight) for i in above.indicators] == list(
        zip(ABOVE_KEYS, (30, 20, 20, 10, 10, 10), strict=True)
    )
    assert [(i.key, i.weight) for i in below.indicators] == [("tax_per_mu", 100)]
    assert [r.reason for r in scheme.scope_rules] == [NO_LAND, SMALL_LAND, UTILITY, NEW_FIRM]
    assert (scheme.cap, scheme.floor) == (2.0, 0.0)
    assert (scheme.share_a, scheme.share_b_cumulative, scheme.share_d) == (0.2, 0.6, 0.05)
    assert scheme.tie_breaks == (("tax_per_mu", True), ("uscc", False))


def edit(path: str, value: Any) -> dict[str, Any]:
    data = default_dict()
    target: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if value is DELETE:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            "groups.0.indicators.0.weight",
            "30",
            r"groups\[0\]\.indicators\[0\]\.weight must be a number",
        ),
        ("groups.0.indicators.0.weight", -1, r"weight must be more than 0"),
        ("groups.0.indicators.0.weight", 0, r"weight must be more than 0"),
        ("groups.0.indicators.0.weight", True, r"weight must be a number"),
        ("groups.0.indicators.1.numerator", "profit_wan", r"numerator must be one of"),
        ("groups.0.indicators.2.missing_or_zero_denominator_ratio", "1", r"must be a number"),
        ("class_shares.A", 1.5, r"class_shares\.A must be between 0\.0 and 1\.0"),
        ("class_shares.B_cumulative", 0.1, r"B_cumulative must be at least A"),
        ("class_shares.D", DELETE, r"class_shares\.D must be a number"),
        ("cap", -1, r"cap must be above the floor"),
        ("version", "", r"version must be a non-empty string"),
        ("version", DELETE, r"version must be a non-empty string"),
        ("scope_rules.0.rule", "no_land", r"scope_rules\[0\]\.rule must be one of"),
        ("scope_rules.1.groups", ["tiny"], r"unknown group 'tiny'"),
        ("scope_rules.1.min_land_mu", "3", r"min_land_mu must be a number"),
        ("scope_rules.2.divisions", [4411], r"two-digit"),
        ("tie_breaks.0.key", "value_added_per_mu", r"indicator of every group"),
        ("tie_breaks.0.order", "down", r"'asc' or 'desc'"),
        ("groups.1.above_size", 1, r"distinct above_size"),
        ("groups.1.indicators.0.denominator", "employees", r"differs from the same key"),
        ("groups.0.indicators.1.key", "tax_per_mu", r"repeat an indicator key"),
        ("caps", 2, r"unknown field\(s\) caps"),
    ],
)
def test_scheme_from_json_rejects_bad_schemes(path, value, message):
    with pytest.raises(ValueError, match=message):
        Scheme.from_json(json.dumps(edit(path, value), ensure_ascii=False))


def test_scheme_from_json_rejects_bad_json():
    with pytest.raises(ValueError, match="not valid JSON"):
        Scheme.from_json("{")
    with pytest.raises(ValueError, match="must be an object"):
        Scheme.from_json("[]")


def test_scheme_without_cap_lets_outliers_count_in_full():
    scheme = scheme_with(cap=None)
    result = by_uscc(evaluate(columns_of(HAND_TABLE), scheme).to_rows())
    assert result[G5]["tax_per_mu_ratio"] == pytest.approx(3.7)  # 37 / 10, not capped
    assert result[S4]["score"] == pytest.approx(600.0)  # 15 / 2.5 = 6 → 600
