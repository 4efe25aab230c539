"""Checks and settings shared by the secret-leak tests."""

from __future__ import annotations

from tests.security.canaries import (
    ARGOCD_TOKEN,
    CF_CLIENT_ID,
    CF_SECRET,
    URL_PASSWORD,
    find_leaks,
    mask_lines,
)
from tests.security.harness import Outputs


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


def action_inputs(server: str, mode: str, token: str = ARGOCD_TOKEN) -> dict[str, str]:
    return {
        "argocd-server": server,
        "argocd-auth-token": token,
        "cf-access-client-id": CF_CLIENT_ID,
        "cf-access-client-secret": CF_SECRET,
        "mode": mode,
    }


def with_password(url: str) -> str:
    return url.replace("http://", f"http://argodiff:{URL_PASSWORD}@")
