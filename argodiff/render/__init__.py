"""Render an Application's sources locally, the way Argo CD's repo-server would.

    renderer = Renderer(worktree, identity=RepoIdentity.of_checkout(worktree, remote_urls=...))
    manifests = renderer.render(app)

Sources of one app are rendered in order and concatenated (all of them: `argocd app diff --local`
renders only the first). `ref:`-only sources render nothing; they lend their files to `$ref/...`
Helm value files. Output objects are plain: no tracking label or annotation is added.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from argodiff import command, sandbox
from argodiff.errors import AppError, ManifestError, RenderError
from argodiff.model import Application, Manifest, Source
from argodiff.render import helm, kustomize, refused
from argodiff.render.buildenv import BuildEnv, build_env
from argodiff.render.cache import OnceCache
from argodiff.render.capabilities import Capabilities, ChartProbe
from argodiff.render.directory import read_directory
from argodiff.render.options import RenderOptions
from argodiff.render.overrides import apply_overrides
from argodiff.render.paths import existing
from argodiff.repo import export
from argodiff.repo.identity import RepoIdentity

__all__ = ["RenderOptions", "Renderer", "source_type"]

KUSTOMIZE = "Kustomize"
HELM = "Helm"
DIRECTORY = "Directory"
PLUGIN = "Plugin"


def _present(options: dict[str, Any] | None) -> bool:
    # Argo CD drops all-zero blocks when it stores an Application (argo.NormalizeSource), so
    # `helm: {skipCrds: false}` chooses nothing.
    return options is not None and any(options.values())


def source_type(source: Source, app_path: Path | None) -> str:
    """Argo CD's choice (ExplicitType, then discovery.AppType on the path's top directory:
    a kustomization wins over Chart.yaml, and anything else is a plain directory)."""
    explicit = [
        kind
        for kind, options in (
            (KUSTOMIZE, source.kustomize),
            (HELM, source.helm),
            (DIRECTORY, source.directory),
            (PLUGIN, source.plugin),
        )
        if _present(options)
    ]
    if len(explicit) > 1:
        raise RenderError(f"multiple application sources defined: {','.join(explicit)}")
    if source.chart:
        return HELM
    if explicit:
        return explicit[0]
    if app_path is not None and kustomize.is_kustomization_dir(app_path):
        return KUSTOMIZE
    if app_path is not None and (app_path / "Chart.yaml").is_file():
        return HELM
    return DIRECTORY


def _cache_key(*parts: object) -> str:
    return json.dumps(parts, sort_keys=True, default=dataclasses.asdict)


class Renderer:
    """Renders Applications from the checkout at `repo_root`; thread-safe, with a cache."""

    def __init__(
        self,
        repo_root: Path,
        *,
        identity: RepoIdentity,
        timeout: float | None = None,
        revision: str = "",
        options: RenderOptions | None = None,
    ) -> None:
        self.identity = identity
        self.timeout = timeout
        self.revision = revision
        """The commit being rendered, for `$ARGOCD_APP_REVISION` (empty when unknown)."""
        self.options = options or RenderOptions()
        self._probe = ChartProbe()
        # The work directory is the render user's: it must be reachable by it (not under a
        # private directory such as pytest's), so it is always a fresh one of our own.
        self._tmp = tempfile.TemporaryDirectory(
            prefix="argodiff-render-", dir=sandbox.scratch_parent()
        )
        self.work_dir = sandbox.hand_over(Path(self._tmp.name))
        # Renders read an exported tree: no `.git`, no link out (repo/export.py). Callers that
        # discover apps export first and pass that tree; any other directory is exported here,
        # when first needed.
        self._given = repo_root
        self._snapshot = export.exported(repo_root)
        self._own_snapshot = self._snapshot is None
        self._snapshot_lock = threading.Lock()
        self.sandbox = sandbox.tool_sandbox(self.work_dir)
        self._cache: OnceCache[list[Manifest]] = OnceCache()
        self._helm = helm.Helm(self.work_dir / "helm", timeout=timeout, sandbox=self.sandbox)

    @property
    def snapshot(self) -> export.Snapshot:
        """The exported tree this Renderer reads."""
        with self._snapshot_lock:
            if self._snapshot is None:
                self._snapshot = export.snapshot_dir(self._given, self.work_dir / "tree")
            return self._snapshot

    @property
    def repo_root(self) -> Path:
        """The root of the exported tree (messages name files relative to it)."""
        return self.snapshot.root.resolve()

    @property
    def blind_charts(self) -> list[str]:
        """Charts that test `.Capabilities` and were rendered without the cluster's."""
        return self._probe.charts

    @property
    def renders(self) -> int:
        """How many sources were actually rendered (cache misses)."""
        return self._cache.misses

    def close(self) -> None:
        """Remove the work directory (and the tree exported into it)."""
        if self._own_snapshot and self._snapshot is not None:
            export.forget(self._snapshot.root)
        self._tmp.cleanup()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def render(self, app: Application) -> list[Manifest]:
        """All manifests of `app`; RenderError/ManifestError naming the app and file otherwise."""
        manifests: list[Manifest] = []
        if not app.sources:
            raise ManifestError("Application has no source", app=app.name, file=app.file)
        for source in app.sources:
            if source.is_ref_only:
                continue
            try:
                refused.check(self.snapshot, app, source)
                manifests.extend(self._render_source(app, source))
            except command.CommandError as exc:
                raise RenderError(str(exc), app=app.name, file=app.file) from None
            except OSError as exc:
                # An unreadable file or a full work directory: still one app's clear error.
                where = exc.filename or app.file
                message = f"cannot render: {exc.strerror or exc}"
                raise RenderError(message, app=app.name, file=str(where)) from None
            except AppError as exc:
                raise type(exc)(
                    exc.args[0] if exc.args else str(exc),
                    app=exc.app or app.name,
                    file=exc.file or app.file,
                ) from None
        return manifests

    def _local_path(self, source: Source) -> Path:
        # Without a hosted URL, "local" means "the path exists": say that it does not.
        if not self.identity.is_local(source, self.repo_root) and self.identity.has_hosted_url:
            raise RenderError(
                f"source {source.repo_url or '(no repoURL)'} is another repository; only this "
                "repository's sources and Helm chart repositories can be rendered locally"
            )
        path = existing(self.repo_root, source.path or ".", what="source path")
        if not path.is_dir():
            raise RenderError(f"source path {source.path!r} is not a directory", file=source.path)
        return path

    def _helm_job(
        self, app: Application, source: Source, env: BuildEnv, caps: Capabilities | None
    ) -> helm.HelmJob:
        refs = helm.ref_sources(app, self.repo_root, self.identity)
        probe = None if caps else self._probe
        return helm.HelmJob(app, source, env, refs, self.repo_root, caps, probe)

    def _render_source(self, app: Application, source: Source) -> list[Manifest]:
        caps = self.options.capabilities.for_app(app)
        if source.chart:
            env = build_env(app, source, self.revision, caps)
            job = self._helm_job(app, source, env, caps)
            key = _cache_key(HELM, source, env, job.refs, caps)
            return self._cache.get(key, lambda: self._helm.render_repo_chart(job))
        app_path = self._local_path(source)
        # The repo-server merges the override files before it decides the source type.
        source, _ = apply_overrides(
            app, source, app_path, self.repo_root, self.options.argocd_namespace
        )
        env = build_env(app, source, self.revision, caps)
        kind = source_type(source, app_path)
        if kind == PLUGIN:
            raise RenderError(
                "config management plugin sources cannot be rendered locally",
                file=source.path,
            )
        if kind == KUSTOMIZE:
            # Only envsubst'd options depend on the app; otherwise apps share one build.
            kenv = env if kustomize.uses_env(source.kustomize) else {}
            flags = kustomize.build_flags(self.options.build_options, caps)
            key = _cache_key(KUSTOMIZE, str(app_path), source.kustomize, kenv, flags)
            return self._cache.get(
                key,
                lambda: kustomize.build(
                    app_path,
                    source.kustomize,
                    env=kenv,
                    repo_root=self.repo_root,
                    work_dir=self.work_dir,
                    timeout=self.timeout,
                    flags=flags,
                    log=self.options.log,
                    sandbox=self.sandbox,
                ),
            )
        if kind == HELM:
            job = self._helm_job(app, source, env, caps)
            key = _cache_key(HELM, str(app_path), source, env, job.refs, caps)
            return self._cache.get(key, lambda: self._helm.render_local_chart(job, app_path))
        key = _cache_key(DIRECTORY, str(app_path), source.directory)
        return self._cache.get(
            key, lambda: read_directory(app_path, source.directory, self.repo_root)
        )
