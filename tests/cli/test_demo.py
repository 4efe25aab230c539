"""`argodiff demo`: the README's first command, on this repository's own argoproj/."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from argodiff.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_demo_reports_the_builtin_pull_request() -> None:
    result = CliRunner().invoke(cli, ["demo", "-o", "json", "--repo", str(ROOT)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    apps = {a["name"]: a for a in doc["apps"]}
    changes = {
        name: {(r["change"], r["kind"], r["name"]) for r in apps[name]["resources"]}
        for name in ("longhorn", "kubernetes-dashboard")
    }
    assert changes["longhorn"] == {
        ("modified", "Deployment", "cloudflared-longhorn-ui"),
        ("added", "PodDisruptionBudget", "cloudflared-longhorn-ui"),
    }
    assert {c for c, _, _ in changes["kubernetes-dashboard"]} == {"removed"}
    assert ("removed", "ServiceAccount", "dashboard-viewer") in changes["kubernetes-dashboard"]
    # Untouched apps are not rendered (their chart repositories are out of reach here).
    assert apps["calico"]["status"] == "skipped"
    assert not [a for a in doc["apps"] if a["status"] == "error"]
    assert doc["notices"][0].startswith("DEMO")


def test_demo_markdown_is_the_pr_comment() -> None:
    result = CliRunner().invoke(cli, ["demo", "-o", "markdown", "--repo", str(ROOT)])
    assert result.exit_code == 0
    assert "| longhorn" in result.stdout
    assert "<details>" in result.stdout and "</details>" in result.stdout
