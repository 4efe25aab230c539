"""The simulated Argo CD's world: Applications from a git repository at a "synced" revision,
manifests rendered per revision as the repo-server would, and the live objects they became."""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argodiff.application import is_application
from argodiff.discover.applications import discover_applications
from argodiff.errors import ArgodiffError
from argodiff.model import Application, Source
from argodiff.render import Renderer, RenderOptions
from argodiff.repo import git
from argodiff.repo.identity import RepoIdentity
from argodiff.yamlio import load_manifests
from tests.simulator.kube import Obj, cluster_scoped, group_of, is_hook, key_of, meta
from tests.simulator.live import IgnoreRule, bump, make_live, managed_item
from tests.simulator.masking import hide
from tests.simulator.tracking import stamp

Key = tuple[str, str, str, str]


class ManifestFailure(Exception):
    """The repo-server could not generate manifests; the message is its own."""


@dataclass
class SimApp:
    model: Application
    raw: Obj
    """The Application object as stored in Git (what the API serves, plus status)."""

    @property
    def name(self) -> str:
        return self.model.name


@dataclass(frozen=True)
class Tracking:
    method: str = "annotation"
    label_key: str = "app.kubernetes.io/instance"
    installation_id: str = ""


@dataclass
class _Drift:
    patches: dict[Key, list[Obj]] = field(default_factory=dict)
    deleted: set[Key] = field(default_factory=set)
    extra: list[Obj] = field(default_factory=list)


class Cluster:
    """Thread-safe; renders are cached per (revision, app, source revisions)."""

    def __init__(
        self,
        repo: Path,
        *,
        synced: str = "HEAD",
        apps_dir: str = "argoproj",
        tracking: Tracking | None = None,
    ) -> None:
        self.repo = repo
        self.apps_dir = apps_dir
        self.tracking = tracking or Tracking()
        self.synced = git.rev_parse(repo, synced)
        self.ignore_rules: list[IgnoreRule] = [IgnoreRule("*", "*", ("/status",))]
        """From settings resourceOverrides; `*/*` ignores /status by default since Argo CD 3.0."""
        self.apply_mode: dict[str, str] = {}
        """Per app: `client` (kubectl apply, with last-applied) or `server` (SSA)."""
        self._stack = ExitStack()
        self._lock = threading.Lock()
        self._render_locks: dict[tuple[str, ...], threading.Lock] = {}
        self._worktrees: dict[str, Path] = {}
        self._renders: dict[tuple[str, ...], list[Obj] | str] = {}
        self._drift: dict[str, _Drift] = {}
        self._apps: dict[str, SimApp] | None = None
        self._apps_lock = threading.Lock()
        self._managed: dict[tuple[Any, ...], list[Obj]] = {}
        self.discovery_errors: list[str] = []
        self.render_options = RenderOptions()
        """What the controller sends the repo-server: the cluster's capabilities, the build
        options (set by the Simulator from its settings and cluster info)."""

    def set_render_options(self, options: RenderOptions) -> None:
        """Change what renders are told; what was rendered before is forgotten."""
        with self._lock:
            self.render_options = options
            self._renders.clear()

    def close(self) -> None:
        self._stack.close()

    def set_tracking(self, tracking: Tracking) -> None:
        """Change how renders are stamped; what was rendered before is forgotten."""
        with self._lock:
            self.tracking = tracking
            self._renders.clear()

    # --- git -------------------------------------------------------------------------------

    def resolve(self, revision: str) -> str:
        """A commit SHA, or ManifestFailure worded as the repo-server words it."""
        try:
            return git.rev_parse(self.repo, revision)
        except ArgodiffError:
            raise ManifestFailure(f"Unable to resolve '{revision}' to a commit SHA") from None

    def worktree(self, sha: str) -> Path:
        with self._lock:
            if sha not in self._worktrees:
                self._worktrees[sha] = self._stack.enter_context(git.worktree(self.repo, sha))
            return self._worktrees[sha]

    # --- applications ----------------------------------------------------------------------

    def apps(self) -> dict[str, SimApp]:
        with self._apps_lock:
            return self._discover()

    def _discover(self) -> dict[str, SimApp]:
        if self._apps is None:
            tree = self.worktree(self.synced)
            found = discover_applications(tree, self.apps_dir)
            self.discovery_errors = [str(e) for e in found.errors]
            generated = {n: m for e in found.appsets for n, m in e.manifests.items()}
            apps: dict[str, SimApp] = {}
            for model in found.apps:
                # What the ApplicationSet controller created, or the Application's own file.
                raw = generated.get(model.name) if model.generated_by else None
                apps[model.name] = SimApp(model, raw or _raw_application(tree, model))
            self._apps = apps
        return self._apps

    def app(self, name: str) -> SimApp | None:
        return self.apps().get(name)

    def client_side_apply(self, app: SimApp) -> bool:
        """Argo CD syncs with kubectl apply (leaving last-applied) unless ServerSideApply=true."""
        mode = self.apply_mode.get(app.name)
        if mode is not None:
            return mode == "client"
        return "ServerSideApply=true" not in app.model.sync_options

    # --- manifests -------------------------------------------------------------------------

    def manifests(
        self,
        app: SimApp,
        revision: str = "",
        revisions: list[str] | None = None,
        positions: list[int] | None = None,
        *,
        no_cache: bool = False,
    ) -> list[Obj]:
        """GetManifests: `revision` overrides a single source; a multi-source app takes
        `revisions[i]` for source `positions[i]` (1-based) and ignores `revision`; `no_cache`
        renders again instead of answering from the cache (a hard refresh)."""
        model = app.model
        shas = [self.synced] * len(model.sources)
        if model.multi_source:
            for i, pos in enumerate(positions or []):
                if pos <= 0 or pos > len(model.sources):
                    raise ManifestFailure("source position is out of range")
                shas[pos - 1] = self.resolve((revisions or [])[i])
        elif revision:
            shas = [self.resolve(revision)]
        objs: list[Obj] = []
        for sha, group in _group_sources(model, shas):
            objs += self._render(dataclasses.replace(model, sources=group), sha, no_cache)
        return objs

    def _render(self, model: Application, sha: str, no_cache: bool = False) -> list[Obj]:
        key = (sha, model.name, *(f"{s.repo_url}|{s.path}|{s.chart}" for s in model.sources))
        with self._lock:
            lock = self._render_locks.setdefault(key, threading.Lock())
        with lock:
            if no_cache:
                self._renders.pop(key, None)
            cached = self._renders.get(key)
            if isinstance(cached, str):
                # Argo CD caches generation errors and says so on the next request.
                raise ManifestFailure(f"Manifest generation error (cached): {cached}")
            if cached is None:
                try:
                    cached = self._render_fresh(model, sha)
                except ArgodiffError as exc:
                    # The repo-server's message is the tool's own, without argodiff's
                    # "app X, file:" prefix.
                    message = str(exc.args[0]) if exc.args else str(exc)
                    self._renders[key] = message
                    raise ManifestFailure(f"Manifest generation error: {message}") from None
                self._renders[key] = cached
        return copy.deepcopy(cached)

    def _render_fresh(self, model: Application, sha: str) -> list[Obj]:
        tree = self.worktree(sha)
        urls = tuple({s.repo_url for s in model.sources if s.repo_url})
        identity = RepoIdentity.of_checkout(tree, extra_urls=urls)
        with Renderer(
            tree, identity=identity, revision=sha, options=self.render_options
        ) as renderer:
            objs = renderer.render(model)
        for obj in objs:
            stamp(
                obj,
                app=model.name,
                dest_namespace=model.destination_namespace,
                method=self.tracking.method,
                label_key=self.tracking.label_key,
                installation_id=self.tracking.installation_id,
            )
        return objs

    # --- live state ------------------------------------------------------------------------

    def _drift_of(self, app: str) -> _Drift:
        with self._lock:
            return self._drift.setdefault(app, _Drift())

    def _changed(self) -> None:
        """The live state changed: cached controller views are dropped."""
        with self._lock:
            self._managed.clear()

    def drift(self, app: str, kind: str, name: str, patch: Obj, namespace: str = "") -> None:
        """Change a live object outside Git (a JSON merge patch; None deletes a key)."""
        key = self._key(app, kind, name, namespace)
        self._drift_of(app).patches.setdefault(key, []).append(patch)
        self._changed()

    def delete_live(self, app: str, kind: str, name: str, namespace: str = "") -> None:
        """Remove a live object (someone ran kubectl delete)."""
        self._drift_of(app).deleted.add(self._key(app, kind, name, namespace))
        self._changed()

    def add_live(self, app: str, obj: Obj) -> None:
        """A live object tracked by the app but not in Git (extraneous)."""
        self._drift_of(app).extra.append(copy.deepcopy(obj))
        self._changed()

    def clear_drift(self) -> None:
        with self._lock:
            self._drift.clear()
            self._managed.clear()

    def drifted(self, app: str) -> bool:
        d = self._drift.get(app)
        return bool(d and (d.patches or d.deleted or d.extra))

    def _key(self, app: str, kind: str, name: str, namespace: str) -> Key:
        sim = self.app(app)
        if sim is None:
            raise KeyError(f"no app {app!r}")
        matches = [
            k
            for k in self.targets(sim)
            if k[1] == kind and k[3] == name and namespace in ("", k[2])
        ]
        if len(matches) != 1:
            raise KeyError(f"{app}: {len(matches)} resources named {kind}/{name}")
        return matches[0]

    def targets(self, app: SimApp) -> dict[Key, Obj]:
        """The synced revision's manifests as the controller holds them: namespaces resolved
        (controller/state.go NormalizeTargetObjects), hooks dropped, last one of a key wins."""
        objs = self.manifests(app)
        scoped = cluster_scoped(objs)
        dest = app.model.destination_namespace
        out: dict[Key, Obj] = {}
        for obj in objs:
            if is_hook(obj) or not (obj.get("metadata") or {}).get("name"):
                continue
            m = meta(obj)
            if (group_of(obj), obj.get("kind")) in scoped:
                m.pop("namespace", None)
            elif not m.get("namespace") and dest:
                m["namespace"] = dest
            out[key_of(obj)] = obj
        return out

    def live(self, app: SimApp) -> dict[Key, Obj]:
        drift = self._drift_of(app.name)
        csa = self.client_side_apply(app)
        out: dict[Key, Obj] = {}
        for key, target in self.targets(app).items():
            if key in drift.deleted:
                continue
            obj = make_live(target, app=app.name, client_side_apply=csa)
            for patch in drift.patches.get(key, []):
                obj = bump(obj, patch)
            out[key] = obj
        for extra in drift.extra:
            out[key_of(extra)] = make_live(extra, app=app.name, client_side_apply=csa)
        return out

    def managed_resources(self, app: SimApp) -> list[Obj]:
        """The controller's view; cached until drift, apply mode, tracking or rules change
        (a load test asks for it many times)."""
        rules = self.ignore_rules + _app_rules(app.model)
        key = (app.name, self.client_side_apply(app), self.tracking, tuple(rules))
        cached = self._managed.get(key)
        if cached is None:
            targets = self.targets(app)
            lives = self.live(app)
            keys = sorted(set(targets) | set(lives))
            cached = [managed_item(targets.get(k), lives.get(k), rules) for k in keys]
            with self._lock:
                self._managed[key] = cached
        return [dict(item) for item in cached]

    def masked_manifests(self, objs: list[Obj]) -> list[Obj]:
        """GetManifests masks each Secret alone: every data value becomes 8 `+`."""
        out: list[Obj] = []
        for obj in objs:
            if obj.get("kind") == "Secret" and group_of(obj) == "":
                masked, _ = hide(obj, None)
                assert masked is not None
                out.append(masked)
            else:
                out.append(obj)
        return out


def _app_rules(model: Application) -> list[IgnoreRule]:
    return [
        IgnoreRule(r.group or "", r.kind or "", r.json_pointers, r.name, r.namespace)
        for r in model.ignore_differences
        if r.json_pointers
    ]


def _group_sources(model: Application, shas: list[str]) -> Iterator[tuple[str, list[Source]]]:
    """Sources to render together per revision; ref-only sources go along with each group so
    `$ref/...` value files still resolve (approximation: at the group's revision)."""
    refs = [s for s in model.sources if s.is_ref_only]
    by_sha: dict[str, list[Source]] = {}
    for sha, source in zip(shas, model.sources, strict=True):
        if not source.is_ref_only:
            by_sha.setdefault(sha, []).append(source)
    for sha, group in by_sha.items():
        yield sha, group + refs if model.multi_source else group


def _raw_application(tree: Path, model: Application) -> Obj:
    """The Application object as written in its file."""
    path = tree / model.file
    for obj in load_manifests(path.read_text(encoding="utf-8"), model.file):
        if is_application(obj) and (obj.get("metadata") or {}).get("name") == model.name:
            return obj
    raise ArgodiffError(f"{model.file}: Application {model.name} not found again")


def strip_none(value: Any) -> Any:
    """Go's omitempty for nested maps: drop None, "" and empty containers."""
    if isinstance(value, dict):
        out = {k: strip_none(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {}, False)}
    if isinstance(value, list):
        return [strip_none(v) for v in value]
    return value
