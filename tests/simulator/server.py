"""An Argo CD API server on 127.0.0.1, backed by a git repository (see docs/simulator.md)."""

from __future__ import annotations

import re
import select
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from argodiff.render import RenderOptions
from argodiff.render.buildoptions import parse_build_options
from argodiff.render.capabilities import Capabilities, FixedCapabilities
from tests.simulator import argo, grpcweb
from tests.simulator.cluster import Cluster, ManifestFailure, SimApp, Tracking
from tests.simulator.faults import Fault, FaultKind, Faults
from tests.simulator.kube import Obj, go_json
from tests.simulator.requestlog import LoggedRequest, RequestLog

ROUTES = (
    ("version", re.compile(r"/api/version")),
    ("userinfo", re.compile(r"/api/v1/session/userinfo")),
    ("settings", re.compile(r"/api/v1/settings")),
    ("cluster", re.compile(r"/api/v1/clusters/([^/]+)")),
    ("clusters", re.compile(r"/api/v1/clusters")),
    ("applications", re.compile(r"/api/v1/applications")),
    ("managed-resources", re.compile(r"/api/v1/applications/([^/]+)/managed-resources")),
    ("manifests", re.compile(r"/api/v1/applications/([^/]+)/manifests")),
    ("application", re.compile(r"/api/v1/applications/([^/]+)")),
)
UI_PAGE = b'<!doctype html><html lang="en"><head><title>Argo CD</title></head><body></body></html>'
MAX_HANG = 120.0
REASONS = {
    520: "Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
}


@dataclass
class Access:
    """Cloudflare Access in front of the server (off when `client_id` is empty)."""

    client_id: str = ""
    client_secret: str = ""
    rejection: str = "redirect"
    """`redirect` (302 to the login page, an identity policy) or `forbidden` (403 HTML, a
    Service-Auth policy)."""
    team: str = "team"
    aud: str = "5d7f1ab0c0ffee"


@dataclass
class Responder:
    """What one request gets back; built by the routes, sent by the handler."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, obj: Any) -> Responder:
        return cls(status, go_json(obj).encode())


class Simulator:
    """The simulated Argo CD; `start()` binds a free port, `url` is its base URL."""

    def __init__(
        self,
        repo: Path,
        *,
        synced: str = "HEAD",
        apps_dir: str = "argoproj",
        token: str = argo.DEFAULT_TOKEN,
        username: str = "github-actions",
        port: int = 0,
    ) -> None:
        self.settings = argo.Settings()
        self.clusters = [argo.ClusterInfo()]
        """The destination clusters Argo CD knows (the in-cluster one by default)."""
        self.cluster = Cluster(
            repo,
            synced=synced,
            apps_dir=apps_dir,
            tracking=Tracking(
                self.settings.tracking_method,
                self.settings.app_label_key,
                self.settings.installation_id,
            ),
        )
        self.token = token
        self.username = username
        self.access = Access()
        self.denied: set[str] = set()
        """Apps the token may not `get` (RBAC)."""
        self.webhook: grpcweb.Webhook | None = None
        """A mutating webhook the ServerSideDiff dry runs go through."""
        self.latency = 0.0
        """Seconds added to every request."""
        self.render_delay = 0.0
        """Seconds added to every manifests request (the repo-server's work)."""
        self.faults = Faults()
        self.log = RequestLog()
        self.server_errors: list[str] = []
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self._inflight = 0
        self._port = port
        self.sync_render_options()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Simulator:
        httpd = _Server(("127.0.0.1", self._port), _Handler)
        httpd.sim = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        self.cluster.close()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "not started"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- test API ----------------------------------------------------------------------------

    def fault(self, kind: FaultKind | str, **kwargs: Any) -> Fault:
        return self.faults.add(Fault(FaultKind(kind), **kwargs))

    def drift(self, app: str, kind: str, name: str, patch: Obj, namespace: str = "") -> None:
        self.cluster.drift(app, kind, name, patch, namespace)

    def deny(self, app: str) -> None:
        self.denied.add(app)

    def override(self, key: str, override: argo.Override) -> None:
        """Add a settings resourceOverrides entry (`apps/Deployment`, `Service`, `*/*`)."""
        self.settings.overrides[key] = override
        self.cluster.ignore_rules = self.settings.ignore_rules()

    def set_tracking(
        self, method: str, label_key: str = "app.kubernetes.io/instance", installation_id: str = ""
    ) -> None:
        """Argo CD's `application.resourceTrackingMethod` (`annotation`, `label`,
        `annotation+label`), app label key and installation id: settings and renders follow."""
        self.settings.tracking_method = method
        self.settings.app_label_key = label_key
        self.settings.installation_id = installation_id
        self.cluster.set_tracking(Tracking(method, label_key, installation_id))

    def sync_render_options(self) -> None:
        """Render as the repo-server is told to: the in-cluster destination's capabilities and
        the settings' kustomize build options (call after changing either)."""
        info = self.clusters[0] if self.clusters else None
        caps = (
            Capabilities(f"v{info.server_version}", info.api_versions) if info is not None else None
        )
        self.cluster.set_render_options(
            RenderOptions(
                capabilities=FixedCapabilities(caps),
                build_options=parse_build_options(
                    self.settings.kustomize_build_options, "settings"
                ),
            )
        )

    def reset(self) -> None:
        """Back to a synced cluster and default settings with no faults, denials, latency or
        log (between tests), once the requests still in flight (a hang the client gave up
        on) have ended."""
        with self._idle:
            self._idle.wait_for(lambda: self._inflight == 0, timeout=MAX_HANG)
        if self.settings != argo.Settings() or self.clusters != [argo.ClusterInfo()]:
            self.settings = argo.Settings()
            self.clusters = [argo.ClusterInfo()]
            self.cluster.set_tracking(Tracking())
            self.cluster.ignore_rules = self.settings.ignore_rules()
            self.sync_render_options()
        self.cluster.apply_mode.clear()
        self.faults.clear()
        self.denied.clear()
        self.webhook = None
        self.latency = self.render_delay = 0.0
        self.access = Access()
        self.cluster.clear_drift()
        self.server_errors.clear()
        self.log.clear()

    # --- request handling --------------------------------------------------------------------

    def logged_in(self, headers: dict[str, str]) -> tuple[bool, str]:
        """(ok, reason) the way server.go getToken finds a token: gRPC metadata header,
        then `Authorization: Bearer`, then the `argocd.token` cookie."""
        token = headers.get("grpc-metadata-token") or headers.get("token")
        auth = headers.get("authorization", "")
        if not token and auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ")
        if not token:
            cookies = dict(
                c.strip().split("=", 1) for c in headers.get("cookie", "").split(";") if "=" in c
            )
            token = cookies.get("argocd.token", "")
        if not token:
            return False, "no session information"
        if token.count(".") != 2:
            return False, "invalid session: token contains an invalid number of segments"
        if token != self.token:
            return False, "invalid session: token signature is invalid"
        return True, ""

    def cloudflare(self, headers: dict[str, str], target: str) -> Responder | None:
        """Cloudflare Access's answer when the service token is missing or wrong."""
        a = self.access
        if not a.client_id or (
            headers.get("cf-access-client-id") == a.client_id
            and headers.get("cf-access-client-secret") == a.client_secret
        ):
            return None
        return self.access_rejection(headers, target, a.rejection)

    def access_rejection(self, headers: dict[str, str], target: str, rejection: str) -> Responder:
        a = self.access
        host = headers.get("host", "127.0.0.1").split(":")[0]
        if rejection == "redirect":
            location = (
                f"https://{a.team}.cloudflareaccess.com/cdn-cgi/access/login/{host}"
                f"?kid={a.aud}&redirect_url={quote(target, safe='')}"
            )
            return Responder(302, b"", "text/html", {"Location": location})
        page = (
            "<!DOCTYPE html><html><head><title>Forbidden</title></head><body>"
            "<h1>Forbidden</h1><p>You don't have permission to view this application.</p>"
            f"<p>Cloudflare Access - {host}</p></body></html>"
        )
        return Responder(403, page.encode(), "text/html; charset=UTF-8")

    def answer(
        self,
        route: str,
        app_name: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes = b"",
    ) -> Responder:
        """Argo CD's own answer (after Cloudflare and faults)."""
        if route == "ui":
            return Responder(200, UI_PAGE, "text/html; charset=utf-8")
        if route == "other-api":
            return Responder(404, b"Not Found\n", "text/plain; charset=utf-8")
        logged_in, reason = self.logged_in(headers)
        if route == grpcweb.ROUTE:
            got = grpcweb.server_side_diff(self, body, logged_in, reason)
            return Responder(200, got.body, got.content_type, got.headers)
        if route == "version":
            return Responder.json(200, self.settings.version_body(logged_in))
        if route == "userinfo":
            return Responder.json(200, argo.userinfo(logged_in, self.username))
        if route == "settings":
            return Responder.json(200, self.settings.body(logged_in))
        if not logged_in:
            return Responder.json(401, argo.error_body(reason, 16))
        if route == "applications":
            return Responder.json(200, self._list(query))
        if route == "cluster":
            return self._cluster(app_name, _one(query, "id.type"))
        if route == "clusters":
            count = len(self.cluster.apps())
            return Responder.json(200, {"items": [c.body(count) for c in self.clusters]})
        app, refusal = self._lookup(app_name, route, query)
        if app is None:
            assert refusal is not None
            return refusal
        if route == "application":
            return Responder.json(200, argo.application(app, self.cluster))
        try:
            if route == "managed-resources":
                return Responder.json(200, {"items": self._managed(app, query)})
            return Responder.json(200, {"manifests": self._manifests(app, query)})
        except ManifestFailure as exc:
            message = f"rpc error: code = Unknown desc = {exc}"
            return Responder.json(500, argo.error_body(message, 2))

    def _cluster(self, value: str, id_type: str) -> Responder:
        """ClusterService.Get: by server URL (any id.type but `name`) or by name; an unknown
        cluster is a permission error, as Argo CD answers (it does not say what exists)."""
        for info in self.clusters:
            if (info.name if id_type == "name" else info.server) == value:
                count = len(self.cluster.apps())
                return Responder.json(200, info.body(count))
        return Responder.json(403, argo.PERMISSION_DENIED)

    def _list(self, query: dict[str, list[str]]) -> Obj:
        # project (legacy) takes precedence over projects (application.go List).
        projects = set(query.get("project") or query.get("projects") or [])
        namespace = _one(query, "appNamespace")
        name = _one(query, "name")
        repo = _one(query, "repo")
        selector = parse_selector(_one(query, "selector"))
        items = []
        for app in sorted(self.cluster.apps().values(), key=lambda a: a.name):
            m = app.model
            if (
                app.name in self.denied  # silently dropped, as RBAC-filtered items are
                or (projects and m.project not in projects)
                or (namespace and m.namespace != namespace)
                or (name and app.name != name)
                or (repo and all(s.repo_url != repo for s in m.sources))
                or not selector(m.labels)
            ):
                continue
            items.append(argo.application(app, self.cluster))
        return {"metadata": {"resourceVersion": argo.list_resource_version(items)}, "items": items}

    def _lookup(
        self, name: str, route: str, query: dict[str, list[str]]
    ) -> tuple[SimApp | None, Responder | None]:
        """application.go getAppEnforceRBAC: without `project` a missing app is
        indistinguishable from a forbidden one (403); with it, a missing app is a 404."""
        projects = (query.get("project") or []) + (query.get("projects") or [])
        if route == "application" and len(projects) > 1:
            return None, Responder.json(
                400, argo.error_body("project param must be a single value", 3)
            )
        namespace = _one(query, "appNamespace") or argo.CONTROLLER_NAMESPACE
        app = self.cluster.app(name)
        if app is not None and app.model.namespace != namespace:
            app = None
        if not projects:
            if app is None or name in self.denied:
                return None, Responder.json(403, argo.PERMISSION_DENIED)
            return app, None
        if name in self.denied:
            return None, Responder.json(403, argo.PERMISSION_DENIED)
        if app is None or app.model.project != projects[0]:
            return None, Responder.json(404, argo.not_found(name))
        return app, None

    def _managed(self, app: SimApp, query: dict[str, list[str]]) -> list[Obj]:
        wanted = {k: _one(query, k) for k in ("group", "kind", "namespace", "name")}
        return [
            item
            for item in self.cluster.managed_resources(app)
            if all(not v or item.get(k, "") == v for k, v in wanted.items())
        ]

    def _manifests(self, app: SimApp, query: dict[str, list[str]]) -> list[str]:
        if self.render_delay:
            time.sleep(self.render_delay)
        revisions = query.get("revisions") or []
        try:
            positions = [int(p) for p in query.get("sourcePositions") or []]
        except ValueError:
            raise ManifestFailure("sourcePositions: invalid integer") from None
        if len(revisions) < len(positions):
            # Argo CD indexes revisions[i] for each position and panics when short.
            raise ManifestFailure("runtime error: index out of range")
        objs = self.cluster.manifests(
            app,
            _one(query, "revision"),
            revisions,
            positions,
            no_cache=_one(query, "noCache") == "true",
        )
        return [go_json(o) for o in self.cluster.masked_manifests(objs)]

    def stopping(self) -> threading.Event:
        return self._stopping

    def busy(self, delta: int) -> None:
        with self._idle:
            self._inflight += delta
            self._idle.notify_all()


def _one(query: dict[str, list[str]], key: str) -> str:
    values = query.get(key) or [""]
    return values[0]


_REQUIREMENT = re.compile(
    r"\s*(!?)([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*)|\s+(in|notin)\s*\(([^)]*)\))?\s*"
)


def parse_selector(text: str) -> Any:
    """A Kubernetes label selector (`a=b,c!=d,e in (x,y),!f,g`) as a predicate on labels."""
    checks = []
    for part in re.split(r",(?![^(]*\))", text) if text.strip() else []:
        m = _REQUIREMENT.fullmatch(part)
        if m is None:
            raise ValueError(f"unable to parse requirement: {part!r}")
        neg, key, op, value, set_op, values = m.groups()
        choices = {v.strip() for v in (values or "").split(",")}
        checks.append((neg, key, op, value, set_op, choices))

    def matches(labels: dict[str, str]) -> bool:
        for neg, key, op, value, set_op, choices in checks:
            if neg:
                ok = key not in labels
            elif op in ("=", "=="):
                ok = labels.get(key) == value
            elif op == "!=":
                ok = labels.get(key) != value
            elif set_op == "in":
                ok = labels.get(key) in choices
            elif set_op == "notin":
                ok = labels.get(key) not in choices
            else:
                ok = key in labels
            if not ok:
                return False
        return True

    return matches


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Go's listeners take the system's backlog (somaxconn); socketserver's default of 5 drops
    # the SYNs of a client opening many connections at once, which then wait 1 s to resend.
    request_queue_size = 1024
    sim: Simulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Broken connections are the point of several faults; anything else is recorded so
        # a test can assert the simulator itself did not fail.
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            self.sim.server_errors.append(repr(exc))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Go (Argo CD's server) sets TCP_NODELAY on every connection; http.server writes headers
    # and body in two sends, which with Nagle on waits ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log records what tests need (and never prints tokens)."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        sim = self.server.sim
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        route, app = _route(parts.path, self.command)
        body = b""
        if self.command == "POST":
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if route == grpcweb.ROUTE:
                app = grpcweb.app_name_of(body)
        self._status = 0
        self._logged = False

        def record() -> None:
            # Logged before the answer is written, so a test that has read its answer always
            # finds the request in the log.
            if not self._logged:
                self._logged = True
                sim.log.add(
                    LoggedRequest(
                        method=self.command,
                        path=parts.path,
                        query=query,
                        headers=headers,
                        route=route,
                        app=app,
                        status=self._status,
                    )
                )

        self._record = record
        sim.busy(+1)
        try:
            self._respond(sim, route, app, query, headers, body=body)
        except OSError:
            # The client went away (it timed out, or a fault broke the connection).
            self.close_connection = True
        except Exception as exc:
            sim.server_errors.append(f"{route} {app}: {exc!r}")
            self._send(Responder.json(500, argo.error_body(f"simulator bug: {exc}", 13)))
        finally:
            record()
            sim.busy(-1)

    def _respond(
        self,
        sim: Simulator,
        route: str,
        app: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        *,
        body: bytes,
    ) -> None:
        edge = sim.cloudflare(headers, self.path)
        if edge is not None:
            self._send(edge)
            return
        failure: Fault | None = None
        for fault in sim.faults.take(route, app):
            if fault.kind is FaultKind.LATENCY:
                time.sleep(fault.delay)
            else:
                failure = fault
        if sim.latency:
            time.sleep(sim.latency)
        if failure is not None:
            self._fail(failure, route)
            return
        self._send(sim.answer(route, app, query, headers, body))

    def _fail(self, fault: Fault, route: str) -> None:
        """Act out a fault instead of the normal answer."""
        kind = fault.kind
        if kind is FaultKind.ERROR:
            message = fault.message or (
                "rpc error: code = Unknown desc = Manifest generation error (cached): "
                "`kustomize build .` failed exit status 1"
                if route == "manifests"
                else "internal error"
            )
            self._send(Responder.json(fault.status, argo.error_body(message, fault.code)))
        elif kind is FaultKind.GATEWAY:
            self._send(_cloudflare_error(fault.status, self.headers.get("Host", "")))
        elif kind is FaultKind.HANG:
            self._hang()
        elif kind is FaultKind.RESET:
            self._reset()
        elif kind is FaultKind.MALFORMED:
            self._send(Responder(200, b'{"items": [{"metadata": {"name": '))
        elif kind is FaultKind.GRPC:
            got = grpcweb.status(fault.code, fault.message or "simulated failure")
            self._send(Responder(200, got.body, got.content_type, got.headers))
        elif kind is FaultKind.TRUNCATED:
            body = b'{"manifests": ["{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"ConfigMap\\"'
            self._send(Responder(200, body), declared=len(body) + 512)
        else:
            rejection = "redirect" if kind is FaultKind.ACCESS_REDIRECT else "forbidden"
            headers = {k.lower(): v for k, v in self.headers.items()}
            edge = self.server.sim.access_rejection(headers, self.path, rejection)
            edge.headers.setdefault("Server", "cloudflare")
            self._send(edge)

    def _send(self, r: Responder, declared: int | None = None) -> None:
        sim = self.server.sim
        self._status = r.status
        self._record()
        self.send_response(r.status, REASONS.get(r.status))
        self.send_header("Content-Type", r.content_type)
        self.send_header("Content-Length", str(len(r.body) if declared is None else declared))
        headers = dict(r.headers)
        if sim.access.client_id or r.headers.get("Server") == "cloudflare":
            headers.setdefault("Server", "cloudflare")
            headers.setdefault("CF-Ray", "8f1e2d3c4b5a6978-NRT")
        for name, value in headers.items():
            self.send_header(name, value)
        if declared is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(r.body)
        self.wfile.flush()

    def send_response(self, code: int, message: str | None = None) -> None:
        # Go's net/http sends no Server header; Cloudflare's answers add their own.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def _hang(self) -> None:
        """Hold the connection without answering until the client closes it."""
        stop = self.server.sim.stopping()
        deadline = time.monotonic() + MAX_HANG
        while not stop.is_set() and time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                break
        self.close_connection = True

    def _reset(self) -> None:
        """SO_LINGER 0 makes close() send a TCP RST instead of a FIN."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


def _cloudflare_error(status: int, host: str) -> Responder:
    reason = REASONS.get(status) or {
        502: "Bad gateway",
        503: "Service unavailable",
        504: "Gateway time-out",
    }.get(status, "Error")
    page = (
        f"<!DOCTYPE html><html><head><title>{host} | {status}: {reason}</title></head>"
        f"<body><h1>Error {status}</h1><p>{reason}</p>"
        "<p>Cloudflare Ray ID: 8f1e2d3c4b5a6978</p></body></html>"
    )
    return Responder(status, page.encode(), "text/html; charset=UTF-8", {"Server": "cloudflare"})


def _route(path: str, method: str) -> tuple[str, str]:
    """(route name, app name) for a path; `ui` outside /api/, `other-api` when unknown."""
    if path == grpcweb.PATH and method == "POST":
        return grpcweb.ROUTE, ""  # the app is named in the body
    if not path.startswith("/api/"):
        return "ui", ""
    if method == "GET":
        for name, pattern in ROUTES:
            m = pattern.fullmatch(path)
            if m is not None:
                return name, unquote(m.group(1)) if m.groups() else ""
    return "other-api", ""
