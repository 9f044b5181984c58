"""Backup and restore (数据备份恢复, SECURITY.md RL5, AU1, AU4; docs/backup.md, docs/decisions/0019).

One archive ``chainleader-backup-YYYYmmdd-HHMMSS.tar.gz.enc`` (encrypted: sealing.py) holds

- ``db/db.sqlite3`` (SQLite's online backup API on the live file) or ``db/db.pgdump`` (``pg_dump --format=custom``
  in the same snapshot the row counts are taken from),
- ``media/…``: the uploaded files (``MEDIA_ROOT``),
- ``audit-archive/…``: the audit rows that ``audit_purge`` moved out of the database (``AuditCheckpoint``),
- ``manifest.json``: every member with its SHA-256 and size, the migration state, the database vendor, the app
  version, the site id and the row count of every table; ``manifest.sha256`` guards the manifest itself.

``restore_archive`` verifies all of it before it changes anything, then replaces the database and the media tree,
puts back missing audit archives, verifies the audit hash chain and compares every table's row count with the
manifest. The management commands ``backup`` and ``restore`` are thin wrappers that print the results.

Modules: ``common`` (format, results, site id, helpers), ``archive`` (making an archive, retention), ``restore``
(reading, verifying, restoring).

The site id is derived from the database itself (see ``site_id``): the first row Django wrote to
``django_migrations`` on the first ``migrate``, hashed. It needs no schema change, travels with every dump and
restore of that database, and differs between two installations.
"""

from __future__ import annotations

from .archive import (
    _pg_env as _pg_env,  # the drill test reads it
)
from .archive import (
    _stamp as _stamp,  # the drill test reads it
)
from .archive import (
    make_archive,
    pg_dump_command,
    pg_restore_command,
    prune,
    select_prune,
)
from .common import (
    NAME_RE,
    BackupError,
    BackupResult,
    PruneResult,
    RestoreResult,
    VerifyResult,
    human_size,
    site_id,
)
from .common import (
    _sha256_file as _sha256_file,  # the drill test reads it
)
from .common import (
    _site_id_from_row as _site_id_from_row,  # the drill test reads it
)
from .restore import (
    describe_manifest,
    restore_archive,
    verify_archive,
)

__all__ = [
    "NAME_RE",
    "BackupError",
    "BackupResult",
    "PruneResult",
    "RestoreResult",
    "VerifyResult",
    "describe_manifest",
    "human_size",
    "make_archive",
    "pg_dump_command",
    "pg_restore_command",
    "prune",
    "restore_archive",
    "select_prune",
    "site_id",
    "verify_archive",
]
