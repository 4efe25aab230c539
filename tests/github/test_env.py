"""The Actions context: each field from its GITHUB_* variable, defaults when unset or empty."""

from __future__ import annotations

from pathlib import Path

from argodiff.github.env import ActionsContext, from_environ


def test_every_field_comes_from_its_variable() -> None:
    ctx = from_environ(
        {
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_REPOSITORY": "boxp/lolice",
            "GITHUB_API_URL": "https://ghe.example.com/api/v3",
            "GITHUB_SERVER_URL": "https://ghe.example.com",
            "GITHUB_WORKSPACE": "/github/workspace",
            "GITHUB_SHA": "abc123",
            "GITHUB_REF": "refs/pull/3/merge",
            "GITHUB_RUN_ID": "42",
            "GITHUB_STEP_SUMMARY": "/tmp/summary.md",
            "GITHUB_OUTPUT": "/tmp/output",
        }
    )
    assert ctx == ActionsContext(
        event_name="pull_request",
        repository="boxp/lolice",
        api_url="https://ghe.example.com/api/v3",
        server_url="https://ghe.example.com",
        workspace=Path("/github/workspace"),
        sha="abc123",
        ref="refs/pull/3/merge",
        run_id="42",
        step_summary=Path("/tmp/summary.md"),
        output=Path("/tmp/output"),
    )


def test_unset_or_empty_variables_keep_the_defaults() -> None:
    empty = from_environ({"GITHUB_API_URL": "", "GITHUB_WORKSPACE": ""})
    assert empty == from_environ({}) == ActionsContext()
    assert empty.api_url == "https://api.github.com"
    assert empty.server_url == "https://github.com"
    assert empty.workspace is None
