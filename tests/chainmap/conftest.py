from __future__ import annotations

import pytest

from .graphs import write_graph


@pytest.fixture
def graph_dir(tmp_path):
    return write_graph(tmp_path / "chainkg")
