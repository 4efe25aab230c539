"""Turn one HTTP answer into Argo CD's JSON object, or into the ArgoError that explains it.

Argo CD's API (grpc-gateway v1.16) answers errors as JSON `{"error","code","message"}`;
Cloudflare Access answers with redirects to its login page or HTML pages
(docs: /work/shared/reference/argocd-api.md §1.9 and §7).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from argodiff.argocd import errors

CLOUDFLARE_LOGIN_PATH = "/cdn-cgi/access/login"
"""cloudflared recognises an Access rejection by this Location path (carrier.IsAccessResponse)."""

PROXY_FAILURES = {
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
    524: "Cloudflare gave up waiting for the origin",
}
"""Statuses a proxy in front of Argo CD (Cloudflare, the tunnel) gives when the origin is away."""

FIRST_LINE_LIMIT = 200
SCRUB_BYTES = 1 << 20
"""How much of a non-JSON body is read (and scrubbed) to find its first line."""

Scrub = Callable[[str], str]


@dataclass(frozen=True)
class Subject:
    """What a request is about, so that an error can name it."""

    app: str = ""
    project: str = ""
    namespace: str = ""
    manifests: bool = False
    """The manifests endpoint: a 5xx there is a manifest-generation failure."""


NO_SUBJECT = Subject()
"""A request about no app in particular (version, settings, the list)."""


def read_json(
    resp: requests.Response, server: str, subject: Subject, scrub: Scrub
) -> dict[str, Any]:
    """The JSON object of a 2xx answer; any other answer raises the matching ArgoError."""
    status = resp.status_code
    path = urlsplit(resp.url).path or "/"
    app = subject.app
    if 300 <= status < 400:
        location = resp.headers.get("Location", "")
        if CLOUDFLARE_LOGIN_PATH in location:
            raise errors.AccessRejected(app=app)
        # netloc, not hostname: hostname lowercases, which could hide a secret from scrub().
        host = urlsplit(location).netloc.rpartition("@")[2] or urlsplit(server).netloc
        raise errors.RedirectRefused(path, status, scrub(host), app=app)
    body = _json_object(resp.content)
    if 200 <= status < 300 and body is not None:
        return body
    message = _argo_message(body)
    if status == 401 and "oauth" in resp.headers.get("WWW-Authenticate", "").lower():
        # Cloudflare Access apps with Managed OAuth answer 401 with this challenge (§7).
        raise errors.AccessRejected(app=app)
    if status == 403 and message is None and _is_html(resp):
        raise errors.AccessRejected(app=app)
    if message is not None:
        raise _argo_error(status, scrub(message), subject)
    if status in PROXY_FAILURES:
        raise errors.Unreachable(server, f"HTTP {status} ({PROXY_FAILURES[status]})", app=app)
    raise errors.UnexpectedAnswer(
        path,
        _first_line(scrub(resp.content[:SCRUB_BYTES].decode("utf-8", "replace"))),
        status=status,
        content_type=scrub(resp.headers.get("Content-Type", "")),
        app=app,
    )


def _argo_error(status: int, message: str, subject: Subject) -> Exception:
    """Map Argo CD's own error to its message; statuses per grpc-gateway HTTPStatusFromCode."""
    app = subject.app
    if status == 401:
        return errors.TokenRejected(message, app=app)
    if status == 403 and app and message.startswith("permission denied"):
        return errors.PermissionDenied(app, subject.project)
    # The app-not-found message is Kubernetes' `applications.argoproj.io "x" not found`; the
    # manifests endpoint also answers 404 for a missing repository (codes.NotFound).
    if status == 404 and app and (not subject.manifests or "applications.argoproj.io" in message):
        return errors.AppNotFound(app, subject.project, subject.namespace)
    if subject.manifests and (status >= 500 or status == 404):
        return errors.ManifestGenerationFailed(app, message)
    return errors.ServerError(status, message, app=app)


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(content)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _argo_message(body: dict[str, Any] | None) -> str | None:
    """Argo CD's error text, if the body has the grpc-gateway error shape."""
    if body is None:
        return None
    for key in ("message", "error"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _is_html(resp: requests.Response) -> bool:
    content_type = resp.headers.get("Content-Type", "").lower()
    return "html" in content_type or resp.content.lstrip()[:1] == b"<"


def _first_line(text: str) -> str:
    """The first non-blank line, cut short. The caller scrubs first: a cut could split a
    secret the server echoed, and a split secret no longer matches the scrubber."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if not line:
        return "(empty body)"
    return line if len(line) <= FIRST_LINE_LIMIT else line[: FIRST_LINE_LIMIT - 1] + "…"
