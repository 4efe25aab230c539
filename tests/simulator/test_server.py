"""The simulator over HTTP: routes, auth, RBAC, manifests, live state, faults, request log."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import GitOpsRepo
from tests.fixture_repo import GitRepo
from tests.simulator import DEFAULT_TOKEN, Access, FaultKind, Override, Simulator
from tests.simulator.swagger import SWAGGER, check

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
PASSWORD = "s3cr3t-value"


def get(
    sim: Simulator, path: str, headers: dict[str, str] | None = None, **params: Any
) -> requests.Response:
    return requests.get(
        sim.url + path,
        params=params,
        headers=AUTH if headers is None else headers,
        timeout=30,
        allow_redirects=False,
    )


def items(sim: Simulator, app: str, **params: Any) -> dict[str, dict[str, Any]]:
    r = get(sim, f"/api/v1/applications/{app}/managed-resources", **params)
    assert r.status_code == 200, r.text
    return {i["kind"] + "/" + i["name"]: i for i in r.json()["items"]}


def manifests(sim: Simulator, app: str, **params: Any) -> list[dict[str, Any]]:
    r = get(sim, f"/api/v1/applications/{app}/manifests", **params)
    assert r.status_code == 200, r.text
    return [json.loads(m) for m in r.json()["manifests"]]


def test_ui_and_unknown_api_paths(sim: Simulator) -> None:
    ui = get(sim, "/applications/web")
    assert ui.status_code == 200 and ui.headers["Content-Type"].startswith("text/html")
    missing = get(sim, "/api/v1/nothing")
    assert missing.status_code == 404
    assert missing.headers["Content-Type"].startswith("text/plain")
    assert missing.text == "Not Found\n"


def test_no_token_and_bad_token_are_rejected_like_argo(sim: Simulator) -> None:
    none = get(sim, "/api/v1/applications", headers={})
    assert none.status_code == 401
    assert none.json() == {
        "error": "no session information",
        "code": 16,
        "message": "no session information",
    }
    bad = get(sim, "/api/v1/applications/web", headers={"Authorization": "Bearer a.b.c"})
    assert bad.status_code == 401
    assert bad.json()["code"] == 16 and bad.json()["error"].startswith("invalid session: ")


def test_probes_answer_without_a_valid_token(sim: Simulator) -> None:
    bad = {"Authorization": "Bearer a.b.c"}
    assert get(sim, "/api/v1/session/userinfo", headers=bad).json() == {}
    assert get(sim, "/api/v1/session/userinfo").json() == {
        "loggedIn": True,
        "username": "github-actions",
        "iss": "argocd",
    }
    assert get(sim, "/api/version", headers=bad).json() == {"Version": "v3.5.1+109ca7c"}
    assert "GoVersion" in get(sim, "/api/version").json()
    anonymous = get(sim, "/api/v1/settings", headers=bad).json()
    assert "resourceOverrides" not in anonymous and anonymous["trackingMethod"] == "annotation"
    overrides = get(sim, "/api/v1/settings").json()["resourceOverrides"]
    # resourceOverrides values are YAML strings, as Argo CD's custom MarshalJSON writes them.
    assert overrides["*/*"]["ignoreDifferences"] == (
        "jqPathExpressions: null\njsonPointers:\n- /status\nmanagedFieldsManagers: null\n"
    )


def test_token_also_accepted_as_cookie_and_grpc_metadata(sim: Simulator) -> None:
    for headers in (
        {"Cookie": f"argocd.token={DEFAULT_TOKEN}"},
        {"Grpc-Metadata-Token": DEFAULT_TOKEN},
    ):
        assert get(sim, "/api/v1/applications/web", headers=headers).status_code == 200


def test_list_filters(sim: Simulator) -> None:
    def names(**params: Any) -> list[str]:
        return [
            a["metadata"]["name"]
            for a in get(sim, "/api/v1/applications", **params).json()["items"]
        ]

    assert names() == ["db", "infra", "web"]
    assert names(selector="team=frontend") == ["web"]
    assert names(selector="team in (frontend,backend),!missing") == ["web"]
    assert names(selector="team!=frontend") == ["db", "infra"]
    assert names(projects=["data", "nope"]) == ["db"]
    assert names(project="default", projects="data") == ["infra", "web"]
    assert names(appNamespace="argocd") == ["db", "infra", "web"]
    assert names(appNamespace="elsewhere") == []
    sim.deny("web")
    assert names() == ["db", "infra"]


def test_application_json(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    app = get(sim, "/api/v1/applications/web").json()
    assert "kind" not in app and app["metadata"]["namespace"] == "argocd"
    assert app["spec"]["source"]["path"] == "argoproj/web/overlays/prod"
    assert app["status"]["sync"] == {
        "status": "Synced",
        "revision": gitops_repo.synced,
        "comparedTo": {"source": app["spec"]["source"], "destination": app["spec"]["destination"]},
    }
    assert app["status"]["health"]["status"] == "Healthy"
    assert app["status"]["sourceType"] == "Kustomize"
    sim.drift("web", "Deployment", "web", {"spec": {"replicas": 9}})
    assert get(sim, "/api/v1/applications/web").json()["status"]["sync"]["status"] == "OutOfSync"


@pytest.mark.parametrize("route", ["", "/managed-resources", "/manifests"])
def test_missing_or_forbidden_apps_403_without_project_404_with(sim: Simulator, route: str) -> None:
    sim.deny("db")
    for name in ("missing", "db"):
        r = get(sim, f"/api/v1/applications/{name}{route}")
        assert (r.status_code, r.json()["code"], r.json()["error"]) == (403, 7, "permission denied")
    r = get(sim, f"/api/v1/applications/missing{route}", project="default")
    assert r.status_code == 404
    assert r.json() == {
        "error": 'applications.argoproj.io "missing" not found',
        "code": 5,
        "message": 'applications.argoproj.io "missing" not found',
    }
    assert get(sim, f"/api/v1/applications/web{route}", project="data").status_code == 404
    assert get(sim, f"/api/v1/applications/db{route}", project="data").status_code == 403
    assert get(sim, f"/api/v1/applications/web{route}", project="default").status_code == 200
    assert get(sim, f"/api/v1/applications/web{route}", appNamespace="other").status_code == 403


def test_manifests_at_a_revision_carry_tracking_and_masked_secrets(
    sim: Simulator, gitops_repo: GitOpsRepo
) -> None:
    synced = {m["metadata"]["name"] for m in manifests(sim, "web")}
    assert synced == {"web", "web-config"}
    pr = manifests(sim, "web", revision=gitops_repo.pr)
    assert {m["metadata"]["name"] for m in pr} == {"web", "web-extra"}
    deploy = next(m for m in pr if m["kind"] == "Deployment")
    assert deploy["spec"]["replicas"] == 3
    assert (
        deploy["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"]
        == "web:apps/Deployment:web/web"
    )
    assert "namespace" not in deploy["metadata"]
    secret = next(m for m in manifests(sim, "db") if m["kind"] == "Secret")
    assert secret["data"] == {"POSTGRES_PASSWORD": "++++++++"}
    assert "stringData" not in secret


def test_unknown_revision_is_a_manifest_generation_error(sim: Simulator) -> None:
    r = get(sim, "/api/v1/applications/web/manifests", revision="no-such-branch")
    assert r.status_code == 500
    assert r.json()["code"] == 2
    assert "Unable to resolve 'no-such-branch' to a commit SHA" in r.json()["error"]


def test_render_failures_are_reported_then_cached(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    repo = gitops_repo.repo
    broken = repo.commit(
        {"argoproj/web/base/kustomization.yaml": "resources:\n  - gone.yaml\n"}, "break web"
    )
    try:
        first = get(sim, "/api/v1/applications/web/manifests", revision=broken).json()["error"]
        second = get(sim, "/api/v1/applications/web/manifests", revision=broken).json()["error"]
    finally:
        repo.git("reset", "-q", "--hard", gitops_repo.pr)
    assert first.startswith("rpc error: code = Unknown desc = Manifest generation error: ")
    assert "gone.yaml" in first
    assert second.startswith(
        "rpc error: code = Unknown desc = Manifest generation error (cached): "
    )
    assert len(manifests(sim, "db", revision=broken)) == 2
    # noCache (a hard refresh) makes the repo-server try again.
    hard = get(sim, "/api/v1/applications/web/manifests", revision=broken, noCache="true")
    assert hard.json()["error"].startswith(
        "rpc error: code = Unknown desc = Manifest generation error: "
    )


def test_live_state_looks_like_a_cluster(sim: Simulator) -> None:
    web = items(sim, "web")
    assert set(web) == {"ConfigMap/web-config", "Service/web", "Deployment/web"}
    assert all("modified" not in i for i in web.values())
    live = json.loads(web["Deployment/web"]["liveState"])
    assert live["spec"]["revisionHistoryLimit"] == 10
    assert live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert live["status"]["availableReplicas"] == 2
    assert live["metadata"]["namespace"] == "web"
    assert "kubectl.kubernetes.io/last-applied-configuration" in live["metadata"]["annotations"]
    assert web["Deployment/web"]["resourceVersion"] == live["metadata"]["resourceVersion"]
    svc = json.loads(web["Service/web"]["normalizedLiveState"])
    assert svc["spec"]["ports"] == [
        {"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}
    ]
    assert "status" not in svc
    infra = items(sim, "infra")
    assert all("namespace" not in i for i in infra.values())
    assert set(items(sim, "web", kind="Service")) == {"Service/web"}


def test_server_side_applied_apps_have_no_last_applied(sim: Simulator) -> None:
    sim.cluster.apply_mode["web"] = "server"
    live = json.loads(items(sim, "web")["Deployment/web"]["liveState"])
    assert "kubectl.kubernetes.io/last-applied-configuration" not in live["metadata"]["annotations"]


def test_drift_deletion_and_extraneous_resources(sim: Simulator) -> None:
    sim.drift("web", "Deployment", "web", {"spec": {"replicas": 5}})
    sim.cluster.delete_live("web", "ConfigMap", "web-config")
    sim.cluster.add_live(
        "web",
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "stray", "namespace": "web"},
        },
    )
    web = items(sim, "web")
    assert web["Deployment/web"]["modified"] is True
    assert json.loads(web["Deployment/web"]["liveState"])["spec"]["replicas"] == 5
    assert json.loads(web["Deployment/web"]["predictedLiveState"])["spec"]["replicas"] == 2
    assert web["ConfigMap/web-config"]["liveState"] == "null"
    assert web["ConfigMap/web-config"]["modified"] is True
    assert (
        web["ConfigMap/stray"]["targetState"] == "null" and "modified" not in web["ConfigMap/stray"]
    )


def test_secret_values_never_leave_the_server(sim: Simulator) -> None:
    sim.drift(
        "db",
        "Secret",
        "db-credentials",
        {"data": {"POSTGRES_PASSWORD": base64.b64encode(b"changed").decode()}},
    )
    secret = items(sim, "db")["Secret/db-credentials"]
    assert json.loads(secret["targetState"])["data"] == {"POSTGRES_PASSWORD": "++++++++"}
    assert json.loads(secret["liveState"])["data"] == {"POSTGRES_PASSWORD": "++++++++++++"}
    assert secret["modified"] is True
    bodies = "".join(
        get(sim, p).text
        for p in ("/api/v1/applications/db/managed-resources", "/api/v1/applications/db/manifests")
    )
    for leaked in (PASSWORD, base64.b64encode(PASSWORD.encode()).decode(), "changed", "Y2hhbmdlZA"):
        assert leaked not in bodies


def test_cloudflare_access_redirect_and_forbidden(sim: Simulator) -> None:
    sim.access = Access("id.access", "cf-secret")
    redirect = get(sim, "/api/v1/applications?selector=a%3Db")
    assert redirect.status_code == 302
    assert redirect.headers["Location"].startswith(
        "https://team.cloudflareaccess.com/cdn-cgi/access/login/127.0.0.1?kid="
    )
    assert "redirect_url=%2Fapi%2Fv1%2Fapplications" in redirect.headers["Location"]
    sim.access = Access("id.access", "cf-secret", rejection="forbidden")
    forbidden = get(
        sim,
        "/api/v1/applications",
        headers={**AUTH, "CF-Access-Client-Id": "id.access", "CF-Access-Client-Secret": "wrong"},
    )
    assert forbidden.status_code == 403 and forbidden.headers["Server"] == "cloudflare"
    assert forbidden.headers["CF-Ray"] and forbidden.headers["Content-Type"].startswith("text/html")
    ok = get(
        sim,
        "/api/v1/applications",
        headers={
            **AUTH,
            "CF-Access-Client-Id": "id.access",
            "CF-Access-Client-Secret": "cf-secret",
        },
    )
    assert ok.status_code == 200 and ok.headers["Server"] == "cloudflare"


def test_error_fault_for_the_first_request_only(sim: Simulator) -> None:
    sim.fault(FaultKind.ERROR, route="manifests", app="web", times=1)
    first = get(sim, "/api/v1/applications/web/manifests")
    assert first.status_code == 500
    assert first.json()["error"].startswith(
        "rpc error: code = Unknown desc = Manifest generation error (cached)"
    )
    assert get(sim, "/api/v1/applications/db/manifests").status_code == 200
    assert get(sim, "/api/v1/applications/web/manifests").status_code == 200


@pytest.mark.parametrize("status", [502, 503, 504, 524])
def test_gateway_faults_are_cloudflare_html(sim: Simulator, status: int) -> None:
    sim.fault(FaultKind.GATEWAY, route="managed-resources", status=status)
    r = get(sim, "/api/v1/applications/web/managed-resources")
    assert r.status_code == status
    assert r.headers["Server"] == "cloudflare" and "CF-Ray" in r.headers
    assert f"{status}:" in r.text and r.headers["Content-Type"].startswith("text/html")


def test_broken_connection_faults(sim: Simulator) -> None:
    url = sim.url + "/api/v1/applications/web"
    sim.fault(FaultKind.HANG, route="application", times=1)
    with pytest.raises(requests.ReadTimeout):
        requests.get(url, headers=AUTH, timeout=0.3)
    sim.fault(FaultKind.RESET, route="application", times=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(url, headers=AUTH, timeout=5)
    sim.fault(FaultKind.MALFORMED, route="application", times=1)
    with pytest.raises(requests.JSONDecodeError):
        requests.get(url, headers=AUTH, timeout=5).json()
    sim.fault(FaultKind.TRUNCATED, route="application", times=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(url, headers=AUTH, timeout=5)
    sim.fault(FaultKind.LATENCY, route="application", delay=1.0, times=1)
    with pytest.raises(requests.ReadTimeout):
        requests.get(url, headers=AUTH, timeout=0.3)
    assert requests.get(url, headers=AUTH, timeout=5).status_code == 200


def test_request_log(sim: Simulator) -> None:
    get(sim, "/api/v1/applications/web/manifests", revisions=["a", "b"], sourcePositions=["1", "2"])
    get(sim, "/api/v1/applications/web")
    get(sim, "/api/v1/applications/db", headers={})
    logged = sim.log.all(route="manifests", app="web")
    assert len(logged) == 1
    assert logged[0].query == {"revisions": ["a", "b"], "sourcePositions": ["1", "2"]}
    assert logged[0].headers["authorization"] == f"Bearer {DEFAULT_TOKEN}"
    assert sim.log.count(app="web") == 2
    assert sim.log.per_route() == {"manifests": 1, "application": 2}
    assert [r.status for r in sim.log.all(app="db")] == [401]


def test_runs_by_hand(gitops_repo: GitOpsRepo) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.simulator",
            "--repo",
            str(gitops_repo.repo.path),
            "--token",
            "x.y.z",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        url = banner.split(" on ")[1].split()[0]
        assert get_json(url + "/api/v1/applications/web", "x.y.z")["metadata"]["name"] == "web"
        assert "3 apps" in banner
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get_json(url: str, token: str) -> Any:
    return requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30).json()


MULTI_APP = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: multi
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://github.com/example/lolice.git
      targetRevision: HEAD
      path: one
    - repoURL: https://github.com/example/lolice.git
      targetRevision: HEAD
      path: two
  destination:
    server: https://kubernetes.default.svc
    namespace: multi
"""


def config_map(name: str, value: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  v: {value!r}\n"


def test_multi_source_revisions(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "multi")
    first = repo.commit(
        {
            "argoproj/multi.yaml": MULTI_APP,
            "one/cm.yaml": config_map("one", "1"),
            "two/cm.yaml": config_map("two", "1"),
        },
        "v1",
    )
    second = repo.commit(
        {"one/cm.yaml": config_map("one", "2"), "two/cm.yaml": config_map("two", "2")}, "v2"
    )
    with Simulator(repo.path, synced=first) as multi:

        def values(**params: Any) -> dict[str, str]:
            return {
                m["metadata"]["name"]: m["data"]["v"] for m in manifests(multi, "multi", **params)
            }

        # `revision` is ignored for a multi-source app (application.go GetManifests).
        assert values(revision=second) == {"one": "1", "two": "1"}
        assert values(revisions=[second], sourcePositions=["2"]) == {"one": "1", "two": "2"}
        assert values(revisions=[second, second], sourcePositions=["1", "2"]) == {
            "one": "2",
            "two": "2",
        }
        out_of_range = get(
            multi, "/api/v1/applications/multi/manifests", revisions=[second], sourcePositions=["3"]
        )
        assert out_of_range.status_code == 500
        assert "source position is out of range" in out_of_range.json()["error"]
        app = get(multi, "/api/v1/applications/multi").json()
        if SWAGGER.is_file():
            check("v1alpha1Application", app)
        status = app["status"]
        assert status["sync"]["revisions"] == [first, first]
        assert status["sourceTypes"] == ["Directory", "Directory"]
        assert multi.server_errors == []


def test_label_tracking_and_resource_overrides(sim: Simulator) -> None:
    """Settings changes reach renders and live state; the next test's reset() undoes them."""
    sim.set_tracking("label", label_key="argocd.argoproj.io/instance")
    sim.override("apps/Deployment", Override(json_pointers=("/spec/replicas",)))
    settings = get(sim, "/api/v1/settings").json()
    deploy = next(m for m in manifests(sim, "web") if m["kind"] == "Deployment")
    web = items(sim, "web")
    assert (settings["trackingMethod"], settings["appLabelKey"]) == (
        "label",
        "argocd.argoproj.io/instance",
    )
    assert settings["resourceOverrides"]["apps/Deployment"]["ignoreDifferences"] == (
        "jqPathExpressions: null\njsonPointers:\n- /spec/replicas\nmanagedFieldsManagers: null\n"
    )
    assert deploy["metadata"]["labels"] == {"argocd.argoproj.io/instance": "web"}
    assert "annotations" not in deploy["metadata"]
    normalized = json.loads(web["Deployment/web"]["normalizedLiveState"])
    assert "replicas" not in normalized["spec"]
    assert json.loads(web["Deployment/web"]["liveState"])["spec"]["replicas"] == 2
