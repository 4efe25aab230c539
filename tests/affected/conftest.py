from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_repo import GitRepo


@pytest.fixture
def tree(tmp_path: Path) -> GitRepo:
    root = tmp_path / "repo"
    root.mkdir()
    return GitRepo(root)
