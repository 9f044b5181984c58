"""Seal every confidential column again with the first field key (SECURITY.md DP2; docs/decisions/0021).

Rotation: put the new key first in CHAINLEADER_FIELD_KEYS (keep the old ones after it), run this command,
check with `--check`, then drop the old keys. `--new-key` prints a fresh key.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chainleader.core import crypto, sealing


def _operator() -> str:
    try:
        return f"os:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "os:?"


class Command(BaseCommand):
    help = "Re-encrypt every sealed column with the first key of CHAINLEADER_FIELD_KEYS (audited, per table)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--new-key", action="store_true", help="print a fresh key and stop")
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; fail if any value is not sealed with the first key",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(crypto.new_key())
            return
        try:
            ring = crypto.ring()
        except crypto.FieldKeyError as exc:
            raise CommandError(str(exc)) from exc
        if options["check"]:
            stale = [(table, n) for table, n in sealing.stale_counts() if n]
            if stale:
                listed = ", ".join(f"{table} {n}" for table, n in stale)
                raise CommandError(
                    f"Values not sealed with the first key {ring.current}: {listed}. Run rotate_field_keys."
                )
            self.stdout.write(f"every sealed value uses key {ring.current}")
            return
        try:
            done = sealing.rotate(username=_operator())
        except crypto.FieldKeyError as exc:
            raise CommandError(f"Nothing more was changed: {exc}") from exc
        for table, rows, changed in done:
            self.stdout.write(f"{table}: {rows} rows, {changed} values sealed again")
        self.stdout.write(f"done: every sealed column uses key {ring.current}")
