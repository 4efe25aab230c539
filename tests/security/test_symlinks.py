"""Nothing outside the checkout, and nothing of its `.git`, is read through a link the PR
commits: each app whose sources read such a link is an error naming it, as Argo CD's
repo-server refuses such repositories; the honest app is still diffed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_repo import application, kustomization
from tests.github.conftest import FakeGitHub
from tests.security.harness import Cli
from tests.security.hostile import (
    CHART_YAML,
    HOSTILE,
    OUTSIDE,
    assert_refused_everywhere,
    build,
    helm_app,
    leaks,
    outside_dir,
    run_offline,
    run_revision,
)

pytestmark = pytest.mark.e2e

APP = f"argoproj/{HOSTILE}"
PRINT_FILE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: printed
data:
  file: {{ .Files.Get "files/x" | splitList "" | join " " | quote }}
"""
CHART = {f"{APP}/chart/Chart.yaml": CHART_YAML, f"{APP}/chart/templates/print.yaml": PRINT_FILE}
OVERLAY = {
    f"{APP}/application.yaml": application(HOSTILE, HOSTILE),
    f"{APP}/overlays/prod/kustomization.yaml": kustomization("../../base"),
}
REFUSED = "points outside the repository: refused (Argo CD's repo-server refuses such links too)"

# name: (files, links, the cause the app's error names)
ATTACKS: dict[str, tuple[dict[str, str], dict[str, str], str]] = {
    "chart file -> /proc/1/environ": (
        CHART | {f"{APP}/application.yaml": helm_app(HOSTILE)},
        {f"{APP}/chart/files/x": "/proc/1/environ"},
        f"{APP}/chart/files/x: symbolic link to /proc/1/environ {REFUSED}",
    ),
    "chart file -> outside file": (
        CHART | {f"{APP}/application.yaml": helm_app(HOSTILE)},
        {f"{APP}/chart/files/x": "{outside}/secret.txt"},
        f"{APP}/chart/files/x: symbolic link to",
    ),
    "chart file -> .git/config": (
        CHART | {f"{APP}/application.yaml": helm_app(HOSTILE)},
        {f"{APP}/chart/files/x": "../../../../.git/config"},
        "symbolic link to ../../../../.git/config points into .git: refused",
    ),
    "Chart.yaml -> /dev/zero": (
        {f"{APP}/application.yaml": helm_app(HOSTILE), f"{APP}/chart/templates/x.yaml": ""},
        {f"{APP}/chart/Chart.yaml": "/dev/zero"},
        f"{APP}/chart/Chart.yaml: symbolic link to /dev/zero {REFUSED}",
    ),
    "value file -> outside file": (
        CHART | {f"{APP}/application.yaml": helm_app(HOSTILE, "valueFiles: [values.yaml]")},
        {f"{APP}/chart/values.yaml": "{outside}/secret.txt"},
        f"{APP}/chart/values.yaml: symbolic link to",
    ),
    "value file elsewhere -> outside file": (
        CHART | {f"{APP}/application.yaml": helm_app(HOSTILE, "valueFiles: [../../shared/v.yaml]")},
        {"argoproj/shared/v.yaml": "{outside}/secret.txt"},
        "argoproj/shared/v.yaml: symbolic link to",
    ),
    "kustomize base -> outside directory": (
        OVERLAY,
        {f"{APP}/base": "{outside}"},
        f"{APP}/base: symbolic link to",
    ),
    "kustomization.yaml -> /proc/self/pagemap": (
        {f"{APP}/application.yaml": application(HOSTILE, HOSTILE)},
        {f"{APP}/overlays/prod/kustomization.yaml": "/proc/self/pagemap"},
        f"{APP}/overlays/prod/kustomization.yaml: symbolic link to /proc/self/pagemap {REFUSED}",
    ),
    "kustomize resource ../../.. out of the checkout": (
        {
            f"{APP}/application.yaml": application(HOSTILE, HOSTILE),
            f"{APP}/overlays/prod/kustomization.yaml": kustomization(
                "../../../../../../../../../../{outside}/secret.yaml"
            ),
        },
        {},
        "leaves the repository: refused",
    ),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_link_out_is_refused(attack: str, cli: Cli, github: FakeGitHub, tmp_path: Path) -> None:
    files, links, cause = ATTACKS[attack]
    outside = outside_dir()
    (outside / "secret.yaml").write_text(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata: {{v: {OUTSIDE}}}\n"
    )
    h = build(tmp_path / "repo", files, links, outside=outside)
    assert_refused_everywhere(h, cli, github, tmp_path, cause)


def test_discovery_never_follows_a_link_out(cli: Cli, github: FakeGitHub, tmp_path: Path) -> None:
    """An Application file that is a link, and a link to `/` among the apps: neither is read
    (no endless walk); each is an error entry naming the link and its target (the Application
    it hides is unknown, so the run exits 2), and the honest app is diffed."""
    outside = outside_dir()
    (outside / "app.yaml").write_text(
        application(HOSTILE, HOSTILE).replace("argocd\n", OUTSIDE + "\n", 1)
    )
    links = {f"{APP}/application.yaml": "{outside}/app.yaml", "argoproj/root": "/"}
    h = build(tmp_path / "repo", {}, links, outside=outside)
    runs = {
        "stdout": run_offline(h, cli, tmp_path / "offline"),
        "results file": run_revision(h, cli, github, tmp_path / "pr"),
    }
    for source, out in runs.items():
        assert "Traceback" not in out.stderr, out.stderr
        assert leaks(out) == []
        assert out.code == 2, out.stdout[-3000:] + out.stderr[-3000:]
        apps = {a["name"]: a for a in out.json(source)["apps"]}
        assert {n: a["status"] for n, a in apps.items()} == {
            "good": "changed",
            f"{APP}/application.yaml": "error",
            "argoproj/root": "error",
        }
        error = str(apps[f"{APP}/application.yaml"]["error"])
        assert f"{APP}/application.yaml: symbolic link to {outside}/app.yaml" in error
        assert f"argoproj/root: symbolic link to / {REFUSED}" in apps["argoproj/root"]["error"]
