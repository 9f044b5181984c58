"""Production: secrets and hosts from the environment; HTTPS only; passes `check --deploy --fail-level WARNING`."""

import os

from django.core.exceptions import ImproperlyConfigured

from chainleader.core.crypto import keys_from_environment

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("DJANGO_SECRET_KEY_FILE"):
    with open(os.environ["DJANGO_SECRET_KEY_FILE"], encoding="utf-8") as fh:
        SECRET_KEY = fh.read().strip()
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set in production."
    )
# The keys that seal the confidential columns (SECURITY.md DP2; docs/decisions/0021-encryption-at-rest.md):
# CHAINLEADER_FIELD_KEYS (comma list, the first seals) or CHAINLEADER_FIELD_KEY_FILE (one key a line). Never the
# development key: the deploy check core.E021 refuses it.
CHAINLEADER_FIELD_KEYS = keys_from_environment()
if not CHAINLEADER_FIELD_KEYS:
    raise ImproperlyConfigured(
        "CHAINLEADER_FIELD_KEYS (or CHAINLEADER_FIELD_KEY_FILE) must be set in production: it seals the "
        "confidential figures, phone numbers and TOTP seeds. `manage.py rotate_field_keys --new-key` prints one."
    )
# aes-256-gcm (default) or sm4-gcm for a 商用密码 assessment; a change is followed by `rotate_field_keys`.
CHAINLEADER_FIELD_CIPHER = os.environ.get("CHAINLEADER_FIELD_CIPHER", "aes-256-gcm")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HSTS preload makes no sense on an intranet host name (SECURITY.md CF1 allows silencing W021 only).
SILENCED_SYSTEM_CHECKS = ["security.W021"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The demo loader (load_demo, load_demo_graph) writes invented firms and figures: never installed in production.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "chainleader.demo"]  # noqa: F405

# Past one machine (docs/deploy.md): every web process and task worker shares the database (PostgreSQL), the
# uploaded files (a shared volume: CHAINLEADER_MEDIA_ROOT) and the cache (Redis: CHAINLEADER_REDIS_URL), which
# holds the confidential-read limits and the chart cache; without it each machine would count its own limit.
if os.environ.get("CHAINLEADER_MEDIA_ROOT"):
    MEDIA_ROOT = os.environ["CHAINLEADER_MEDIA_ROOT"]
if os.environ.get("CHAINLEADER_STATIC_ROOT"):
    STATIC_ROOT = os.environ["CHAINLEADER_STATIC_ROOT"]
if os.environ.get("CHAINLEADER_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CHAINLEADER_REDIS_URL"],
            "KEY_PREFIX": "chainleader",
        }
    }
