"""The whole chain on a real git repository: changed_files, a base worktree, discovery, the
real RepoIdentity, affected_apps."""

from __future__ import annotations

from pathlib import Path

from argodiff.discover.affected import affected_apps
from argodiff.discover.applications import discover_applications
from argodiff.repo import git
from argodiff.repo.identity import RepoIdentity
from tests.affected.helpers import REPO_URL, Tree, app_manifest, configmap, kustomization
from tests.repo.test_git import commit, sh


def lolice(tree: Tree, names: list[str]) -> None:
    """Root app over argoproj/, one kustomize component per name, values for Helm in git."""
    tree.write("argoproj/root.yaml", app_manifest("root", path="argoproj"))
    listed = ["root.yaml", *(f"{n}/application.yaml" for n in names)]
    labels = [{"pairs": {"app.kubernetes.io/part-of": "lolice"}}]
    tree.write("argoproj/kustomization.yaml", kustomization(resources=listed, labels=labels))
    for name in names:
        tree.write(
            f"argoproj/{name}/application.yaml",
            app_manifest(name, path=f"argoproj/{name}/overlays/prod"),
        )
        tree.write(f"argoproj/{name}/base/kustomization.yaml", kustomization(resources=["cm.yaml"]))
        tree.write(f"argoproj/{name}/base/cm.yaml", configmap(name))
        tree.write(
            f"argoproj/{name}/overlays/prod/kustomization.yaml",
            kustomization(resources=["../../base"]),
        )


def test_pull_request_in_a_real_repository(tmp_path: Path) -> None:
    tree = Tree(tmp_path / "repo")
    tree.root.mkdir()
    sh(tree.root, "init", "-q", "-b", "main")
    sh(tree.root, "remote", "add", "origin", REPO_URL)
    lolice(tree, ["calico", "longhorn", "reloader"])
    base = commit(tree.root, "base")
    sh(tree.root, "checkout", "-q", "-b", "pr")
    lolice(tree, ["calico", "longhorn", "reloader", "descheduler"])  # adds descheduler
    tree.write("argoproj/longhorn/base/cm.yaml", configmap("longhorn-v2"))
    sh(tree.root, "rm", "-q", "-r", "argoproj/reloader")
    tree.write(
        "argoproj/kustomization.yaml",
        (tree.root / "argoproj/kustomization.yaml")
        .read_text()
        .replace("- reloader/application.yaml\n", ""),
    )
    commit(tree.root, "pr")

    changed = git.changed_files(tree.root, "main", "pr")
    identity = RepoIdentity.of_checkout(tree.root, remote_urls=git.remote_urls(tree.root))
    with git.worktree(tree.root, base) as base_dir:
        base_apps = discover_applications(base_dir).apps
        found = affected_apps(
            base_apps,
            discover_applications(tree.root).apps,
            changed,
            tree.root,
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
