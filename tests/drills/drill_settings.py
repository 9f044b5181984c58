"""Settings of the task worker a drill starts and kills (tests/drills/): the test settings, with the database
task backend (the worker's queue) and jobs stale at once (the drill restarts the worker right after the kill;
production waits CHAINLEADER_JOB_STALE_MINUTES, 15)."""

import os

from chainleader.settings.base import SQLITE_OPTIONS
from chainleader.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CHAINLEADER_JOB_STALE_MINUTES = 0

# The SQLite file of the drill's test database, with the options the suite uses (WAL, IMMEDIATE, timeout).
if os.environ.get("DRILL_SQLITE"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["DRILL_SQLITE"],
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
