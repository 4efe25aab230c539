"""Each app diffed the way Argo CD diffs it, through the real CLI against the simulator:
structured merge for ServerSideApply apps, Argo CD's ServerSideDiff over gRPC-web for apps
whose compare options ask for it (argocd-render-and-diff-modes.md §3)."""

from __future__ import annotations

import pytest

from tests.conftest import GitOpsRepo
from tests.e2e.cli import run_cli
from tests.fixture_repo import SERVICE, GitRepo, application, kustomization
from tests.simulator import Simulator
from tests.simulator.grpcweb import Webhook

pytestmark = pytest.mark.e2e


def _app(name: str, *, sync_options: tuple[str, ...] = (), compare: str = "") -> str:
    notes = f"argocd.argoproj.io/compare-options: {compare}" if compare else ""
    return application(
        name, name, path=f"argoproj/{name}", annotations=notes, sync_options=sync_options
    )


TWO_PORTS = SERVICE + "    - name: metrics\n      port: 9090\n"
CONFIG_COUNT = 6


def _configmap(index: int, value: str = "a") -> str:
    # ~60 KB each: live + target of the app exceed one 250 KB ServerSideDiff batch.
    return (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: blob-{index}\n"
        f"data:\n  payload: {value * 60_000}\n"
    )


def _files(*, pr: bool) -> dict[str, str]:
    blobs = {f"argoproj/ssd/blob-{i}.yaml": _configmap(i) for i in range(CONFIG_COUNT)}
    if pr:
        blobs["argoproj/ssd/blob-0.yaml"] = _configmap(0, "b")
    names = [f"blob-{i}.yaml" for i in range(CONFIG_COUNT)]
    return {
        "argoproj/edge/application.yaml": _app("edge", sync_options=("ServerSideApply=true",)),
        "argoproj/edge/kustomization.yaml": kustomization("service.yaml"),
        "argoproj/edge/service.yaml": SERVICE if pr else TWO_PORTS,
        "argoproj/plain/application.yaml": _app("plain"),
        "argoproj/plain/kustomization.yaml": kustomization("service.yaml"),
        "argoproj/plain/service.yaml": SERVICE if pr else TWO_PORTS,
        "argoproj/ssd/application.yaml": _app(
            "ssd", sync_options=("ServerSideApply=true",), compare="ServerSideDiff=true"
        ),
        "argoproj/ssd/kustomization.yaml": kustomization("service.yaml", *names),
        "argoproj/ssd/service.yaml": SERVICE if pr else TWO_PORTS,
        **blobs,
        "argoproj/hooked/application.yaml": _app(
            "hooked", compare="ServerSideDiff=true,IncludeMutationWebhook=true"
        ),
        "argoproj/hooked/kustomization.yaml": kustomization("service.yaml"),
        "argoproj/hooked/service.yaml": SERVICE,
    }


@pytest.fixture(scope="module")
def gitops_repo(tmp_path_factory: pytest.TempPathFactory) -> GitOpsRepo:
    repo = GitRepo.init(tmp_path_factory.mktemp("modes") / "repo")
    synced = repo.commit(_files(pr=False), "apps with each diff mode")
    pr = repo.commit(_files(pr=True), "drop the metrics port; change a blob")
    return GitOpsRepo(repo, synced, pr)


def _service(run_app: dict[str, object]) -> dict[str, object]:
    resources = run_app["resources"]
    assert isinstance(resources, list)
    [service] = [r for r in resources if r["kind"] == "Service"]
    assert isinstance(service, dict)
    return service


def test_server_side_apply_app_loses_a_dropped_controller_owned_port(
    sim: Simulator, gitops_repo: GitOpsRepo
) -> None:
    run = run_cli(sim, "edge", "plain", revision=gitops_repo.pr, cwd=gitops_repo.repo.path)
    assert run.code == 1, run.stderr
    edge = run.app("edge")
    assert edge["diffMode"] == "structured-merge"
    service = _service(edge)
    assert service["paths"] == ["spec.ports[port=9090]"]
    assert "-  - name: metrics" in str(service["diff"])
    # The same change on a kubectl-applied app: the last-applied annotation drives it.
    plain = run.app("plain")
    assert plain["diffMode"] == "three-way"
    assert _service(plain)["paths"] == ["spec.ports[port=9090]"]
    assert sim.log.count("server-side-diff") == 0


def test_server_side_diff_app_is_diffed_by_argo_cd_in_batches(
    sim: Simulator, gitops_repo: GitOpsRepo
) -> None:
    run = run_cli(sim, "ssd", revision=gitops_repo.pr, cwd=gitops_repo.repo.path)
    assert run.code == 1, run.stderr
    ssd = run.app("ssd")
    assert ssd["diffMode"] == "server-side"
    assert run.changes("ssd") == {
        ("modified", "Service", "web"),
        ("modified", "ConfigMap", "blob-0"),
    }
    assert "-  - name: metrics" in str(_service(ssd)["diff"])
    calls = sim.log.all("server-side-diff", "ssd")
    assert len(calls) >= 3  # 7 resources of ~120 KB live + target: several batches
    assert all(c.method == "POST" and c.status == 200 for c in calls)
    assert all(c.headers["content-type"] == "application/grpc-web+proto" for c in calls)
    assert all(c.headers["token"] == sim.token for c in calls)


def test_never_makes_no_server_side_call(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    run = run_cli(
        sim,
        "ssd",
        revision=gitops_repo.pr,
        cwd=gitops_repo.repo.path,
        extra=("--server-side-diff", "never"),
    )
    assert run.code == 1, run.stderr
    assert run.app("ssd")["diffMode"] == "structured-merge"
    assert sim.log.count("server-side-diff") == 0
    assert ("modified", "ConfigMap", "blob-0") in run.changes("ssd")


def test_always_asks_argo_cd_for_every_app(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    run = run_cli(
        sim,
        "plain",
        revision=gitops_repo.synced,
        cwd=gitops_repo.repo.path,
        extra=("--server-side-diff", "always"),
    )
    assert run.code == 0, run.stderr
    assert run.app("plain")["diffMode"] == "server-side"
    assert run.app("plain")["status"] == "unchanged"
    assert sim.log.count("server-side-diff", "plain") == 1


def test_a_mutating_webhook_shows_only_when_the_app_includes_it(
    sim: Simulator, gitops_repo: GitOpsRepo
) -> None:
    sim.webhook = Webhook()
    run = run_cli(sim, "hooked", "ssd", revision=gitops_repo.synced, cwd=gitops_repo.repo.path)
    assert run.code == 1, run.stderr
    assert "+    sidecar.example.com/injected: 'true'" in str(_service(run.app("hooked"))["diff"])
    assert run.app("ssd")["status"] == "unchanged"


def test_a_denied_call_is_the_apps_error_naming_the_permission(
    sim: Simulator, gitops_repo: GitOpsRepo
) -> None:
    sim.fault("grpc", route="server-side-diff", app="ssd", code=7, message="permission denied")
    run = run_cli(sim, "ssd", "edge", revision=gitops_repo.pr, cwd=gitops_repo.repo.path)
    assert run.code == 2, run.stderr
    ssd = run.app("ssd")
    assert ssd["status"] == "error"
    assert "`applications, get` on default/ssd" in ssd["error"]
    assert run.app("edge")["status"] == "changed"  # the other apps are still diffed


def test_a_proxy_failure_on_the_call_is_the_apps_error(
    sim: Simulator, gitops_repo: GitOpsRepo
) -> None:
    sim.fault("gateway", route="server-side-diff", status=502)
    run = run_cli(sim, "ssd", revision=gitops_repo.pr, cwd=gitops_repo.repo.path)
    assert run.code == 2, run.stderr
    assert "502" in run.app("ssd")["error"]
