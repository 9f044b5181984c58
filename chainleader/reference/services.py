"""Load the reference fixtures (regions, industry codes, units) idempotently, in bulk."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def reference_load(
    *, region_model: Any = None, industry_model: Any = None, unit_model: Any = None
) -> dict[str, int]:
    """Insert the rows that are missing (by code) and set parents; models may be historical (migrations)."""
    from .models import Industry, Region, Unit

    region_model = region_model or Region
    industry_model = industry_model or Industry
    unit_model = unit_model or Unit
    counts = {}
    loads: tuple[tuple[Any, list[dict[str, str]], Callable[[dict[str, str]], Any]], ...] = (
        (
            region_model,
            _rows("regions.csv"),
            lambda r: region_model(
                code=r["code"], name=r["name"], level=int(r["level"]), alias=r["alias"]
            ),
        ),
        (
            industry_model,
            _rows("industries.csv"),
            lambda r: industry_model(
                code=r["code"],
                name=r["name"],
                level=int(r["level"]),
                section=r["section"],
                full_code=r["full_code"],
            ),
        ),
    )
    for model, rows, make in loads:
        have = set(model.objects.values_list("code", flat=True))
        model.objects.bulk_create([make(r) for r in rows if r["code"] not in have], batch_size=1000)
        ids = dict(model.objects.values_list("code", "id"))
        todo = [model(id=ids[r["code"]], parent_id=ids[r["parent"]]) for r in rows if r["parent"]]
        model.objects.bulk_update(todo, ["parent_id"], batch_size=1000)
        counts[model.__name__] = len(rows)
    have = set(unit_model.objects.values_list("code", flat=True))
    unit_model.objects.bulk_create(
        [
            unit_model(code=r["code"], name=r["name"], kind=r["kind"], factor=Decimal(r["factor"]))
            for r in _rows("units.csv")
            if r["code"] not in have
        ]
    )
    return counts
