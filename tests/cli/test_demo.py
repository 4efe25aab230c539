"""`argodiff demo`: the README's first command, on this repository's own argoproj/."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from argodiff import results
from argodiff.cli import cli
from argodiff.publish.deliver import CommentTarget, comment_bodies
from tests.report.gfm import check_structure

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


def test_demo_markdown_is_the_first_pr_comment_part() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", "-o", "markdown", "--repo", str(ROOT)])
    assert result.exit_code == 0
    as_json = runner.invoke(cli, ["demo", "-o", "json", "--repo", str(ROOT)])
    run = results.from_dict(json.loads(as_json.stdout))
    target = CommentTarget(
        gh=None, repository="", number=0, instance="argocd", max_chars=65_000, max_parts=10
    )
    first = comment_bodies(run, target)[0]
    assert result.stdout == first
    assert result.stdout.startswith("<!-- argodiff:argocd part=1/1 -->\n")
    assert result.stdout.rstrip().endswith("</sub>") and "<sub>argodiff" in result.stdout
    check_structure(result.stdout)
    assert "| longhorn" in result.stdout
