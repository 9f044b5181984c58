"""Uploading an import as a user does: the upload shows a preview, then the user confirms (issue 18)."""

from __future__ import annotations

from typing import Any


def import_file(client: Any, url: str, upload: Any, **extra: Any) -> Any:
    """Upload ``upload`` to the import page ``url`` and confirm the preview; return the last response (the
    preview or error page when there is nothing to confirm, else the confirmation's response)."""
    resp = client.post(url, {"file": upload, **extra})
    context = getattr(resp, "context", None) or {}
    if resp.status_code != 200 or "plan" not in context:
        return resp
    return client.post(url, {"action": "confirm", "token": context["token"]})


# --- round trips: an exported list uploaded back to its import ----------------------------------


def exported(client: Any, list_url: str, **params: Any) -> bytes:
    """The list page's Excel export (``?export=xlsx``) as bytes."""
    resp = client.get(list_url, {**params, "export": "xlsx"})
    assert resp.status_code == 200, resp.status_code
    return resp.content


def preview(client: Any, import_url: str, content: bytes, name: str = "导出.xlsx") -> Any:
    """Upload ``content`` to the import page and return the preview's response (``context["plan"]``: new,
    updated field by field, unchanged); the pending upload is cancelled, so nothing is written."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = client.post(import_url, {"file": SimpleUploadedFile(name, content)})
    context = getattr(resp, "context", None) or {}
    assert resp.status_code == 200 and "plan" in context, context.get("errors")
    client.post(import_url, {"action": "cancel", "token": context["token"]})
    return resp


def counts(plan: dict[str, Any]) -> tuple[int, int, int]:
    """(new, updated, unchanged) of a preview's plan."""
    return plan["created_count"], plan["updated_count"], plan["unchanged_count"]


def changes(plan: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every (column, old, new) the plan's updated rows show."""
    return [(c["column"], c["old"], c["new"]) for row in plan["updated"] for c in row["changes"]]


def skipped_columns(resp: Any) -> set[str]:
    """The file's columns the preview reports as not imported."""
    return {n["column"] for n in resp.context["skipped_columns"]}


def edit_cell(content: bytes, header: str, row: int, value: Any) -> bytes:
    """The workbook ``content`` with the cell under ``header`` in Excel row ``row`` of its first sheet set."""
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=row, column=headers.index(header) + 1).value = value  # None empties the cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def exported_rows(content: bytes) -> list[dict[str, Any]]:
    """The data rows of an export's first sheet, each as {header: value}."""
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
