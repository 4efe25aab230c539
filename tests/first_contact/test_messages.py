"""Messages a new user meets first: each says what is wrong and what to do."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.first_contact.helpers import REPO_ROOT, argodiff, clean_env, git_only_path
from tests.fixture_repo import GitRepo, base_files


def test_demo_outside_a_checkout_says_what_it_needs(tmp_path: Path) -> None:
    run = argodiff("demo", cwd=tmp_path)
    assert run.code == 2
    (line,) = run.error_lines
    assert line.startswith(
        "argodiff: error: demo needs a git checkout of argodiff's own repository, whose"
        " argoproj/ it changes (run it in a clone of argodiff, or pass --repo to one)"
    )


def test_demo_in_another_gitops_repository_says_what_it_needs(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit(base_files(), "three apps")
    run = argodiff("demo", cwd=repo.path)
    assert run.code == 2
    assert run.error_lines == [
        "argodiff: error: demo needs argodiff's own repository, whose argoproj/ it changes:"
        f" {repo.path} has no argoproj/longhorn/base/ (run it in a clone of argodiff, or pass"
        " --repo to one)"
    ]
    assert "/tmp/argodiff-" not in run.stderr  # no throwaway path in the message


def test_no_kustomize_and_no_kubectl_names_both_with_where_to_get_them(tmp_path: Path) -> None:
    env = clean_env(PATH=git_only_path(tmp_path))
    run = argodiff("app", "root", "--base", "HEAD", "-o", "json", env=env)
    assert run.code == 2
    assert (
        "kubectl: not installed (not found on PATH); kustomize sources need kustomize or"
        " kubectl (`kubectl kustomize`) on PATH: see" in run.stdout
    )
    assert "https://kubectl.docs.kubernetes.io/installation/kustomize/" in run.stdout


def _clone(source: Path, dest: Path, *extra: str) -> Path:
    subprocess.run(
        ["git", "clone", "-q", *extra, f"file://{source}", str(dest)], check=True, timeout=120
    )
    return dest


def test_a_missing_ref_hints_at_fetch_depth_only_in_a_shallow_clone(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit(base_files(), "one")
    repo.commit({"README.md": "two\n"}, "two")
    full = _clone(repo.path, tmp_path / "full")
    shallow = _clone(repo.path, tmp_path / "shallow", "--depth", "1")
    in_full = argodiff("app", "--all", "--base", "no-such-ref", cwd=full)
    in_shallow = argodiff("app", "--all", "--base", "HEAD~1", cwd=shallow)
    assert in_full.code == in_shallow.code == 2
    assert "fetch-depth" not in in_full.stderr
    assert "no branch, tag or commit of that name" in in_full.stderr
    assert "a shallow clone: fetch it first, e.g. actions/checkout with fetch-depth: 0" in (
        in_shallow.stderr
    )


def test_readme_examples_name_apps_of_this_repository() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    examples = [line for line in readme.splitlines() if line.startswith("argodiff app ")]
    assert examples
    known = {p.parent.name for p in (REPO_ROOT / "argoproj").glob("*/application.yaml")}
    known |= {"root"}
    for line in examples:
        words = line.split("#")[0].split()[2:]
        names = []
        for word in words:
            if word.startswith("-"):
                break
            names.append(word)
        assert set(names) <= known, line
