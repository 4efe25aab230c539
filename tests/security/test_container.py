"""The container and the workflows hand a render nothing: no token left in `.git/config`, and
renders run as an unprivileged user while the action itself runs as root."""

from __future__ import annotations

from typing import Any

from argodiff.sandbox import RENDER_UID, tool_sandbox
from tests.action.files import dockerfile, load_yaml, workflow_files


def _checkouts(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if str(node.get("uses", "")).startswith("actions/checkout@") else []
        return found + [c for v in node.values() for c in _checkouts(v)]
    if isinstance(node, list):
        return [c for v in node for c in _checkouts(v)]
    return []


def test_every_checkout_leaves_no_token_in_git_config() -> None:
    """actions/checkout stores the token in .git/config unless told not to: a chart or a
    kustomization of the PR must find nothing there."""
    steps = [(p.name, s) for p in workflow_files() for s in _checkouts(load_yaml(p))]
    assert steps
    for name, step in steps:
        assert (step.get("with") or {}).get("persist-credentials") is False, name


def test_the_image_runs_as_root_and_renders_as_nobody(tmp_path: Any) -> None:
    """No USER in the image (GitHub's rule for container actions): argodiff starts as root, so
    the render sandbox switches to uid 65534."""
    assert not [i for i in dockerfile() if i.keyword == "USER"]
    sandbox = tool_sandbox(tmp_path)
    assert RENDER_UID == 65534
    assert sandbox.uid == RENDER_UID or sandbox.uid is None
    assert set(sandbox.env) >= {"PATH", "HOME", "TMPDIR"}
    assert not [k for k in sandbox.env if k.startswith(("INPUT_", "ARGOCD_", "GITHUB_"))]
