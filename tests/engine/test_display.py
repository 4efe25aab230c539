"""The diff text leaves out server bookkeeping; the verdict and the paths do not."""

from __future__ import annotations

from argodiff.engine import diff_app
from argodiff.engine.display import for_display
from argodiff.model import Change
from tests.engine import objects as o

BOOKKEEPING = (
    "uid:",
    "resourceVersion:",
    "generation:",
    "creationTimestamp:",
    "managedFields:",
    "selfLink:",
    "last-applied-configuration",
    "status:",
    "tracking-id",
)


def test_a_modified_deployment_shows_no_bookkeeping_around_its_change() -> None:
    target = o.deployment()
    target["spec"]["replicas"] = 3
    [result] = diff_app(o.app(), [target], [o.live_deployment()], o.settings())
    assert result.change is Change.MODIFIED
    assert result.paths == ["spec.replicas"]
    assert "+  replicas: 3" in result.diff
    for field in BOOKKEEPING:
        assert field not in result.diff, field


def test_a_pruned_resource_shows_no_bookkeeping() -> None:
    [removed] = diff_app(o.app(), [], [o.live_deployment()], o.settings())
    assert removed.change is Change.REMOVED
    assert "-kind: Deployment" in removed.diff
    for field in BOOKKEEPING:
        assert field not in removed.diff, field


def test_when_only_bookkeeping_differs_both_sides_are_shown_whole() -> None:
    live = o.as_live({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    predicted = {**live, "metadata": {**live["metadata"], "uid": "other"}}
    assert for_display(live, predicted) == (live, predicted)
