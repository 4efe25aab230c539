"""Every route and every body the simulator serves, checked against Argo CD's own swagger
(assets/swagger.json of v3.5.1, kept at <repo>/../shared/reference/argocd-swagger.json)."""

from __future__ import annotations

import json
from typing import Any

import requests

from tests.conftest import GitOpsRepo
from tests.simulator import DEFAULT_TOKEN, FaultKind, Simulator
from tests.simulator.server import ROUTES
from tests.simulator.swagger import check, needs_swagger, swagger

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}

pytestmark = needs_swagger

SWAGGER_PATHS = {
    "version": "/api/version",
    "userinfo": "/api/v1/session/userinfo",
    "settings": "/api/v1/settings",
    "cluster": "/api/v1/clusters/{id.value}",
    "clusters": "/api/v1/clusters",
    "applications": "/api/v1/applications",
    "application": "/api/v1/applications/{name}",
    "managed-resources": "/api/v1/applications/{applicationName}/managed-resources",
    "manifests": "/api/v1/applications/{name}/manifests",
}
QUERY_READ = {
    "cluster": {"id.type"},
    "applications": {"project", "projects", "appNamespace", "name", "repo", "selector"},
    "application": {"project", "projects", "appNamespace"},
    "managed-resources": {"appNamespace", "project", "group", "kind", "namespace", "name"},
    "manifests": {"appNamespace", "project", "revision", "revisions", "sourcePositions", "noCache"},
}


def test_every_route_is_in_the_swagger_with_the_parameters_read() -> None:
    assert {name for name, _ in ROUTES} == set(SWAGGER_PATHS)
    for route, path in SWAGGER_PATHS.items():
        operation = swagger()["paths"][path]["get"]
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert QUERY_READ.get(route, set()) <= declared, route
        assert "runtimeError" in operation["responses"]["default"]["schema"]["$ref"]


def test_success_bodies_match_the_swagger(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    sim.drift("web", "Deployment", "web", {"spec": {"replicas": 4}})
    sim.cluster.delete_live("web", "Service", "web")
    for headers in (AUTH, {}):
        check("versionVersionMessage", _get(sim, "/api/version", headers))
        check("sessionGetUserInfoResponse", _get(sim, "/api/v1/session/userinfo", headers))
        check("clusterSettings", _get(sim, "/api/v1/settings", headers))
    check("v1alpha1Cluster", _get(sim, "/api/v1/clusters/https%3A%2F%2Fkubernetes.default.svc"))
    check("v1alpha1Cluster", _get(sim, "/api/v1/clusters/in-cluster", params={"id.type": "name"}))
    check("v1alpha1ClusterList", _get(sim, "/api/v1/clusters"))
    listed = _get(sim, "/api/v1/applications")
    check("v1alpha1ApplicationList", listed)
    for app in ("web", "db", "infra"):
        check("v1alpha1Application", _get(sim, f"/api/v1/applications/{app}"))
        managed = _get(sim, f"/api/v1/applications/{app}/managed-resources")
        check("applicationManagedResourcesResponse", managed)
        for item in managed["items"]:
            for state in ("targetState", "liveState", "normalizedLiveState", "predictedLiveState"):
                assert isinstance(json.loads(item[state]), dict | None)
        for params in ({}, {"revision": gitops_repo.pr}):
            body = _get(sim, f"/api/v1/applications/{app}/manifests", params=params)
            check("repositoryManifestResponse", body)
            assert set(body) == {"manifests"}  # only manifests since v2.11


def test_error_bodies_match_the_swagger(sim: Simulator) -> None:
    sim.deny("db")
    sim.fault(FaultKind.ERROR, route="manifests", times=1)
    cases = [
        ("/api/v1/applications", {}, {}, 401),
        ("/api/v1/applications/db", AUTH, {}, 403),
        ("/api/v1/clusters/https%3A%2F%2Fother.example", AUTH, {}, 403),
        ("/api/v1/applications/nope", AUTH, {"project": "default"}, 404),
        ("/api/v1/applications/web", AUTH, {"projects": ["a", "b"]}, 400),
        ("/api/v1/applications/web/manifests", AUTH, {}, 500),
        ("/api/v1/applications/web/manifests", AUTH, {"revision": "nope"}, 500),
    ]
    for path, headers, params, status in cases:
        assert isinstance(params, dict) and isinstance(headers, dict)
        r = requests.get(sim.url + path, headers=headers, params=params, timeout=30)
        assert r.status_code == status, path
        assert r.headers["Content-Type"] == "application/json"
        check("runtimeError", r.json())


def _get(
    sim: Simulator, path: str, headers: dict[str, str] = AUTH, params: dict[str, Any] | None = None
) -> Any:
    r = requests.get(sim.url + path, headers=headers, params=params, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()
