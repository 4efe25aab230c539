"""Helm sources, templated as Argo CD's repo-server does (repository.go helmTemplate,
util/helm/cmd.go). Helm's cache, config and data homes live in the work directory, so nothing is
written to $HOME and the user's `helm repo` setup plays no part."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from argodiff import command
from argodiff.errors import ManifestError, RenderError
from argodiff.model import Application, Manifest, Source
from argodiff.render.buildenv import BuildEnv, envsubst
from argodiff.render.cache import OnceCache
from argodiff.render.capabilities import Capabilities, ChartProbe
from argodiff.render.paths import fresh_dir, inside, relative
from argodiff.repo.identity import RepoIdentity
from argodiff.sandbox import hand_over
from argodiff.yamlio import iter_documents, load_manifests

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a chart repository to accept a connection before giving up."""
# An unescaped comma splits `--set` values; Argo CD escapes them (cmd.go cleanSetParameters).
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


@dataclass(frozen=True)
class RefSource:
    """A `ref:` source of a multi-source app, as `$name/...` value files see it."""

    repo_url: str
    local: bool


def ref_sources(app: Application, repo_root: Path, identity: RepoIdentity) -> dict[str, RefSource]:
    return {
        f"${s.ref}": RefSource(s.repo_url, identity.is_local(s, repo_root))
        for s in app.sources
        if s.ref
    }


def is_oci(repo_url: str) -> bool:
    """`oci://…`, or a repoURL with no scheme (how Argo CD spells OCI Helm repositories)."""
    return repo_url.startswith("oci://") or "://" not in repo_url


def clean_set_value(value: str) -> str:
    """`{a,b}` is Helm list syntax and kept; other commas are escaped."""
    if value.startswith("{") and value.endswith("}"):
        return value
    return _UNESCAPED_COMMA.sub(r"\\,", value)


def probe(url: str) -> None:
    """Fail fast when a chart repository does not accept connections (helm itself would wait
    for the operating system's TCP timeout, minutes)."""
    parts = urlsplit(url if "://" in url else "oci://" + url)
    port = 80 if parts.scheme == "http" else 443
    try:
        port = parts.port or port
        with socket.create_connection((parts.hostname or "", port), timeout=CONNECT_TIMEOUT):
            pass
    except (OSError, ValueError) as exc:
        reason = _reason(exc, parts.hostname or "", port)
        raise RenderError(f"chart repository {url} cannot be reached: {reason}") from None


def _reason(exc: Exception, host: str, port: int) -> str:
    """The cause in a few words, as a reader of a PR comment wants it."""
    if isinstance(exc, socket.gaierror):
        return f"could not resolve host {host}"
    if isinstance(exc, ConnectionRefusedError):
        return f"connection to {host}:{port} refused"
    if isinstance(exc, TimeoutError):
        return f"the connection to {host} timed out"
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return reason or "the connection timed out"


def helm_message(exc: command.CommandError, *paths: Path) -> str:
    """Helm's own message without its `Error:` prefix, `--debug` hint or work-directory paths."""
    lines = [
        line.removeprefix("Error: ")
        for line in exc.args[0].removeprefix("helm: ").splitlines()
        if line.strip() and not line.startswith("Use --debug flag")
    ]
    text = "\n".join(lines)
    for path in paths:
        text = text.replace(str(path) + "/", "").replace(str(path), ".")
    return f"helm: {text}"


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _chart_metadata(chart_dir: Path, shown: str) -> dict[str, Any]:
    path = chart_dir / "Chart.yaml"
    try:
        docs = [d for d in iter_documents(path.read_bytes(), f"{shown}/Chart.yaml") if d]
    except OSError as exc:
        raise RenderError(f"cannot read Chart.yaml: {exc.strerror}", file=shown) from None
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise ManifestError("Chart.yaml is not a mapping", file=f"{shown}/Chart.yaml")
    return docs[0]


@dataclass(frozen=True)
class HelmJob:
    """What one Helm source renders with, besides the chart itself."""

    app: Application
    source: Source
    env: BuildEnv
    refs: dict[str, RefSource]
    repo_root: Path
    capabilities: Capabilities | None = None
    """The destination cluster's, when known."""
    probe: ChartProbe | None = None
    """Told about the chart when the cluster's capabilities are not known."""

    @property
    def options(self) -> dict[str, Any]:
        return self.source.helm or {}

    def capability_args(self) -> list[str]:
        """`--kube-version` and `--api-versions`: the source's own `helm.kubeVersion` and
        `helm.apiVersions` win over the cluster's (GetKubeVersionOrDefault,
        GetAPIVersionsOrDefault in Argo CD)."""
        caps = self.capabilities or Capabilities()
        version = str(self.options.get("kubeVersion") or "") or caps.semver
        apis = [str(a) for a in self.options.get("apiVersions") or []] or list(caps.api_versions)
        args = [f"--kube-version={version}"] if version else []
        return args + [f"--api-versions={api}" for api in apis]


@dataclass(frozen=True)
class ChartFiles:
    """Where a chart is read from, and where its relative file references resolve."""

    dir: Path
    """The directory `helm template` reads."""
    base: Path
    """Relative value files and file parameters start here (the source path)."""
    root: Path
    """...and may not leave this (the checkout, or the unpacked chart)."""
    shown: str


def _resolve_one(raw: str, job: HelmJob, chart: ChartFiles) -> Path | str:
    """A value file as Argo CD resolves it (getResolvedValueFiles): `$ref/path` from the ref
    source's repository root, a URL as is, else relative to the chart, never outside `root`."""
    if raw.startswith("$"):
        name, _, rest = raw.partition("/")
        ref = job.refs.get(name)
        if ref is None:
            raise RenderError(
                f"value file {raw!r}: no source has ref: {name[1:]}", file=chart.shown
            )
        if not ref.local:
            raise RenderError(
                f"value file {raw!r}: ref source {ref.repo_url} is another repository and "
                "cannot be read locally",
                file=chart.shown,
            )
        return inside(job.repo_root, envsubst(rest, job.env), what="value file", file=chart.shown)
    resolved = envsubst(raw, job.env)
    if urlsplit(resolved).scheme in ("http", "https"):
        return resolved
    return inside(chart.root, resolved, what="value file", file=chart.shown, base=chart.base)


def value_files(job: HelmJob, chart: ChartFiles) -> list[str]:
    """`helm.valueFiles` resolved; a missing one is an error unless ignoreMissingValueFiles."""
    out: list[str] = []
    for raw in job.options.get("valueFiles") or []:
        path = _resolve_one(str(raw), job, chart)
        if isinstance(path, Path) and not path.is_file():
            if job.options.get("ignoreMissingValueFiles"):
                continue
            raise RenderError(f"value file {raw!r} does not exist", file=chart.shown)
        out.append(str(path))
    return out


def file_parameters(job: HelmJob, chart: ChartFiles) -> list[str]:
    """`helm.fileParameters` as `--set-file` arguments, each file inside the chart's root."""
    out: list[str] = []
    for fp in job.options.get("fileParameters") or []:
        if not isinstance(fp, dict) or not fp.get("name") or not fp.get("path"):
            raise RenderError(
                "helm.fileParameters entries need a name and a path", file=chart.shown
            )
        path = inside(
            chart.root, str(fp["path"]), what="file parameter", file=chart.shown, base=chart.base
        )
        if not path.is_file():
            raise RenderError(f"file parameter {fp['path']!r} does not exist", file=chart.shown)
        out.append(f"{fp['name']}={path}")
    return out


def _refuse_options(job: HelmJob, release: str, namespace: str, shown: str) -> None:
    """Names that never start with `-` in a valid Application: one that does is an attempt to
    pass an option (they are passed as `--flag=value` anyway, so this is a clearer error)."""
    opts = job.options
    fields = [
        ("releaseName" if opts.get("releaseName") else "the Application name", release),
        ("namespace", namespace),
        ("kubeVersion", str(opts.get("kubeVersion") or "")),
        *(("apiVersions", str(api)) for api in opts.get("apiVersions") or []),
        *(
            ("parameters name", str(p.get("name")))
            for p in opts.get("parameters") or []
            if isinstance(p, dict)
        ),
    ]
    for field, value in fields:
        if value.startswith("-"):
            raise RenderError(
                f"helm {field} {value!r} starts with '-': refused, it would read as an option",
                file=shown,
            )


class Helm:
    """`helm pull` and `helm template` with an isolated Helm home under `home`."""

    def __init__(self, home: Path, *, timeout: float | None, sandbox: command.Sandbox) -> None:
        self.home = home
        self.timeout = timeout
        # Helm writes its homes: they belong to the render user.
        home.mkdir(parents=True, exist_ok=True)
        hand_over(home)
        # The specific locations too: a user's HELM_REPOSITORY_CONFIG would beat the homes.
        self.env = {
            "HELM_CACHE_HOME": str(home / "cache"),
            "HELM_CONFIG_HOME": str(home / "config"),
            "HELM_DATA_HOME": str(home / "data"),
            "HELM_REPOSITORY_CACHE": str(home / "cache" / "repository"),
            "HELM_REPOSITORY_CONFIG": str(home / "config" / "repositories.yaml"),
            "HELM_REGISTRY_CONFIG": str(home / "config" / "registry" / "config.json"),
        }
        self.sandbox = dataclasses.replace(sandbox, env={**sandbox.env, **self.env})
        self._pulls: OnceCache[Path] = OnceCache()
        self._deps: OnceCache[Path] = OnceCache()

    def _run(self, args: list[str], cwd: Path | None = None) -> command.Result:
        return command.run(args, cwd=cwd, timeout=self.timeout, sandbox=self.sandbox)

    def pull(self, repo_url: str, chart: str, version: str) -> Path:
        """The chart, downloaded once into the work directory and unpacked."""
        return self._pulls.get(
            _digest(repo_url, chart, version), lambda: self._pull(repo_url, chart, version)
        )

    def _pull(self, repo_url: str, chart: str, version: str) -> Path:
        dest = fresh_dir(self.home / "charts", f"{chart.rpartition('/')[2]}-")
        # Every value from the repository is a flag's value or comes after `--`: never an option.
        args = ["helm", "pull", f"--destination={dest}", "--untar"]
        if version:
            args.append(f"--version={version}")
        if is_oci(repo_url):
            ref = repo_url.removeprefix("oci://").rstrip("/")
            probe(f"oci://{ref}")
            args += ["--", f"oci://{ref}/{chart}"]
        else:
            probe(repo_url)
            args += [f"--repo={repo_url}", "--", chart]
        try:
            self._run(args)
        except command.CommandError as exc:
            where = f" {version}" if version else ""
            raise RenderError(
                f"cannot get chart {chart}{where} from {repo_url}: {helm_message(exc, dest)}"
            ) from None
        unpacked = [p for p in dest.iterdir() if (p / "Chart.yaml").is_file()]
        if len(unpacked) != 1:
            raise RenderError(f"chart {chart} from {repo_url} has no Chart.yaml")
        return unpacked[0]

    def with_dependencies(self, chart_dir: Path, repo_root: Path) -> Path:
        """The chart, with `helm dependency build` run on a copy when its `charts/` is missing
        and Chart.yaml declares dependencies (the checkout itself is never written to)."""
        shown = relative(chart_dir, repo_root)
        deps = _chart_metadata(chart_dir, shown).get("dependencies") or []
        if not deps or (chart_dir / "charts").is_dir():
            return chart_dir
        return self._deps.get(
            str(chart_dir), lambda: self._build_dependencies(chart_dir, deps, repo_root, shown)
        )

    def _build_dependencies(
        self, chart_dir: Path, deps: list[Any], repo_root: Path, shown: str
    ) -> Path:
        top = fresh_dir(self.home / "deps")
        copy = top / shown
        ignore = shutil.ignore_patterns(".git")
        shutil.copytree(chart_dir, copy, symlinks=True, ignore=ignore)
        hand_over(top, recursive=True)  # `helm dependency build` writes charts/ here
        for dep in deps:
            repo = str(dep.get("repository") or "") if isinstance(dep, dict) else ""
            if repo.startswith("file://"):
                # Copied to the same place relative to the chart, so the relative URL still works.
                src = inside(
                    repo_root,
                    repo.removeprefix("file://"),
                    what="dependency",
                    file=shown,
                    base=chart_dir,
                )
                target = top / relative(src, repo_root)
                if src.is_dir() and not target.exists():
                    shutil.copytree(src, target, symlinks=True, ignore=ignore)
                    hand_over(top, recursive=True)
            elif repo.startswith(("http://", "https://")):
                probe(repo)
                self._run(["helm", "repo", "add", "--force-update", "--", _digest(repo), repo])
        try:
            self._run(["helm", "dependency", "build", "--", str(copy)])
        except command.CommandError as exc:
            raise RenderError(helm_message(exc, copy), file=shown) from None
        return copy

    def render_repo_chart(self, job: HelmJob) -> list[Manifest]:
        """A chart from a chart repository; its value files are relative to the chart."""
        src = job.source
        chart_dir = self.pull(src.repo_url, src.chart, src.target_revision)
        shown = f"{src.repo_url.rstrip('/')}/{src.chart}"
        return self.template(job, ChartFiles(chart_dir, chart_dir, chart_dir, shown))

    def render_local_chart(self, job: HelmJob, app_path: Path) -> list[Manifest]:
        """A chart directory in the checkout; value files may be anywhere in the checkout."""
        chart_dir = self.with_dependencies(app_path, job.repo_root)
        shown = relative(app_path, job.repo_root)
        return self.template(job, ChartFiles(chart_dir, app_path, job.repo_root, shown))

    def template(self, job: HelmJob, chart: ChartFiles) -> list[Manifest]:
        """`helm template` with the Application's helm options."""
        opts = job.options
        release = str(opts.get("releaseName") or job.app.name)
        namespace = str(opts.get("namespace") or job.app.destination_namespace)
        _refuse_options(job, release, namespace, chart.shown)
        # Values from the repository only ever follow `=` of their flag, and the chart comes
        # after `--`: a release name like `--post-renderer=x` stays a (rejected) name. Argo CD
        # passes the release name as --name-template too (util/helm/cmd.go).
        args = ["helm", "template", f"--name-template={release}"]
        if namespace:
            args.append(f"--namespace={namespace}")
        args += job.capability_args()
        if job.probe is not None and not opts.get("kubeVersion") and not opts.get("apiVersions"):
            job.probe.check(chart.dir, chart.shown)
        for p in opts.get("parameters") or []:
            if not isinstance(p, dict) or not p.get("name"):
                raise RenderError("helm.parameters entries need a name", file=chart.shown)
            flag = "--set-string" if p.get("forceString") else "--set"
            value = clean_set_value(envsubst(str(p.get("value") or ""), job.env))
            args.append(f"{flag}={p['name']}={value}")
        args += [f"--values={f}" for f in value_files(job, chart)]
        args += [f"--set-file={fp}" for fp in file_parameters(job, chart)]
        args.append("--skip-crds" if opts.get("skipCrds") else "--include-crds")
        if opts.get("skipSchemaValidation"):
            args.append("--skip-schema-validation")
        if opts.get("skipTests"):
            args.append("--skip-tests")
        with tempfile.TemporaryDirectory(dir=self._scratch()) as tmp:
            hand_over(Path(tmp))  # helm reads the inline values file
            inline = opts.get("valuesObject") or opts.get("values")
            if inline:
                # The last --values file: inline values win over value files (as in Argo CD).
                path = Path(tmp, "values.yaml")
                text = inline if isinstance(inline, str) else json.dumps(inline)
                path.write_text(text, encoding="utf-8")
                args.append(f"--values={path}")
            args += ["--", str(chart.dir)]
            try:
                out = self._run(args, cwd=chart.dir)
            except command.CommandError as exc:
                raise RenderError(
                    helm_message(exc, chart.dir, Path(tmp)), file=chart.shown
                ) from None
        return load_manifests(out.stdout, f"helm template {chart.shown}")

    def _scratch(self) -> Path:
        path = self.home / "tmp"
        path.mkdir(parents=True, exist_ok=True)
        return hand_over(path)
