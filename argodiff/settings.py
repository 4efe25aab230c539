"""Settings read once, at the edge (CLI flags and environment), into plain objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from argodiff.errors import ConfigError


class Mode(StrEnum):
    """Where the two sides of a comparison come from (the results' `mode`)."""

    REVISION = "revision"
    """Live state vs a git revision rendered by Argo CD."""
    LOCAL = "local"
    """Live state vs the checkout, rendered by argodiff."""
    CURRENT = "target"
    """Live state vs Argo CD's current target (what it would sync now)."""
    OFFLINE = "offline"
    """Base vs head, both rendered by argodiff; no Argo CD."""


DEFAULT_CONCURRENCY = {"app": 8, "pr": 32, "demo": 4}
"""How many apps each command diffs at once unless told otherwise. A PR may touch hundreds of
apps, so `pr` asks for 32 (kubechecks: 32, argocd-diff-preview: 40); `app` names a few;
`demo` renders a handful offline on a laptop."""
DEFAULT_REQUEST_TIMEOUT = 60.0


SERVER_SIDE_DIFF_POLICIES = ("auto", "always", "never")
"""`--server-side-diff`: follow each app's compare options, or force it on or off."""


@dataclass(frozen=True)
class Connection:
    """How to reach Argo CD's API server. Secrets live here and nowhere else."""

    servers: tuple[str, ...] = ()
    """Base URLs, tried in order (e.g. Tailscale first, the Cloudflare tunnel second)."""
    auth_token: str = field(default="", repr=False)
    cf_access_client_id: str = ""
    cf_access_client_secret: str = field(default="", repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    insecure: bool = False
    app_namespace: str = ""
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    retries: int = 4
    retry_backoff: float = 0.5
    """urllib3 Retry backoff factor, in seconds (0 in tests, so retries do not sleep)."""
    concurrency: int = DEFAULT_CONCURRENCY["app"]
    server_side_diff: str = "auto"
    """`auto` (each app's compare options), `always` or `never`: Argo CD's ServerSideDiff."""
    token_source: str = "ARGOCD_AUTH_TOKEN"
    """Where the token came from (`--auth-token`, the variable, an action input): messages
    name it."""
    access_source: str = "CF_ACCESS_CLIENT_ID / CF_ACCESS_CLIENT_SECRET"
    """Where the Cloudflare Access service token came from, likewise."""

    def secrets(self) -> list[str]:
        """Values that must never reach any output."""
        values = [self.auth_token, self.cf_access_client_secret]
        values += [v for k, v in self.headers if _looks_secret(k)]
        for server in self.servers:
            # `https://user:pw@host`: requests sends it as Basic auth, base64("user:pw").
            parts = urlsplit(server)
            if parts.password:
                values += [parts.password, f"{parts.username or ''}:{parts.password}"]
        return [v for v in values if v]


def _looks_secret(header: str) -> bool:
    h = header.lower()
    return any(s in h for s in ("secret", "token", "authorization", "cookie", "key"))


def normalize_server(value: str) -> str:
    """`host[:port]` means https; an explicit http:// or https:// URL is kept. No trailing /."""
    value = value.strip()
    if not value:
        raise ConfigError("empty Argo CD server address")
    if "://" not in value:
        value = "https://" + value
    scheme = value.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise ConfigError(f"Argo CD server {value!r}: only http:// and https:// are supported")
    return value.rstrip("/")


def parse_servers(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Repeated flags and comma-separated lists, in order, without duplicates."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                url = normalize_server(part)
                if url not in out:
                    out.append(url)
    return tuple(out)


def parse_header(value: str) -> tuple[str, str]:
    name, sep, val = value.partition(":")
    if not sep or not name.strip():
        raise ConfigError(f"--header {name.strip() or value!r}: expected 'Name: value'")
    return name.strip(), val.strip()
