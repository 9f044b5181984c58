"""Upload checks before any parser sees a byte (IN1), and the private temp files they live in (DP3)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from chainleader.core.exceptions import ImportRejected

from .common import (
    ALLOWED_SUFFIXES,
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_ENTRIES,
    OLE_MAGIC,
    RATIO_MIN_BYTES,
    ZIP_MAGIC,
    _reject,
)

# An upload temp file older than this belongs to no running request: a crashed process left it (DP3).
STALE_SECONDS = 3600


def upload_dir() -> Path:
    """This instance's private directory (0700) for upload temp files: settings.CHAINLEADER_UPLOAD_DIR
    (var/uploads), not a directory in the machine's shared temp space that every instance and user shares."""
    path = Path(settings.CHAINLEADER_UPLOAD_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    getuid = getattr(os, "getuid", None)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise ImproperlyConfigured(f"{path} must be a real directory.")
    if getuid is not None and info.st_uid != getuid():
        raise ImproperlyConfigured(f"{path} belongs to another user.")
    if info.st_mode & 0o077:
        path.chmod(0o700)
    return path


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def prepare_upload_dirs() -> list[Path]:
    """Create the upload directory and Django's own temp directory for large request bodies
    (settings.FILE_UPLOAD_TEMP_DIR, inside it); the process start calls this (core.apps)."""
    dirs = [upload_dir()]
    incoming = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if incoming:
        dirs.append(_private_dir(Path(incoming)))
    return dirs


def purge_stale(max_age: float = STALE_SECONDS) -> int:
    """Delete upload temp files older than ``max_age`` seconds, in the upload directory and Django's temp
    directory: what a killed process left behind (DP3). Files of running requests are younger. Returns how
    many were deleted."""
    cutoff = time.time() - max_age
    removed = 0
    for directory in prepare_upload_dirs():
        for path in directory.iterdir():
            try:
                info = path.lstat()
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    removed += 1
            except OSError:
                continue
    return removed


def cleanup(path: Path | str | None) -> None:
    """Delete an upload temp file; a missing file is fine (DP3: call it in a finally)."""
    if path is None:
        return
    Path(path).unlink(missing_ok=True)


def _iter_upload(uploaded: Any) -> Iterator[bytes]:
    if hasattr(uploaded, "seek"):
        with contextlib.suppress(OSError, ValueError):
            uploaded.seek(0)
    if hasattr(uploaded, "chunks"):
        yield from uploaded.chunks()
        return
    while True:
        chunk = uploaded.read(64 * 1024)
        if not chunk:
            return
        yield chunk


def _too_large() -> ImportRejected:
    return _reject(
        _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
    )


def check_upload(uploaded: Any) -> Path:
    """Run every IN1 check and copy the upload to a private temp file; return that file's path.

    ``uploaded`` is a Django ``UploadedFile`` or any binary file-like object with ``name`` (and
    ``size``/``read``). On any failure the temp file is deleted and ``ImportRejected`` is raised with
    one file-level error. No archive member is ever decompressed except the small content-type list.
    """
    name = str(getattr(uploaded, "name", "") or "")
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        raise _reject(_("Workbooks with macros (.xlsm) are not accepted."), value=name)
    if suffix not in ALLOWED_SUFFIXES:
        raise _reject(_suffix_message(suffix), value=name)
    declared = getattr(uploaded, "size", None)
    if isinstance(declared, int) and declared > MAX_UPLOAD_BYTES:
        raise _too_large()

    fd, raw_path = tempfile.mkstemp(suffix=suffix, prefix="upload-", dir=upload_dir())
    path = Path(raw_path)
    try:
        written = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in _iter_upload(uploaded):
                written += len(chunk)
                if written > MAX_UPLOAD_BYTES:
                    raise _too_large()
                out.write(chunk)
        if written == 0:
            raise _reject(_("The file is empty."))
        problem = _xlsx_problem(path) if suffix == ".xlsx" else _csv_problem(path)
        if problem:
            raise _reject(problem, value=name)
    except BaseException:
        cleanup(path)
        raise
    return path


def _xlsx_problem(path: Path) -> str | None:
    """Why this file is not an acceptable .xlsx (IN1), judged from the zip directory only."""
    not_xlsx = _("The file is not a valid .xlsx workbook.")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        return _(
            "Old .xls files and password-protected workbooks are not accepted; "
            "save the file as .xlsx without a password."
        )
    if not head.startswith(ZIP_MAGIC):
        return not_xlsx
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return _("The workbook has more than %(max)s parts.") % {"max": MAX_ZIP_ENTRIES}
            names = {info.filename for info in infos}
            if any(n.replace("\\", "/").lower().endswith("vbaproject.bin") for n in names):
                return _("Workbooks with macros (.xlsm) are not accepted.")
            if "[Content_Types].xml" not in names:
                return not_xlsx
            total = total_compressed = 0
            for info in infos:
                if info.flag_bits & 0x1:  # encrypted entry
                    return not_xlsx
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    return not_xlsx
                total += info.file_size
                total_compressed += info.compress_size
                if info.file_size >= RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    return _bomb_message()
            if total >= RATIO_MIN_BYTES and total > MAX_RATIO * max(total_compressed, 1):
                return _bomb_message()
            if total > MAX_UNCOMPRESSED:
                return _("The workbook is larger than %(size)s MB when uncompressed.") % {
                    "size": MAX_UNCOMPRESSED // (1024 * 1024)
                }
            content_types = archive.getinfo("[Content_Types].xml")
            if content_types.file_size > RATIO_MIN_BYTES:
                return not_xlsx
            if b"macroenabled" in archive.read(content_types).lower():
                return _("Workbooks with macros (.xlsm) are not accepted.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        return not_xlsx
    except NotImplementedError:
        return not_xlsx
    return None


def _bomb_message() -> str:
    return _("The file looks like a compressed bomb (ratio over %(ratio)s:1).") % {
        "ratio": MAX_RATIO
    }


def _decode_csv(data: bytes) -> str | None:
    """Text of a CSV upload (UTF-8 with or without BOM, else GB18030), or None if it is not text."""
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_problem(path: Path) -> str | None:
    if _decode_csv(path.read_bytes()) is None:
        return _("The CSV file is not valid text (UTF-8 or GB18030).")
    return None


def _suffix_message(suffix: str) -> str:
    if suffix in (".xls", ".et", ".wps"):
        return _(
            "Old %(ext)s workbooks are not read: open the file in Excel or WPS and choose 另存为 (Save as) "
            "→ Excel 工作簿 (*.xlsx), then upload the .xlsx."
        ) % {"ext": suffix}
    return _("Only .xlsx and .csv files are accepted (this file is %(ext)s).") % {
        "ext": suffix or _("without an extension")
    }
