"""Uploaded evidence files (attachments, appeal evidence): what may be stored, where, and how it is served.

An upload is checked before anything is stored (SECURITY.md IN1): an allowed extension, at most 10 MB, not
empty, and leading bytes that match the extension (a renamed .exe is refused). Files land under MEDIA_ROOT with
random names (the user's file name is kept only in the download name). Stored files are served only through
views that first find the owning record in the user's scope, and always as a download, never inline, so no
stored HTML or SVG can run.

Attachments (a stage's evidence, a problem's or list item's files, a lead step's report) share ALLOWED,
attachment_problem() and AttachmentField; appeal evidence keeps its own list (evaluation.evidence).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_FILE_BYTES = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
# extension -> accepted leading bytes (the documents offices exchange: scans, photos, Office files)
MAGIC = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".pptx": (ZIP,),
}
# Attachments: the documents offices exchange (scans, photos, Office files, slides).
ALLOWED = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".pptx")


def storage_name(prefix: str, filename: str, *, allowed: Iterable[str] = ALLOWED) -> str:
    """<prefix>/<yyyy>/<mm>/<random>.<ext>: no user-chosen path or name reaches the disk."""
    ext = Path(filename).suffix.lower()
    ext = ext if ext in set(allowed) else ""
    now = timezone.now()
    return f"{prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{ext}"


def file_problem(upload: Any, *, allowed: Iterable[str], wrong_type: str) -> str | None:
    """None when the upload may be stored, else the reason (translated); `wrong_type` names the allowed kinds."""
    ext = Path(str(getattr(upload, "name", "") or "")).suffix.lower()
    if ext not in set(allowed) or ext not in MAGIC:
        return wrong_type
    size = getattr(upload, "size", None)
    if size is None or size > MAX_FILE_BYTES:
        return _("The file is larger than 10 MB.")
    if size == 0:
        return _("The file is empty.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in MAGIC[ext]):
        return _("The file's content does not match its extension.")
    return None


def attachment_problem(upload: Any) -> str | None:
    """None when the attachment may be stored, else the reason (a translated message)."""
    return file_problem(
        upload,
        allowed=ALLOWED,
        wrong_type=_("Only PDF, PNG, JPEG, Word, Excel and PowerPoint files are accepted."),
    )


class AttachmentField(forms.FileField):
    """An optional attachment, checked (attachment_problem) before anything is stored."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("attachment"))
        kwargs.setdefault(
            "help_text", gettext_lazy("PDF, image, Word, Excel or PowerPoint; at most 10 MB.")
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if value:
            problem = attachment_problem(value)
            if problem:
                raise ValidationError(problem)
        return value


def download(
    field_file: Any, download_name: str, *, fallback: str = "attachment", actor: Any = None
) -> FileResponse:
    """Serve a stored file as a download named `download_name` + its extension (ASCII `fallback` too).

    Every download is audited (AU1; issue 13 item 7): a `download` row naming the record that holds the file
    and which of its files, by `actor` (default: the user of the current request).
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    from . import audit
    from .middleware import current_request

    if actor is None:
        actor = getattr(current_request(), "user", None)
    owner = getattr(field_file, "instance", None)
    audit.record(
        actor=actor,
        event_type="download",
        obj=owner if getattr(owner, "pk", None) else None,
        detail={"what": getattr(getattr(field_file, "field", None), "name", fallback)},
    )
    ext = Path(field_file.name).suffix.lower()
    response = FileResponse(handle, as_attachment=True, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}{ext}\"; filename*=UTF-8''{quote(download_name + ext)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
