"""Source paths, Application manifests, and added / deleted / changed apps."""

from __future__ import annotations

from tests.fixture_repo import OTHER_URL, REPO_URL, GitRepo, app_manifest


def test_file_under_the_source_path_affects_the_app(tree: GitRepo) -> None:
    web = tree.app("apps/web.yaml", "web", path="argoproj/web")
    db = tree.app("apps/db.yaml", "db", path="argoproj/db")
    found = tree.affected(["argoproj/web/deep/deployment.yaml"], [web, db])
    assert list(found) == ["web"]
    assert found["web"].state == "changed"
    assert found["web"].reasons == [
        "argoproj/web/deep/deployment.yaml: in source path argoproj/web"
    ]


def test_file_outside_every_app_affects_nothing(tree: GitRepo) -> None:
    web = tree.app("apps/web.yaml", "web", path="argoproj/web")
    changed = ["README.md", "argoproj/webhook/x.yaml", "argoproj/web.yaml", ".github/ci.yaml"]
    assert tree.affected(changed, [web]) == {}


def test_source_path_written_loosely_still_matches(tree: GitRepo) -> None:
    web = tree.app("apps/web.yaml", "web", path="./argoproj/web/")
    assert list(tree.affected(["argoproj/web/a.yaml"], [web])) == ["web"]


def test_app_at_the_repository_root_sees_every_file(tree: GitRepo) -> None:
    root = tree.app("apps/root.yaml", "root", path=".")
    assert tree.affected(["a/b/c.yaml"], [root])["root"].reasons == ["a/b/c.yaml: in source path ."]


def test_source_of_another_repository_is_not_affected(tree: GitRepo) -> None:
    other = tree.app(
        "apps/other.yaml",
        "other",
        sources=[{"repoURL": OTHER_URL, "path": "argoproj/web", "targetRevision": "HEAD"}],
    )
    assert tree.affected(["argoproj/web/x.yaml"], [other]) == {}


def test_application_manifest_change_affects_the_app(tree: GitRepo) -> None:
    web = tree.app("apps/web.yaml", "web", path="argoproj/web")
    found = tree.affected(["apps/web.yaml"], [web])
    assert found["web"].reasons == ["apps/web.yaml: Application manifest"]


def test_file_with_several_apps_affects_only_those_it_changed(tree: GitRepo) -> None:
    base = tree.apps(
        "apps/all.yaml",
        [app_manifest("a", path="argoproj/a"), app_manifest("b", path="argoproj/b")],
    )
    head = tree.apps(
        "apps/all.yaml",
        [app_manifest("a", path="argoproj/a"), app_manifest("b", path="argoproj/b2")],
    )
    found = tree.affected(["apps/all.yaml"], head, base)
    assert list(found) == ["b"]
    assert found["b"].reasons == ["apps/all.yaml: Application manifest"]


def test_new_and_deleted_apps(tree: GitRepo) -> None:
    base = [tree.app("apps/old.yaml", "old", path="argoproj/old")]
    base.append(tree.app("apps/keep.yaml", "keep", path="argoproj/keep"))
    (tree.path / "apps/old.yaml").unlink()
    head = [base[1], tree.app("apps/new.yaml", "new", path="argoproj/new")]
    changed = ["apps/old.yaml", "apps/new.yaml", "argoproj/new/deploy.yaml"]
    found = tree.affected(changed, head, base)
    assert {name: a.state for name, a in found.items()} == {"new": "added", "old": "deleted"}
    assert found["new"].reasons == [
        "apps/new.yaml: new Application",
        "argoproj/new/deploy.yaml: in source path argoproj/new",
    ]
    assert found["old"].reasons == ["apps/old.yaml: Application removed"]
    assert found["old"].app is base[0]


def test_app_moved_to_another_file_is_changed_not_added(tree: GitRepo) -> None:
    before = tree.app("apps/web.yaml", "web", path="argoproj/web")
    after = tree.app("apps/web/application.yaml", "web", path="argoproj/web")
    found = tree.affected(["apps/web.yaml", "apps/web/application.yaml"], [after], [before])
    assert found["web"].state == "changed"
    assert found["web"].reasons == ["apps/web/application.yaml: Application manifest"]


def test_results_sorted_each_app_once_with_all_reasons(tree: GitRepo) -> None:
    head = [
        tree.app("apps/zeta.yaml", "zeta", path="argoproj/zeta"),
        tree.app("apps/alpha.yaml", "alpha", path="argoproj/alpha"),
        tree.app(
            "apps/mid.yaml",
            "mid",
            sources=[
                {"repoURL": REPO_URL, "path": "argoproj/mid/a"},
                {"repoURL": REPO_URL, "path": "argoproj/mid/b"},
            ],
        ),
    ]
    changed = [
        "argoproj/zeta/1.yaml",
        "argoproj/mid/b/2.yaml",
        "argoproj/mid/a/1.yaml",
        "argoproj/alpha/1.yaml",
        "apps/mid.yaml",
    ]
    found = tree.affected(changed, head)
    assert list(found) == ["alpha", "mid", "zeta"]
    assert found["mid"].reasons == [
        "apps/mid.yaml: Application manifest",
        "argoproj/mid/a/1.yaml: in source path argoproj/mid/a",
        "argoproj/mid/b/2.yaml: in source path argoproj/mid/b",
    ]
