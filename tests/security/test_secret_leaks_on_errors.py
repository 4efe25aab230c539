"""No credential reaches any output when things go wrong: servers that echo request headers
back, a revoked token, Cloudflare Access refusing, unreachable servers, GitHub errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from argodiff.argocd.answers import FIRST_LINE_LIMIT
from tests.github.conftest import FakeGitHub, Fault
from tests.security.canaries import (
    API_KEY,
    ARGOCD_TOKEN,
    CF_CLIENT_ID,
    CF_SECRET,
    GITHUB_TOKEN,
    REVOKED_TOKEN,
    URL_PASSWORD,
    b64,
)
from tests.security.echo import closed_port_url, echo_server
from tests.security.harness import Cli, Fixture, Outputs, PrJob
from tests.security.leaks import action_inputs, assert_no_leak, connection_env, with_password
from tests.simulator import Access, Simulator

pytestmark = pytest.mark.e2e


@pytest.fixture
def diff_vault(cli: Cli, fixture: Fixture, workspace: Path) -> Callable[..., Outputs]:
    """`argodiff app vault --revision PR -o json` against a server, credentials from the
    environment (`token` replaces the Argo CD token)."""

    def run(server: str, *extra: str, token: str = ARGOCD_TOKEN) -> Outputs:
        argv = ["app", "vault", "--revision", fixture.pr, "-o", "json", *extra]
        return cli.run(argv, cwd=workspace, env=connection_env(server, token))

    return run


HEADER = f"X-Api-Key: {API_KEY}"
ECHOES = [(500, False), (400, False), (401, False), (403, True), (502, True)]


@pytest.mark.parametrize(("status", "html"), ECHOES)
def test_app_against_a_server_that_echoes_the_credentials(
    diff_vault: Callable[..., Outputs], status: int, html: bool
) -> None:
    with echo_server(status, html=html) as url:
        out = diff_vault(url, "--header", HEADER)
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
    diff_vault: Callable[..., Outputs], argocd: Simulator
) -> None:
    revoked = diff_vault(argocd.url, token=REVOKED_TOKEN)
    assert revoked.code == 2
    assert_no_leak(revoked)
    argocd.access = Access(CF_CLIENT_ID, "the secret Cloudflare expects", rejection="forbidden")
    refused = diff_vault(argocd.url)
    assert refused.code == 2
    assert_no_leak(refused)


def test_pr_job_with_a_revoked_token(argocd: Simulator, pr_job: PrJob) -> None:
    out = pr_job.run(["pr"], action_inputs(argocd.url, "revision", token=REVOKED_TOKEN))
    assert_no_leak(out, masked=(REVOKED_TOKEN, CF_SECRET, GITHUB_TOKEN))
    assert "Traceback" not in out.stderr
    assert out.code == 2 and "token" in out.stderr


def test_unreachable_servers(diff_vault: Callable[..., Outputs], pr_job: PrJob) -> None:
    """Two servers that refuse connections, one with a password in its URL."""
    servers = f"{closed_port_url()},{with_password(closed_port_url())}"
    app = diff_vault(servers)
    assert app.code == 2
    assert_no_leak(app)
    pr = pr_job.run(["pr"], action_inputs(servers, "revision"))
    assert "OFFLINE" in pr.stdout
    # The URL's password is a credential too: masked with the others before anything else.
    url_credentials = (URL_PASSWORD, f"argodiff:{URL_PASSWORD}")
    assert_no_leak(pr, masked=(ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN, *url_credentials))


def test_password_in_the_server_url_against_argocd(
    diff_vault: Callable[..., Outputs], argocd: Simulator
) -> None:
    out = diff_vault(with_password(argocd.url))
    assert out.code in (1, 2), out.stderr
    assert_no_leak(out)


def test_password_in_the_server_url_echoed_back(
    diff_vault: Callable[..., Outputs],
) -> None:
    with echo_server(500) as echo:
        out = diff_vault(with_password(echo))
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


def test_error_line_cut_in_the_middle_of_the_token(
    diff_vault: Callable[..., Outputs],
) -> None:
    """A one-line text error whose token straddles the length argodiff keeps of such lines."""
    with echo_server(400, cut_at=FIRST_LINE_LIMIT) as url:
        out = diff_vault(url)
    assert out.code == 2
    assert "unexpected answer" in out.stderr and "EEEE" in out.stderr
    assert_no_leak(out)
