"""ArgoClient: what argodiff asks Argo CD's REST API, as typed calls."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent import futures
from typing import Any
from urllib.parse import quote

import requests

from argodiff import background
from argodiff.application import application_from_manifest
from argodiff.argocd.answers import NO_SUBJECT, Subject
from argodiff.argocd.clusters import CLUSTERS_PATH
from argodiff.argocd.errors import (
    AccessRejected,
    AppNotFound,
    NoServerAnswered,
    PermissionDenied,
    TokenRejected,
    UnexpectedAnswer,
    Unreachable,
)
from argodiff.argocd.grpcweb import Call, invoke
from argodiff.argocd.http import Params, Transport, host_port, public_url
from argodiff.argocd.protobuf import ServerSideDiffQuery
from argodiff.argocd.resources import parse_managed_resources, parse_manifests
from argodiff.argocd.serverside import METHOD, Aligned, Predicted, server_side_diff
from argodiff.argocd.settings import SETTINGS_PATH, parse_settings
from argodiff.argocd.waiting import WaitNotice
from argodiff.errors import AppError, ArgodiffError, ManifestError
from argodiff.model import Application, ArgoSettings, LiveResource, Manifest
from argodiff.redact import Redactor
from argodiff.settings import Connection
from argodiff.suggest import did_you_mean

VERSION_PATH = "/api/version"
USERINFO_PATH = "/api/v1/session/userinfo"
APPLICATIONS_PATH = "/api/v1/applications"


class ArgoClient:
    """One Argo CD API server (the first of `conn.servers` that answers); thread-safe.

    `redactor` is the run's one Redactor, already told `conn.secrets()` (the CLI's Environment
    is): error text is scrubbed with it as it is read, before anything cuts it short."""

    def __init__(
        self,
        conn: Connection,
        *,
        redactor: Redactor,
        session: requests.Session | None = None,
        on_event: Callable[[str], None] | None = None,
        backoff_factor: float | None = None,
    ) -> None:
        self._conn = conn
        backoff = conn.retry_backoff if backoff_factor is None else backoff_factor
        self._http = Transport(conn, redactor=redactor, session=session, backoff_factor=backoff)
        self._on_event = on_event
        self._wait = WaitNotice(on_event)
        self._lock = threading.Lock()
        self._server = ""
        self._version = ""
        self._names: list[str] | None = None
        self._names_lock = threading.Lock()

    def __repr__(self) -> str:
        servers = ", ".join(public_url(s) for s in self._conn.servers)
        return f"ArgoClient(servers=[{servers}], server={public_url(self._server)!r})"

    @property
    def connection(self) -> Connection:
        """What the client was made with (the run reads its server-side-diff policy)."""
        return self._conn

    @property
    def server(self) -> str:
        """The base URL that answered `connect()`; empty before."""
        return public_url(self._server)

    def connect(self) -> str:
        """Probe the servers in order and keep the first that answers; returns its URL.

        Only an unreachable server (no connection, timeout, proxy 502/503/504/524) passes the
        turn to the next; any other failure (token, Cloudflare Access) is raised as is.
        """
        with self._lock:
            if self._server:
                return self.server
            servers = self._conn.servers
            failures: list[Unreachable] = []
            for index, server in enumerate(servers):
                try:
                    self._version = self._probe(server)
                except Unreachable as exc:
                    failures.append(exc)
                    if index + 1 < len(servers):
                        self._event(
                            f"{host_port(server)} unreachable ({exc.reason});"
                            f" trying {public_url(servers[index + 1])}"
                        )
                    continue
                self._server = server
                self._event(f"Argo CD {self._version or '(unknown version)'} at {self.server}")
                return self.server
            raise NoServerAnswered(failures)

    def version(self) -> str:
        """The server's version, e.g. `v3.5.1+109ca7c`."""
        self._base()
        return self._version

    def settings(self) -> ArgoSettings:
        """Label key, tracking method and the system-wide ignore rules (resourceOverrides)."""
        body = self._get(SETTINGS_PATH)
        try:
            return parse_settings(body, self.version())
        except TokenRejected as exc:
            raise TokenRejected(exc.reason, source=self._conn.token_source) from None

    def cluster(self, value: str, id_type: str = "url") -> dict[str, Any]:
        """One cluster object (v1alpha1.Cluster), by server URL (`url`) or by `name`."""
        path = f"{CLUSTERS_PATH}/{quote(value, safe='')}"
        return self._get(path, [("id.type", id_type)])

    def clusters(self) -> dict[str, Any]:
        """`GET /api/v1/clusters` as Argo CD answers it (for ApplicationSet clusters
        generators; the account needs `clusters, get`)."""
        return self._get(CLUSTERS_PATH)

    def get_application(self, name: str, *, project: str = "") -> Application:
        """One Application. With `project`, a missing app is a 404 rather than a 403."""
        path = f"{APPLICATIONS_PATH}/{quote(name, safe='')}"
        params = self._namespace_param(self._conn.app_namespace)
        params += [("project", project)] if project else []
        subject = Subject(app=name, project=project, namespace=self._conn.app_namespace)
        try:
            return self._application(self._get(path, params, subject), path, name)
        except (PermissionDenied, AppNotFound) as exc:
            exc.add_hint(did_you_mean(name, self._app_names()))
            raise

    def _app_names(self) -> list[str]:
        """The names Argo CD lists for this account (asked once), to suggest from."""
        with self._names_lock:
            if self._names is None:
                # The list holds only the apps this account may see (Argo CD drops the others).
                params = self._namespace_param(self._conn.app_namespace)
                try:
                    items = self._get(APPLICATIONS_PATH, params).get("items") or []
                except ArgodiffError:
                    items = []  # no list, no suggestion: the error stands as it is
                self._names = [
                    str(item["metadata"]["name"])
                    for item in items
                    if isinstance(item, dict)
                    and isinstance(item.get("metadata"), dict)
                    and item["metadata"].get("name")
                ]
            return self._names

    def managed_resources(self, app: Application) -> list[LiveResource]:
        """Live objects (normalized by Argo CD) and its current targets; hooks left out."""
        path = self._app_path(app, "managed-resources")
        body = self._get(path, self._app_params(app), self._subject(app))
        return parse_managed_resources(body, path, app.name)

    def manifests(
        self,
        app: Application,
        *,
        revision: str = "",
        source_revisions: Mapping[int, str] | None = None,
    ) -> list[Manifest]:
        """The app rendered by Argo CD at another revision.

        Single-source apps take `revision`; multi-source apps ignore it (as Argo CD does) and
        take `source_revisions`: 1-based source position -> revision.
        """
        path = self._app_path(app, "manifests")
        params = self._app_params(app)
        if not app.multi_source:
            params += [("revision", revision)] if revision else []
        elif source_revisions:
            positions = sorted(source_revisions)
            bad = [p for p in positions if not 1 <= p <= len(app.sources)]
            if bad:
                raise AppError(
                    f"source position {bad[0]} is out of range (1..{len(app.sources)})",
                    app=app.name,
                )
            # Argo CD pairs revisions[i] with sourcePositions[i] (application.go GetManifests).
            params += [("revisions", source_revisions[p]) for p in positions]
            params += [("sourcePositions", str(p)) for p in positions]
        body = self._get(path, params, self._subject(app, manifests=True))
        return parse_manifests(body, path, app.name)

    def server_side_diff(self, app: Application, items: Sequence[Aligned]) -> list[Predicted]:
        """Argo CD's own diff of each live/target pair: a dry-run server-side apply on the
        cluster (ApplicationService/ServerSideDiff over gRPC-web; Argo CD >= 3.2)."""
        server = self._base()
        call = Call(METHOD, self._subject(app))

        def send(body: bytes) -> bytes:
            return invoke(self._http, server, self._conn.auth_token, call, body)

        query = ServerSideDiffQuery(app.name, self._namespace(app), app.project)
        return server_side_diff(send, query, items)

    def app_url(self, app: Application) -> str:
        """The app's page in the Argo CD UI."""
        server = self._server or (self._conn.servers[0] if self._conn.servers else "")
        namespace = quote(self._namespace(app), safe="")
        return f"{public_url(server)}/applications/{namespace}/{quote(app.name, safe='')}"

    def close(self) -> None:
        self._http.close()

    def _probe(self, server: str) -> str:
        """`/api/version` proves it is Argo CD; userinfo proves the token is accepted. Both go
        out together: one round trip."""
        asked = background.start(lambda: self._fetch(server, USERINFO_PATH))
        try:
            version = self._fetch(server, VERSION_PATH).get("Version")
        except Exception:
            futures.wait([asked])  # neither request outlives the probe
            raise
        # (Not on Ctrl-C, a BaseException: the exit does not wait for a silent server.)
        user = asked.result()
        # userinfo needs no auth and answers `{}` to a rejected token (loggedIn omitted).
        if user.get("loggedIn") is not True:
            detail = "the server does not consider this request logged in"
            raise TokenRejected(
                detail if self._conn.auth_token else "no token was sent",
                source=self._conn.token_source,
            )
        return version if isinstance(version, str) else ""

    def _fetch(
        self, server: str, path: str, params: Params = (), subject: Subject = NO_SUBJECT
    ) -> dict[str, Any]:
        """One GET, announced when it keeps us waiting; credential errors name where the
        credential came from (the option, the variable or the action input)."""
        if subject.manifests:
            what = f"Argo CD to render {subject.app}"
        elif subject.app:
            what = f"Argo CD ({subject.app}: {path.rsplit('/', 1)[-1]})"
        else:
            what = f"{public_url(server)} to answer {path}"
        try:
            with self._wait.waiting(what):
                return self._http.get_json(server, path, params, subject)
        except TokenRejected as exc:
            raise TokenRejected(exc.reason, app=exc.app, source=self._conn.token_source) from None
        except AccessRejected as exc:
            raise AccessRejected(app=exc.app, source=self._conn.access_source) from None

    def _base(self) -> str:
        if not self._server:
            self.connect()
        return self._server

    def _get(self, path: str, params: Params = (), subject: Subject = NO_SUBJECT) -> dict[str, Any]:
        return self._fetch(self._base(), path, params, subject)

    def _application(self, item: object, path: str, name: str = "") -> Application:
        if not isinstance(item, dict):
            raise UnexpectedAnswer(path, "an application is not an object", app=name)
        try:
            return application_from_manifest(item)
        except ManifestError as exc:
            raise UnexpectedAnswer(path, exc.args[0], app=exc.app or name) from None

    def _namespace(self, app: Application) -> str:
        # An explicit app namespace wins over the `argocd` a local file defaults to.
        return self._conn.app_namespace or app.namespace

    @staticmethod
    def _namespace_param(namespace: str) -> list[tuple[str, str]]:
        # Without appNamespace Argo CD uses its own namespace (or all it watches, for lists).
        return [("appNamespace", namespace)] if namespace else []

    @staticmethod
    def _app_path(app: Application, what: str) -> str:
        return f"{APPLICATIONS_PATH}/{quote(app.name, safe='')}/{what}"

    def app_query(self, app: Application) -> tuple[str, str]:
        """The `appNamespace` and `project` the app's requests carry ("": no project)."""
        return self._namespace(app), app.project

    def _app_params(self, app: Application) -> list[tuple[str, str]]:
        # `project` makes a missing app a 404 instead of a 403 (application.go getAppEnforceRBAC);
        # without it Argo CD checks no project.
        namespace, project = self.app_query(app)
        return [("appNamespace", namespace)] + ([("project", project)] if project else [])

    def _subject(self, app: Application, *, manifests: bool = False) -> Subject:
        return Subject(
            app=app.name,
            project=app.project,
            namespace=self._namespace(app),
            manifests=manifests,
        )

    def _event(self, line: str) -> None:
        if self._on_event is not None:
            self._on_event(self._http.scrub(line))
