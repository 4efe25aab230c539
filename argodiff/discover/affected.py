"""Which Applications a set of changed files affects, and how to split them into CI shards.

A changed file affects an app when it is the app's manifest (or a kustomization listing it),
one of the app's Helm value files, a file a local kustomize source reads (bases and components
included), a file under a local source's path, or a path the app's
`argocd.argoproj.io/manifest-generate-paths` annotation names. The annotation only ever adds
files: a file the app's own sources read is never hidden by it (see docs/affected.md).
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from argodiff.application import MANIFEST_GENERATE_PATHS
from argodiff.discover.kustomize_graph import (
    KUSTOMIZATION_NAMES,
    KustomizeGraph,
    chart_dependencies,
    join_inside,
    read_mapping,
)
from argodiff.errors import ConfigError
from argodiff.model import Application, Source
from argodiff.render.options import DEFAULT_ARGOCD_NAMESPACE
from argodiff.render.overrides import override_files

CHANGED = "changed"
ADDED = "added"
DELETED = "deleted"

# When one file affects an app in several ways, the lowest rank (most specific reason) is shown.
_MANIFEST, _APP_OF_APPS, _VALUES, _KUSTOMIZE, _PATH, _ANNOTATION = range(6)
_OUTSIDE_ANNOTATION = " (outside manifest-generate-paths: Argo CD may not refresh the app)"

AppKey = tuple[str, str]
"""(name, namespace): Application names are unique per namespace."""


class LocalSources(Protocol):
    """Tells whether a source is this repository (argodiff.repo.RepoIdentity is one)."""

    def is_local(self, source: Source, repo_root: Path) -> bool: ...


@dataclass
class AffectedApp:
    app: Application
    """The head (PR) version, or the base version for a deleted app."""
    state: str
    """`changed`, `added` (new in the PR) or `deleted` (removed in the PR)."""
    reasons: list[str] = field(default_factory=list)
    """One per file, sorted, the most specific reason for each file:
    `argoproj/longhorn/values.yaml: Helm value file`."""


Hit = tuple[int, str]
"""(rank, reason)"""


@dataclass
class _Watch:
    """The paths one app reads: exact files and whole directories, each with its reason."""

    files: dict[str, Hit] = field(default_factory=dict)
    dirs: dict[str, Hit] = field(default_factory=dict)

    def add(self, table: dict[str, Hit], path: str, rank: int, why: str) -> None:
        if path not in table or rank < table[path][0]:
            table[path] = (rank, why)


class _Index:
    """Every app's watched paths by path, so each changed file costs one lookup per directory
    level rather than one per app."""

    def __init__(self) -> None:
        self.files: dict[str, list[tuple[AppKey, Hit]]] = {}
        self.dirs: dict[str, list[tuple[AppKey, Hit]]] = {}

    def add(self, key: AppKey, watch: _Watch) -> None:
        for path, hit in watch.files.items():
            self.files.setdefault(path, []).append((key, hit))
        for path, hit in watch.dirs.items():
            self.dirs.setdefault(path, []).append((key, hit))

    def match(self, path: str) -> dict[AppKey, Hit]:
        """The apps that read `path`, each with its most specific reason."""
        out: dict[AppKey, Hit] = {}
        entries = [self.files.get(path, []), *(self.dirs.get(d, []) for d in _ancestors(path))]
        for key, hit in (entry for group in entries for entry in group):
            if key not in out or hit < out[key]:
                out[key] = hit
        return out


def _clean(path: str) -> str | None:
    """A path as written in an Application (`./a/`, `/a`, ``) made repository-relative."""
    return join_inside("", path.strip().lstrip("/") or ".")


def _where(app: Application) -> str:
    return app.file or f"Application {app.name}"


def _key(app: Application) -> AppKey:
    return app.name, app.namespace


def _ancestors(path: str) -> Iterator[str]:
    """`a/b/c.yaml` -> `a/b`, `a`, `.` (every directory that contains it)."""
    parent = posixpath.dirname(path)
    while parent:
        yield parent
        parent = posixpath.dirname(parent)
    yield "."


# --- manifest-generate-paths ---------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _go_pattern(pattern: str) -> re.Pattern[str] | None:
    """Go's path/filepath.Match syntax as a regex; None for a malformed pattern."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            parsed = _go_class(pattern, i + 1)
            if parsed is None:
                return None
            regex, i = parsed
            out.append(regex)
            continue
        else:
            char, i = _go_char(pattern, i, in_class=False)
            if char is None:
                return None
            out.append(re.escape(char))
            continue
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _go_char(pattern: str, i: int, *, in_class: bool) -> tuple[str | None, int]:
    """One (possibly `\\`-escaped) character; in a class, bare `-` and `]` are malformed."""
    if i >= len(pattern):
        return None, i
    c = pattern[i]
    if c == "\\":
        return (pattern[i + 1], i + 2) if i + 1 < len(pattern) else (None, i)
    if in_class and c in "-]":
        return None, i
    return c, i + 1


def _go_class(pattern: str, i: int) -> tuple[str, int] | None:
    """`[^a-z…]` starting after the `[`: (regex, index after `]`), or None if malformed."""
    negate = pattern.startswith("^", i)
    i += negate
    ranges: list[str] = []
    count = 0
    while not (pattern.startswith("]", i) and count):
        lo, i = _go_char(pattern, i, in_class=True)
        if lo is None:
            return None
        hi = lo
        if pattern.startswith("-", i):
            upper, i = _go_char(pattern, i + 1, in_class=True)
            if upper is None:
                return None
            hi = upper
        if lo <= hi:  # Go accepts a reversed range; it just matches nothing
            ranges.append(f"{re.escape(lo)}-{re.escape(hi)}")
        count += 1
    if not ranges:
        return ("[\\s\\S]" if negate else "(?!)"), i + 1
    return f"[{'^' if negate else ''}{''.join(ranges)}]", i + 1


def go_match(pattern: str, name: str) -> bool:
    """Go's filepath.Match on `/` paths (`*` and `?` stop at `/`). A malformed pattern matches
    nothing: Argo CD ignores the error."""
    regex = _go_pattern(pattern)
    return regex is not None and regex.fullmatch(name) is not None


def _on_or_under(root: str, path: str) -> bool:
    """Argo CD's security.EnforceToCurrentRoot test: the file's directory is `root` or below."""
    directory = posixpath.dirname(path)
    return root in ("/", directory) or directory.startswith(root + "/")


@dataclass(frozen=True)
class GeneratePaths:
    """An app's manifest-generate-paths annotation, as Argo CD reads it (util/app/path)."""

    value: str
    items: tuple[str, ...]
    """Absolute (`/`-rooted, cleaned) paths or glob patterns."""

    @classmethod
    def of(cls, app: Application) -> GeneratePaths | None:
        value = app.annotations.get(MANIFEST_GENERATE_PATHS, "")
        items: list[str] = []
        for raw in value.split(";"):
            item = raw.strip()
            if not item:
                continue
            if item.startswith("/"):
                # Argo CD leaves `..` in absolute items uncleaned (argo-cd#25366); users mean it.
                items.append(posixpath.normpath("/" + item.lstrip("/")))
            else:
                # Relative items are joined to every source's path, an empty one (a Helm repo
                # chart or a `ref` source) meaning the repository root (GetAppRefreshPaths).
                items += [
                    posixpath.normpath(posixpath.join("/", s.path, item)) for s in app.sources
                ]
        return cls(value=value, items=tuple(dict.fromkeys(items))) if items else None

    def matches(self, path: str) -> bool:
        """AppFilesHaveChanged: the file itself, a file on or under a path, or a glob match."""
        rooted = "/" + path
        return any(
            rooted == item or _on_or_under(item, rooted) or go_match(item, rooted)
            for item in self.items
        )


# --- what an app reads -----------------------------------------------------------------------


def _value_files(app: Application, local: list[bool]) -> Iterator[tuple[str, str]]:
    """(path, reason) for each Helm value file and file parameter the app reads from this repo.

    `$name/path` reads from the root of the `ref: name` source (Argo CD multi-source); a plain
    path is relative to its own source's path; a URL is fetched, not read from the repo.
    """
    refs = {s.ref: i for i, s in enumerate(app.sources) if s.ref}
    for i, source in enumerate(app.sources):
        helm = source.helm or {}
        entries = [(v, "Helm value file") for v in helm.get("valueFiles") or []]
        entries += [
            (p.get("path"), "Helm file parameter")
            for p in helm.get("fileParameters") or []
            if isinstance(p, dict)
        ]
        for value, why in entries:
            if not isinstance(value, str) or "://" in value:
                continue
            path: str | None = None
            if value.startswith("$"):
                name, _, rest = value[1:].partition("/")
                if name in refs and local[refs[name]]:
                    path = join_inside("", rest)
            elif local[i] and (base := _clean(source.path)) is not None:
                path = join_inside(base, value)
            if path is not None:
                yield path, why


def _app_kustomize_files(source: Source, base: str) -> Iterator[str]:
    """Files the Application's own `kustomize:` options name (patches by path)."""
    for patch in (source.kustomize or {}).get("patches") or []:
        if isinstance(patch, dict) and isinstance(patch.get("path"), str):
            path = join_inside(base, patch["path"])
            if path is not None:
                yield path


def _watch_override(
    watch: _Watch, graph: KustomizeGraph, repo_root: Path, base: str, override: str
) -> None:
    """The files an override file itself names: kustomize components and patches, Helm
    value files and file parameters (relative to the source path)."""
    doc = read_mapping(repo_root, override)
    kustomize: dict[str, Any] = doc.get("kustomize") or {}
    helm: dict[str, Any] = doc.get("helm") or {}
    if not isinstance(kustomize, dict) or not isinstance(helm, dict):
        return  # not a mapping: rendering the app reports the file
    why = f"named by {override}"
    components = [c for c in kustomize.get("components") or [] if isinstance(c, str)]
    dirs = [d for d in (join_inside(base, c) for c in components) if d is not None]
    for path, ref in graph.reach(*dirs).files.items() if dirs else ():
        watch.add(watch.files, path, _KUSTOMIZE, f"{ref.describe()} ({why})")
    for directory in dirs:
        watch.add(watch.dirs, directory, _PATH, f"kustomize component {why}")
    named = [p.get("path") for p in kustomize.get("patches") or [] if isinstance(p, dict)]
    named += [v for v in helm.get("valueFiles") or [] if not str(v).startswith("$")]
    named += [p.get("path") for p in helm.get("fileParameters") or [] if isinstance(p, dict)]
    for raw in named:
        if isinstance(raw, str) and "://" not in raw:
            target = join_inside(base, raw)
            if target is not None:
                watch.add(watch.files, target, _VALUES, f"file {why}")


def _watch(
    app: Application,
    repo_root: Path,
    local: list[bool],
    graph: KustomizeGraph,
    argocd_namespace: str = DEFAULT_ARGOCD_NAMESPACE,
) -> _Watch:
    watch = _Watch()
    for path, why in _value_files(app, local):
        watch.add(watch.files, path, _VALUES, why)
    for source, is_local in zip(app.sources, local, strict=True):
        if not is_local or source.is_ref_only or source.chart:
            continue
        base = _clean(source.path)
        if base is None:
            continue
        components = (source.kustomize or {}).get("components") or []
        extra = [join_inside(base, c) for c in components if isinstance(c, str)]
        reach = graph.reach(base, *(c for c in extra if c is not None))
        if graph.kustomization(base) is None or reach.incomplete:
            # Not a kustomization (Helm, plain directory), or one whose reads the graph cannot
            # know: every file under the path counts, and so does every incomplete base.
            why = "; ".join(sorted(set(reach.incomplete.values())))
            note = f" (kustomize graph not fully read: {why})" if why else ""
            watch.add(watch.dirs, base, _PATH, f"in source path {base}{note}")
            for directory, reason in reach.incomplete.items():
                if directory != base:
                    why = f"in kustomize base {directory} (graph not fully read: {reason})"
                    watch.add(watch.dirs, directory, _PATH, why)
        for name in override_files(app, argocd_namespace):
            # Merged into the source by the repo-server before it renders.
            override = posixpath.join(base, name)
            watch.add(watch.files, override, _PATH, "Argo CD source override")
            _watch_override(watch, graph, repo_root, base, override)
        for path in _app_kustomize_files(source, base):
            watch.add(watch.files, path, _KUSTOMIZE, "kustomize patch of the Application")
        for path, ref in reach.files.items():
            watch.add(watch.files, path, _KUSTOMIZE, ref.describe())
        for path, ref in reach.dirs.items():
            watch.add(watch.dirs, path, _KUSTOMIZE, ref.describe())
        for path in chart_dependencies(repo_root, base):
            watch.add(watch.dirs, path, _KUSTOMIZE, f"local Helm chart dependency of {base}")
    return watch


def _app_of_apps(
    files: Sequence[str],
    graph: KustomizeGraph,
    base_graph: KustomizeGraph | None,
    app_files: dict[str, list[AppKey]],
) -> Iterator[tuple[AppKey, str, str]]:
    """(app, changed kustomization, reason) for each kustomization that lists an app's manifest.

    A kustomization that only lists (and labels) resources on both sides, which is known when
    `base_graph` is given, cannot change what the Applications it lists deploy: it is skipped,
    and an app it adds or drops shows as added or deleted.
    """
    for path in files:
        if posixpath.basename(path) not in KUSTOMIZATION_NAMES:
            continue
        directory = posixpath.dirname(path) or "."
        if base_graph is not None and (
            graph.only_lists(directory) and base_graph.only_lists(directory)
        ):
            continue
        for listed in graph.reach(directory).files:
            for key in app_files.get(listed, []):
                yield key, path, f"kustomization listing the Application manifest {listed}"


def _watch_generator(watch: _Watch, app: Application, before: Application | None) -> None:
    """A generated app reads its ApplicationSet's file when the change edits that
    ApplicationSet (or this app's generated definition), and every file its generators read."""
    gen = app.generated_by
    assert gen is not None
    old = before.generated_by if before is not None else None
    if before != app or old is None or old.digest != gen.digest:
        watch.add(watch.files, app.file, _MANIFEST, f"ApplicationSet {gen.name} manifest")
    for path in gen.reads:
        watch.add(watch.files, path, _VALUES, f"read by ApplicationSet {gen.name}'s git generator")


def _new_reason(app: Application) -> str:
    if app.generated_by is not None:
        return f"new Application generated by ApplicationSet {app.generated_by.name}"
    return "new Application"


def _removed_reason(app: Application) -> str:
    if app.generated_by is not None:
        return f"no longer generated by ApplicationSet {app.generated_by.name}"
    return "Application removed"


def _reasons(found: dict[str, Hit]) -> list[str]:
    return [f"{path}: {why}" for path, (_, why) in sorted(found.items())]


def affected_apps(
    base_apps: Sequence[Application],
    head_apps: Sequence[Application],
    changed: Sequence[str],
    repo_root: Path,
    identity: LocalSources,
    *,
    base_root: Path | None = None,
    argocd_namespace: str = DEFAULT_ARGOCD_NAMESPACE,
) -> list[AffectedApp]:
    """The apps that `changed` (repository-relative paths) affects, sorted by name, each once.

    `repo_root` is the head checkout. `base_root`, the base checkout, is optional: with it, an
    app-of-apps kustomization that only lists (and labels) Application manifests on both sides
    does not mark every app it lists as affected.
    """
    files = sorted({p for p in map(_clean, changed) if p is not None and p != "."})
    base_by_key = {_key(a): a for a in reversed(base_apps)}
    head_by_key = {_key(a): a for a in reversed(head_apps)}
    app_files: dict[str, list[AppKey]] = {}
    for key, app in head_by_key.items():
        app_files.setdefault(app.file, []).append(key)
    graph = KustomizeGraph(repo_root)

    index = _Index()
    annotations: dict[AppKey, GeneratePaths] = {}
    for key, app in head_by_key.items():
        local = [identity.is_local(s, repo_root) for s in app.sources]
        watch = _watch(app, repo_root, local, graph, argocd_namespace)
        if app.generated_by is not None:
            _watch_generator(watch, app, base_by_key.get(key))
        elif app.file and (base_by_key.get(key) != app or len(app_files[app.file]) == 1):
            # A file holding several Applications affects only those it changed.
            watch.add(watch.files, app.file, _MANIFEST, "Application manifest")
        index.add(key, watch)
        annotation = GeneratePaths.of(app) if any(local) else None
        if annotation is not None:
            annotations[key] = annotation

    found: dict[AppKey, dict[str, Hit]] = {key: {} for key in head_by_key}
    for path in files:
        for key, hit in index.match(path).items():
            found[key][path] = hit
    for key, annotation in annotations.items():
        hits = found[key]
        for path in files:
            if annotation.matches(path):
                hits.setdefault(path, (_ANNOTATION, f"manifest-generate-paths {annotation.value}"))
            elif path in hits and hits[path][0] != _MANIFEST:
                # An edited Application spec refreshes the app whatever the annotation says.
                hits[path] = (hits[path][0], hits[path][1] + _OUTSIDE_ANNOTATION)
    for key, app in head_by_key.items():
        before = base_by_key.get(key)
        if before is None:
            found[key][_where(app)] = (_MANIFEST, _new_reason(app))
        elif before != app and app.file not in found[key]:
            found[key][_where(app)] = (_MANIFEST, "Application definition changed")

    base_graph = KustomizeGraph(base_root) if base_root is not None else None
    for key, path, why in _app_of_apps(files, graph, base_graph, app_files):
        found[key].setdefault(path, (_APP_OF_APPS, why))

    out = [
        AffectedApp(app, CHANGED if key in base_by_key else ADDED, _reasons(found[key]))
        for key, app in head_by_key.items()
        if found[key]
    ]
    out += [
        AffectedApp(app, DELETED, [f"{_where(app)}: {_removed_reason(app)}"])
        for key, app in base_by_key.items()
        if key not in head_by_key
    ]
    return sorted(out, key=lambda a: _key(a.app))


def shard(apps: Sequence[str], shards: int) -> list[list[str]]:
    """Split app names into at most `shards` non-empty groups whose sizes differ by at most one.

    Names are sorted and de-duplicated first, so the same input always gives the same groups,
    each a contiguous run of names (easy to read in a GitHub matrix).
    """
    if shards < 1:
        raise ConfigError(f"the number of shards must be at least 1, not {shards}")
    names = sorted(set(apps))
    count = min(shards, len(names))
    out: list[list[str]] = []
    start = 0
    for i in range(count):
        end = start + len(names) // count + (1 if i < len(names) % count else 0)
        out.append(names[start:end])
        start = end
    return out
