"""Local development and management commands: SQLite in var/, DEBUG off unless asked."""

import os

from chainleader.core.crypto import DEV_KEY, keys_from_environment

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-not-for-production")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# Confidential columns are sealed at rest (SECURITY.md DP2): the fixed development key unless the environment
# gives keys (CHAINLEADER_FIELD_KEYS, CHAINLEADER_FIELD_KEY_FILE). docs/decisions/0021-encryption-at-rest.md
CHAINLEADER_FIELD_KEYS = keys_from_environment(default=[DEV_KEY])
