from __future__ import annotations

from pathlib import Path

import pytest

from tests.affected.helpers import Tree


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    root = tmp_path / "repo"
    root.mkdir()
    return Tree(root)
