"""Security properties of the tree: the CI account is read-only, argocd-server is reachable
only through its tunnel, no secret value is in Git, every workload is bounded and probed."""

from __future__ import annotations

from pathlib import Path

import pytest

from argodiff.model import Manifest
from argodiff.yamlio import iter_documents, load_manifests
from tests.argoproj.checks import (
    plaintext_secrets,
    policy_lines,
    policy_subject,
    workload_problems,
)
from tests.argoproj.tree import OVERLAY, REPO_ROOT, TREE

ACCOUNT = "github-actions"
SERVER_PORT = 8080


def tree_files() -> list[Path]:
    return sorted(p for p in (REPO_ROOT / TREE).rglob("*") if p.suffix in {".yaml", ".yml"})


def test_github_actions_account_holds_api_keys_only(argocd_objects: dict[str, Manifest]) -> None:
    cm = argocd_objects["ConfigMap/argocd-cm"]
    account_keys = {k: v for k, v in cm["data"].items() if k.startswith(f"accounts.{ACCOUNT}")}
    # No `login` (no password, no UI session); enabled by default.
    assert account_keys == {f"accounts.{ACCOUNT}": "apiKey"}
    # Argo CD only reads settings ConfigMaps labelled as part of argocd.
    assert cm["metadata"]["labels"]["app.kubernetes.io/part-of"] == "argocd"


def test_github_actions_is_bound_to_readonly_and_nothing_else(
    argocd_objects: dict[str, Manifest],
) -> None:
    rbac = argocd_objects["ConfigMap/argocd-rbac-cm"]
    lines = policy_lines(rbac)
    assert [line for line in lines if ACCOUNT in line] == [f"g, {ACCOUNT}, role:readonly"]
    assert [line for line in lines if policy_subject(line) == ACCOUNT] == [
        f"g, {ACCOUNT}, role:readonly"
    ]
    # A default role would reach the account too.
    assert rbac["data"]["policy.default"] == ""
    assert rbac["metadata"]["labels"]["app.kubernetes.io/part-of"] == "argocd"


def test_chart_leaves_the_settings_configmaps_to_the_overlay() -> None:
    # Otherwise two sources of the argocd app would render argocd-cm and argocd-rbac-cm.
    values = load_manifests((REPO_ROOT / TREE / "argocd/values.yaml").read_text())[0]
    assert values["configs"]["cm"]["create"] is False
    assert values["configs"]["rbac"]["create"] is False


def test_argocd_server_accepts_only_the_api_tunnel(
    argocd_objects: dict[str, Manifest], deployed: list[Manifest]
) -> None:
    # NetworkPolicies add up: one more selecting argocd-server anywhere would widen the first.
    (policy,) = [
        o
        for o in deployed
        if o["kind"] == "NetworkPolicy"
        and o["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name")
        == "argocd-server"
    ]
    assert policy["metadata"]["namespace"] == "argocd"
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    (rule,) = policy["spec"]["ingress"]
    (peer,) = rule["from"]
    assert set(peer) == {"podSelector"}, "no namespaceSelector or ipBlock widening the source"
    assert rule["ports"] == [{"protocol": "TCP", "port": SERVER_PORT}]
    tunnel = argocd_objects["Deployment/cloudflared-api"]
    pod_labels = tunnel["spec"]["template"]["metadata"]["labels"]
    selector = peer["podSelector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()
    # The selector picks the tunnel and no other pod in the namespace.
    others = [o for o in deployed if o["kind"] == "Deployment" and o is not tunnel]
    assert not any(
        selector.items() <= o["spec"]["template"]["metadata"]["labels"].items() for o in others
    )


def test_tunnels_take_their_token_from_an_external_secret(
    rendered: dict[str, list[Manifest]],
) -> None:
    tunnels = []
    for rel_dir in (d for d in rendered if d.endswith(OVERLAY)):
        objects = rendered[rel_dir]
        made = {
            (o["spec"]["target"]["name"], d["secretKey"])
            for o in objects
            if o["kind"] == "ExternalSecret"
            for d in o["spec"]["data"]
        }
        for obj in (o for o in objects if o["kind"] == "Deployment"):
            for container in obj["spec"]["template"]["spec"]["containers"]:
                if not container["image"].startswith("cloudflare/cloudflared:"):
                    continue
                tunnels.append(obj["metadata"]["name"])
                env = {e["name"]: e for e in container["env"]}
                ref = env["TUNNEL_TOKEN"]["valueFrom"]["secretKeyRef"]
                assert (ref["name"], ref["key"]) in made, (rel_dir, obj["metadata"]["name"])
    assert sorted(tunnels) == [
        "cloudflared-api",
        "cloudflared-dashboard",
        "cloudflared-grafana",
        "cloudflared-longhorn-ui",
    ]


@pytest.mark.parametrize("path", tree_files(), ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_no_secret_values_in_the_tree(path: Path) -> None:
    assert plaintext_secrets(iter_documents(path.read_text(), str(path))) == []


def test_no_secret_values_in_rendered_output(rendered: dict[str, list[Manifest]]) -> None:
    assert plaintext_secrets(o for objs in rendered.values() for o in objs) == []


def test_every_workload_has_resources_and_probes(rendered: dict[str, list[Manifest]]) -> None:
    assert workload_problems(o for objs in rendered.values() for o in objs) == []
