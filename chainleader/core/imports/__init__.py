"""Imports: the plan a preview shows (``plan``) and the pipeline every import service runs (``pipeline``).
The import path ``chainleader.core.imports`` holds both."""

from .pipeline import (
    Existing,
    ImportJob,
    ImportService,
    Lookup,
    Message,
    Resolver,
    ScopeCheck,
    import_service,
)
from .plan import (
    PREVIEW_ROWS,
    ImportPlan,
    ImportRun,
    PlanChanged,
    PreviewOnly,
    RowChange,
    changed_keys,
    display,
    every_error,
    field_changes,
    headers_of,
    only_present,
    run_import,
    write_plan,
)

__all__ = [
    "PREVIEW_ROWS",
    "Existing",
    "ImportJob",
    "ImportPlan",
    "ImportRun",
    "ImportService",
    "Lookup",
    "Message",
    "PlanChanged",
    "PreviewOnly",
    "Resolver",
    "RowChange",
    "ScopeCheck",
    "changed_keys",
    "display",
    "every_error",
    "field_changes",
    "headers_of",
    "import_service",
    "only_present",
    "run_import",
    "write_plan",
]
