"""Evidence and progress-note attachments: what may be uploaded, where it is stored, how it is served.

Files land under MEDIA_ROOT with random names (the user's file name is kept only in the download name), are
checked for size, extension and magic bytes before they are stored, and are served only through views that
first find the owning record in the user's scope (never by a public media URL).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chainleader.core import files
from chainleader.core.files import download, file_problem

__all__ = ["ALLOWED", "AttachmentField", "attachment_problem", "download", "storage_name"]

# Evidence and notes: documents offices exchange (scans, photos, Office files, slides).
ALLOWED = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".pptx")


def storage_name(folder: str, filename: str) -> str:
    """projects/<folder>/<yyyy>/<mm>/<random>.<ext>: no user-chosen path or name reaches the disk."""
    return files.storage_name(f"projects/{folder}", filename, allowed=ALLOWED)


def attachment_problem(upload: Any) -> str | None:
    """None when the upload may be stored, else the reason (a translated message)."""
    return file_problem(
        upload,
        allowed=ALLOWED,
        wrong_type=str(_("Only PDF, PNG, JPEG, Word, Excel and PowerPoint files are accepted.")),
    )


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
