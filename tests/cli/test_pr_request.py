"""What `argodiff pr` reads from the GitHub Actions environment."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from argodiff.errors import ConfigError
from argodiff.github.env import from_environ
from argodiff.github.event import from_event
from argodiff.repo.checkout import LocalRepo
from argodiff.repo.identity import RepoIdentity
from tests.fixture_repo import GitRepo, base_files, pr_changes


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[LocalRepo, str, str]:
    git = GitRepo.init(tmp_path_factory.mktemp("pr") / "repo")
    base = git.commit(base_files(), "base")
    head = git.commit(pr_changes(), "pr")
    return LocalRepo(git.path, identity=RepoIdentity(urls=())), base, head


def _event(tmp_path: Path, payload: Mapping[str, object]) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return str(path)


def test_inputs_keep_their_hyphens_and_the_token_comes_from_the_input(tmp_path: Path) -> None:
    ctx = from_environ(
        {
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": _event(tmp_path, {"number": 3}),
            "INPUT_ARGOCD-SERVER": "argocd.example.com",
            "INPUT_GITHUB-TOKEN": "ghs_input",
            "GITHUB_TOKEN": "ghs_env",
            "GITHUB_REPOSITORY": "boxp/lolice",
            "GITHUB_RUN_ID": "42",
        }
    )
    assert ctx.input("argocd-server") == "argocd.example.com"
    assert ctx.token == "ghs_input"
    assert ctx.run_url == "https://github.com/boxp/lolice/actions/runs/42"


def test_unreadable_event_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the event"):
        from_environ({"GITHUB_EVENT_PATH": str(tmp_path / "missing.json")})


def test_pull_request_event(tmp_path: Path, repo: tuple[LocalRepo, str, str]) -> None:
    local, base, head = repo
    payload = {
        "number": 9,
        "pull_request": {
            "number": 9,
            "head": {"sha": head, "repo": {"full_name": "someone/lolice"}},
            "base": {"sha": base, "repo": {"full_name": "boxp/lolice"}},
        },
    }
    ctx = from_environ(
        {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": _event(tmp_path, payload)}
    )
    req = from_event(ctx, local)
    assert (req.pr_number, req.head_sha, req.base_sha) == (9, head, base)
    assert req.is_fork and req.pinned_head and req.apps is None


def test_workflow_dispatch_inputs(tmp_path: Path, repo: tuple[LocalRepo, str, str]) -> None:
    local, base, _head = repo
    payload = {"inputs": {"apps": "web, db", "revision": base, "pr": "#12"}}
    ctx = from_environ(
        {"GITHUB_EVENT_NAME": "workflow_dispatch", "GITHUB_EVENT_PATH": _event(tmp_path, payload)}
    )
    req = from_event(ctx, local)
    assert req.apps == ["web", "db"]
    assert req.head_sha == base
    assert req.pr_number == 12
    assert not req.pinned_head


def test_unsupported_event(tmp_path: Path, repo: tuple[LocalRepo, str, str]) -> None:
    ctx = from_environ({"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": _event(tmp_path, {})})
    with pytest.raises(ConfigError, match="pull_request or workflow_dispatch"):
        from_event(ctx, repo[0])
