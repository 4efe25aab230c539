"""Live objects full of server fields show no difference against the Git they came from."""

from __future__ import annotations

import json

import pytest

from argodiff.engine import diff_app
from argodiff.model import Change, Manifest
from tests.engine import objects as o

PAIRS = {
    "deployment": (o.deployment, o.live_deployment),
    "service": (o.service, o.live_service),
    "statefulset": (o.statefulset, o.live_statefulset),
    "certificate": (o.certificate, o.live_certificate),
    "secret-plaintext": (o.secret, o.live_secret),
    "secret-masked-by-argo": (o.secret, lambda: o.live_secret(masked=True)),
}


@pytest.mark.parametrize("name", PAIRS)
def test_live_object_matches_its_target(name: str) -> None:
    target, live = PAIRS[name]
    assert diff_app(o.app(), [target()], [live()], o.settings()) == []


def test_whole_app_without_changes_is_empty_and_inputs_are_untouched() -> None:
    targets = [make() for make, _ in PAIRS.values()][:-1]
    live = [make() for _, make in PAIRS.values()][:-1]
    before = json.dumps([targets, live], sort_keys=True)
    assert diff_app(o.app(), targets, live, o.settings()) == []
    assert json.dumps([targets, live], sort_keys=True) == before


def test_a_real_change_in_the_same_objects_is_found() -> None:
    target = o.deployment()
    target["spec"]["template"]["spec"]["containers"][0]["image"] = "ghcr.io/example/web:1.5.0"
    [result] = diff_app(o.app(), [target], [o.live_deployment()], o.settings())
    assert result.change is Change.MODIFIED
    assert result.paths == ["spec.template.spec.containers[name=app].image"]
    assert "-        image: ghcr.io/example/web:1.4.2" in result.diff
    assert "+        image: ghcr.io/example/web:1.5.0" in result.diff


def test_targets_from_argo_cd_with_tracking_already_set() -> None:
    """GetManifests targets carry the tracking annotation; stamping again changes nothing."""
    target: Manifest = o.deployment()
    target["metadata"]["annotations"] = {
        o.TRACKING: o.tracking_id("apps", "Deployment", "web"),
    }
    assert diff_app(o.app(), [target], [o.live_deployment()], o.settings()) == []
