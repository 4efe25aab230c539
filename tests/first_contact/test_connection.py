"""A first connection that fails says why at once, and what to try; a slow one says that it
waits. Through the real CLI, against sockets and servers on 127.0.0.1."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.conftest import GitOpsRepo
from tests.first_contact.helpers import (
    argodiff,
    clean_env,
    closed_port,
    http_server,
    read_until,
    self_signed,
    silent_server,
    start,
)
from tests.simulator import Simulator

TOKEN = "a.b.c"


def app_args(server: str, *extra: str) -> list[str]:
    return ["app", "root", "--server", server, "--revision", "HEAD", *extra]


def test_a_refused_connection_fails_at_once_without_retries() -> None:
    port = closed_port()
    run = argodiff(*app_args(f"http://{port}", "--auth-token", TOKEN))
    assert run.code == 2
    assert run.error_lines == [
        f"argodiff: error: no Argo CD server answered (http://{port}: Connection refused)"
    ]
    # Four retries with the default backoff took 7.5 s; one try takes well under that.
    assert run.seconds < 5, run.seconds


def test_an_unknown_host_is_not_retried() -> None:
    run = argodiff(*app_args("https://argocd.invalid", "--auth-token", TOKEN))
    assert run.code == 2
    (line,) = run.error_lines
    assert line.startswith("argodiff: error: no Argo CD server answered (https://argocd.invalid: ")
    assert "Traceback" not in run.stderr


def test_plain_http_given_as_https_hints_at_http() -> None:
    with http_server() as address:
        run = argodiff(*app_args(address, "--auth-token", TOKEN))  # a bare host means https://
    assert run.code == 2
    (line,) = run.error_lines
    assert "TLS error" in line
    assert "give it as http://HOST:PORT" in line
    assert run.seconds < 5, run.seconds


def test_an_untrusted_certificate_hints_at_the_ca_bundle_and_insecure(tmp_path: Path) -> None:
    cert = self_signed(tmp_path)
    with http_server(tls_cert=cert) as address:
        refused = argodiff(*app_args(f"https://{address}", "--auth-token", TOKEN))
        trusted = argodiff(
            *app_args(f"https://{address}", "--auth-token", TOKEN),
            env=clean_env(REQUESTS_CA_BUNDLE=str(cert[0])),
        )
        insecure = argodiff(*app_args(f"https://{address}", "--auth-token", TOKEN, "--insecure"))
    assert refused.code == 2
    (line,) = refused.error_lines
    assert "certificate verify failed" in line
    assert "set REQUESTS_CA_BUNDLE to a file holding its CA, or pass --insecure" in line
    assert refused.seconds < 5, refused.seconds
    # Either way the server is reached (the look-alike then cannot serve the app: not checked).
    for run in (trusted, insecure):
        assert f"argodiff: Argo CD v3.5.1 at https://{address}" in run.stderr, run.stderr


def test_a_missing_token_is_reported_before_connecting() -> None:
    port = closed_port()
    run = argodiff(*app_args(f"http://{port}"))
    assert run.code == 2
    assert run.error_lines == [
        "argodiff: error: the Argo CD token is empty: pass --auth-token or set ARGOCD_AUTH_TOKEN"
        " (the argocd-auth-token input, from the ARGOCD_AUTH_TOKEN secret); or --base REF for"
        " an offline diff, or --fallback offline"
    ]


@pytest.mark.parametrize(
    ("how", "named"), [("option", "--auth-token"), ("variable", "ARGOCD_AUTH_TOKEN")]
)
def test_a_rejected_token_names_where_it_came_from(
    sim: Simulator, gitops_repo: GitOpsRepo, how: str, named: str
) -> None:
    args = app_args(sim.url)
    env = clean_env()
    if how == "option":
        args += ["--auth-token", "not.the.token"]
    else:
        env["ARGOCD_AUTH_TOKEN"] = "not.the.token"
    run = argodiff(*args, cwd=gitops_repo.repo.path, env=env)
    assert run.code == 2
    (line,) = run.error_lines
    assert "Argo CD rejected the token (401)" in line
    assert f"Check {named}:" in line
    other = {"--auth-token", "ARGOCD_AUTH_TOKEN"} - {named}
    assert f"Check {other.pop()}" not in line


def test_a_silent_server_is_announced_after_two_seconds() -> None:
    with silent_server() as address:
        proc = start(*app_args(f"http://{address}", "--auth-token", TOKEN))
        try:
            assert proc.stderr is not None
            seen, seconds = read_until(proc.stderr, "waiting for")
            assert 1.5 <= seconds < 10, seconds
            # The probe asks /api/version and userinfo at once: either may be named.
            assert f"argodiff: waiting for http://{address} to answer /api/" in seen
            assert "(no answer after 2 s)…" in seen
        finally:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=30)
    assert proc.returncode == 130
