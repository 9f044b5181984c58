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
