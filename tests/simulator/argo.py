"""The JSON bodies Argo CD's API server sends (Go encoding/json: omitempty drops empty values)."""

from __future__ import annotations

import base64
import copy
import uuid
from dataclasses import dataclass, field

import yaml

from argodiff.render import source_type
from tests.simulator.cluster import Cluster, SimApp, strip_none
from tests.simulator.kube import Obj
from tests.simulator.live import CREATED, IgnoreRule

VERSION = "v3.5.1+109ca7c"
CONTROLLER_NAMESPACE = "argocd"


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


DEFAULT_TOKEN = ".".join(
    (
        _b64('{"alg":"HS256","typ":"JWT"}'),
        _b64('{"iss":"argocd","sub":"github-actions:apiKey","jti":"simulator"}'),
        _b64("simulator-signature"),
    )
)
"""A local-account API key's shape: a three-part HS256 JWT (util/jwt IsValid wants 3 parts)."""


def error_body(message: str, code: int) -> Obj:
    """grpc-gateway v1 DefaultHTTPError body; `details` only when non-empty."""
    return {"error": message, "code": code, "message": message}


PERMISSION_DENIED = error_body("permission denied", 7)


def not_found(name: str) -> Obj:
    return error_body(f'applications.argoproj.io "{name}" not found', 5)


@dataclass(frozen=True)
class Override:
    """One settings.resourceOverrides entry's ignoreDifferences."""

    json_pointers: tuple[str, ...] = ()
    jq_path_expressions: tuple[str, ...] = ()
    managed_fields_managers: tuple[str, ...] = ()

    def yaml(self) -> str:
        """Serialized as Argo CD's rawResourceOverride does: a YAML string, nil lists as null
        (pkg/apis/application/v1alpha1/types.go MarshalJSON)."""
        return yaml.safe_dump(
            {
                "jqPathExpressions": list(self.jq_path_expressions) or None,
                "jsonPointers": list(self.json_pointers) or None,
                "managedFieldsManagers": list(self.managed_fields_managers) or None,
            },
            sort_keys=True,
            default_flow_style=False,
        )


@dataclass
class Settings:
    url: str = "https://argocd.example.com"
    app_label_key: str = "app.kubernetes.io/instance"
    tracking_method: str = "annotation"
    installation_id: str = ""
    version: str = VERSION
    kustomize_build_options: str = ""
    """argocd-cm `kustomize.buildOptions`: the simulator's renders use them too."""
    overrides: dict[str, Override] = field(
        default_factory=lambda: {"*/*": Override(json_pointers=("/status",))}
    )
    """`*/*` ignores /status: Argo CD 3.x's ignoreResourceStatusField default."""

    def ignore_rules(self) -> list[IgnoreRule]:
        rules = []
        for key, override in self.overrides.items():
            group, _, kind = key.rpartition("/")
            if override.json_pointers:
                rules.append(IgnoreRule(group, kind, override.json_pointers))
        return rules

    def body(self, logged_in: bool) -> Obj:
        out: Obj = {
            "url": self.url,
            "appLabelKey": self.app_label_key,
            "trackingMethod": self.tracking_method,
            "installationID": self.installation_id,
            "passwordPattern": "^.{8,32}$",
            "kustomizeOptions": strip_empty_strings(
                {"binaryPath": "", "buildOptions": self.kustomize_build_options}
            )
            or {"binaryPath": ""},
            "dexConfig": {},
            "help": {},
            "googleAnalytics": {},
            "uiCssURL": "",
        }
        if logged_in:
            # Only for a logged-in caller (server/settings/settings.go sessionmgr.LoggedIn).
            out["controllerNamespace"] = CONTROLLER_NAMESPACE
            out["resourceOverrides"] = {
                key: {"ignoreDifferences": o.yaml(), "ignoreResourceUpdates": Override().yaml()}
                for key, o in self.overrides.items()
            }
        return strip_empty_strings(out)

    def version_body(self, logged_in: bool) -> Obj:
        if not logged_in:
            return {"Version": self.version}
        return {
            "Version": self.version,
            "BuildDate": "2026-08-12T00:00:00Z",
            "GitCommit": "109ca7ca71139e514114499d294a492e7910a965",
            "GitTag": self.version.split("+")[0],
            "GitTreeState": "clean",
            "GoVersion": "go1.25.0",
            "Compiler": "gc",
            "Platform": "linux/amd64",
            "KustomizeVersion": "v5.7.1 2025-07-23T12:45:29Z",
            "HelmVersion": "v3.18.4+gd80839c",
            "KubectlVersion": "v0.34.0",
            "JsonnetVersion": "v0.21.0",
        }


IN_CLUSTER = "https://kubernetes.default.svc"
BUILTIN_APIS = (
    "v1",
    "v1/ConfigMap",
    "v1/Namespace",
    "v1/Secret",
    "v1/Service",
    "v1/ServiceAccount",
    "apps/v1",
    "apps/v1/DaemonSet",
    "apps/v1/Deployment",
    "apps/v1/StatefulSet",
    "batch/v1",
    "batch/v1/Job",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1/Ingress",
    "networking.k8s.io/v1/NetworkPolicy",
    "policy/v1",
    "policy/v1/PodDisruptionBudget",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1/ClusterRole",
    "rbac.authorization.k8s.io/v1/Role",
    "monitoring.coreos.com/v1",
    "monitoring.coreos.com/v1/PodMonitor",
    "monitoring.coreos.com/v1/PrometheusRule",
    "monitoring.coreos.com/v1/ServiceMonitor",
)
"""What the simulated cluster serves: built-in kinds and prometheus-operator's CRDs, as on lolice
(strings as util/argo APIResourcesToStrings writes them: group/version and group/version/Kind)."""


@dataclass
class ClusterInfo:
    """One destination cluster as `GET /api/v1/clusters/{server}` describes it."""

    server: str = IN_CLUSTER
    name: str = "in-cluster"
    server_version: str = "1.32"
    """major.minor, as the controller's cluster info updater stores it."""
    api_versions: tuple[str, ...] = BUILTIN_APIS
    labels: tuple[tuple[str, str], ...] = ()
    """The cluster Secret's labels (what ApplicationSet clusters generators select on)."""

    def body(self, applications: int) -> Obj:
        state = {"status": "Successful", "attemptedAt": CREATED}
        return {
            "server": self.server,
            "name": self.name,
            **({"labels": dict(self.labels)} if self.labels else {}),
            "config": {"tlsClientConfig": {"insecure": False}},
            "connectionState": state,
            "serverVersion": self.server_version,
            "info": {
                "connectionState": state,
                "serverVersion": self.server_version,
                "cacheInfo": {"resourcesCount": 100, "apisCount": len(self.api_versions)},
                "applicationsCount": applications,
                "apiVersions": list(self.api_versions),
            },
        }


def strip_empty_strings(obj: Obj) -> Obj:
    return {k: v for k, v in obj.items() if v != ""}


def userinfo(logged_in: bool, username: str) -> Obj:
    # loggedIn:false is omitted, so a bad token gets `{}`.
    return {"loggedIn": True, "username": username, "iss": "argocd"} if logged_in else {}


def _source_types(app: SimApp, cluster: Cluster) -> list[str]:
    tree = cluster.worktree(cluster.synced)
    return [
        source_type(s, None if s.chart else tree / s.path)
        for s in app.model.sources
        if not s.is_ref_only
    ]


def application(app: SimApp, cluster: Cluster) -> Obj:
    """An Application as GET /api/v1/applications/{name} returns it (no apiVersion/kind)."""
    raw = app.raw
    md = raw.get("metadata") or {}
    spec = strip_none(copy.deepcopy(raw.get("spec") or {}))
    ident = f"{md.get('namespace') or CONTROLLER_NAMESPACE}/{app.name}"
    metadata = {
        "name": app.name,
        "namespace": md.get("namespace") or CONTROLLER_NAMESPACE,
        "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, ident)),
        "resourceVersion": str(1000 + uuid.uuid5(uuid.NAMESPACE_URL, ident).int % 9000),
        "generation": 1,
        "creationTimestamp": CREATED,
        "labels": md.get("labels"),
        "annotations": md.get("annotations"),
        "finalizers": md.get("finalizers"),
    }
    types = _source_types(app, cluster)
    sync: Obj = {"status": "OutOfSync" if cluster.drifted(app.name) else "Synced"}
    compared: Obj = {"destination": spec.get("destination") or {}}
    if app.model.multi_source:
        sync["revisions"] = [cluster.synced] * len(app.model.sources)
        compared["sources"] = spec.get("sources")
    else:
        sync["revision"] = cluster.synced
        compared["source"] = spec.get("source") or (spec.get("sourceHydrator") or {}).get(
            "drySource"
        )
    sync["comparedTo"] = compared
    status: Obj = {
        "sync": sync,
        "health": {"status": "Healthy", "lastTransitionTime": CREATED},
        "reconciledAt": CREATED,
        "sourceType": types[0] if types else "",
        "summary": {},
        "controllerNamespace": CONTROLLER_NAMESPACE,
    }
    if app.model.multi_source:
        status["sourceTypes"] = types
    return {"metadata": strip_none(metadata), "spec": spec, "status": status}


def list_resource_version(items: list[Obj]) -> str:
    return str(sum(int(i["metadata"]["resourceVersion"]) for i in items) or 1)
