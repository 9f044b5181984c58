"""Production's static files: whitenoise's manifest storage follows every url() and sourceMappingURL of the
vendored assets when `collectstatic` runs, and stops a deployment on a reference to a missing file (a vendored
tabler.min.css named its source map, which is not vendored: docs/decisions/0003-frontend-assets.md)."""

from __future__ import annotations

import json

from django.core.management import call_command
from django.test import override_settings

# Production's storage is whitenoise's CompressedManifestStaticFilesStorage; the references are followed by its
# manifest half (Django's), which is all this test needs: compressing every file would only add a minute.
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def test_production_collectstatic_resolves_every_reference_of_the_vendored_assets(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGE):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    for name in (
        "vendor/tabler-1.6.1/tabler.min.css",
        "vendor/tabler-1.6.1/tabler.min.js",
        "js/chainleader.js",
    ):
        hashed = tmp_path / manifest[name]
        assert hashed.is_file(), name
    assert (
        "sourceMappingURL"
        not in (tmp_path / manifest["vendor/tabler-1.6.1/tabler.min.css"]).read_text()
    )
