"""Fixtures for the Argo CD client tests: a mocked Argo CD (responses) and its answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from argodiff.argocd import ArgoClient
from argodiff.redact import Redactor
from argodiff.settings import Connection

SERVER = "https://argocd.example.com"
TAILNET = "https://argocd.tailnet.ts.net"
# Shaped like the real thing (a JWT, a Cloudflare service token) so a leak would be noticed.
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnaXRodWItYWN0aW9uczphcGlLZXkifQ.c2VjcmV0LXNpZw"
CF_ID = "0123456789abcdef.access"
CF_SECRET = "cf-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
VERSION = "v3.5.1+109ca7c"

CONN = Connection(
    servers=(SERVER,),
    auth_token=TOKEN,
    cf_access_client_id=CF_ID,
    cf_access_client_secret=CF_SECRET,
    retries=2,
)


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def client_for(conn: Connection = CONN, **changes: Any) -> ArgoClient:
    """A client that never sleeps between retries."""
    made = replace(conn, **changes)
    return ArgoClient(made, redactor=Redactor(made.secrets()), backoff_factor=0)


def add_probe(mock: responses.RequestsMock, server: str = SERVER, version: str = VERSION) -> None:
    """The two answers `connect()` needs from a healthy Argo CD with an accepted token."""
    mock.get(f"{server}/api/version", json={"Version": version})
    mock.get(
        f"{server}/api/v1/session/userinfo",
        json={"loggedIn": True, "username": "github-actions", "iss": "argocd"},
    )


def connected(mock: responses.RequestsMock, **changes: Any) -> ArgoClient:
    add_probe(mock)
    client = client_for(**changes)
    client.connect()
    return client


def argo_error(message: str, code: int) -> dict[str, Any]:
    """Argo CD's grpc-gateway error body."""
    return {"error": message, "code": code, "message": message}


def url_of(call: Any) -> str:
    return str(call.request.url)


def query(call: Any) -> list[tuple[str, str]]:
    """The query of a recorded request, as ordered pairs (keys may repeat)."""
    return parse_qsl(urlsplit(url_of(call)).query, keep_blank_values=True)


def path_of(call: Any) -> str:
    return urlsplit(url_of(call)).path


def application(
    name: str = "grafana",
    *,
    project: str = "monitoring",
    namespace: str = "argocd",
    sources: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An Application as the API returns it (no kind/apiVersion on list items)."""
    spec: dict[str, Any] = {
        "project": project,
        "destination": {"server": "https://kubernetes.default.svc", "namespace": "monitoring"},
    }
    repo = "https://github.com/example/lolice.git"
    if sources is None:
        spec["source"] = {"repoURL": repo, "path": f"argoproj/{name}", "targetRevision": "main"}
    else:
        spec["sources"] = sources
    return {
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
        "status": {
            "sync": {"status": "Synced", "revision": "abc123"},
            "health": {"status": "Healthy"},
        },
    }


def state(obj: dict[str, Any] | None) -> str:
    """An object as managed-resources sends it: a JSON string, `null` when absent."""
    return json.dumps(obj)
