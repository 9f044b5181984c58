"""亩产效益 / 亩均论英雄: per-mu yield evaluation of firms, vectorised (MU_SCHEME.md).

``scheme``   the evaluation scheme as data (``mu_scheme_default.json`` beside it): parsed and validated
``scoring``  ``evaluate(columns, scheme)``: one array per input column in (NaN is missing, which is not 0),
             a ``MuYieldResult`` of columns out (values, ratios, scores, rank, class, reason, benchmarks)
``ranking``  rank and class within group and year, with the scheme's tie-breaks

The row-by-row oracle the tests and the benchmark compare against lives in ``tests/engines/mu_oracle.py``.
No Django here (STYLE.md 3.5).
"""

from .scheme import (
    DATA_REASONS,
    DEFAULT_SCHEME_PATH,
    FIGURE_COLUMNS,
    INPUT_COLUMNS,
    MAX_GROUPS,
    MAX_RULES,
    REASON_BAD_SIZE,
    REASON_BAD_YEAR,
    REASON_NOT_FINITE,
    RULE_KINDS,
    YEAR_MAX,
    YEAR_MIN,
    Group,
    Indicator,
    Scheme,
    ScopeRule,
    default_scheme,
)
from .scoring import CLASS_LABELS, Benchmarks, MuYieldResult, evaluate, industry_divisions

__all__ = [
    "CLASS_LABELS",
    "DATA_REASONS",
    "DEFAULT_SCHEME_PATH",
    "FIGURE_COLUMNS",
    "INPUT_COLUMNS",
    "MAX_GROUPS",
    "MAX_RULES",
    "REASON_BAD_SIZE",
    "REASON_BAD_YEAR",
    "REASON_NOT_FINITE",
    "RULE_KINDS",
    "YEAR_MAX",
    "YEAR_MIN",
    "Benchmarks",
    "Group",
    "Indicator",
    "MuYieldResult",
    "Scheme",
    "ScopeRule",
    "default_scheme",
    "evaluate",
    "industry_divisions",
]
