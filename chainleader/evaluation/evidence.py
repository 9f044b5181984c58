"""Evidence files of appeals (申诉证明材料): what may be uploaded, how it is stored and served.

Checked like an upload (SECURITY.md IN1): PDF, PNG, JPEG, Word or Excel only, at most 10 MB, and the first
bytes must match the extension (a renamed .exe is refused). Files are stored under a name made of their
SHA-256 (no user-chosen path or name reaches the disk; the same file stored twice is one file) and served
only through a view that first finds the appeal in the user's scope, always as a download.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
# extension -> accepted leading bytes
ALLOWED = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
}
FOLDER = "evaluation/evidence"


def evidence_problem(upload: Any) -> str | None:
    """None when the file may be stored, else why not (translated)."""
    name = str(getattr(upload, "name", "") or "")
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED:
        return _("Only PDF, PNG, JPEG, Word (.docx) and Excel (.xlsx) files are accepted.")
    size = getattr(upload, "size", None)
    if size is None or size > MAX_EVIDENCE_BYTES:
        return _("The file is larger than 10 MB.")
    if size == 0:
        return _("The file is empty.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED[ext]):
        return _("The file's content does not match its extension.")
    return None


def store(upload: Any) -> tuple[str, str]:
    """Store a checked upload; (storage name, the user's file name for downloads)."""
    digest = hashlib.sha256()
    upload.seek(0)
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    data = b"".join(chunks)
    digest.update(data)
    ext = Path(str(upload.name)).suffix.lower()
    name = f"{FOLDER}/{digest.hexdigest()[:40]}{ext}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        name = saved
    original = Path(str(upload.name)).name[:200]
    return name, original


def download(field_file: Any, download_name: str) -> FileResponse:
    """Serve stored evidence as a download (never inline, so no stored HTML or SVG can run)."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    ext = Path(field_file.name).suffix.lower()
    stem = Path(download_name).stem or "evidence"
    name = f"{stem}{ext}"
    response = FileResponse(handle, as_attachment=True, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f"attachment; filename=\"evidence{ext}\"; filename*=UTF-8''{quote(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
