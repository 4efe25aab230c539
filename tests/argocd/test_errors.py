"""Every way Argo CD (or Cloudflare in front of it) says no, and the message a user gets."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import responses

from argodiff.application import application_from_manifest
from argodiff.argocd import (
    AccessRejected,
    AppNotFound,
    ArgoError,
    ManifestGenerationFailed,
    PermissionDenied,
    RedirectRefused,
    ServerError,
    TokenRejected,
    UnexpectedAnswer,
    Unreachable,
)
from tests.argocd.conftest import (
    CF_SECRET,
    CONN,
    SERVER,
    TOKEN,
    VERSION,
    application,
    argo_error,
    client_for,
    connected,
)

ACCESS = (
    "Cloudflare Access rejected the request: check CF_ACCESS_CLIENT_ID / CF_ACCESS_CLIENT_SECRET"
    " and that the Access application has a Service Auth policy that includes this service token."
)
TOKEN_ADVICE = (
    ". Check ARGOCD_AUTH_TOKEN: it must be an API token of the github-actions account,"
    " not expired or revoked."
)
APP = application_from_manifest(application("grafana", project="monitoring"))
MANIFESTS = f"{SERVER}/api/v1/applications/grafana/manifests"
RESOURCES = f"{SERVER}/api/v1/applications/grafana/managed-resources"
CLOUDFLARE_403 = (
    "<!DOCTYPE html>\n<html><head><title>Access denied | argocd.example.com</title></head></html>"
)


def failure(mock: responses.RequestsMock, url: str, **answer: Any) -> ArgoError:
    """The error an app call gets when `url` gives `answer`."""
    client = connected(mock)
    mock.get(url, **answer)
    with pytest.raises(ArgoError) as err:
        if url == MANIFESTS:
            client.manifests(APP, revision="abc")
        else:
            client.managed_resources(APP)
    return err.value


def test_401_names_argo_message_and_the_fix(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    answer = argo_error("invalid session: token is expired", 16)
    mock.get(f"{SERVER}/api/v1/settings", status=401, json=answer)

    with pytest.raises(TokenRejected) as err:
        client.settings()
    assert str(err.value) == (
        "Argo CD rejected the token (401): invalid session: token is expired" + TOKEN_ADVICE
    )


def test_cloudflare_login_redirect(mock: responses.RequestsMock) -> None:
    login = (
        "https://lolice.cloudflareaccess.com/cdn-cgi/access/login/argocd.example.com"
        "?kid=abc&redirect_url=%2Fapi%2Fversion"
    )
    mock.get(f"{SERVER}/api/version", status=302, headers={"Location": login})

    with pytest.raises(AccessRejected) as err:
        client_for().connect()
    assert str(err.value) == ACCESS


def test_cloudflare_403_html_page(mock: responses.RequestsMock) -> None:
    error = failure(
        mock,
        RESOURCES,
        status=403,
        body=CLOUDFLARE_403,
        headers={"Server": "cloudflare", "CF-Ray": "8f0-NRT"},
        content_type="text/html; charset=UTF-8",
    )
    assert isinstance(error, AccessRejected)
    assert str(error) == f"app grafana: {ACCESS}"


def test_cloudflare_managed_oauth_401(mock: responses.RequestsMock) -> None:
    mock.get(
        f"{SERVER}/api/version",
        status=401,
        json={"error": "unauthorized"},
        headers={"WWW-Authenticate": 'Bearer realm="OAuth", error="invalid_token"'},
    )
    with pytest.raises(AccessRejected):
        client_for().connect()


def test_other_redirect_names_status_and_host(mock: responses.RequestsMock) -> None:
    error = failure(mock, RESOURCES, status=307, headers={"Location": "https://sso.example.org/"})
    assert isinstance(error, RedirectRefused)
    assert str(error) == (
        "app grafana: unexpected redirect from /api/v1/applications/grafana/managed-resources"
        " (HTTP 307 to sso.example.org): redirects are not followed; check the Argo CD server"
        " address (scheme, host, path)"
    )


def test_permission_denied_names_the_rbac_needed(mock: responses.RequestsMock) -> None:
    error = failure(mock, RESOURCES, status=403, json=argo_error("permission denied", 7))
    assert isinstance(error, PermissionDenied)
    assert str(error) == (
        "app grafana: permission denied for application grafana: the account needs"
        " `applications, get` on monitoring/grafana (role:readonly grants it)"
    )


def test_permission_denied_without_project_says_it_may_not_exist(
    mock: responses.RequestsMock,
) -> None:
    client = connected(mock)
    mock.get(
        f"{SERVER}/api/v1/applications/ghost", status=403, json=argo_error("permission denied", 7)
    )

    with pytest.raises(PermissionDenied) as err:
        client.get_application("ghost")
    assert str(err.value) == (
        "app ghost: permission denied for application ghost: the account needs"
        " `applications, get` on */ghost (role:readonly grants it); Argo CD answers the same"
        " when the application does not exist"
    )


NOT_FOUND = argo_error('applications.argoproj.io "grafana" not found', 5)


@pytest.mark.parametrize("url", [RESOURCES, MANIFESTS])
def test_404_is_app_not_found(mock: responses.RequestsMock, url: str) -> None:
    error = failure(mock, url, status=404, json=NOT_FOUND)
    assert isinstance(error, AppNotFound)
    assert str(error) == (
        "app grafana: application grafana not found in Argo CD"
        " (project monitoring, namespace argocd)"
    )


@pytest.mark.parametrize(
    ("status", "detail"),
    [
        (
            500,
            "Manifest generation error (cached): `kustomize build <path>/argoproj/grafana` failed"
            " exit status 1: Error: accumulating resources: missing.yaml: no such file",
        ),
        (404, "repository not found"),  # codes.NotFound from the repo-server
    ],
)
def test_manifest_generation_error_quotes_argo(
    mock: responses.RequestsMock, status: int, detail: str
) -> None:
    error = failure(mock, MANIFESTS, status=status, json=argo_error(detail, 2))
    assert isinstance(error, ManifestGenerationFailed)
    assert str(error) == f"app grafana: Argo CD could not generate manifests for grafana: {detail}"


def test_5xx_elsewhere_is_an_argo_error(mock: responses.RequestsMock) -> None:
    answer = argo_error("error getting cached app managed resources: redis down", 13)
    error = failure(mock, RESOURCES, status=500, json=answer)
    assert isinstance(error, ServerError)
    assert str(error) == (
        "app grafana: Argo CD error (HTTP 500):"
        " error getting cached app managed resources: redis down"
    )


@pytest.mark.parametrize(
    ("status", "body", "content_type", "shown"),
    [
        (
            200,
            "<!doctype html>\n<html lang=en>",
            "text/html",
            "(HTTP 200, text/html): <!doctype html>",
        ),
        (
            200,
            '{"manifests": ["{\\"kind',
            "application/json",
            '(HTTP 200, application/json): {"manifests": ["{\\"kind',
        ),
        (
            200,
            '["not", "an", "object"]',
            "application/json",
            '(HTTP 200, application/json): ["not", "an", "object"]',
        ),
        (404, "Not Found\n", "text/plain", "(HTTP 404, text/plain): Not Found"),
        (200, "", "", "(HTTP 200, no content-type): (empty body)"),
    ],
)
def test_non_json_answers(
    mock: responses.RequestsMock, status: int, body: str, content_type: str, shown: str
) -> None:
    client = connected(mock)
    mock.add(
        responses.Response(
            "GET", MANIFESTS, status=status, body=body, content_type=content_type or None
        )
    )

    with pytest.raises(UnexpectedAnswer) as err:
        client.manifests(APP)
    assert str(err.value) == (
        f"app grafana: unexpected answer from /api/v1/applications/grafana/manifests {shown}"
    )


def test_long_first_line_is_trimmed(mock: responses.RequestsMock) -> None:
    error = failure(mock, MANIFESTS, status=200, body="x" * 5000, content_type="text/plain")
    assert str(error).endswith(": " + "x" * 199 + "…")


def test_unreachable_after_connect(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    mock.get(RESOURCES, body=requests.ConnectionError("Connection reset by peer"))

    with pytest.raises(Unreachable) as err:
        client.managed_resources(APP)
    assert str(err.value) == f"app grafana: {SERVER} did not answer: the connection was reset"


def test_secrets_never_reach_errors_or_reprs(mock: responses.RequestsMock) -> None:
    """Even an answer that echoes the credentials back is scrubbed."""
    echo = f"bad header Authorization: Bearer {TOKEN}; CF-Access-Client-Secret: {CF_SECRET}"
    client = connected(mock)
    failures: list[Exception] = []
    answers: list[dict[str, object]] = [
        {"status": 401, "json": argo_error(echo, 16)},
        {"status": 500, "json": argo_error(echo, 2)},
        {"status": 400, "json": argo_error(echo, 3)},
        {"status": 200, "body": echo, "content_type": "text/plain"},
        {"status": 502, "body": echo, "content_type": f"text/{TOKEN}"},
        {"status": 302, "headers": {"Location": f"https://{CF_SECRET}.example.org/"}},
        {"body": requests.ConnectionError(echo)},
    ]
    for answer in answers:
        mock.upsert("GET", MANIFESTS, **answer)  # type: ignore[arg-type]
        with pytest.raises(ArgoError) as err:
            client.manifests(APP)
        failures.append(err.value)
    mock.upsert("GET", f"{SERVER}/api/v1/session/userinfo", body=requests.ConnectionError(echo))
    with pytest.raises(ArgoError) as err:
        client_for().connect()
    failures.append(err.value)

    assert len(failures) == len(answers) + 1
    for failure in failures:
        for text in (str(failure), repr(failure), repr(failure.args)):
            assert TOKEN not in text
            assert CF_SECRET not in text
    for text in (repr(client), repr(CONN.servers), client.server, client.version()):
        assert TOKEN not in text
        assert CF_SECRET not in text
    assert client.version() == VERSION
