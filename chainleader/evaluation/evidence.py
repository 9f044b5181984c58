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

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _

from chainleader.core import files
from chainleader.core.files import file_problem

ALLOWED = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx")
FOLDER = "evaluation/evidence"


def evidence_problem(upload: Any) -> str | None:
    """None when the file may be stored, else why not (translated)."""
    return file_problem(
        upload,
        allowed=ALLOWED,
        wrong_type=_("Only PDF, PNG, JPEG, Word (.docx) and Excel (.xlsx) files are accepted."),
    )


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
    """Serve stored evidence as a download (never inline)."""
    return files.download(field_file, Path(download_name).stem or "evidence", fallback="evidence")
