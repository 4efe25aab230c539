"""The policy checks catch what they are meant to catch (so a clean tree means something)."""

from __future__ import annotations

from typing import Any

from argodiff.model import Manifest
from argodiff.yamlio import load_manifests
from tests.argoproj.checks import (
    EXACT_VERSION,
    kustomization_problems,
    plaintext_secrets,
    policy_lines,
    policy_subject,
    workload_problems,
)


def deployment(container: dict[str, Any]) -> Manifest:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": "app", **container}]}}},
    }


def test_secret_values_are_found_in_data_and_string_data() -> None:
    docs = load_manifests(
        """
kind: Secret
metadata: {name: a}
data: {token: c2VjcmV0}
---
kind: Secret
metadata: {name: b}
stringData: {password: hunter2}
---
kind: Secret
metadata: {name: sa-token, annotations: {kubernetes.io/service-account.name: x}}
type: kubernetes.io/service-account-token
---
kind: ConfigMap
metadata: {name: c}
data: {token: not-a-secret}
"""
    )
    assert plaintext_secrets(docs) == [
        "Secret/a has values in data",
        "Secret/b has values in stringData",
    ]


def test_workloads_without_limits_or_probes_are_found() -> None:
    probe = {"httpGet": {"path": "/", "port": 80}}
    requests = {"cpu": "10m", "memory": "8Mi"}
    resources = {"requests": requests, "limits": {"cpu": "1", "memory": "64Mi"}}
    ok = {"resources": resources, "livenessProbe": probe, "readinessProbe": probe}
    assert workload_problems([deployment(ok)]) == []
    no_memory_limit = {**ok, "resources": {"requests": requests, "limits": {"cpu": "1"}}}
    assert workload_problems([deployment(no_memory_limit)]) == [
        "Deployment/web container app: no limits for memory"
    ]
    unprobed = {"resources": resources}
    assert workload_problems([deployment(unprobed)]) == [
        "Deployment/web container app: no livenessProbe",
        "Deployment/web container app: no readinessProbe",
    ]


def test_deprecated_fields_and_remote_resources_are_found() -> None:
    kustomization = load_manifests(
        """
bases: [../base]
commonLabels: {a: b}
patchesStrategicMerge: [p.yaml]
resources:
  - deployment.yaml
  - https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/manifests/install.yaml
  - github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0
"""
    )[0]
    assert kustomization_problems(kustomization) == [
        "deprecated field 'bases': use 'resources'",
        "deprecated field 'commonLabels': use 'labels'",
        "deprecated field 'patchesStrategicMerge': use 'patches'",
        "remote resources entry 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/"
        "manifests/install.yaml' does not build offline",
        "remote resources entry 'github.com/kubernetes-sigs/kustomize//examples/helloWorld"
        "?ref=v5.5.0' does not build offline",
    ]


def test_policy_lines_include_every_policy_key() -> None:
    rbac = {
        "data": {
            "policy.default": "role:readonly",
            "policy.csv": "# admins\ng, ops, role:admin\n",
            "policy.ci.csv": "p, github-actions, applications, sync, */*, allow\n",
            "scopes": "[groups]",
        }
    }
    lines = policy_lines(rbac)
    assert lines == ["g, ops, role:admin", "p, github-actions, applications, sync, */*, allow"]
    assert [policy_subject(line) for line in lines] == ["ops", "github-actions"]


def test_only_exact_versions_count_as_pinned() -> None:
    pinned = ["1.9.1", "v3.30.3", "77.0.0"]
    loose = ["HEAD", "main", "*", "1.9.*", ">=1.9.0", "^1.9.1", "1.9", "1.9.x", "v1.6.1-rc.1"]
    assert [v for v in pinned if EXACT_VERSION.match(v)] == pinned
    assert [v for v in loose if EXACT_VERSION.match(v)] == []
