"""No page loads anything from outside the machine: templates and static files name no external URL."""

from __future__ import annotations

import re
from pathlib import Path

import chainleader

ROOT = Path(chainleader.__file__).resolve().parent
# A loading reference: src=/href=/action= with an absolute URL, CSS url(...) or @import of one, JS import of one.
LOADING = [
    re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""\bimport\s*(?:\(|[\w{}*\s,]+from)\s*["'](?:https?:)?//""", re.I),
]


def offenders(paths, root=ROOT):
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="ignore")
        for pattern in LOADING:
            for match in pattern.finditer(text):
                found.append(
                    f"{path.relative_to(root)}: {text[match.start() : match.start() + 80]!r}"
                )
    return found


def test_templates_reference_no_external_url():
    assert offenders(ROOT.rglob("templates/**/*.html")) == []


def test_static_css_and_js_reference_no_external_url():
    files = [p for p in (ROOT / "static").rglob("*") if p.suffix in {".css", ".js", ".html"}]
    assert files, "static files were not found"
    assert offenders(files) == []


def test_the_scanner_catches_what_it_should(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<script src="https://cdn.example.com/x.js"></script>'
        "<style>@import url(//fonts.example.com/a.css)</style>",
        encoding="utf-8",
    )
    good = tmp_path / "good.html"
    good.write_text(
        '<a href="/local/">x</a><svg xmlns="http://www.w3.org/2000/svg"></svg>', encoding="utf-8"
    )
    assert len(offenders([bad], tmp_path)) >= 2
    assert offenders([good], tmp_path) == []
