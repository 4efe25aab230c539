"""A pull request with everything a reviewer meets in one comment: a modest change, a
3,000-line dashboard ConfigMap, a failing app, a new app, a deleted app, a changed Secret, and
a ConfigMap and a ClusterRole in one app."""

from __future__ import annotations

import base64
import json

from tests.fixture_repo import DEPLOYMENT, application, kustomization

PASSWORD_BASE = "base-db-password-CANARY"
PASSWORD_PR = "rotated-db-password-CANARY"
PANELS = 200
"""Lines of the dashboard JSON: 15 a panel, 3,000 in all."""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def dashboard(revision: str) -> str:
    """A Grafana dashboard ConfigMap of about 3,000 lines; the PR resizes, retitles and
    re-queries every panel, so `},` lines sit between changed lines all over the diff."""
    panels = []
    window = "1m" if revision == "pr" else "5m"
    for i in range(PANELS):
        changed = revision == "pr"
        panels.append(
            {
                "id": i,
                "gridPos": {"h": 9 if changed else 8, "w": 12, "x": 0, "y": i},
                "title": f"Panel {i}" + (" (p95)" if changed else ""),
                "type": "timeseries",
                "targets": [{"expr": f"rate(http_requests_total{{panel='{i}'}}[{window}])"}],
            }
        )
    text = json.dumps({"title": "Cluster", "panels": panels}, indent=2)
    body = "\n".join("    " + line for line in text.split("\n"))
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: grafana-dashboards\n"
        f"data:\n  cluster.json: |\n{body}\n"
    )


def _secret(password: str) -> str:
    return (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\n"
        f"data:\n  password: {_b64(password)}\n  username: {_b64('app')}\n"
    )


def _role(verbs: str) -> str:
    return (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
        f"  name: viewer\nrules:\n  - apiGroups: ['']\n    resources: [pods]\n    verbs: {verbs}\n"
    )


def _settings(level: str) -> str:
    return (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: {level}\n"
    )


def _app(name: str, namespace: str, files: dict[str, str]) -> dict[str, str]:
    out = {f"argoproj/{name}/application.yaml": application(name, namespace)}
    out |= {f"argoproj/{name}/overlays/prod/{k}": v for k, v in files.items()}
    out[f"argoproj/{name}/overlays/prod/kustomization.yaml"] = kustomization(*files)
    return out


def base_files() -> dict[str, str]:
    return {
        **_app("web", "web", {"deployment.yaml": DEPLOYMENT}),
        **_app("dashboards", "monitoring", {"dashboards.yaml": dashboard("base")}),
        **_app("broken", "broken", {"settings.yaml": _settings("info")}),
        **_app("legacy", "legacy", {"settings.yaml": _settings("old")}),
        **_app("vault", "vault", {"secret.yaml": _secret(PASSWORD_BASE)}),
        **_app(
            "rbac", "rbac", {"role.yaml": _role("[get, list]"), "settings.yaml": _settings("a")}
        ),
    }


def pr_changes() -> dict[str, str | None]:
    """The PR: web to 3 replicas, the dashboard reworked, `broken` names a file it lacks,
    `cache` added, `legacy` removed, the Secret rotated, the role and its settings changed."""
    broken = kustomization("settings.yaml", "middleware.yaml")
    return {
        "argoproj/web/overlays/prod/deployment.yaml": DEPLOYMENT.replace(
            "replicas: 2", "replicas: 3"
        ),
        "argoproj/dashboards/overlays/prod/dashboards.yaml": dashboard("pr"),
        "argoproj/broken/overlays/prod/kustomization.yaml": broken,
        **_app("cache", "cache", {"settings.yaml": _settings("new")}),
        "argoproj/legacy/application.yaml": None,
        "argoproj/legacy/overlays/prod/settings.yaml": None,
        "argoproj/legacy/overlays/prod/kustomization.yaml": None,
        "argoproj/vault/overlays/prod/secret.yaml": _secret(PASSWORD_PR),
        "argoproj/rbac/overlays/prod/role.yaml": _role("[get, list, watch]"),
        "argoproj/rbac/overlays/prod/settings.yaml": _settings("b"),
    }
