"""The demo loader writes invented firms and figures: production settings do not install it (issue 12, item 8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_do_not_install_the_demo_app():
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "chainleader.example.org",
        "CHAINLEADER_FIELD_KEYS": "cHJvZHVjdGlvbi1zZXR0aW5ncy10ZXN0LWtleS0zMmI",
    }
    code = (
        "from chainleader.settings import production as p, base as b;"
        "print('chainleader.demo' in p.INSTALLED_APPS, 'chainleader.demo' in b.INSTALLED_APPS)"
    )
    out = subprocess.run(  # noqa: S603 (our own interpreter and a fixed snippet)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "True"]
