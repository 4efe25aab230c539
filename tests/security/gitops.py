"""The GitOps repository the security suite runs on: Secrets holding canaries in every shape
(data, stringData, a Helm value, a `kind: List`), and manifests full of markdown and workflow
command injections. The PR commit changes every secret value and every injected line."""

from __future__ import annotations

import json
import textwrap

from tests.fixture_repo import application, kustomization
from tests.security.canaries import (
    ADDED,
    DATA_BASE,
    DATA_PR,
    EXPORTED_BASE,
    EXPORTED_PR,
    GENERATED_BASE,
    GENERATED_PR,
    HELM_BASE,
    HELM_PR,
    LIST_BASE,
    LIST_PR,
    REMOVED,
    STRING_BASE,
    STRING_PR,
    b64,
)

REPOSITORY = "lolice/argoproj"
"""The mocked GitHub's repository; the Applications name the fixture repositories' REPO_URL."""
APPS = ("vault", "chart", "inject")

VALUE_MARK = "PAYLOAD"
"""Every injected manifest value holds this: such text belongs in a code block, nowhere else."""
NAME_MARK = "HOSTILE"
"""Injected resource names hold this: they may show outside code, but only as inert text."""

# Lines that would break a comment, ping people or drive the runner if printed raw. Most appear
# twice, base and PR versions, so both `-` and `+` lines carry them; the lines without the
# revision in them stay as context lines (` ` + text, which the runner would trim and parse).
INJECTION_LINES = (
    "PAYLOAD {rev} fence: ```",
    "```",
    "````````",
    "~~~",
    "~~~~~~~~~",
    "PAYLOAD {rev} </details></details></summary>",
    "<details><summary>PAYLOAD {rev} fake section</summary>",
    "PAYLOAD {rev} <img src=x onerror=alert(1)>",
    "<script>alert('PAYLOAD')</script>",
    "PAYLOAD {rev} cc @octocat and @lolice/admins",
    "@octocat PAYLOAD",
    "::set-output name=pwned::PAYLOAD",
    "::add-mask::PAYLOAD",
    "::error::PAYLOAD {rev}",
    "::stop-commands::x",
    "::x::",
    "::warning file=a.yaml::PAYLOAD",
    "PAYLOAD {rev} ##[set-output name=legacy;]pwned",
    "##[error]PAYLOAD",
)
HOSTILE_ROLE = (
    "HOSTILE ``` </details><summary>x</summary><img src=x onerror=alert(1)> "
    "@octocat ::error::HOSTILE ##[warning]HOSTILE"
)
"""A Role name: Kubernetes only forbids `/`, `%`, `.` and `..` in RBAC names."""


def _secret(name: str, notes: dict[str, str] | None = None, **fields: dict[str, str]) -> str:
    """A Secret with the given `data` (base64 values) and/or `stringData`."""
    meta: dict[str, object] = {"name": name} | ({"annotations": notes} if notes else {})
    secret: dict[str, object] = {"apiVersion": "v1", "kind": "Secret", "metadata": meta}
    return json.dumps(secret | fields, indent=2) + "\n"


def _exported(value: str) -> str:
    """A Secret saved from a cluster with `kubectl get -o yaml`: its last-applied annotation
    holds the value too."""
    data = {"key": b64(value)}
    applied = {"last-applied-configuration": _secret("exported", data=data)}
    return _secret(
        "exported", {f"kubectl.kubernetes.io/{k}": v for k, v in applied.items()}, data=data
    )


def _vault(rev: dict[str, str]) -> dict[str, str]:
    """Secrets in every shape a kustomize app holds them: `data`, `stringData`, `kind: List`,
    a secretGenerator, a last-applied annotation."""
    listed = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            json.loads(_secret("listed", stringData={"key": rev["list"]})),
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "listed-config"}},
        ],
    }
    data = {"username": b64("admin"), "password": b64(rev["data"])}
    return {
        "argoproj/vault/base/secret-data.yaml": _secret("db-password", data=data),
        "argoproj/vault/base/secret-string.yaml": _secret(
            "api-token", stringData={"token": rev["string"]}
        ),
        "argoproj/vault/base/list.yaml": json.dumps(listed, indent=2) + "\n",
        "argoproj/vault/base/exported.yaml": _exported(rev["exported"]),
        "argoproj/vault/base/kustomization.yaml": kustomization(
            "secret-data.yaml",
            "secret-string.yaml",
            "list.yaml",
            "exported.yaml",
            rev["extra"],
            extra=f"secretGenerator:\n  - name: generated\n    literals: [password={rev['gen']}]\n",
        ),
        "argoproj/chart/overlays/prod/values.yaml": f"password: {rev['helm']}\n",
    }


CHART = {
    "Chart.yaml": "apiVersion: v2\nname: canary\nversion: 0.1.0\n",
    "templates/secret.yaml": textwrap.dedent(
        """\
        apiVersion: v1
        kind: Secret
        metadata:
          name: {{ .Release.Name }}-credentials
        data:
          password: {{ .Values.password | b64enc }}
        stringData:
          plain: {{ .Values.password | quote }}
        """
    ),
}


def _payload(rev: str) -> str:
    return "\n".join(line.format(rev=rev) for line in INJECTION_LINES) + "\n"


def _inject(rev: str) -> dict[str, str]:
    """ConfigMap values, an annotation, container args and a Role name, all hostile."""
    block = textwrap.indent(_payload(rev), " " * 4)
    configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: payloads\ndata:\n"
    configmap += f"  notes: |\n{block}"
    configmap += f'  inline: "PAYLOAD {rev} `code` ``` </details> @octocat <b>bold</b>"\n'
    args = [line.format(rev=rev) for line in INJECTION_LINES[::3]]
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "annotations": {"note": f"PAYLOAD {rev} </details><script>x</script> @octocat"},
        },
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "args": args}]},
            },
        },
    }
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": HOSTILE_ROLE},
        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", rev]}],
    }
    return {
        "argoproj/inject/base/configmap.yaml": configmap,
        # JSON is YAML: the quoting of these strings is JSON's, with nothing left to chance.
        "argoproj/inject/base/deployment.yaml": json.dumps(deployment, indent=2) + "\n",
        "argoproj/inject/base/role.yaml": json.dumps(role, indent=2) + "\n",
    }


def base_files() -> dict[str, str]:
    files = {
        "argoproj/vault/application.yaml": application("vault", "vault"),
        "argoproj/vault/base/retired.yaml": _secret("retired", data={"old": b64(REMOVED)}),
        "argoproj/vault/overlays/prod/kustomization.yaml": kustomization("../../base"),
        # The overlay directory holds a chart: Argo CD takes a path with Chart.yaml as Helm.
        "argoproj/chart/application.yaml": application("chart", "chart"),
        "argoproj/inject/application.yaml": application("inject", "inject"),
        "argoproj/inject/base/kustomization.yaml": kustomization(
            "configmap.yaml", "deployment.yaml", "role.yaml"
        ),
        "argoproj/inject/overlays/prod/kustomization.yaml": kustomization("../../base"),
    }
    files |= {f"argoproj/chart/overlays/prod/{k}": v for k, v in CHART.items()}
    base = {
        "data": DATA_BASE,
        "string": STRING_BASE,
        "list": LIST_BASE,
        "helm": HELM_BASE,
        "exported": EXPORTED_BASE,
        "gen": GENERATED_BASE,
        "extra": "retired.yaml",
    }
    return files | _vault(base) | _inject("base")


def pr_changes() -> dict[str, str | None]:
    """Every secret value changes, one Secret goes and one comes, every injected line changes."""
    changes: dict[str, str | None] = {
        "argoproj/vault/base/retired.yaml": None,
        "argoproj/vault/base/fresh.yaml": _secret("fresh", data={"new": b64(ADDED)}),
    }
    pr = {
        "data": DATA_PR,
        "string": STRING_PR,
        "list": LIST_PR,
        "helm": HELM_PR,
        "exported": EXPORTED_PR,
        "gen": GENERATED_PR,
        "extra": "fresh.yaml",
    }
    return changes | _vault(pr) | _inject("pr")
