"""Retries with bounded backoff, against mocked answers and real sockets on 127.0.0.1."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator

import pytest
import responses
from urllib3 import HTTPResponse

from argodiff.application import application_from_manifest
from argodiff.argocd import ArgoClient, NoServerAnswered, ServerError, Unreachable
from argodiff.argocd.http import BACKOFF_MAX, _BoundedRetry
from argodiff.redact import Redactor
from argodiff.settings import Connection
from tests.argocd.conftest import SERVER, application, client_for, connected
from tests.argocd.localserver import Answer, serve

APP = application_from_manifest(application("grafana"))
RESOURCES = f"{SERVER}/api/v1/applications/grafana/managed-resources"


def test_503_twice_then_success(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    mock.get(RESOURCES, status=503, body="upstream connect error")
    mock.get(RESOURCES, status=503, body="upstream connect error")
    mock.get(RESOURCES, json={"items": []})

    assert client.managed_resources(APP) == []
    assert len(mock.calls) == 2 + 3  # the probe, then 1 try + 2 retries


def test_429_with_retry_after_is_retried(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    mock.get(RESOURCES, status=429, headers={"Retry-After": "1"}, body="slow down")
    mock.get(RESOURCES, json={"items": []})

    assert client.managed_resources(APP) == []


def test_524_until_retries_run_out(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    mock.get(RESOURCES, status=524, body="error code: 524", content_type="text/plain")

    with pytest.raises(Unreachable) as err:
        client.managed_resources(APP)
    assert str(err.value) == (
        f"app grafana: {SERVER} did not answer:"
        " HTTP 524 (Cloudflare gave up waiting for the origin)"
    )
    assert len(mock.calls) == 2 + 3  # the probe, then 1 try + 2 retries


def test_argo_errors_are_not_retried(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    mock.get(RESOURCES, status=500, json={"error": "boom", "code": 13, "message": "boom"})

    with pytest.raises(ServerError):
        client.managed_resources(APP)
    assert len(mock.calls) == 2 + 1


def test_retry_after_is_capped() -> None:
    retry = _BoundedRetry(total=3, backoff_max=BACKOFF_MAX)
    answer = HTTPResponse(status=503, headers={"Retry-After": "3600"})
    assert retry.get_retry_after(answer) == BACKOFF_MAX


def test_real_503s_are_retried_by_urllib3() -> None:
    statuses = itertools.chain([503, 503], itertools.repeat(200))

    def answer(path: str) -> Answer:
        status = next(statuses)
        return status, {}, {"items": []} if status == 200 else {"oops": "not argo"}

    with serve(answer) as url:
        client = client_for(servers=(url,), retries=2)
        assert client.managed_resources(APP) == []
    assert next(statuses) == 200  # both 503s were used up


@pytest.fixture
def closed_port() -> Iterator[str]:
    """An address where nothing listens: connection refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    yield f"http://127.0.0.1:{port}"


@pytest.fixture
def silent_port() -> Iterator[str]:
    """An address that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_refused_then_a_real_server(closed_port: str) -> None:
    events: list[str] = []
    with serve(lambda path: (200, {}, {"items": []})) as url:
        conn = Connection(servers=(closed_port, url), retries=1)
        client = ArgoClient(
            conn, redactor=Redactor(conn.secrets()), on_event=events.append, backoff_factor=0
        )
        assert client.connect() == url
    port = closed_port.rsplit(":", 1)[1]
    assert events[0] == f"127.0.0.1:{port} unreachable (Connection refused); trying {url}"


def test_silent_server_times_out(silent_port: str) -> None:
    client = client_for(servers=(silent_port,), retries=0, request_timeout=0.2)
    with pytest.raises(NoServerAnswered) as err:
        client.connect()
    assert str(err.value) == f"no Argo CD server answered ({silent_port}: no answer within 0.2 s)"
