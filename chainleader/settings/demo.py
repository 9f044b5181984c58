"""`make demo`: a local site over plain HTTP on loopback with synthetic data. Never used in production."""

import os

from chainleader.core.crypto import DEV_KEY, keys_from_environment

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-insecure-key-not-for-production")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CHAINLEADER_DEMO = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The demo's accounts log in with a password only (a printed, shared demo password). Production refuses this
# setting: the deploy check accounts.E… fails when CHAINLEADER_OTP_REQUIRED is False.
CHAINLEADER_OTP_REQUIRED = False
# The demo's data is synthetic: the fixed development key seals its confidential columns (SECURITY.md DP2).
CHAINLEADER_FIELD_KEYS = keys_from_environment(default=[DEV_KEY])
