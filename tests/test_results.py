"""The results JSON round-trips and decides the exit code."""

from __future__ import annotations

import pytest

from argodiff import results
from argodiff.errors import ArgodiffError
from argodiff.exitcodes import ExitStatus, exit_status
from argodiff.model import AppResult, AppStatus, Change, ResourceDiff, ResourceKey, RunResult


def _run() -> RunResult:
    key = ResourceKey("apps", "Deployment", "longhorn-system", "longhorn-ui")
    return RunResult(
        mode="revision",
        server="https://argocd.example.com",
        revision="abc123",
        apps=[
            AppResult(
                name="longhorn",
                status=AppStatus.CHANGED,
                resources=[ResourceDiff(key, Change.MODIFIED, "diff", paths=["spec.replicas"])],
            ),
            AppResult(name="calico", status=AppStatus.UNCHANGED),
        ],
    )


def test_round_trip_keeps_every_field() -> None:
    run = _run()
    again = results.from_dict(results.to_dict(run))
    assert again == run


def test_required_keys_are_present() -> None:
    doc = results.to_dict(_run())
    app = doc["apps"][0]
    assert {"name", "status", "error", "resources"} <= set(app)
    assert app["resources"][0] == {
        "group": "apps",
        "kind": "Deployment",
        "namespace": "longhorn-system",
        "name": "longhorn-ui",
        "change": "modified",
        "diff": "diff",
        "paths": ["spec.replicas"],
        "notes": [],
    }
    assert app["counts"] == {"added": 0, "removed": 0, "modified": 1}


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([AppStatus.UNCHANGED, AppStatus.SKIPPED], ExitStatus.NO_DIFF),
        ([AppStatus.UNCHANGED, AppStatus.CHANGED], ExitStatus.DIFF),
        ([AppStatus.CHANGED, AppStatus.ERROR], ExitStatus.ERROR),
    ],
)
def test_exit_status(statuses: list[AppStatus], expected: ExitStatus) -> None:
    run = RunResult(apps=[AppResult(name=f"a{i}", status=s) for i, s in enumerate(statuses)])
    assert exit_status(run) is expected


def test_malformed_file_names_its_source() -> None:
    with pytest.raises(ArgodiffError, match=r"shard-1\.json: not an argodiff results file"):
        results.from_dict({"apps": [{"status": "changed"}]}, source="shard-1.json")


def test_merge_keeps_each_app_once_sorted() -> None:
    a, b = _run(), _run()
    b.apps.append(AppResult(name="argocd", status=AppStatus.ERROR, error="boom"))
    merged = results.merge([a, b])
    assert [x.name for x in merged.apps] == ["argocd", "calico", "longhorn"]
