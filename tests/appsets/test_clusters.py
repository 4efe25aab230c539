"""A clusters generator through the real CLI: Argo CD's cluster list (`GET /api/v1/clusters`
on the simulator) when a server is configured, a `--clusters` file offline, else the
in-cluster destination with a notice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.appsets.cli import argodiff, by_name
from tests.appsets.fixtures import appset, service_dir, template
from tests.fixture_repo import GitRepo
from tests.simulator import Simulator
from tests.simulator.argo import ClusterInfo

pytestmark = pytest.mark.e2e

CLUSTERS = appset(
    "per-cluster",
    [{"clusters": {"selector": {"matchLabels": {"env": "prod"}}}}],
    template("web-{{name}}", "apps/web", "web"),
)
EVERY_CLUSTER = appset("everywhere", [{"clusters": {}}], template("db-{{name}}", "apps/db", "db"))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitRepo]:
    repo = GitRepo.init(tmp_path_factory.mktemp("clusters") / "repo")
    files = {
        "argoproj/per-cluster.yaml": CLUSTERS,
        "argoproj/everywhere.yaml": EVERY_CLUSTER,
        **service_dir("web"),
        **service_dir("db"),
    }
    repo.commit(files, "per-cluster apps")
    yield repo


def test_clusters_come_from_argo_cd_when_a_server_answers(repo: GitRepo) -> None:
    with Simulator(repo.path) as sim:
        sim.clusters.append(
            ClusterInfo(server="https://prod.example", name="prod", labels=(("env", "prod"),))
        )
        env = {"ARGOCD_SERVER": sim.url, "ARGOCD_AUTH_TOKEN": sim.token}
        run = argodiff(
            repo.path,
            "app",
            "web-prod",
            "db-in-cluster",
            "db-prod",
            "--local",
            "-o",
            "json",
            env=env,
        )
        asked = sim.log.all(route="clusters")
    assert run.code in (0, 1), run.stderr
    apps = by_name(run)
    # The simulator's own controller knows only the in-cluster destination, so the apps
    # generated for `prod` are not in Argo CD: new, with a warning.
    assert apps["db-in-cluster"]["status"] == "unchanged"
    for name, appset_name in (("web-prod", "per-cluster"), ("db-prod", "everywhere")):
        assert apps[name]["applicationSet"] == appset_name
        assert apps[name]["lifecycle"] == "new"
        assert any("Argo CD has no Application of that name" in w for w in apps[name]["warnings"])
    assert len(asked) == 1  # asked once, for both ApplicationSets


def test_clusters_file_offline_and_the_in_cluster_default(repo: GitRepo, tmp_path: Path) -> None:
    listed = tmp_path / "clusters.json"
    listed.write_text(
        json.dumps([{"name": "prod", "server": "https://prod.example", "labels": {"env": "prod"}}])
    )
    run = argodiff(
        repo.path, "app", "--all", "--base", "HEAD", "--clusters", str(listed), "-o", "json"
    )
    assert run.code == 0, run.stderr
    assert {n for n in by_name(run) if "-" in n} == {"web-prod", "db-prod"}
    assert not any("in-cluster destination only" in n for n in run.result["notices"])

    run = argodiff(repo.path, "app", "--all", "--base", "HEAD", "-o", "json")
    apps = by_name(run)
    # Without a list, only the in-cluster destination: a selector leaves it out.
    assert "db-in-cluster" in apps and "web-prod" not in apps
    assert any(
        "ApplicationSet everywhere (argoproj/everywhere.yaml): its clusters generator used the "
        "in-cluster destination only" in n
        for n in run.result["notices"]
    )
