"""No English reaches a Chinese user: every catalogue entry is translated, none fuzzy, and the compiled .mo
that Django loads says the same as the .po (STYLE.md 3.6)."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest

import chainleader

CATALOGUES = sorted(Path(chainleader.__file__).parent.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_is_a_chinese_catalogue():
    assert CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert missing == []
    assert fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_the_compiled_catalogue_matches_the_source(path):
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make messages"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    po = polib.pofile(str(path))
    stale = []
    for entry in po:
        if entry.obsolete or not entry.translated():
            continue
        if entry.msgid_plural:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            want = entry.msgstr_plural[0]
        else:
            got = (
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else compiled.gettext(entry.msgid)
            )
            want = entry.msgstr
        if got != want:
            stale.append(entry.msgid)
    assert stale == []
