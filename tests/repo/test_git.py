"""argodiff.repo.git against real repositories in tmp_path."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from argodiff.errors import ArgodiffError, ConfigError
from argodiff.repo import git

IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def sh(repo: Path, *args: str) -> str:
    env = {**os.environ, **IDENTITY}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def write(repo: Path, rel: str, text: str = "x\n") -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def commit(repo: Path, message: str) -> str:
    sh(repo, "add", "-A")
    sh(repo, "commit", "-q", "-m", message)
    return sh(repo, "rev-parse", "HEAD")


def diverge(repo: Path, *added: str) -> None:
    """Branch `pr` changes apps/a (and adds `added`); `main` then changes README.md."""
    sh(repo, "checkout", "-q", "-b", "pr")
    write(repo, "apps/a/deploy.yaml", "kind: Deployment\nspec: {}\n")
    for rel in added:
        write(repo, rel)
    commit(repo, "pr change")
    sh(repo, "checkout", "-q", "main")
    write(repo, "README.md", "main moved on\n")
    commit(repo, "main change")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    sh(root, "init", "-q", "-b", "main")
    write(root, "apps/a/deploy.yaml", "kind: Deployment\n")
    write(root, "apps/b/values.yaml", "replicas: 1\n")
    write(root, "README.md", "hello\n")
    commit(root, "base")
    return root


def test_toplevel_from_a_subdirectory_and_a_file(repo: Path) -> None:
    assert git.toplevel(repo / "apps" / "a") == repo.resolve()
    assert git.toplevel(repo / "apps" / "a" / "deploy.yaml") == repo.resolve()


def test_toplevel_outside_a_repository_is_a_config_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(ConfigError, match="not inside a git repository"):
        git.toplevel(plain)


def test_rev_parse_and_head_sha(repo: Path) -> None:
    sha = sh(repo, "rev-parse", "HEAD")
    assert git.head_sha(repo) == sha
    assert git.rev_parse(repo, "main") == sha
    assert git.rev_parse(repo, sha[:8]) == sha
    assert len(sha) == 40


@pytest.mark.parametrize("ref", ["no-such-branch", "--output=/tmp/x"])
def test_rev_parse_unknown_ref_names_it(repo: Path, ref: str) -> None:
    with pytest.raises(ArgodiffError, match="unknown revision") as info:
        git.rev_parse(repo, ref)
    assert repr(ref) in str(info.value)


def test_merge_base_of_diverged_branches(repo: Path) -> None:
    fork = git.head_sha(repo)
    diverge(repo)
    assert git.merge_base(repo, "main", "pr") == fork


def test_merge_base_unrelated_histories_is_an_error(repo: Path) -> None:
    sh(repo, "checkout", "-q", "--orphan", "other")
    write(repo, "other.txt")
    commit(repo, "unrelated")
    with pytest.raises(ArgodiffError, match="'main' and 'other'"):
        git.merge_base(repo, "main", "other")


def test_changed_files_counts_only_the_pr_side(repo: Path) -> None:
    diverge(repo, "apps/c/new.yaml")
    # Three dots: README.md changed on main only, so the PR does not touch it.
    assert git.changed_files(repo, "main", "pr") == ["apps/a/deploy.yaml", "apps/c/new.yaml"]


def test_changed_files_rename_reports_old_and_new_path(repo: Path) -> None:
    sh(repo, "checkout", "-q", "-b", "pr")
    sh(repo, "mv", "apps/b/values.yaml", "apps/b/values-prod.yaml")
    commit(repo, "rename")
    assert git.changed_files(repo, "main", "pr") == [
        "apps/b/values-prod.yaml",
        "apps/b/values.yaml",
    ]


def test_changed_files_working_tree_includes_untracked_not_ignored(repo: Path) -> None:
    write(repo, ".gitignore", "*.tmp\n")
    commit(repo, "ignore tmp")
    base = git.head_sha(repo)
    write(repo, "apps/a/deploy.yaml", "kind: Deployment\nspec: {}\n")
    write(repo, "apps/new dir/ünïcode.yaml")
    write(repo, "apps/a/scratch.tmp")
    (repo / "README.md").unlink()
    assert git.changed_files(repo, base) == [
        "README.md",
        "apps/a/deploy.yaml",
        "apps/new dir/ünïcode.yaml",
    ]


def test_changed_files_working_tree_from_a_subdirectory_is_repo_relative(repo: Path) -> None:
    write(repo, "apps/b/extra.yaml")
    assert git.changed_files(repo / "apps" / "a", "HEAD") == ["apps/b/extra.yaml"]


def test_changed_files_working_tree_ignores_base_branch_progress(repo: Path) -> None:
    diverge(repo)
    sh(repo, "checkout", "-q", "pr")
    assert git.changed_files(repo, "main") == ["apps/a/deploy.yaml"]


def test_worktree_is_a_clean_checkout_and_is_removed(repo: Path) -> None:
    old = git.head_sha(repo)
    write(repo, "apps/a/deploy.yaml", "kind: Deployment\nspec: {}\n")
    commit(repo, "change")
    write(repo, "dirty.txt", "uncommitted\n")
    with git.worktree(repo, old) as checkout:
        assert (checkout / "apps/a/deploy.yaml").read_text() == "kind: Deployment\n"
        assert not (checkout / "dirty.txt").exists()
        # No `.git` to read (the checkout's token lives in .git/config): files only.
        assert not (checkout / ".git").exists()
        kept = checkout
    assert not kept.exists()
    assert str(kept) not in sh(repo, "worktree", "list")


def test_worktree_is_removed_on_error(repo: Path) -> None:
    seen: list[Path] = []
    with pytest.raises(RuntimeError, match="boom"), git.worktree(repo, "HEAD") as checkout:
        seen.append(checkout)
        raise RuntimeError("boom")
    assert seen
    assert not seen[0].exists()
    assert str(seen[0]) not in sh(repo, "worktree", "list")


def test_worktree_unknown_ref(repo: Path) -> None:
    with pytest.raises(ArgodiffError, match="'nope'"), git.worktree(repo, "nope"):
        pass


def test_remote_urls_fetch_urls_without_credentials(repo: Path) -> None:
    sh(repo, "remote", "add", "origin", "https://x-access-token:ghs_SECRET@github.com/o/r.git")
    sh(repo, "remote", "add", "fork", "git@github.com:me/r.git")
    sh(repo, "remote", "set-url", "--push", "fork", "git@github.com:me/push-only.git")
    urls = git.remote_urls(repo)
    assert urls == ["git@github.com:me/r.git", "https://github.com/o/r.git"]
    assert not any("SECRET" in u for u in urls)


def test_remote_urls_none(repo: Path) -> None:
    assert git.remote_urls(repo) == []
