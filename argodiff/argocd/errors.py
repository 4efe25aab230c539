"""Failures talking to Argo CD, each with the message a user sees (texts documented in
docs/argocd-client.md; keep them stable)."""

from __future__ import annotations

from argodiff.errors import AppError, ArgodiffError, RunError

TOKEN_SOURCE = "ARGOCD_AUTH_TOKEN"
ACCESS_SOURCE = "CF_ACCESS_CLIENT_ID / CF_ACCESS_CLIENT_SECRET"
"""Where the token and the service token came from, when nothing more precise is known: the
client names the option, variable or action input actually used (Connection)."""


def cloudflare_access_message(source: str = ACCESS_SOURCE) -> str:
    return (
        f"Cloudflare Access rejected the request: check {source} and that the Access"
        " application has a Service Auth policy that includes this service token."
    )


class ArgoError(ArgodiffError):
    """Any failure to get an answer out of Argo CD; the message never holds a secret. Each kind
    is also a `RunError` (Argo CD as a whole) or an `AppError` (one Application)."""


class TokenRejected(RunError, ArgoError):
    """Argo CD does not accept the API token (HTTP 401, or answers as to an anonymous caller)."""

    def __init__(self, detail: str, *, app: str = "", source: str = TOKEN_SOURCE) -> None:
        self.reason = detail
        super().__init__(
            f"Argo CD rejected the token (401): {detail}. Check {source}: it must be an"
            " API token of the github-actions account, not expired or revoked.",
            app=app,
        )


class AccessRejected(RunError, ArgoError):
    """Cloudflare Access stopped the request before it reached Argo CD."""

    def __init__(self, *, app: str = "", source: str = ACCESS_SOURCE) -> None:
        super().__init__(cloudflare_access_message(source), app=app)


class RedirectRefused(RunError, ArgoError):
    """A 3xx that is not Cloudflare's login page; argodiff never follows redirects."""

    def __init__(self, path: str, status: int, host: str, *, app: str = "") -> None:
        super().__init__(
            f"unexpected redirect from {path} (HTTP {status} to {host or 'no Location'}):"
            " redirects are not followed; check the Argo CD server address (scheme, host, path)",
            app=app,
        )


class PermissionDenied(AppError, ArgoError):
    """HTTP 403 `permission denied` from Argo CD's RBAC."""

    def __init__(self, name: str, project: str) -> None:
        message = (
            f"permission denied for application {name}: the account needs `applications, get`"
            f" on {project or '*'}/{name} (role:readonly grants it)"
        )
        if not project:
            # Without `project=`, Argo CD answers 403 for a missing app too, on purpose
            # (server/application/application.go getAppEnforceRBAC).
            message += "; Argo CD answers the same when the application does not exist"
        super().__init__(message, app=name)


class AppNotFound(AppError, ArgoError):
    """HTTP 404 for an Application."""

    def __init__(self, name: str, project: str, namespace: str) -> None:
        where = ", ".join(
            part
            for part in (
                f"project {project}" if project else "",
                f"namespace {namespace}" if namespace else "",
            )
            if part
        )
        suffix = f" ({where})" if where else ""
        super().__init__(f"application {name} not found in Argo CD{suffix}", app=name)


class ManifestGenerationFailed(AppError, ArgoError):
    """The manifests endpoint failed: Argo CD's repo-server could not render the app."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"Argo CD could not generate manifests for {name}: {detail}", app=name)


class ServerError(AppError, ArgoError):
    """Any other error Argo CD reports in its own `{"error", "message"}` shape."""

    def __init__(self, status: int, detail: str, *, app: str = "") -> None:
        self.status = status
        super().__init__(f"Argo CD error (HTTP {status}): {detail}", app=app)


class UnexpectedAnswer(AppError, ArgoError):
    """An answer that is not the JSON Argo CD's API gives (HTML, truncated, wrong shape)."""

    def __init__(
        self, path: str, detail: str, *, status: int = 0, content_type: str = "", app: str = ""
    ) -> None:
        what = f" (HTTP {status}, {content_type or 'no content-type'})" if status else ""
        super().__init__(f"unexpected answer from {path}{what}: {detail}", app=app)


class Unreachable(RunError, ArgoError):
    """No answer from a server after the retries: connection error, timeout, proxy 5xx."""

    def __init__(self, server: str, reason: str, *, app: str = "") -> None:
        self.server = server
        self.reason = reason
        super().__init__(f"{server} did not answer: {reason}", app=app)


class NoServerAnswered(RunError, ArgoError):
    """None of the configured servers answered."""

    def __init__(self, failures: list[Unreachable]) -> None:
        self.failures = failures
        if not failures:
            message = "no Argo CD server is configured"
        else:
            listed = "; ".join(f"{f.server}: {f.reason}" for f in failures)
            message = f"no Argo CD server answered ({listed})"
        super().__init__(message)


class ServerSideDiffDenied(PermissionDenied):
    """gRPC PermissionDenied from ServerSideDiff (RBAC `applications, get`, or a live resource
    Argo CD does not count among the app's managed resources)."""

    def __init__(self, name: str, project: str, detail: str) -> None:
        ArgoError.__init__(
            self,
            f"permission denied for the server-side diff of application {name}: the account"
            f" needs `applications, get` on {project or '*'}/{name} (role:readonly grants it);"
            f" Argo CD said: {detail}",
            app=name,
        )


class ServerSideDiffUnsupported(ArgoError):
    """gRPC Unimplemented: the server predates ServerSideDiff (Argo CD v3.2)."""

    def __init__(self, server: str, *, app: str = "") -> None:
        super().__init__(
            f"{server} does not offer ServerSideDiff (it needs Argo CD v3.2 or later):"
            " run with --server-side-diff never to diff this app client-side",
            app=app,
        )


class GrpcFailed(ArgoError):
    """Any other non-OK gRPC status."""

    def __init__(self, method: str, code: int, name: str, detail: str, *, app: str = "") -> None:
        self.code = code
        super().__init__(f"Argo CD {method} failed (gRPC {name}, code {code}): {detail}", app=app)
