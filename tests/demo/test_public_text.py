"""No internal text on pages: the demo's chain descriptions and tree sources name public documents, never our
seed files' numbers (issue 11, item 8)."""

from __future__ import annotations

from pathlib import Path

from chainleader.demo.chains_data import ALL_CHAINS

TREES = Path(__file__).resolve().parents[2] / "chainleader" / "chains" / "trees"


def test_descriptions_and_tree_sources_name_public_documents():
    for spec in ALL_CHAINS:
        assert "种子文件" not in spec.description, spec.name
        assert "seed" not in spec.description.lower(), spec.name
    for path in TREES.glob("*/*.yaml"):
        assert "种子文件" not in path.read_text(encoding="utf-8"), path.name
