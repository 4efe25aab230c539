"""GitHub API faults: rate limits and server errors are retried, the rest become typed errors.

`responses` runs urllib3's retry decisions but never sleeps, so these tests exercise the real
retry policy (argodiff's DEFAULT_RETRY) without waiting for its back-off.
"""

from __future__ import annotations

import time

import pytest
from github import Github

from argodiff.errors import ArgodiffError, ConfigError
from argodiff.github.api import (
    MAX_COMMENT_CHARS,
    CommentTooLong,
    PublishError,
    StickyComment,
    github_client,
    pr_changed_files,
)
from tests.github.conftest import NUMBER, REPO, TOKEN, FakeGitHub, Fault
from tests.github.test_sticky_comment import MARKER, report, sticky


@pytest.fixture
def retrying() -> Github:
    return github_client(TOKEN, throttle=False)


def test_primary_rate_limit_is_waited_out(fake: FakeGitHub, retrying: Github) -> None:
    reset = str(int(time.time()) + 30)
    fake.faults.append(
        Fault(
            "POST",
            403,
            {"message": "API rate limit exceeded for installation ID 42."},
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
        )
    )

    outcome = sticky(retrying).publish(report("after the reset"))

    assert outcome.created == 1
    assert fake.bodies() == report("after the reset")
    assert len(fake.requests("POST")) == 2


def test_primary_rate_limit_too_far_away_fails_cleanly(fake: FakeGitHub, retrying: Github) -> None:
    reset = str(int(time.time()) + 3600)
    fake.faults.append(
        Fault(
            "GET",
            403,
            {"message": "API rate limit exceeded for user ID 1."},
            {"X-RateLimit-Reset": reset},
        )
    )

    with pytest.raises(PublishError, match="HTTP 403 API rate limit exceeded"):
        sticky(retrying).publish(report("never posted"))

    assert fake.comments == []


def test_secondary_rate_limit_with_retry_after_is_retried(
    fake: FakeGitHub, retrying: Github
) -> None:
    fake.faults.append(
        Fault(
            "POST",
            403,
            {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
            {"Retry-After": "30"},
        )
    )

    outcome = sticky(retrying).publish(report("posted on the second try"))

    assert outcome.created == 1
    assert len(fake.requests("POST")) == 2


def test_429_is_retried(fake: FakeGitHub, retrying: Github) -> None:
    fake.faults.append(Fault("GET", 429, {"message": "Too Many Requests"}))

    assert sticky(retrying).publish(report("x")).created == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_then_success(fake: FakeGitHub, retrying: Github, status: int) -> None:
    fake.add_comment(report("old")[0])
    fake.faults.append(Fault("PATCH", status, {"message": "Server Error"}))

    outcome = sticky(retrying).publish(report("new"))

    assert outcome.edited == 1
    assert fake.bodies() == report("new")


def test_persistent_server_error_is_a_publish_error(fake: FakeGitHub, retrying: Github) -> None:
    fake.faults.extend(Fault("GET", 502, {"message": "Bad Gateway"}) for _ in range(10))

    with pytest.raises(PublishError) as caught:
        sticky(retrying).publish(report("x"))

    assert str(caught.value) == f"reading the comments of {REPO}#{NUMBER}: HTTP 502 Bad Gateway"
    assert len(fake.requests("GET")) == 6  # the first try and five retries


def test_fork_token_without_write_access_is_a_publish_error(fake: FakeGitHub, gh: Github) -> None:
    fake.faults.append(Fault("POST", 403, {"message": "Resource not accessible by integration"}))

    with pytest.raises(PublishError, match=r"commenting on .*: HTTP 403 Resource not accessible"):
        sticky(gh).publish(report("x"))


def test_body_too_long_from_github_is_comment_too_long(fake: FakeGitHub, gh: Github) -> None:
    fake.add_comment(report("short", "short")[0])
    errors = [{"resource": "IssueComment", "code": "custom", "field": "body",
               "message": "Body is too long (maximum is 65536 characters)"}]  # fmt: skip
    fake.faults.append(Fault("POST", 422, {"message": "Validation Failed", "errors": errors}))
    parts = report("short", "x" * 60000)

    with pytest.raises(CommentTooLong) as caught:
        sticky(gh).publish(parts)

    assert caught.value.part == 2
    assert caught.value.length == len(parts[1])


def test_oversized_part_is_refused_before_any_request(fake: FakeGitHub, gh: Github) -> None:
    with pytest.raises(CommentTooLong, match=r"part 1 has 70[0-9]{3} characters"):
        sticky(gh).publish(report("y" * (MAX_COMMENT_CHARS + 5000)))

    assert len(fake.rsps.calls) == 0


def test_part_without_marker_is_refused(fake: FakeGitHub, gh: Github) -> None:
    with pytest.raises(PublishError, match="part 2 does not start with <!-- argodiff:lolice"):
        sticky(gh).publish([*report("fine"), "no marker here"])

    assert len(fake.rsps.calls) == 0


def test_token_never_appears_in_error_messages(fake: FakeGitHub, gh: Github) -> None:
    fake.faults.append(Fault("GET", 401, {"message": f"Bad credentials: {TOKEN}"}))
    with pytest.raises(PublishError) as api_error:
        pr_changed_files(gh, REPO, NUMBER)

    unreachable = github_client(
        TOKEN, api_url="https://ghe.unreachable.example/api/v3", throttle=False
    )
    with pytest.raises(PublishError) as network_error:
        StickyComment(unreachable, REPO, NUMBER, instance_marker=MARKER).publish(report("x"))

    for error in (api_error.value, network_error.value):
        assert TOKEN not in str(error)
        assert isinstance(error, ArgodiffError)
    assert "HTTP 401 Bad credentials: ***" in str(api_error.value)
    assert "ConnectionError" in str(network_error.value)


def test_missing_token_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no GitHub token"):
        github_client("")
