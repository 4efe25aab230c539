"""Reading an Application's sources and ignore rules from their manifest mappings."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from argodiff.application import ignore_rule_from_dict, source_from_dict
from argodiff.model import IgnoreRule, Source


def test_every_source_field_is_read_from_its_manifest_key() -> None:
    same = {
        "path": "apps/web",
        "helm": {"valueFiles": ["values.yaml"]},
        "kustomize": {"namePrefix": "a-"},
        "directory": {"recurse": True},
        "plugin": {"name": "cmp"},
        "chart": "web",
        "ref": "values",
        "name": "first",
    }
    url = "https://example.com/repo.git"
    source = source_from_dict({**same, "repoURL": url, "targetRevision": "main"})
    assert dataclasses.asdict(source) == {**same, "repo_url": url, "target_revision": "main"}


def test_missing_null_and_odd_values_read_as_empty() -> None:
    assert source_from_dict({"path": None, "helm": "not a mapping"}) == Source()
    rule = ignore_rule_from_dict(
        {"kind": "Deployment", "jsonPointers": ["/spec/replicas", None], "jqPathExpressions": "x"}
    )
    assert rule == IgnoreRule(kind="Deployment", json_pointers=("/spec/replicas",))


def test_an_ignore_rule_reads_its_lists() -> None:
    rule = ignore_rule_from_dict(
        {
            "group": "apps",
            "name": "web",
            "namespace": "prod",
            "jqPathExpressions": [".spec.x"],
            "managedFieldsManagers": ["kube-controller-manager"],
        }
    )
    assert rule.group == "apps"
    assert (rule.name, rule.namespace) == ("web", "prod")
    assert rule.jq_path_expressions == (".spec.x",)
    assert rule.managed_fields_managers == ("kube-controller-manager",)


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (source_from_dict, "a source must be a mapping"),
        (ignore_rule_from_dict, "an ignoreDifferences entry must be a mapping"),
    ],
)
def test_a_non_mapping_is_refused(read: Callable[[Any], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read(["not", "a", "mapping"])
