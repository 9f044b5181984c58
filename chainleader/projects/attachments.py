"""Evidence and progress-note attachments: what may be uploaded, where it is stored, how it is served.

Files land under MEDIA_ROOT with random names (the user's file name is kept only in the download name), are
checked for size, extension and magic bytes before they are stored, and are served only through views that
first find the owning record in the user's scope (never by a public media URL).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
# extension -> accepted leading bytes (documents offices exchange as evidence: scans, photos, Office files)
ALLOWED = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".pptx": (ZIP,),
}


def storage_name(folder: str, filename: str) -> str:
    """projects/<folder>/<yyyy>/<mm>/<random>.<ext>: no user-chosen path or name reaches the disk."""
    ext = Path(filename).suffix.lower()
    ext = ext if ext in ALLOWED else ""
    now = timezone.now()
    return f"projects/{folder}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{ext}"


def attachment_problem(upload: Any) -> str | None:
    """None when the upload may be stored, else the reason (a translated message)."""
    name = str(getattr(upload, "name", "") or "")
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED:
        return str(_("Only PDF, PNG, JPEG, Word, Excel and PowerPoint files are accepted."))
    size = getattr(upload, "size", None)
    if size is None or size > MAX_ATTACHMENT_BYTES:
        return str(_("The file is larger than 10 MB."))
    if size == 0:
        return str(_("The file is empty."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED[ext]):
        return str(_("The file's content does not match its extension."))
    return None


class AttachmentField(forms.FileField):
    """An optional evidence file, checked before anything is stored."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("attachment"))
        kwargs.setdefault("help_text", _("PDF, image, Word, Excel or PowerPoint; at most 10 MB."))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if value:
            problem = attachment_problem(value)
            if problem:
                raise ValidationError(problem)
        return value


def download(field_file: Any, download_name: str) -> FileResponse:
    """Serve a stored attachment as a download (never rendered inline: no stored HTML/SVG can run)."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    ext = Path(field_file.name).suffix.lower()
    name = f"{download_name}{ext}"
    response = FileResponse(handle, as_attachment=True, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f"attachment; filename=\"attachment{ext}\"; filename*=UTF-8''{quote(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
