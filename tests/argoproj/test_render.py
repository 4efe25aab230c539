"""Every kustomization in the tree builds offline and renders valid Kubernetes objects."""

from __future__ import annotations

import kubernetes_validate
import pytest

from argodiff.model import Manifest
from argodiff.yamlio import load_manifests
from tests.argoproj.checks import kustomization_problems, name_of
from tests.argoproj.tree import KUSTOMIZE_DIRS, OVERLAY, REPO_ROOT, TREE

KUBERNETES_VERSION = "1.33"
EXTERNAL_SECRETS_V1 = "external-secrets.io/v1"


def test_kustomizations_have_one_spelling() -> None:
    # kustomize also reads kustomization.yml and Kustomization; one name keeps the tree greppable.
    others = [
        p for name in ("kustomization.yml", "Kustomization") for p in (REPO_ROOT / TREE).rglob(name)
    ]
    assert others == []


@pytest.mark.parametrize("rel_dir", KUSTOMIZE_DIRS)
def test_kustomization_uses_current_fields_and_no_remote_resources(rel_dir: str) -> None:
    text = (REPO_ROOT / rel_dir / "kustomization.yaml").read_text()
    kustomization = load_manifests(text, rel_dir)[0]
    assert kustomization["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert kustomization["kind"] == "Kustomization"
    assert kustomization_problems(kustomization) == []


@pytest.mark.parametrize("rel_dir", KUSTOMIZE_DIRS)
def test_rendered_objects_are_valid(rendered: dict[str, list[Manifest]], rel_dir: str) -> None:
    objects = rendered[rel_dir]
    assert objects, f"{rel_dir} renders nothing"
    invalid = []
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            # A custom resource: no built-in schema, but it must still be addressable.
            assert "/" in obj["apiVersion"], name_of(obj)
            assert isinstance(obj["kind"], str), obj
            assert isinstance(obj["metadata"]["name"], str), obj
        except kubernetes_validate.ValidationError as exc:
            invalid.append(f"{name_of(obj)}: {exc.message}")
    assert invalid == []


def test_overlays_set_the_namespace(rendered: dict[str, list[Manifest]]) -> None:
    cluster_scoped = {"ClusterSecretStore", "ClusterRoleBinding"}
    for rel_dir in (d for d in KUSTOMIZE_DIRS if d.endswith(OVERLAY)):
        for obj in rendered[rel_dir]:
            namespaced = obj["kind"] not in cluster_scoped
            assert bool(obj["metadata"].get("namespace")) == namespaced, (rel_dir, name_of(obj))


def test_external_secrets_use_the_v1_api_and_the_parameter_store(deployed: list[Manifest]) -> None:
    external = [o for o in deployed if o["kind"] == "ExternalSecret"]
    assert {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in external} == {
        ("argocd", "cloudflared-api-token"),
        ("longhorn-system", "cloudflared-longhorn-ui-token"),
        ("monitoring", "cloudflared-grafana-token"),
        ("monitoring", "grafana-admin"),
        ("kubernetes-dashboard", "cloudflared-dashboard-token"),
    }
    for obj in external:
        assert obj["apiVersion"] == EXTERNAL_SECRETS_V1, name_of(obj)
        ref = obj["spec"]["secretStoreRef"]
        assert (ref["kind"], ref["name"]) == ("ClusterSecretStore", "parameterstore")


def test_cluster_secret_store_reads_ssm_with_referenced_keys(
    rendered: dict[str, list[Manifest]],
) -> None:
    (store,) = rendered[f"{TREE}/external-secrets-operator{OVERLAY}"]
    assert (store["apiVersion"], store["kind"]) == (EXTERNAL_SECRETS_V1, "ClusterSecretStore")
    assert store["metadata"]["name"] == "parameterstore"
    aws = store["spec"]["provider"]["aws"]
    assert (aws["service"], aws["region"]) == ("ParameterStore", "ap-northeast-1")
    # Only references to a Secret: a name, a namespace and a key, never the key material.
    refs = aws["auth"]["secretRef"]
    assert set(refs) == {"accessKeyIDSecretRef", "secretAccessKeySecretRef"}
    for ref in refs.values():
        assert set(ref) == {"name", "namespace", "key"}
