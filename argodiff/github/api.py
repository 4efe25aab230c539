"""The GitHub REST API side of argodiff: the pull request, its changed files, the sticky comment."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from github import Auth, Consts, Github, GithubException, GithubRetry
from github.IssueComment import IssueComment
from urllib3 import Retry

from argodiff.errors import ArgodiffError, ConfigError

# GitHub answers 422 "Body is too long (maximum is 65536 characters)" above this.
MAX_COMMENT_CHARS = 65536

# Retries for rate limits and server faults, with every wait bounded so a job never sleeps for
# an hour on a primary rate-limit reset: GithubRetry handles 403 rate limits (primary: until
# X-RateLimit-Reset, secondary: `secondary_rate_wait`), urllib3 honours Retry-After on 429/503,
# 429 without Retry-After and 5xx back off exponentially. raise_on_status=False lets the last
# response surface as a GithubException with its status and message. PATCH (a comment edit) is
# idempotent, so it is retried like GET; GithubRetry already adds POST.
DEFAULT_RETRY = GithubRetry(
    total=5,
    allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
    backoff_factor=2.0,
    backoff_max=30,
    status_forcelist=[*range(500, 600), 429],
    secondary_rate_wait=60,
    max_rate_limit_wait=120,
    retry_after_max=120,
    raise_on_status=False,
)


class PublishError(ArgodiffError):
    """A GitHub call failed for good; the caller falls back to the job summary."""


class CommentTooLong(PublishError):
    """A comment part is longer than GitHub accepts; the caller re-splits it smaller."""

    def __init__(self, part: int, length: int) -> None:
        self.part = part
        self.length = length
        super().__init__(
            f"comment part {part} has {length} characters; GitHub accepts at most "
            f"{MAX_COMMENT_CHARS}"
        )


def github_client(
    token: str,
    *,
    api_url: str = Consts.DEFAULT_BASE_URL,
    retry: Retry | int | None = DEFAULT_RETRY,
    throttle: bool = True,
) -> Github:
    """A lazy PyGithub client (no request until data is needed), 100 items a page.

    `throttle` keeps PyGithub's pauses between requests and writes, which GitHub asks for to
    avoid secondary rate limits; tests turn it off.
    """
    if not token:
        raise ConfigError("no GitHub token given (set the github-token input or GITHUB_TOKEN)")
    return Github(
        auth=Auth.Token(token),
        base_url=api_url.rstrip("/"),
        per_page=100,
        lazy=True,
        retry=retry,
        seconds_between_requests=Consts.DEFAULT_SECONDS_BETWEEN_REQUESTS if throttle else None,
        seconds_between_writes=Consts.DEFAULT_SECONDS_BETWEEN_WRITES if throttle else None,
    )


def _detail(data: Any) -> str:
    """GitHub's own words from an error body: `message` plus each validation error's message."""
    if not isinstance(data, dict):
        return str(data or "").strip()[:300]
    words = [str(data.get("message", ""))]
    words += [str(e.get("message", "")) for e in data.get("errors", []) if isinstance(e, dict)]
    return ": ".join(w for w in words if w)


@contextmanager
def _github_errors(gh: Github, action: str, *, part: int = 0, length: int = 0) -> Iterator[None]:
    """Turn PyGithub and requests failures into PublishError (CommentTooLong for a 422 'too
    long' on comment `part`), with any trace of the token removed from the message."""
    try:
        yield
    except GithubException as exc:
        detail = _detail(exc.data)
        if exc.status == 422 and part and "too long" in detail.lower():
            raise CommentTooLong(part, length) from None
        raise PublishError(_scrub(gh, f"{action}: HTTP {exc.status} {detail}".strip())) from None
    except requests.RequestException as exc:
        raise PublishError(_scrub(gh, f"{action}: {type(exc).__name__}: {exc}")) from None


def _scrub(gh: Github, message: str) -> str:
    auth = gh.requester.auth
    if isinstance(auth, Auth.Token) and auth.token:
        message = message.replace(auth.token, "***")
    return message


@dataclass(frozen=True)
class ChangedFiles:
    files: list[str]
    complete: bool


def pr_changed_files(gh: Github, repo: str, number: int) -> ChangedFiles:
    """Every path the PR touches, old names of renames included.

    GitHub lists at most 3,000 files of a pull request and silently drops the rest, so
    `complete` is False when fewer entries came back than the PR's `changed_files` count; the
    caller then asks git for the list instead.
    """
    with _github_errors(gh, f"listing the files of pull request {repo}#{number}"):
        pr = gh.get_repo(repo).get_pull(number)
        expected = pr.changed_files
        files: dict[str, None] = {}
        listed = 0
        for entry in pr.get_files():
            listed += 1
            files[entry.filename] = None
            if entry.previous_filename:
                files[entry.previous_filename] = None
        return ChangedFiles(files=list(files), complete=listed >= expected)


@dataclass(frozen=True)
class PublishOutcome:
    created: int
    edited: int
    deleted: int
    unchanged: int
    skipped: str | None


class StickyComment:
    """argodiff's comment(s) on one PR for one instance, edited in place on every run.

    A report may need several comments (parts); each part's body starts with the instance
    marker (`<!-- argodiff:INSTANCE part=i/N -->`). Existing parts are matched in the order
    GitHub lists them: the i-th is edited to become part i, missing ones are created after them
    and any beyond N are deleted, so a re-run never leaves a second copy, even of a part a
    retried POST created twice.
    """

    def __init__(self, gh: Github, repo: str, number: int, *, instance_marker: str) -> None:
        self._gh = gh
        self._repo = repo
        self._number = number
        # marker_for gives `<!-- argodiff:NAME -->` while parts open with
        # `<!-- argodiff:NAME part=i/N -->`: match on the text before ` -->`. The trailing
        # space keeps instance "prod" from matching "prod-eu"'s comments.
        self._prefix = instance_marker.strip().removesuffix("-->").rstrip() + " "

    def is_ours(self, body: str | None) -> bool:
        """Whether a comment body belongs to this instance (its first line carries the marker)."""
        return body is not None and body.startswith(self._prefix)

    def publish(self, parts: list[str], *, expected_head_sha: str | None = None) -> PublishOutcome:
        """Make the PR show exactly `parts` as this instance's comments ([] removes them all).

        With `expected_head_sha`, nothing is written when the PR head has moved since the run
        started: a newer run is on its way and its report must not be overwritten by this one.
        """
        for i, body in enumerate(parts, start=1):
            if not self.is_ours(body):
                raise PublishError(f"comment part {i} does not start with {self._prefix.strip()}")
            if len(body) > MAX_COMMENT_CHARS:
                raise CommentTooLong(i, len(body))
        where = f"{self._repo}#{self._number}"
        with _github_errors(self._gh, f"reading the comments of {where}"):
            repo = self._gh.get_repo(self._repo)
            issue = repo.get_issue(self._number)
            existing = self._existing(issue.get_comments())
            if expected_head_sha:
                head = repo.get_pull(self._number).head.sha
                if head != expected_head_sha:
                    moved = f"PR head moved from {expected_head_sha[:12]} to {head[:12]}"
                    return PublishOutcome(0, 0, 0, 0, skipped=f"{moved}; a newer run will report")
        created = edited = unchanged = 0
        for i, body in enumerate(parts, start=1):
            if i <= len(existing):
                comment = existing[i - 1]
                if comment.body == body:
                    unchanged += 1
                    continue
                with _github_errors(
                    self._gh, f"editing comment {comment.id} on {where}", part=i, length=len(body)
                ):
                    comment.edit(body)
                edited += 1
            else:
                with _github_errors(self._gh, f"commenting on {where}", part=i, length=len(body)):
                    issue.create_comment(body)
                created += 1
        leftovers = existing[len(parts) :]
        for comment in leftovers:
            with _github_errors(self._gh, f"deleting old comment {comment.id} on {where}"):
                comment.delete()
        return PublishOutcome(created, edited, len(leftovers), unchanged, skipped=None)

    def _existing(self, comments: Iterable[IssueComment]) -> list[IssueComment]:
        """This instance's comments written by the token's own account.

        With a personal token that is the token's user. GITHUB_TOKEN and app tokens cannot read
        /user (403) and post as a bot account, so then only bot-authored comments qualify: a
        human's comment that quotes the marker is never edited or deleted.
        """
        ours = [c for c in comments if self.is_ours(c.body)]
        if not ours:
            return []
        login = self._viewer_login()
        if login is None:
            return [c for c in ours if c.user.type == "Bot"]
        return [c for c in ours if c.user.login == login]

    def _viewer_login(self) -> str | None:
        try:
            return self._gh.get_user().login
        except GithubException as exc:
            if exc.status in (401, 403, 404):
                return None
            raise
