"""Plain data handed from one pipeline stage to the next.

discover -> targets -> live -> normalize -> diff -> results -> report -> publish.
Every stage takes and returns these dataclasses; none of them does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Manifest = dict[str, Any]
"""One Kubernetes object, as parsed JSON."""


def api_group(api_version: str) -> str:
    """The group part of an apiVersion (`apps/v1` -> `apps`, `v1` -> ``)."""
    return api_version.rpartition("/")[0] if "/" in api_version else ""


@dataclass(frozen=True, order=True)
class ResourceKey:
    """Identity of a resource, as Argo CD keys it (group/kind/namespace/name; no version)."""

    group: str
    kind: str
    namespace: str
    name: str

    @classmethod
    def of(cls, obj: Manifest) -> ResourceKey:
        meta = obj.get("metadata") or {}
        return cls(
            group=api_group(str(obj.get("apiVersion") or "")),
            kind=str(obj.get("kind") or ""),
            namespace=str(meta.get("namespace") or ""),
            name=str(meta.get("name") or ""),
        )

    def header(self) -> str:
        """Argo CD's per-resource diff header (`argocd app diff`, util/cli PrintDiff caller)."""
        return f"===== {self.group}/{self.kind} {self.namespace}/{self.name} ======"

    def __str__(self) -> str:
        return f"{self.group}/{self.kind} {self.namespace}/{self.name}"


@dataclass(frozen=True)
class IgnoreRule:
    """One `ignoreDifferences` entry (from app.spec or from settings resourceOverrides)."""

    group: str = ""
    kind: str = ""
    name: str = ""
    namespace: str = ""
    json_pointers: tuple[str, ...] = ()
    jq_path_expressions: tuple[str, ...] = ()
    managed_fields_managers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """One Application source (`spec.source` or an item of `spec.sources`); the fields in the
    order of Argo CD's ApplicationSource (types.go)."""

    repo_url: str = ""
    path: str = ""
    target_revision: str = ""
    helm: dict[str, Any] | None = None
    kustomize: dict[str, Any] | None = None
    directory: dict[str, Any] | None = None
    plugin: dict[str, Any] | None = None
    chart: str = ""
    ref: str = ""
    name: str = ""

    @property
    def is_ref_only(self) -> bool:
        """A `ref:` source with no path or chart renders nothing (repo-server repository.go)."""
        return bool(self.ref) and not self.path and not self.chart


@dataclass(frozen=True)
class GeneratedBy:
    """The ApplicationSet that generates an Application (local discovery only)."""

    name: str
    digest: str
    """Fingerprint of the ApplicationSet's spec: tells whether its definition changed."""
    reads: tuple[str, ...] = ()
    """Repository files its generators read (git files generator)."""


@dataclass
class Application:
    """An Argo CD Application, from the API or from a file in the repository."""

    name: str
    namespace: str = "argocd"
    project: str = "default"
    destination_server: str = ""
    destination_name: str = ""
    destination_namespace: str = ""
    sources: list[Source] = field(default_factory=list)
    multi_source: bool = False
    ignore_differences: list[IgnoreRule] = field(default_factory=list)
    sync_options: list[str] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    sync_status: str = ""
    health_status: str = ""
    sync_revisions: list[str] = field(default_factory=list)
    file: str = ""
    """Repository-relative path of the manifest that defines the app (local discovery only)."""
    generated_by: GeneratedBy | None = field(default=None, compare=False)
    """Set for an app an ApplicationSet generates (`file` is then the ApplicationSet's)."""


@dataclass(frozen=True)
class ArgoSettings:
    """What the diff needs from Argo CD's settings (`GET /api/v1/settings`): how it tracks
    resources, what it ignores and how it builds kustomizations, then where it runs."""

    app_label_key: str = "app.kubernetes.io/instance"
    tracking_method: str = "annotation"
    """`annotation` (the default since Argo CD 3.0), `label` or `annotation+label`."""
    installation_id: str = ""
    resource_overrides: dict[str, IgnoreRule] = field(default_factory=dict)
    """Keyed as Argo CD keys them (`apps/Deployment`, `Service`, `*/*`); each rule's group and
    kind are filled from its key."""
    kustomize_build_options: str = ""
    """argocd-cm `kustomize.buildOptions` (`kustomizeOptions.buildOptions`), as written."""
    controller_namespace: str = "argocd"


@dataclass
class LiveResource:
    """One item of `managed-resources`: the live object and Argo CD's current target."""

    key: ResourceKey
    live: Manifest | None
    """`normalizedLiveState`; None when the resource is not in the cluster."""
    target: Manifest | None = None
    """`targetState`; None when the resource is not in Git."""


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"


@dataclass
class ResourceDiff:
    """How one resource would change: live -> predicted."""

    key: ResourceKey
    change: Change
    diff: str
    """Unified diff of the YAML, with Argo CD's `=====` header; never holds a Secret value."""
    paths: list[str] = field(default_factory=list)
    """Changed field paths (modified resources only), e.g. `spec.replicas`."""
    notes: list[str] = field(default_factory=list)
    """Extra facts, e.g. `data.password: value changed (hidden)`."""


class Lifecycle(StrEnum):
    """Whether the pull request adds the Application, deletes it, or changes an existing one."""

    EXISTING = "existing"
    NEW = "new"
    DELETED = "deleted"


class SideKind(StrEnum):
    """What one side of a comparison is."""

    LIVE = "live"
    """The cluster's live state, from Argo CD."""
    REVISION = "revision"
    """A git revision (`revision` holds its SHA or name)."""
    WORKTREE = "worktree"
    """The checkout's working tree (the PR checkout in `pr --mode local`)."""
    TARGET = "target"
    """Argo CD's current target state."""
    NONE = "none"
    """Nothing: the app does not exist on this side."""


@dataclass(frozen=True)
class Side:
    kind: SideKind
    revision: str = ""
    """For REVISION: the commit SHA, or the name the user gave (`main`, `demo PR`)."""
    ref: str = ""
    """The ref name the revision was given as, when it is not the SHA itself (`main`)."""


class RenderedBy(StrEnum):
    """Who rendered the manifests of the revision sides."""

    ARGOCD = "argocd"
    ARGODIFF = "argodiff"


@dataclass(frozen=True)
class Comparison:
    """What one app's diff compares, as facts; the report phrases them in its language."""

    mode: str
    """The run's mode: revision | local | offline | target."""
    before: Side
    after: Side
    rendered_by: RenderedBy


class DiffMode(StrEnum):
    """How an app's predicted live state was worked out, as Argo CD would for it."""

    SERVER_SIDE = "server-side"
    """Argo CD's ServerSideDiff: a dry-run server-side apply on the cluster."""
    STRUCTURED_MERGE = "structured-merge"
    """argodiff's structured merge (ServerSideApply apps), from managedFields."""
    THREE_WAY = "three-way"
    """argodiff's client-side three-way merge (kubectl apply apps)."""
    OFFLINE = "offline"
    """Two local renders compared; no live state."""


class AppStatus(StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass
class AppResult:
    """The outcome for one Application."""

    name: str
    status: AppStatus
    error: str | None = None
    resources: list[ResourceDiff] = field(default_factory=list)
    namespace: str = ""
    project: str = ""
    sync_status: str = ""
    health_status: str = ""
    url: str = ""
    """Link to the app in the Argo CD UI, when a server is known."""
    comparison: Comparison | None = None
    """What was compared; the report phrases it (`compared` in the JSON is its English text)."""
    compared: str = ""
    """What was compared in words, when no `comparison` is known (a results file written by
    an older argodiff); for a skipped app, why it was skipped."""
    file: str = ""
    warnings: list[str] = field(default_factory=list)
    lifecycle: Lifecycle = Lifecycle.EXISTING
    diff_mode: str = ""
    """A DiffMode value; empty when nothing was diffed (errors, skipped apps)."""
    application_set: str = ""
    """The ApplicationSet that generates the app (empty for an app written by hand)."""

    def count(self, change: Change) -> int:
        return sum(1 for r in self.resources if r.change is change)


@dataclass
class RunResult:
    """Everything one run found; its JSON form is argodiff's interchange format."""

    apps: list[AppResult] = field(default_factory=list)
    mode: str = ""
    """revision | local | offline | target"""
    server: str = ""
    """The Argo CD server that answered, if any."""
    revision: str = ""
    base: str = ""
    notices: list[str] = field(default_factory=list)
    """Run-level messages a reader must see, e.g. that the run fell back to offline."""
