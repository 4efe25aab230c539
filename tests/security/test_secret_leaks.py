"""No Secret value, Argo CD token, Cloudflare Access secret or GitHub token reaches any output,
on any path: live, local and offline diffs, the PR job, the report command and error paths.

Every output is searched for every canary in plain form, in base64 (padded or not) and in the
base64 of base64. The only place a credential may appear is an `::add-mask::` line at the very
start of a PR job's log, which is how the runner is told to hide it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from argodiff.argocd.answers import FIRST_LINE_LIMIT
from tests.fixture_repo import GitRepo
from tests.publish.conftest import FakeGitHub, Fault
from tests.security.canaries import (
    API_KEY,
    ARGOCD_TOKEN,
    CF_CLIENT_ID,
    CF_SECRET,
    DRIFT,
    GITHUB_TOKEN,
    REVOKED_TOKEN,
    SECRET_VALUES,
    URL_PASSWORD,
    b64,
    find_leaks,
    mask_lines,
)
from tests.security.echo import closed_port_url, echo_server
from tests.security.gitops import APPS, base_files
from tests.security.harness import Cli, Fixture, Outputs, PrJob, checkout
from tests.simulator import Access, Simulator

pytestmark = pytest.mark.e2e

FORMATS = ("text", "json", "markdown")


def assert_no_leak(out: Outputs, *, masked: tuple[str, ...] = ()) -> None:
    """No canary anywhere, except `masked` credentials in the log's leading add-mask lines."""
    masks, log = mask_lines(out.stdout)
    assert {m.removeprefix("::add-mask::") for m in masks} == set(masked)
    leaks = find_leaks(out.texts | {"stdout": log})
    assert not leaks, "\n".join(map(str, leaks))


def connection_env(server: str, token: str = ARGOCD_TOKEN) -> dict[str, str]:
    return {
        "ARGOCD_SERVER": server,
        "ARGOCD_AUTH_TOKEN": token,
        "CF_ACCESS_CLIENT_ID": CF_CLIENT_ID,
        "CF_ACCESS_CLIENT_SECRET": CF_SECRET,
    }


def resources(app: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(r["change"], r["kind"], r["name"]) for r in app["resources"]}


def by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in result["apps"]}


def assert_secrets_compared(result: dict[str, Any], *, masked: bool) -> None:
    """The run did look at the Secrets: the changes are there, only the values are not."""
    apps = by_name(result)
    vault = resources(apps["vault"])
    assert {("added", "Secret", "fresh"), ("removed", "Secret", "retired")} <= vault
    if masked:
        # Argo CD masked the live side: a changed value cannot be seen, only the note says so.
        notes = [n for r in apps["vault"]["resources"] for n in r.get("notes", [])]
        assert any("masked by Argo CD" in n for n in notes), notes
    else:
        changed = {("modified", "Secret", n) for n in ("db-password", "api-token", "listed")}
        assert changed <= vault
        assert ("modified", "Secret", "chart-credentials") in resources(apps["chart"])


# --- argodiff app ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_app_against_the_revision(
    cli: Cli, argocd: Simulator, fixture: Fixture, workspace: Path, fmt: str
) -> None:
    out = cli.run(
        ["app", *APPS, "--revision", fixture.pr, "-o", fmt],
        cwd=workspace,
        env=connection_env(argocd.url),
    )
    assert out.code == 1, out.stderr
    assert_no_leak(out)
    if fmt == "json":
        assert_secrets_compared(out.json(), masked=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_app_local_render_against_live_drift(
    cli: Cli, argocd: Simulator, workspace: Path, fmt: str
) -> None:
    """The target is the PR checkout in plaintext; the live side is masked and drifted. The
    credentials are given as options this time."""
    flags = ["--server", argocd.url, "--auth-token", ARGOCD_TOKEN]
    flags += ["--cf-access-client-id", CF_CLIENT_ID, "--cf-access-client-secret", CF_SECRET]
    out = cli.run(["app", *APPS, "--local", "-o", fmt, *flags], cwd=workspace)
    assert out.code == 1, out.stderr
    assert_no_leak(out)
    if fmt == "json":
        vault = resources(by_name(out.json())["vault"])
        assert {("added", "Secret", "fresh"), ("removed", "Secret", "retired")} <= vault


@pytest.mark.parametrize("fmt", FORMATS)
def test_app_offline_both_sides_in_plaintext(
    cli: Cli, fixture: Fixture, workspace: Path, fmt: str
) -> None:
    out = cli.run(["app", *APPS, "--base", fixture.base, "-o", fmt], cwd=workspace)
    assert out.code == 1, out.stderr
    assert_no_leak(out)
    if fmt == "json":
        assert_secrets_compared(out.json(), masked=False)
        notes = [n for r in by_name(out.json())["vault"]["resources"] for n in r["notes"]]
        assert "data.password: value changed (hidden)" in notes


def test_report_of_a_results_file(
    cli: Cli, fixture: Fixture, workspace: Path, tmp_path: Path
) -> None:
    offline = cli.run(["app", *APPS, "--base", fixture.base, "-o", "json"], cwd=workspace)
    results = tmp_path / "results.json"
    results.write_text(offline.stdout, encoding="utf-8")
    for fmt in FORMATS:
        out = cli.run(["report", str(results), "-o", fmt], cwd=workspace)
        assert out.code == 1, out.stderr
        assert "chart-credentials" in out.stdout
        assert_no_leak(out)


# --- argodiff pr ----------------------------------------------------------------------------


def action_inputs(server: str, mode: str, token: str = ARGOCD_TOKEN) -> dict[str, str]:
    return {
        "argocd-server": server,
        "argocd-auth-token": token,
        "cf-access-client-id": CF_CLIENT_ID,
        "cf-access-client-secret": CF_SECRET,
        "mode": mode,
    }


@pytest.mark.parametrize("mode", ["revision", "local", "offline"])
def test_pr_job(argocd: Simulator, pr_job: PrJob, github: FakeGitHub, mode: str) -> None:
    out = pr_job.run(["pr"], action_inputs(argocd.url, mode))
    assert out.code == 0, out.stdout + out.stderr
    assert_no_leak(out, masked=(ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN))
    assert len(out.comments()) == 1
    assert "vault" in out.comments()[0] and "fresh" in out.comments()[0]
    assert "fresh" in out.texts["step summary"]
    assert_secrets_compared(out.json("results file"), masked=mode != "offline")
    assert github.bodies() == out.comments()


def test_pr_job_edits_its_comment_and_report_reposts(
    argocd: Simulator, pr_job: PrJob, github: FakeGitHub
) -> None:
    """Every body sent to GitHub, created (POST) or edited (PATCH), by `pr` and `report --post`."""
    offline = pr_job.run(["pr"], action_inputs(argocd.url, "offline"))
    live = pr_job.run(["pr"], action_inputs(argocd.url, "revision"))
    results = pr_job.saved_results()
    reposted = pr_job.run(["report", str(results), "--post", "--instance", "lolice"])
    assert reposted.code == 1, reposted.stderr  # 1: there is a diff
    masked = (ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN)
    assert_no_leak(offline, masked=masked)
    assert_no_leak(live, masked=masked)
    assert_no_leak(reposted)
    assert any("PATCH" in name for name in live.texts if name.startswith("comment"))
    assert len(github.bodies()) == 1


# --- error paths ----------------------------------------------------------------------------


HEADER = f"X-Api-Key: {API_KEY}"
ECHOES = [(500, False), (400, False), (401, False), (403, True), (502, True)]


@pytest.mark.parametrize(("status", "html"), ECHOES)
def test_app_against_a_server_that_echoes_the_credentials(
    cli: Cli, workspace: Path, fixture: Fixture, status: int, html: bool
) -> None:
    with echo_server(status, html=html) as url:
        out = cli.run(
            ["app", "vault", "--revision", fixture.pr, "-o", "json", "--header", HEADER],
            cwd=workspace,
            env=connection_env(url),
        )
    assert out.code == 2
    assert "Traceback" not in out.stderr
    assert_no_leak(out)


@pytest.mark.parametrize(("status", "html"), ECHOES)
def test_pr_job_against_a_server_that_echoes_the_credentials(
    pr_job: PrJob, status: int, html: bool
) -> None:
    with echo_server(status, html=html) as url:
        out = pr_job.run(["pr"], action_inputs(url, "revision"))
    assert_no_leak(out, masked=(ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN))
    assert "Traceback" not in out.stderr
    if status == 502:
        # A gateway failure means Argo CD is unreachable: the job falls back to offline.
        assert out.code == 0 and "OFFLINE" in out.stdout
    else:
        assert out.code == 2 and "argodiff: error: " in out.stderr


def test_revoked_token_and_refused_service_token(
    cli: Cli, argocd: Simulator, fixture: Fixture, workspace: Path
) -> None:
    revoked = cli.run(
        ["app", "vault", "--revision", fixture.pr],
        cwd=workspace,
        env=connection_env(argocd.url, token=REVOKED_TOKEN),
    )
    assert revoked.code == 2
    assert_no_leak(revoked)
    argocd.access = Access(CF_CLIENT_ID, "the secret Cloudflare expects", rejection="forbidden")
    refused = cli.run(
        ["app", "vault", "--revision", fixture.pr], cwd=workspace, env=connection_env(argocd.url)
    )
    assert refused.code == 2
    assert_no_leak(refused)


def test_pr_job_with_a_revoked_token(argocd: Simulator, pr_job: PrJob) -> None:
    out = pr_job.run(["pr"], action_inputs(argocd.url, "revision", token=REVOKED_TOKEN))
    assert_no_leak(out, masked=(REVOKED_TOKEN, CF_SECRET, GITHUB_TOKEN))
    assert "Traceback" not in out.stderr
    assert out.code == 2 and "token" in out.stderr


def with_password(url: str) -> str:
    return url.replace("http://", f"http://argodiff:{URL_PASSWORD}@")


def test_unreachable_servers(cli: Cli, fixture: Fixture, workspace: Path, pr_job: PrJob) -> None:
    """Two servers that refuse connections, one with a password in its URL."""
    servers = f"{closed_port_url()},{with_password(closed_port_url())}"
    app = cli.run(
        ["app", "vault", "--revision", fixture.pr], cwd=workspace, env=connection_env(servers)
    )
    assert app.code == 2
    assert_no_leak(app)
    pr = pr_job.run(["pr"], action_inputs(servers, "revision"))
    assert "OFFLINE" in pr.stdout
    assert_no_leak(pr, masked=(ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN))


def test_password_in_the_server_url_against_argocd(
    cli: Cli, argocd: Simulator, fixture: Fixture, workspace: Path
) -> None:
    out = cli.run(
        ["app", "vault", "--revision", fixture.pr, "-o", "json"],
        cwd=workspace,
        env=connection_env(with_password(argocd.url)),
    )
    assert out.code in (1, 2), out.stderr
    assert_no_leak(out)


URL_PASSWORD_BUG = (
    "a server URL's user:password is sent as HTTP Basic auth (requests replaces the Bearer "
    "token with it) and is not among Connection.secrets() (argodiff/config.py), so a server "
    "that echoes request headers gets base64('user:password') printed unscrubbed"
)


@pytest.mark.xfail(strict=True, reason=URL_PASSWORD_BUG)
def test_password_in_the_server_url_echoed_back(
    cli: Cli, fixture: Fixture, workspace: Path
) -> None:
    with echo_server(500) as echo:
        out = cli.run(
            ["app", "vault", "--revision", fixture.pr, "-o", "json"],
            cwd=workspace,
            env=connection_env(with_password(echo)),
        )
    assert out.code == 2, out.stderr
    assert b64(f"argodiff:{URL_PASSWORD}") not in out.stderr
    assert_no_leak(out)


def test_github_echoing_the_token_in_an_error(
    argocd: Simulator, pr_job: PrJob, github: FakeGitHub
) -> None:
    echo = {"message": f"Bad credentials: token {GITHUB_TOKEN} / {ARGOCD_TOKEN} / {CF_SECRET}"}
    github.faults += [Fault("GET", 401, echo), Fault("POST", 422, echo)]
    out = pr_job.run(["pr"], action_inputs(argocd.url, "offline"))
    assert_no_leak(out, masked=(ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN))
    assert github.bodies() == []


def test_the_repository_really_holds_every_secret_canary(fixture: Fixture) -> None:
    """The suite's own check: each Secret canary is in the GitOps repository (as written or
    base64-encoded), so a copy of it in any output would be found."""
    git = fixture.repo.git
    texts = {
        f"{rev}:{name}": git("show", f"{rev}:{name}")
        for rev in (fixture.base, fixture.pr)
        for name in git("ls-tree", "-r", "--name-only", rev).split()
    }
    found = {leak.canary for leak in find_leaks(texts)}
    assert found == set(SECRET_VALUES) - {DRIFT}


CUT_BEFORE_SCRUB_BUG = (
    "argodiff/argocd/answers.py read_json: for a non-JSON error body, _first_line() cuts the "
    "line to FIRST_LINE_LIMIT characters (with '…') before scrub() runs, so a credential the "
    "server echoed across the cut is no longer matched and its first part is printed"
)


@pytest.mark.xfail(strict=True, reason=CUT_BEFORE_SCRUB_BUG)
def test_error_line_cut_in_the_middle_of_the_token(
    cli: Cli, workspace: Path, fixture: Fixture
) -> None:
    """A one-line text error whose token straddles the length argodiff keeps of such lines."""
    with echo_server(400, cut_at=FIRST_LINE_LIMIT) as url:
        out = cli.run(
            ["app", "vault", "--revision", fixture.pr], cwd=workspace, env=connection_env(url)
        )
    assert out.code == 2
    assert "unexpected answer" in out.stderr and "EEEE" in out.stderr
    assert_no_leak(out)


ENV_TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: environment
data:
  env: {{ .Files.Get "files/env" | splitList "" | join " " | quote }}
"""
TOOL_ENV_BUG = (
    "helm and kustomize inherit argodiff's whole environment (argodiff/command.py run: "
    "{**os.environ, **env}), credentials included (ARGOCD_AUTH_TOKEN, INPUT_ARGOCD-AUTH-TOKEN, "
    "INPUT_CF-ACCESS-CLIENT-SECRET, INPUT_GITHUB-TOKEN...); a chart in the PR reads it through "
    "a symlink to /proc/self/environ (helm follows symlinks in chart directories) and renders "
    "it spaced out, past the Redactor, into the diff and the comment"
)


@pytest.fixture(scope="module")
def env_reader(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    """The PR adds to the Helm chart a file that is a symlink to the process environment and
    a template that prints it, one character at a time."""
    repo = GitRepo.init(tmp_path_factory.mktemp("env-reader") / "repo")
    base = repo.commit(base_files(), "base")
    chart = repo.path / "argoproj/chart/overlays/prod"
    (chart / "files").mkdir()
    (chart / "files/env").symlink_to("/proc/self/environ")
    pr = repo.commit({"argoproj/chart/overlays/prod/templates/env.yaml": ENV_TEMPLATE}, "env")
    return Fixture(repo, base, pr)


@pytest.mark.xfail(strict=True, reason=TOOL_ENV_BUG)
def test_a_chart_cannot_read_the_credentials_from_the_environment(
    env_reader: Fixture, cli: Cli, github: FakeGitHub, tmp_path: Path
) -> None:
    github.head_sha = env_reader.pr
    github.files = [{"filename": "argoproj/chart/overlays/prod/templates/env.yaml"}]
    job = PrJob(env_reader, checkout(env_reader, tmp_path / "ws"), cli)
    out = job.run(["pr"], action_inputs(closed_port_url(), "offline"))
    assert out.code == 0, out.stdout + out.stderr
    assert "environment" in out.texts["results file"]  # the chart did render
    spaced = {" ".join(secret) for secret in (ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN)}
    assert [(w, s) for w, text in out.texts.items() for s in spaced if s in text] == []
