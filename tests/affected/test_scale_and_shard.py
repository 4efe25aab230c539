"""A PR touching thousands of files, and splitting the affected apps into CI shards."""

from __future__ import annotations

import pytest

from argodiff.discover.affected import shard
from argodiff.errors import ConfigError
from tests.fixture_repo import GitRepo, configmap_doc, kustomization_doc

APPS = 40


def test_pr_touching_thousands_of_files(tree: GitRepo) -> None:
    apps = []
    changed = [f"docs/page{i}.md" for i in range(3000)]
    for n in range(APPS):
        name = f"app{n:02d}"
        tree.write(
            f"argoproj/{name}/base/kustomization.yaml", kustomization_doc(resources=["cm.yaml"])
        )
        tree.write(f"argoproj/{name}/base/cm.yaml", configmap_doc(name))
        tree.write(
            f"argoproj/{name}/overlays/prod/kustomization.yaml",
            kustomization_doc(resources=["../../base"]),
        )
        apps.append(tree.app(f"apps/{name}.yaml", name, path=f"argoproj/{name}/overlays/prod"))
        changed += [f"argoproj/{name}/base/unused{j}.yaml" for j in range(10)]
        if n % 2 == 0:
            changed.append(f"argoproj/{name}/base/cm.yaml")
        if n % 5 == 0:
            changed += [f"argoproj/{name}/overlays/prod/extra/f{j}.yaml" for j in range(50)]
    assert len(changed) > 3000

    found = tree.affected(changed, apps)

    # Files under an overlay that its kustomization does not read (extra/) affect nothing.
    expected = {f"app{n:02d}" for n in range(APPS) if n % 2 == 0}
    assert set(found) == expected
    assert found["app10"].reasons[0] == (
        "argoproj/app10/base/cm.yaml: kustomize resources in argoproj/app10/base/kustomization.yaml"
    )
    assert len(found["app10"].reasons) == 1
    assert len(found["app02"].reasons) == 1


def test_shards_are_balanced_and_cover_every_app_once() -> None:
    names = [f"app{n:03d}" for n in range(103)]
    groups = shard(list(reversed(names)), 4)
    assert [len(g) for g in groups] == [26, 26, 26, 25]
    assert [n for g in groups for n in g] == names


def test_shards_are_deterministic_and_deduplicated() -> None:
    assert shard(["c", "a", "b", "a"], 2) == shard(["b", "a", "c"], 2) == [["a", "b"], ["c"]]


def test_fewer_apps_than_shards_gives_no_empty_shard() -> None:
    assert shard(["b", "a"], 5) == [["a"], ["b"]]
    assert shard([], 3) == []


def test_shard_count_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        shard(["a"], 0)
