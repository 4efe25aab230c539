"""connect(): probing, falling back between servers, what every request carries."""

from __future__ import annotations

import pytest
import requests
import responses

from argodiff import __version__
from argodiff.application import application_from_manifest
from argodiff.argocd import ArgoClient, NoServerAnswered, RedirectRefused, TokenRejected
from argodiff.redact import Redactor
from argodiff.settings import Connection
from tests.argocd.conftest import (
    CF_ID,
    CF_SECRET,
    CONN,
    SERVER,
    TAILNET,
    TOKEN,
    VERSION,
    add_probe,
    application,
    client_for,
    path_of,
    url_of,
)


def test_connect_returns_the_server_and_version(mock: responses.RequestsMock) -> None:
    add_probe(mock)
    events: list[str] = []
    client = ArgoClient(
        CONN, redactor=Redactor(CONN.secrets()), on_event=events.append, backoff_factor=0
    )

    assert client.server == ""
    assert client.connect() == SERVER
    assert client.server == SERVER
    assert client.version() == VERSION
    assert events == [f"Argo CD {VERSION} at {SERVER}"]
    # The two probes go out together: either may arrive first.
    assert sorted(path_of(c) for c in mock.calls) == ["/api/v1/session/userinfo", "/api/version"]


def test_connect_twice_probes_once(mock: responses.RequestsMock) -> None:
    add_probe(mock)
    client = client_for()
    client.connect()
    client.connect()
    assert len(mock.calls) == 2


def test_first_call_connects_by_itself(mock: responses.RequestsMock) -> None:
    add_probe(mock)
    assert client_for().version() == VERSION


def test_every_request_carries_token_access_headers_and_user_agent(
    mock: responses.RequestsMock,
) -> None:
    add_probe(mock)
    client_for(headers=(("X-Extra", "yes"),)).connect()

    for call in mock.calls:
        headers = call.request.headers
        assert headers["Authorization"] == f"Bearer {TOKEN}"
        assert headers["CF-Access-Client-Id"] == CF_ID
        assert headers["CF-Access-Client-Secret"] == CF_SECRET
        assert headers["User-Agent"] == f"argodiff/{__version__}"
        assert headers["X-Extra"] == "yes"


def test_no_access_headers_without_a_service_token(mock: responses.RequestsMock) -> None:
    add_probe(mock)
    client_for(cf_access_client_id="", cf_access_client_secret="").connect()
    assert "CF-Access-Client-Id" not in mock.calls[0].request.headers
    assert "CF-Access-Client-Secret" not in mock.calls[0].request.headers


def test_rejected_token_at_userinfo(mock: responses.RequestsMock) -> None:
    mock.get(f"{SERVER}/api/version", json={"Version": VERSION})
    mock.get(f"{SERVER}/api/v1/session/userinfo", json={})  # Argo CD's answer to a bad token

    with pytest.raises(TokenRejected) as err:
        client_for().connect()
    assert str(err.value).startswith("Argo CD rejected the token (401): ")
    assert str(err.value).endswith(
        ". Check ARGOCD_AUTH_TOKEN: it must be an API token of the github-actions account,"
        " not expired or revoked."
    )


def test_no_token_at_all(mock: responses.RequestsMock) -> None:
    mock.get(f"{SERVER}/api/version", json={"Version": VERSION})
    mock.get(f"{SERVER}/api/v1/session/userinfo", json={})

    with pytest.raises(TokenRejected) as err:
        client_for(auth_token="").connect()
    assert str(err.value).startswith("Argo CD rejected the token (401): no token was sent. Check")
    assert "Authorization" not in mock.calls[0].request.headers


def test_falls_back_from_an_unreachable_server(mock: responses.RequestsMock) -> None:
    mock.get(f"{TAILNET}/api/version", body=requests.ConnectionError("Connection refused"))
    add_probe(mock)
    events: list[str] = []
    conn = Connection(servers=(TAILNET, SERVER), auth_token=TOKEN)
    client = ArgoClient(
        conn, redactor=Redactor(conn.secrets()), on_event=events.append, backoff_factor=0
    )

    assert client.connect() == SERVER
    assert events[0] == (
        f"argocd.tailnet.ts.net:443 unreachable (Connection refused); trying {SERVER}"
    )
    # Later calls go to the server that answered.
    mock.get(f"{SERVER}/api/v1/settings", json={"controllerNamespace": "argocd"})
    client.settings()
    assert url_of(mock.calls[-1]).startswith(f"{SERVER}/api/v1/settings")


def test_falls_back_when_the_tunnel_gives_up(mock: responses.RequestsMock) -> None:
    """A Cloudflare 524 (origin timeout) after every retry counts as unreachable."""
    mock.get(f"{SERVER}/api/version", status=524, body="error code: 524")
    add_probe(mock, TAILNET)
    client = client_for(servers=(SERVER, TAILNET))

    assert client.connect() == TAILNET
    version = f"{SERVER}/api/version"
    assert len([c for c in mock.calls if url_of(c).startswith(version)]) == 3  # 1 + 2 retries


def test_no_server_answered_lists_each_server_and_why(mock: responses.RequestsMock) -> None:
    mock.get(f"{TAILNET}/api/version", body=requests.ConnectionError("Connection refused"))
    mock.get(f"{SERVER}/api/version", status=502, body="<html>Bad gateway</html>")

    with pytest.raises(NoServerAnswered) as err:
        client_for(servers=(TAILNET, SERVER)).connect()
    assert str(err.value) == (
        f"no Argo CD server answered ({TAILNET}: Connection refused;"
        f" {SERVER}: HTTP 502 (bad gateway))"
    )


def test_a_rejected_token_does_not_fall_back(mock: responses.RequestsMock) -> None:
    """Only unreachable servers pass the turn: a bad token is the same on every route."""
    mock.get(f"{TAILNET}/api/version", json={"Version": VERSION})
    mock.get(f"{TAILNET}/api/v1/session/userinfo", json={})
    add_probe(mock)

    with pytest.raises(TokenRejected):
        client_for(servers=(TAILNET, SERVER)).connect()
    assert all(url_of(c).startswith(TAILNET) for c in mock.calls)


def test_no_servers_configured() -> None:
    with pytest.raises(NoServerAnswered) as err:
        client_for(servers=()).connect()
    assert str(err.value) == "no Argo CD server is configured"


def test_redirects_are_not_followed(mock: responses.RequestsMock) -> None:
    mock.get(
        "http://argocd.example.com/api/version",
        status=301,
        headers={"Location": "https://argocd.example.com/api/version"},
    )
    add_probe(mock)

    with pytest.raises(RedirectRefused) as err:
        client_for(servers=("http://argocd.example.com",)).connect()
    assert str(err.value) == (
        "unexpected redirect from /api/version (HTTP 301 to argocd.example.com): redirects are"
        " not followed; check the Argo CD server address (scheme, host, path)"
    )
    # The https URL was never requested (userinfo goes out beside version, to the same URL).
    assert not [c for c in mock.calls if url_of(c).startswith("https://")]


def test_repr_and_links_hide_credentials_in_urls() -> None:
    client = client_for(servers=("https://user:pa55word@argocd.example.com",))
    assert "pa55word" not in repr(client)
    app = application_from_manifest(application("grafana", namespace="argocd"))
    assert client.app_url(app) == "https://argocd.example.com/applications/argocd/grafana"
