"""What a `argodiff pr` run is about: a pull request, or a manual workflow_dispatch."""

from __future__ import annotations

from dataclasses import dataclass

from argodiff.errors import ArgodiffError, ConfigError
from argodiff.github.env import ActionsContext
from argodiff.repo import git
from argodiff.repo.checkout import LocalRepo, default_base

PR_EVENTS = ("pull_request", "pull_request_target")


@dataclass
class Request:
    pr_number: int | None = None
    head_sha: str = ""
    base_sha: str = ""
    is_fork: bool = False
    apps: list[str] | None = None
    """Apps named by a workflow_dispatch (`["all"]` for all); None: the PR's affected apps."""
    changed: list[str] | None = None
    """The PR's changed files (pull_request only)."""
    pinned_head: bool = False
    """Post only while the PR head is still `head_sha` (pull_request events)."""


def _int(value: str, what: str) -> int | None:
    value = value.strip().lstrip("#")
    if not value:
        return None
    if not value.isdigit():
        raise ConfigError(f"{what} must be a PR number, got {value!r}")
    return int(value)


def from_event(
    ctx: ActionsContext, repo: LocalRepo, *, apps: str = "", revision: str = "", pr: str = ""
) -> Request:
    """The request described by the event; `apps`/`revision`/`pr` override dispatch inputs."""
    req = Request()
    if ctx.event_name in PR_EVENTS:
        pull = ctx.pull_request
        head, base = pull.get("head") or {}, pull.get("base") or {}
        req.pr_number = _int(str(pull.get("number") or ctx.event.get("number") or ""), "the event")
        req.head_sha = str(head.get("sha") or "")
        req.base_sha = str(base.get("sha") or "")
        head_repo = (head.get("repo") or {}).get("full_name")
        base_repo = (base.get("repo") or {}).get("full_name")
        # A deleted fork has no head repository at all.
        req.is_fork = head_repo != base_repo
        req.pinned_head = True
        if not (req.head_sha and req.base_sha):
            raise ConfigError("the pull_request event has no head or base SHA")
    elif ctx.event_name in ("workflow_dispatch", ""):
        inputs = ctx.dispatch_inputs
        wanted = apps or inputs.get("apps", "")
        req.apps = [a.strip() for a in wanted.split(",") if a.strip()] or ["all"]
        target = revision or inputs.get("revision", "") or ctx.sha or "HEAD"
        req.head_sha = git.rev_parse(repo.root, target)
        req.pr_number = _int(pr or inputs.get("pr", ""), "the pr input")
        try:
            req.base_sha = default_base(repo.root)
        except ArgodiffError:
            req.base_sha = req.head_sha
    else:
        raise ConfigError(
            f"event {ctx.event_name!r} is not supported: run on pull_request or workflow_dispatch"
        )
    return req


def local_change(repo: LocalRepo, base: str, *, pr: str = "") -> Request:
    """No event (a laptop): the change from `base` to the working tree, measured from their
    merge base, as a pull request from this branch into `base` would show it."""
    base_sha = git.merge_base(repo.root, base, "HEAD")
    return Request(
        pr_number=_int(pr, "--pr"),
        head_sha=git.head_sha(repo.root),
        base_sha=base_sha,
        changed=git.changed_files(repo.root, base_sha, from_merge_base=False),
    )
