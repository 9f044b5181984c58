"""The indicator system of the demo (decision 0026): the library and targets from the seeds' data file (facts, not
synthetic), the chain targets' counterparts, the values computed from the demo's projects, problems, tiers and
evaluation (computed from synthetic data, so synthetic themselves), and the warnings of the day. Idempotent."""

from __future__ import annotations

from typing import Any

from chainleader.indicators import services
from chainleader.projects.models import MonthlyReport


def load_indicator_system() -> dict[str, Any]:
    loaded = services.load_indicators()
    chain_targets = services.sync_chain_targets()
    computed = 0
    months = MonthlyReport.objects.dates("month", "month")
    latest: dict[int, int] = {}
    for m in months:
        latest[m.year] = max(latest.get(m.year, 0), m.month)
    for year, month in sorted(latest.items()):
        computed += services.compute_actuals(year, 0)
        computed += services.compute_actuals(year, month)
    warnings = services.run_warnings()
    return {
        "indicators": loaded["indicators"],
        "targets": loaded["targets"],
        "chain_targets": chain_targets,
        "computed": computed,
        "warnings": sum(warnings.values()),
    }
