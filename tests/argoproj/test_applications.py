"""The Applications of the lolice tree: all there, pinned, and wired to files that exist."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from argodiff.application import MANIFEST_GENERATE_PATHS
from argodiff.discover.applications import Discovery
from argodiff.model import Application, Manifest, Source
from argodiff.yamlio import load_manifests
from tests.argoproj.checks import EXACT_VERSION
from tests.argoproj.tree import KUSTOMIZE_DIRS, LOLICE_REPO, OVERLAY, REPO_ROOT, TREE

COMPONENTS = {
    "argocd": "argo-cd",
    "argocd-image-updater": "argocd-image-updater",
    "prometheus-operator": "kube-prometheus-stack",
    "longhorn": "longhorn",
    "calico": "tigera-operator",
    "descheduler": "descheduler",
    "kubernetes-dashboard": "kubernetes-dashboard",
    "tidb-operator": "tidb-operator",
    "external-secrets-operator": "external-secrets",
    "reloader": "reloader",
}
"""Application name -> the upstream Helm chart it installs."""

VALUES_PREFIX = "$values/"

# Charts whose CRDs exceed the 256 KiB annotation client-side apply writes.
SERVER_SIDE_APPLY = {
    "argocd",
    "prometheus-operator",
    "longhorn",
    "calico",
    "tidb-operator",
    "external-secrets-operator",
}

# Fields each component's controllers are known to rewrite after a sync.
KNOWN_DRIFT = [
    ("longhorn", "CustomResourceDefinition", "/spec/preserveUnknownFields"),
    ("tidb-operator", "CustomResourceDefinition", "/spec/preserveUnknownFields"),
    ("external-secrets-operator", "CustomResourceDefinition", "caBundle"),
    ("external-secrets-operator", "ValidatingWebhookConfiguration", "caBundle"),
    ("prometheus-operator", "MutatingWebhookConfiguration", "caBundle"),
    ("prometheus-operator", "ValidatingWebhookConfiguration", "caBundle"),
]


def local_sources(app: Application) -> list[Source]:
    """Sources rendered from this repository (not the `ref: values` one, which renders nothing)."""
    return [s for s in app.sources if s.repo_url == LOLICE_REPO and not s.is_ref_only]


def test_discovery_reports_no_errors(discovery: Discovery) -> None:
    assert [str(e) for e in discovery.errors] == []


def test_every_component_has_an_application(apps: dict[str, Application]) -> None:
    assert set(apps) == {"root", *COMPONENTS}
    for name, chart in COMPONENTS.items():
        assert [s.chart for s in apps[name].sources if s.chart] == [chart], name
        assert apps[name].file == f"{TREE}/{name}/application.yaml"


def test_root_app_deploys_every_application(
    apps: dict[str, Application], rendered: dict[str, list[Manifest]]
) -> None:
    root = apps["root"]
    assert [(s.repo_url, s.path, s.target_revision) for s in root.sources] == [
        (LOLICE_REPO, TREE, "main")
    ]
    listed = {o["metadata"]["name"] for o in rendered[TREE] if o["kind"] == "Application"}
    assert listed == set(apps)


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_upstream_versions_are_pinned(apps: dict[str, Application], name: str) -> None:
    for source in apps[name].sources:
        if source.repo_url == LOLICE_REPO:
            assert source.target_revision == "main"
        else:
            # Charts and other repositories' manifests: one exact released version.
            assert EXACT_VERSION.match(source.target_revision), (name, source.target_revision)


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_value_files_come_from_this_repo(apps: dict[str, Application], name: str) -> None:
    app = apps[name]
    refs = {s.ref: s for s in app.sources if s.ref}
    assert refs["values"].repo_url == LOLICE_REPO
    for source in (s for s in app.sources if s.chart):
        files = (source.helm or {}).get("valueFiles") or []
        assert files == [f"{VALUES_PREFIX}{TREE}/{name}/values.yaml"]
        values = load_manifests((REPO_ROOT / files[0].removeprefix(VALUES_PREFIX)).read_text())
        assert len(values) == 1, "values.yaml is one YAML mapping"


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_local_paths_are_kustomize_overlays(apps: dict[str, Application], name: str) -> None:
    for source in local_sources(apps[name]):
        assert PurePosixPath(source.path).parts[-2:] == ("overlays", "lolice")
        assert (REPO_ROOT / source.path / "kustomization.yaml").is_file()


def test_every_overlay_is_deployed_by_an_application(apps: dict[str, Application]) -> None:
    deployed = {s.path for app in apps.values() for s in local_sources(app)}
    overlays = {d for d in KUSTOMIZE_DIRS if d.endswith(OVERLAY)}
    assert deployed - {TREE} == overlays
    # Every base is built by its own overlay, so nothing in the tree is dead.
    bases = {d for d in KUSTOMIZE_DIRS if d.endswith("/base")}
    assert {b.removesuffix("/base") + OVERLAY for b in bases} == overlays


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_manifest_generate_paths_exist(apps: dict[str, Application], name: str) -> None:
    app = apps[name]
    paths = app.annotations[MANIFEST_GENERATE_PATHS].split(";")
    for path in paths:
        # Argo CD resolves "/x" from the repository root (util/app/path).
        assert path.startswith("/"), "multi-source apps need repository-root paths"
        assert (REPO_ROOT / path.lstrip("/")).is_dir(), path
    # Every file the app reads from this repo is under one of the paths.
    read = [s.path for s in local_sources(app)] + [f"{TREE}/{name}/values.yaml"]
    assert all(any(r.startswith(p.lstrip("/") + "/") for p in paths) for r in read)


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_sync_policy(
    apps: dict[str, Application], rendered: dict[str, list[Manifest]], name: str
) -> None:
    app = apps[name]
    assert (name in SERVER_SIDE_APPLY) == ("ServerSideApply=true" in app.sync_options)
    uses_operator_crds = any(
        o["apiVersion"].startswith("external-secrets.io/")
        for s in local_sources(app)
        for o in rendered[s.path]
    )
    # A first sync dry-runs the ExternalSecret before its CRD exists; Argo CD would fail it.
    if uses_operator_crds:
        assert "SkipDryRunOnMissingResource=true" in app.sync_options
    if app.destination_namespace not in {"argocd", "kube-system"}:
        assert "CreateNamespace=true" in app.sync_options
    assert app.destination_server == "https://kubernetes.default.svc"


def test_apps_self_heal(apps: dict[str, Application]) -> None:
    for name in apps:
        policy = load_manifests((REPO_ROOT / apps[name].file).read_text())[0]["spec"]["syncPolicy"]
        assert policy["automated"]["selfHeal"] is True, name


@pytest.mark.parametrize(("name", "kind", "field"), KNOWN_DRIFT)
def test_known_drift_is_ignored(
    apps: dict[str, Application], name: str, kind: str, field: str
) -> None:
    ignored = [
        path
        for rule in apps[name].ignore_differences
        if rule.kind == kind
        for path in (*rule.json_pointers, *rule.jq_path_expressions)
    ]
    assert any(field in path for path in ignored), (name, kind, ignored)
