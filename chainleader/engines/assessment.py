"""摘星夺旗 assessment: score subjects (chains or districts) by a configurable scheme. Pure: no Django.

Inputs are plain columns: the subjects (key, label), one column of values per metric ({subject key: value or
None}), the scheme's items (metric, weight, method, target, cap), the office's bonus and deduction items, and how
many of the best get the award (星 for chains, 旗 for districts). The output is each subject's total, rank,
award and its breakdown per item, in the order of the ranking.

Scoring methods of an item (weight w, the subject's value v):

- ``ratio``: attainment against a target, capped: ``w × min(v / target, cap)``; a target of 1 reads a share
  (problems closed on time, indicator attainment) as it is.
- ``best``: against the best subject: ``w × v / max(v)`` (the best scores w; all zero or missing: 0).
- ``rank``: points by rank among the subjects with a value: ``w × (n − rank + 1) / n`` (first: w; ties share
  the better rank; n = subjects with a value).

A missing value (None) scores 0 on that item and says so in the breakdown. Totals are rounded to 2 decimals;
the ranking is by total, descending, ties broken by the subject's label (so a run reads the same twice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

METHODS = ("ratio", "best", "rank")


class SchemeError(ValueError):
    """A scheme that cannot score: names the item and what is wrong."""


@dataclass(frozen=True)
class Item:
    metric: str
    weight: float
    method: str = "ratio"
    target: float = 1.0
    cap: float = 1.0

    def check(self, known: Sequence[str] | None = None) -> None:
        if known is not None and self.metric not in known:
            raise SchemeError(f"unknown metric {self.metric!r}")
        if self.method not in METHODS:
            raise SchemeError(f"{self.metric}: unknown method {self.method!r}")
        if self.weight < 0:
            raise SchemeError(f"{self.metric}: the weight cannot be negative")
        if self.method == "ratio" and self.target <= 0:
            raise SchemeError(f"{self.metric}: the target must be above 0")
        if self.cap <= 0:
            raise SchemeError(f"{self.metric}: the cap must be above 0")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Item:
        return cls(
            metric=str(data["metric"]),
            weight=float(data["weight"]),
            method=str(data.get("method", "ratio")),
            target=float(data.get("target", 1.0) or 1.0),
            cap=float(data.get("cap", 1.0) or 1.0),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "weight": self.weight,
            "method": self.method,
            "target": self.target,
            "cap": self.cap,
        }


@dataclass(frozen=True)
class Adjustment:
    """A bonus (points > 0) or deduction (points < 0) the office enters for one subject, with its reason."""

    subject: str
    points: float
    reason: str


@dataclass
class Line:
    metric: str
    value: float | None
    method: str
    points: float
    weight: float

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": self.value,
            "method": self.method,
            "weight": self.weight,
            "points": self.points,
        }


@dataclass
class Score:
    subject: str
    label: str
    total: float = 0.0
    rank: int = 0
    award: bool = False
    lines: list[Line] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)

    def breakdown(self) -> dict[str, Any]:
        return {
            "items": [line.to_json() for line in self.lines],
            "adjustments": [{"points": a.points, "reason": a.reason} for a in self.adjustments],
        }


def _rank_points(values: Mapping[str, float | None], weight: float) -> dict[str, float]:
    present = {k: v for k, v in values.items() if v is not None}
    n = len(present)
    out: dict[str, float] = {}
    for key, v in present.items():
        rank = 1 + sum(1 for other in present.values() if other > v)
        out[key] = weight * (n - rank + 1) / n
    return out


def item_points(item: Item, values: Mapping[str, float | None]) -> dict[str, float]:
    """Points of every subject on one item (0 where the value is missing)."""
    if item.method == "rank":
        ranked = _rank_points(values, item.weight)
        return {k: ranked.get(k, 0.0) for k in values}
    if item.method == "best":
        best = max([v for v in values.values() if v is not None] + [0.0])
        return {
            k: (item.weight * max(v, 0.0) / best if v is not None and best > 0 else 0.0)
            for k, v in values.items()
        }
    return {
        k: (item.weight * min(max(v, 0.0) / item.target, item.cap) if v is not None else 0.0)
        for k, v in values.items()
    }


def score(
    subjects: Sequence[tuple[str, str]],
    columns: Mapping[str, Mapping[str, float | None]],
    items: Sequence[Item],
    adjustments: Sequence[Adjustment] = (),
    awards: int = 0,
) -> list[Score]:
    """Every subject's score, ranked (1 = best; equal totals share a rank), the first ``awards`` ranks marked."""
    if not items:
        raise SchemeError("the scheme has no items")
    for item in items:
        item.check()
    keys = [k for k, _label in subjects]
    scores = {k: Score(subject=k, label=label) for k, label in subjects}
    for item in items:
        column = columns.get(item.metric, {})
        values = {k: column.get(k) for k in keys}
        points = item_points(item, values)
        for k in keys:
            scores[k].lines.append(
                Line(
                    metric=item.metric,
                    value=values[k],
                    method=item.method,
                    weight=item.weight,
                    points=round(points[k], 2),
                )
            )
    for adj in adjustments:
        if adj.subject not in scores:
            raise SchemeError(f"adjustment for an unknown subject {adj.subject!r}")
        scores[adj.subject].adjustments.append(adj)
    for s in scores.values():
        s.total = round(sum(x.points for x in s.lines) + sum(a.points for a in s.adjustments), 2)
    ordered = sorted(scores.values(), key=lambda s: (-s.total, s.label))
    for s in ordered:
        s.rank = 1 + sum(1 for other in ordered if other.total > s.total)
        s.award = s.rank <= awards
    return ordered
