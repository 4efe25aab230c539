"""The whole chain on a real git repository: changed_files, a base worktree, discovery, the
real RepoIdentity, affected_apps."""

from __future__ import annotations

from pathlib import Path

from argodiff.discover.affected import affected_apps
from argodiff.discover.applications import discover_applications
from argodiff.repo import git
from argodiff.repo.identity import RepoIdentity
from tests.fixture_repo import REPO_URL, GitRepo, app_manifest, configmap_doc, kustomization_doc


def lolice(tree: GitRepo, names: list[str]) -> None:
    """Root app over argoproj/, one kustomize component per name, values for Helm in git."""
    tree.write("argoproj/root.yaml", app_manifest("root", path="argoproj"))
    listed = ["root.yaml", *(f"{n}/application.yaml" for n in names)]
    labels = [{"pairs": {"app.kubernetes.io/part-of": "lolice"}}]
    tree.write("argoproj/kustomization.yaml", kustomization_doc(resources=listed, labels=labels))
    for name in names:
        tree.write(
            f"argoproj/{name}/application.yaml",
            app_manifest(name, path=f"argoproj/{name}/overlays/prod"),
        )
        tree.write(
            f"argoproj/{name}/base/kustomization.yaml", kustomization_doc(resources=["cm.yaml"])
        )
        tree.write(f"argoproj/{name}/base/cm.yaml", configmap_doc(name))
        tree.write(
            f"argoproj/{name}/overlays/prod/kustomization.yaml",
            kustomization_doc(resources=["../../base"]),
        )


def test_pull_request_in_a_real_repository(tmp_path: Path) -> None:
    tree = GitRepo.init(tmp_path / "repo")
    tree.git("remote", "add", "origin", REPO_URL)
    lolice(tree, ["calico", "longhorn", "reloader"])
    base = tree.commit({}, "base")
    tree.git("checkout", "-q", "-b", "pr")
    lolice(tree, ["calico", "longhorn", "reloader", "descheduler"])  # adds descheduler
    tree.write("argoproj/longhorn/base/cm.yaml", configmap_doc("longhorn-v2"))
    tree.git("rm", "-q", "-r", "argoproj/reloader")
    tree.write(
        "argoproj/kustomization.yaml",
        (tree.path / "argoproj/kustomization.yaml")
        .read_text()
        .replace("- reloader/application.yaml\n", ""),
    )
    tree.commit({}, "pr")

    changed = git.changed_files(tree.path, "main", "pr")
    identity = RepoIdentity.of_checkout(tree.path, remote_urls=git.remote_urls(tree.path))
    with git.worktree(tree.path, base) as base_dir:
        base_apps = discover_applications(base_dir).apps
        found = affected_apps(
            base_apps,
            discover_applications(tree.path).apps,
            changed,
            tree.path,
            identity,
            base_root=base_dir,
        )

    assert {a.app.name: a.state for a in found} == {
        "descheduler": "added",
        "longhorn": "changed",
        "reloader": "deleted",
        "root": "changed",
    }
    longhorn = next(a for a in found if a.app.name == "longhorn")
    assert longhorn.reasons == [
        "argoproj/longhorn/base/cm.yaml: kustomize resources in "
        "argoproj/longhorn/base/kustomization.yaml"
    ]
