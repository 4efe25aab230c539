"""Hostile manifests cannot break the PR comment or the job summary, ping anyone, or drive the
Actions runner: `argodiff pr` runs on a repository whose ConfigMap values, annotations,
container args and a Role name hold fences, `</details>`, raw HTML, @mentions and workflow
commands, and what it posts and prints is read as GitHub and the runner would read it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.fixture_repo import GitRepo, application, kustomization
from tests.github.conftest import FakeGitHub
from tests.report.gfm import diff_body
from tests.security.canaries import ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN
from tests.security.gitops import (
    APPS,
    HOSTILE_ROLE,
    INJECTION_LINES,
    NAME_MARK,
    VALUE_MARK,
    base_files,
)
from tests.security.harness import Cli, Fixture, Outputs, PrJob, checkout, run_piped
from tests.security.leaks import action_inputs
from tests.security.rendered import Rendered
from tests.security.runner_log import RunnerLog
from tests.simulator import Simulator

pytestmark = pytest.mark.e2e

# Tags only the injected text holds; argodiff itself writes none of them.
INJECTED_TAGS = ("img", "script")
# What argodiff itself asks of the runner.
ARGODIFF_COMMANDS = {"add-mask", "group", "endgroup", "error", "warning", "notice", "stop-commands"}
# Words of the payload that must never be read outside a code block or a stopped log block.
HOSTILE_WORDS = (VALUE_MARK, NAME_MARK, "octocat", "onerror", "pwned", "set-output")


def assert_inert_markdown(markdown: str) -> Rendered:
    """The document renders with its own structure whatever the manifests hold."""
    doc = Rendered.of(markdown)
    assert doc.problems == []
    for node in doc.tags("summary"):
        assert node.ancestors[-1:] == ("details",), "a <summary> outside its <details>"
    for tag in INJECTED_TAGS:
        assert doc.tags(tag) == [], f"a live <{tag}> tag"
    events = [a for n in doc.nodes for a, _ in n.attrs if a.lower().startswith("on")]
    assert events == []
    # Every manifest value shown is diff text, inside a code block.
    assert doc.outside_code(VALUE_MARK) == []
    assert doc.pings() == []
    return doc


def assert_inert_log(log: str, hostile: tuple[str, ...] = HOSTILE_WORDS) -> RunnerLog:
    """The runner acts only on argodiff's own commands; manifest text is printed inert."""
    read = RunnerLog.read(log)
    assert not read.still_stopped, "workflow commands left switched off"
    acted_on = [c.line for c in read.honoured if c.name not in ARGODIFF_COMMANDS or not c.plain]
    assert acted_on == [], "the runner would act on these lines"
    # argodiff's resume tokens are random (uuid4), so no manifest can guess one.
    tokens = [c.data for c in read.honoured if c.name == "stop-commands"]
    assert tokens == read.resumed and all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)
    masks = [c.data for c in read.honoured if c.name == "add-mask"]
    assert set(masks) <= {ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN}
    for word in hostile:
        assert [ln for ln in read.free if word in ln] == [], word
    return read


def assert_payload_shown(docs: list[Rendered]) -> None:
    """The test is not vacuous: the hostile text did reach the report, as text."""
    assert any(d.inside_code(VALUE_MARK) for d in docs)
    assert any(d.inside_code("@octocat") for d in docs)
    assert any(HOSTILE_ROLE[:30] in n.text for d in docs for n in d.texts())


@pytest.mark.parametrize("mode", ["revision", "offline"])
def test_pr_comment_summary_and_log_stay_inert(
    argocd: Simulator, pr_job: PrJob, github: FakeGitHub, mode: str
) -> None:
    out = pr_job.run(["pr"], action_inputs(argocd.url, mode))
    assert out.code == 0, out.stdout + out.stderr
    parts = out.comments()
    assert parts and github.bodies() == parts
    docs = [assert_inert_markdown(p) for p in [*parts, out.texts["step summary"]]]
    assert_payload_shown(docs)
    # Every line of every diff is in a code block, in the comment and in the summary.
    diff_lines = {
        line
        for app in out.json("results file")["apps"]
        for res in app["resources"]
        for line in diff_body(res["diff"])
    }
    for shown in ("".join(d.code_text() for d in docs[:-1]), docs[-1].code_text()):
        assert [line for line in diff_lines if line not in shown] == []
    log = assert_inert_log(out.stdout)
    assert any(VALUE_MARK in ln for ln in log.stopped)
    # Every line of manifest text in the log is in a stopped block.
    assert [ln for ln in log.free if ln.strip() and ln in diff_lines] == []
    assert_inert_log(out.stderr)


def test_comment_split_in_small_parts_stays_inert(pr_job: PrJob, github: FakeGitHub) -> None:
    pr_job.run(["pr"], {"mode": "offline"})
    results = str(pr_job.saved_results())
    argv = ["report", results, "--post", "--instance", "lolice", "--max-comment-chars", "5000"]
    out = pr_job.run(argv)
    assert out.code in (0, 1), out.stderr
    parts = github.bodies()
    assert len(parts) > 1
    assert_payload_shown([assert_inert_markdown(p) for p in parts])


def test_markdown_from_the_command_line_stays_inert(
    cli: Cli, fixture: Fixture, workspace: Path
) -> None:
    out: Outputs = cli.run(["app", *APPS, "--base", fixture.base, "-o", "markdown"], cwd=workspace)
    assert out.code == 1, out.stderr
    assert_payload_shown([assert_inert_markdown(out.stdout)])


# Fields whose values argodiff checks against a fixed set when it loads a results file.
_CHECKED_FIELDS = {"schemaVersion", "mode", "status", "change", "counts"}
HOSTILE_TEXT = "\n".join(line.format(rev="x") for line in INJECTION_LINES).replace(
    VALUE_MARK, NAME_MARK
)


def poisoned(value: Any, key: str = "") -> Any:
    """A results file as a malicious fork's job could write it: hostile text appended to every
    free-text field, hostile lines appended to every diff, a hostile server URL."""
    if key in _CHECKED_FIELDS:
        return value
    if isinstance(value, dict):
        return {k: poisoned(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v, key) for v in value]
    if key == "server":
        return "https://a--><img src=x onerror=alert(1)>@octocat<!--/x"
    if key == "url":
        return "javascript:alert('HOSTILE')"
    if key == "diff" and isinstance(value, str):
        return value + "\n".join(line.format(rev="x") for line in INJECTION_LINES) + "\n"
    if isinstance(value, str):
        return f"{value} {HOSTILE_TEXT}"
    return value


def test_untrusted_results_file_is_posted_inert(pr_job: PrJob, github: FakeGitHub) -> None:
    """The fork workflow's report step posts a results file the fork's job wrote."""
    pr_job.run(["pr"], {"mode": "offline"})
    saved = pr_job.saved_results()
    saved.write_text(json.dumps(poisoned(json.loads(saved.read_text()))), encoding="utf-8")
    out = pr_job.run(["report", str(saved), "--post", "--pr", "7"])
    assert out.code == 1, out.stderr
    # The hostile server URL names a comment instance of its own, quoted in the marker.
    parts = [b for b in github.bodies() if not b.startswith("<!-- argodiff:lolice ")]
    assert parts and parts[0].startswith("<!-- argodiff:octocat%3C%21-- part=1/")
    docs = [assert_inert_markdown(p) for p in [*parts, out.texts["step summary"]]]
    assert any(d.inside_code(VALUE_MARK) for d in docs)
    assert any(NAME_MARK in n.text for d in docs for n in d.texts() if "pre" not in n.ancestors)
    for doc in docs:
        assert [a for a in doc.tags("a") if "javascript" in str(a.attrs)] == []
    assert_inert_log(out.stdout)
    assert_inert_log(out.stderr)


IN_A_WORKFLOW_STEP = {"GITHUB_ACTIONS": "true", "CI": "true"}


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_app_in_a_workflow_step_prints_manifests_inert(
    fixture: Fixture, workspace: Path, fmt: str
) -> None:
    """`argodiff app` is also meant for workflow steps; there its stdout is the step's log."""
    argv = ["app", *APPS, "--base", fixture.base, "-o", fmt]
    out = run_piped(argv, cwd=workspace, env=IN_A_WORKFLOW_STEP)
    assert out.code == 1, out.stderr
    assert_inert_log(out.stdout)
    assert_inert_log(out.stderr)


def test_report_in_a_workflow_step_prints_manifests_inert(
    cli: Cli, fixture: Fixture, workspace: Path, tmp_path: Path
) -> None:
    offline = cli.run(["app", *APPS, "--base", fixture.base, "-o", "json"], cwd=workspace)
    results = tmp_path / "results.json"
    results.write_text(offline.stdout, encoding="utf-8")
    out = run_piped(["report", str(results)], cwd=workspace, env=IN_A_WORKFLOW_STEP)
    assert out.code == 1, out.stderr
    assert_inert_log(out.stdout)


def test_pr_dry_run_prints_the_comment_inert(pr_job: PrJob, github: FakeGitHub) -> None:
    out = pr_job.run(["pr", "--dry-run"], {"mode": "offline"})
    assert out.code == 0, out.stderr
    assert github.bodies() == []
    assert_inert_log(out.stdout)


EVIL_APP = f"{NAME_MARK} ##[error]pwned @octocat </details><img src=x onerror=alert(1)>"
EVIL_FILES = {
    "argoproj/evil/application.yaml": application("evil", "evil").replace(
        "name: evil", f"name: {json.dumps(EVIL_APP)}", 1
    ),
    "argoproj/evil/overlays/prod/kustomization.yaml": kustomization("cm.yaml"),
    "argoproj/evil/overlays/prod/cm.yaml": "apiVersion: v1\nkind: ConfigMap\n"
    "metadata: {name: c}\ndata: {a: b}\n",
}


@pytest.fixture(scope="module")
def evil_fixture(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    repo = GitRepo.init(tmp_path_factory.mktemp("evil") / "repo")
    base = repo.commit(base_files(), "base")
    return Fixture(repo, base, repo.commit(EVIL_FILES, "an Application with a hostile name"))


def test_hostile_application_name_in_an_offline_pr_run(
    evil_fixture: Fixture, cli: Cli, github: FakeGitHub, tmp_path: Path
) -> None:
    github.head_sha = evil_fixture.pr
    github.files = [{"filename": f, "status": "added"} for f in EVIL_FILES]
    job = PrJob(evil_fixture, checkout(evil_fixture, tmp_path / "evil"), cli)
    out = job.run(["pr"], {"mode": "offline"})
    assert out.code == 0, out.stdout + out.stderr
    parts = github.bodies()
    assert parts
    docs = [assert_inert_markdown(p) for p in [*parts, out.texts["step summary"]]]
    assert any(NAME_MARK in n.text for d in docs for n in d.texts())
    # The name is shown in log group titles (command data, inert); nothing else may act.
    assert_inert_log(out.stderr, hostile=())
    assert_inert_log(out.stdout, hostile=())
