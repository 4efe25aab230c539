"""`argodiff demo`: the pull-request job on a built-in change to this repository's `argoproj/`.

The change is what a typical PR to lolice looks like: the Longhorn UI tunnel gets a newer
cloudflared image, a second replica and a PodDisruptionBudget, and the Dashboard's read-only
viewer account is dropped. It is applied to a throwaway checkout of HEAD, so the demo needs no
cluster, no network and leaves the working tree alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from argodiff import messages, yamlio
from argodiff.errors import ArgodiffError, ConfigError
from argodiff.model import Manifest
from argodiff.repo import git
from argodiff.repo.checkout import LocalRepo
from argodiff.run.plan import Plan, trees
from argodiff.run.sides import revision_side

Edit = Callable[[Path], None]

LONGHORN = "argoproj/longhorn/base"
DASHBOARD = "argoproj/kubernetes-dashboard/base"


def _edit_docs(path: Path, change: Callable[[list[Manifest]], list[Manifest]]) -> None:
    try:
        docs = yamlio.load_manifests(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise ArgodiffError(f"demo: {path} is not there ({exc.strerror})") from None
    path.write_text("".join("---\n" + yamlio.dump(doc) for doc in change(docs)), encoding="utf-8")


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _tunnel(docs: list[Manifest]) -> list[Manifest]:
    for doc in docs:
        if doc.get("kind") == "Deployment":
            doc["spec"]["replicas"] = 2
            for container in doc["spec"]["template"]["spec"]["containers"]:
                if str(container.get("image", "")).startswith("cloudflare/cloudflared"):
                    container["image"] = "cloudflare/cloudflared:2025.11.1"
    return docs


def _resources(add: str = "", drop: str = "") -> Callable[[list[Manifest]], list[Manifest]]:
    def change(docs: list[Manifest]) -> list[Manifest]:
        listed = [r for r in docs[0].get("resources", []) if r != drop]
        docs[0]["resources"] = [*listed, add] if add else listed
        return docs

    return change


PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: cloudflared-longhorn-ui
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: cloudflared-longhorn-ui
"""

EDITS: list[tuple[str, Edit]] = [
    (f"{LONGHORN}/cloudflared-longhorn-ui.yaml", lambda p: _edit_docs(p, _tunnel)),
    (f"{LONGHORN}/pdb.yaml", lambda p: _write(p, PDB)),
    (
        f"{LONGHORN}/kustomization.yaml",
        lambda p: _edit_docs(p, _resources(add="pdb.yaml")),
    ),
    (
        f"{DASHBOARD}/kustomization.yaml",
        lambda p: _edit_docs(p, _resources(drop="viewer.yaml")),
    ),
]
"""(file, edit) pairs: the built-in pull request."""


@contextmanager
def demo_plan(repo: LocalRepo) -> Iterator[Plan]:
    """HEAD against a copy of HEAD with the demo's edits, offline: the apps the edits affect
    are rendered, the others reported as skipped."""
    missing = [n for n in (LONGHORN, DASHBOARD) if not (repo.root / n).is_dir()]
    if missing:
        raise ConfigError(
            f"demo needs argodiff's own repository, whose argoproj/ it changes: {repo.root} has"
            f" no {missing[0]}/ (run it in a clone of argodiff, or pass --repo to one)"
        )
    head = git.rev_parse(repo.root, "HEAD")
    with git.worktree(repo.root, "HEAD") as base_dir, git.worktree(repo.root, "HEAD") as head_dir:
        for name, edit in EDITS:
            edit(head_dir / name)
        plan = trees(repo, base_dir, head_dir, [], changed=[name for name, _ in EDITS])
        plan.base, plan.revision = head, "demo PR"
        plan.base_side, plan.head_side = revision_side(head, "HEAD"), revision_side("demo PR")
        plan.notices.insert(0, messages.DEMO())
        yield plan
