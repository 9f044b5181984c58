"""The lagging reason reads as sentences: two reasons never meet as "。；" (issue 11, demo data that reads as real)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chainleader.projects import lagging as rule
from chainleader.projects.services.lagging import reason_text


def test_two_reasons_are_two_sentences(db):
    verdict = rule.Verdict(
        missed=rule.MissedStage(stage_index=2, planned_on=date(2026, 5, 1)),
        shortfall=rule.InvestmentShortfall(
            planned_yi=Decimal("2"), completed_yi=Decimal("1"), gap_share=Decimal("0.5")
        ),
    )
    text = reason_text(verdict, Decimal("0.2"))
    assert "。；" not in text
    assert text.count("。") == 2 and text.endswith("。")
