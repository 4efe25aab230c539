"""The one HTTP session argodiff uses for Argo CD: headers, retries, pooling, failures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import BaseHTTPResponse
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import MaxRetryError, NewConnectionError, SSLError
from urllib3.util.retry import Retry

from argodiff import __version__
from argodiff.argocd import bounded
from argodiff.argocd.answers import NO_SUBJECT, Subject, read_json
from argodiff.argocd.errors import UnexpectedAnswer, Unreachable
from argodiff.limits import LIMITS
from argodiff.redact import Redactor
from argodiff.settings import Connection

RETRY_STATUSES = frozenset({429, 502, 503, 504, 524})
"""Rate limiting and a proxy that could not reach Argo CD: worth another try."""
DEFAULT_BACKOFF = 0.5
BACKOFF_MAX = 20.0
"""Cap on one wait between tries, Retry-After included."""

Params = Sequence[tuple[str, str]]
"""Query parameters as pairs; a key may repeat (grpc-gateway `collectionFormat: multi`)."""


class _BoundedRetry(Retry):
    """urllib3's Retry, with a server's Retry-After capped like the backoff, and no retry where
    another try would fail the same way: a refused connection, an unknown host, a TLS error.
    Resets, timeouts and RETRY_STATUSES are retried."""

    def get_retry_after(self, response: Any) -> float | None:
        after = super().get_retry_after(response)
        return None if after is None else min(after, self.backoff_max)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        # NewConnectionError (refused, no such host) is a ConnectTimeoutError to urllib3, so it
        # would be retried as a timeout; a connect that really timed out is not one.
        if isinstance(error, SSLError) or (
            isinstance(error, NewConnectionError) and "timed out" not in str(error).lower()
        ):
            raise MaxRetryError(cast(ConnectionPool, _pool), url or "", error) from error
        return super().increment(method, url, response, error, _pool, _stacktrace)


def public_url(url: str) -> str:
    """The URL without any user:password part, fit for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def host_port(url: str) -> str:
    """`host:port` of a URL, with the scheme's default port spelled out."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


class Transport:
    """GETs JSON from Argo CD; safe to share between threads (one pooled session)."""

    def __init__(
        self,
        conn: Connection,
        *,
        redactor: Redactor,
        session: requests.Session | None = None,
        backoff_factor: float = DEFAULT_BACKOFF,
    ) -> None:
        self._timeout = conn.request_timeout
        # --request-timeout bounds each try as a whole, not each read; the retries get theirs.
        self._deadline = conn.request_timeout * (max(conn.retries, 0) + 1)
        self._max_bytes = LIMITS.response_bytes
        self._verify = not conn.insecure
        # The run's one Redactor (the CLI's Environment): it already knows this connection's
        # secrets, and error text is scrubbed here, before it is cut short (answers.py).
        self._redactor = redactor
        self._headers = _headers(conn)
        retry = _BoundedRetry(
            total=max(conn.retries, 0),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff_factor,
            backoff_max=BACKOFF_MAX,
            respect_retry_after_header=True,
            allowed_methods=frozenset({"GET"}),
            # The last answer is mapped to a readable error instead of urllib3's RetryError.
            raise_on_status=False,
            raise_on_redirect=False,
        )
        # `concurrency` apps at once, each with its (up to) three requests in flight, share this
        # one session: a connection for each, plus the run's own (settings).
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=3 * max(conn.concurrency, 1) + 2)
        self._session = session or requests.Session()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def get_json(
        self, server: str, path: str, params: Params = (), subject: Subject = NO_SUBJECT
    ) -> dict[str, Any]:
        """GET `server + path`; the JSON object of a 2xx answer, else an ArgoError."""
        resp = self._send("GET", server, path, subject, params=list(params))
        return read_json(resp, public_url(server), subject, self.scrub)

    def post(
        self,
        server: str,
        path: str,
        body: bytes,
        headers: dict[str, str],
        subject: Subject = NO_SUBJECT,
    ) -> requests.Response:
        """POST `body` (gRPC-web) with the same headers, timeout and TLS as every GET, plus
        `headers`; the answer as it came (POSTs are never retried)."""
        return self._send("POST", server, path, subject, data=body, extra=headers)

    def _send(
        self,
        method: str,
        server: str,
        path: str,
        subject: Subject,
        *,
        params: list[tuple[str, str]] | None = None,
        data: bytes | None = None,
        extra: dict[str, str] | None = None,
    ) -> requests.Response:
        def call() -> requests.Response:
            return self._session.request(
                method,
                server + path,
                params=params,
                data=data,
                headers={**self._headers, **(extra or {})},
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=False,
                stream=True,
            )

        try:
            return bounded.fetch(call, max_bytes=self._max_bytes, seconds=self._deadline)
        except bounded.AnswerTooLarge:
            raise UnexpectedAnswer(
                path,
                f"the answer is larger than {self._max_bytes:,} bytes (decompressed): not read",
                app=subject.app,
            ) from None
        except requests.exceptions.ChunkedEncodingError as exc:
            if "IncompleteRead" not in str(exc):
                raise Unreachable(
                    public_url(server), "the connection broke off mid-answer", app=subject.app
                ) from None
            # The server (or a proxy) sent fewer bytes than it announced.
            raise UnexpectedAnswer(
                path, "the answer was cut short (truncated body)", app=subject.app
            ) from None
        except requests.RequestException as exc:
            raise Unreachable(
                public_url(server), self.scrub(failure_reason(exc, self._timeout)), app=subject.app
            ) from None

    def scrub(self, text: str) -> str:
        """`text` with every known secret masked, plain or base64 (Basic auth)."""
        return self._redactor.scrub(text)

    def close(self) -> None:
        self._session.close()


def _headers(conn: Connection) -> dict[str, str]:
    headers = {"User-Agent": f"argodiff/{__version__}", "Accept": "application/json"}
    if conn.auth_token:
        headers["Authorization"] = f"Bearer {conn.auth_token}"
    # Cloudflare Access service token: both headers on every request (§7).
    if conn.cf_access_client_id:
        headers["CF-Access-Client-Id"] = conn.cf_access_client_id
    if conn.cf_access_client_secret:
        headers["CF-Access-Client-Secret"] = conn.cf_access_client_secret
    headers.update(conn.headers)
    return headers


_OBJECT_PREFIX = re.compile(r"^(<[^>]*>|\w+\([^)]*\)):\s*")
"""urllib3 names the connection object first: `HTTPConnection(host=…, port=…): …`."""
_ERRNO = re.compile(r"\[Errno -?\d+\]\s*")
_NEW_CONNECTION = "Failed to establish a new connection: "


def failure_reason(exc: requests.RequestException, timeout: float) -> str:
    """A short reason for a request that got no answer (`Connection refused`, `no answer…`)."""
    if isinstance(exc, requests.Timeout):  # a read, or the whole request (DeadlineExpired)
        return f"no answer within {timeout:g} s"
    cause: object = exc.args[0] if exc.args else exc
    if isinstance(cause, MaxRetryError) and cause.reason is not None:
        cause = cause.reason
    text = str(cause)
    if "timed out" in text.lower():
        return f"no answer within {timeout:g} s"
    # urllib3 wraps these in reprs such as ('Connection aborted.', ConnectionResetError(104, …)).
    if "ConnectionResetError" in text or "Connection reset" in text:
        return "the connection was reset"
    if "RemoteDisconnected" in text:
        return "the server closed the connection without answering"
    text = _ERRNO.sub("", _OBJECT_PREFIX.sub("", text)).removeprefix(_NEW_CONNECTION)
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS error: {text}{tls_hint(text)}"
    return text or type(exc).__name__


def tls_hint(text: str) -> str:
    """What to try after a TLS failure, from OpenSSL's reason."""
    if "WRONG_VERSION_NUMBER" in text or "record layer failure" in text:
        # A TLS hello answered in plain HTTP: the server (or port) does not speak TLS.
        return " (the server answers plain HTTP: give it as http://HOST:PORT)"
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return (
            " (the certificate is not trusted: set REQUESTS_CA_BUNDLE to a file holding its CA,"
            " or pass --insecure to skip verification)"
        )
    return ""
