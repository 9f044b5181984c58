"""pytest: SQLite by default (a file DB so WAL and concurrency are real), PostgreSQL when DATABASE_URL is set."""

import os

from chainleader.core.crypto import DEV_KEY

from .base import *  # noqa: F403
from .base import BASE_DIR, database_from_env

SECRET_KEY = "test-only-key"
# The fixed development key seals the confidential columns (SECURITY.md DP2); tests of rotation override it.
CHAINLEADER_FIELD_KEYS = [DEV_KEY]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {"default": database_from_env(BASE_DIR / "var" / "test.sqlite3")}
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    # A file DB (not Django's in-memory default) so WAL, IMMEDIATE transactions and threads are real (RL4).
    # One file per test process, so parallel runs (several developers, pytest-xdist) never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test_db_{os.getpid()}.sqlite3")
    }
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Two-factor login is on everywhere else; the tests that exercise it switch it on with the `settings` fixture.
CHAINLEADER_OTP_REQUIRED = False
# Static files straight from the app folders (the browser tests' live server; no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Throttle counters in memory (the file cache of base settings would leave files in var/cache).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
