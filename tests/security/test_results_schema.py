"""`argodiff report` reads results files (a fork's job writes them) against the published schema:
a bad file is a clear error naming the file and the field, never an internal error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from argodiff.results import SCHEMA_FILE

GOOD = {
    "schemaVersion": 1,
    "mode": "offline",
    "apps": [
        {
            "name": "web",
            "status": "changed",
            "futureField": {"added": "by a later argodiff"},
            "resources": [{"kind": "ConfigMap", "name": "c", "change": "modified", "diff": ""}],
        }
    ],
}


def _report(tmp_path: Path, doc: object) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "argodiff", "report", str(path), "--no-color"],
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )  # fmt: skip


def test_the_schema_ships_in_the_package() -> None:
    assert json.loads(SCHEMA_FILE.read_text())["properties"]["schemaVersion"] == {"const": 1}


def test_a_valid_file_with_extra_fields_is_reported(tmp_path: Path) -> None:
    out = _report(tmp_path, GOOD)
    assert out.returncode == 1, out.stderr
    assert "web" in out.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schemaVersion": 2}, "schemaVersion 2 is not one this argodiff reads (1)"),
        ({"apps": [{"name": "web", "status": "exploded"}]}, "apps[0].status: 'exploded'"),
        (
            {"apps": [{"name": "web", "status": "changed", "resources": [{"kind": "X"}]}]},
            "apps[0].resources[0]: 'name' is a required property",
        ),
        ({"apps": "all of them"}, "apps: 'all of them' is not of type 'array'"),
    ],
)
def test_a_bad_file_names_the_file_and_the_field(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    out = _report(tmp_path, GOOD | change)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr
    assert "results.json: " in out.stderr
    assert message in out.stderr, out.stderr
