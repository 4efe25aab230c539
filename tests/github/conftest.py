"""A small stateful stand-in for the GitHub REST API, served through `responses`.

PyGithub always requests URLs with the port (`https://api.github.com:443/...`), so every route
is registered that way; URLs inside bodies and Link headers omit it, as GitHub's do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from github import Github
from requests import PreparedRequest

from argodiff.github.api import github_client

REPO = "lolice/argoproj"
NUMBER = 7
TOKEN = "ghp_s3cretTOKENvalue0123456789"
BOT = {"login": "github-actions[bot]", "type": "Bot"}
HUMAN = {"login": "alice", "type": "User"}

Reply = tuple[int, dict[str, str], str]


@dataclass
class Fault:
    method: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeGitHub:
    """One repository with one pull request; comments and files live in plain lists."""

    rsps: responses.RequestsMock
    api: str = "https://api.github.com"
    viewer: str | None = None  # None: /user answers 403, as it does for GITHUB_TOKEN
    head_sha: str = "a" * 40
    comments: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    changed_files: int | None = None
    head_repo: str | None = "alice/argoproj"
    faults: list[Fault] = field(default_factory=list)
    _next_id: int = 1000

    @property
    def port_url(self) -> str:
        parts = urlsplit(self.api)
        return f"{parts.scheme}://{parts.hostname}:443{parts.path}"

    def register(self) -> None:
        base = re.escape(self.port_url)
        repo = f"{base}/repos/{re.escape(REPO)}"
        query = r"(\?.*)?$"
        routes = [
            ("GET", f"{repo}/issues/{NUMBER}/comments{query}", self._list_comments),
            ("POST", f"{repo}/issues/{NUMBER}/comments{query}", self._create),
            ("PATCH", rf"{repo}/issues/comments/(\d+){query}", self._edit),
            ("DELETE", rf"{repo}/issues/comments/(\d+){query}", self._delete),
            ("GET", f"{repo}/pulls/{NUMBER}{query}", self._pull),
            ("GET", f"{repo}/pulls/{NUMBER}/files{query}", self._list_files),
            ("GET", f"{base}/user{query}", self._user),
        ]
        for method, pattern, handler in routes:
            self.rsps.add_callback(method, re.compile(pattern), callback=self._guard(handler))

    def _guard(self, handler: Any) -> Any:
        def reply(request: PreparedRequest) -> Reply:
            for fault in self.faults:
                if fault.method == request.method:
                    self.faults.remove(fault)
                    headers = {"Content-Type": "application/json", **fault.headers}
                    return fault.status, headers, json.dumps(fault.body)
            status, headers, body = handler(request)
            return status, {"Content-Type": "application/json", **headers}, body

        return reply

    def add_comment(self, body: str, user: dict[str, str] = BOT) -> dict[str, Any]:
        self._next_id += 1
        comment = {
            "id": self._next_id,
            "body": body,
            "user": dict(user),
            "url": f"{self.api}/repos/{REPO}/issues/comments/{self._next_id}",
        }
        self.comments.append(comment)
        return comment

    def bodies(self, user: dict[str, str] | None = None) -> list[str]:
        return [c["body"] for c in self.comments if user is None or c["user"] == user]

    def requests(self, method: str) -> list[PreparedRequest]:
        return [c.request for c in self.rsps.calls if c.request.method == method]

    def _page(self, request: PreparedRequest, items: list[Any], path: str) -> Reply:
        query = parse_qs(urlsplit(request.url or "").query)
        per_page = int(query.get("per_page", ["30"])[0])
        page = int(query.get("page", ["1"])[0])
        last = max(1, -(-len(items) // per_page))
        headers = {}
        if page < last:
            link = f"{self.api}{path}?per_page={per_page}&page="
            headers["Link"] = f'<{link}{page + 1}>; rel="next", <{link}{last}>; rel="last"'
        chunk = items[(page - 1) * per_page : page * per_page]
        return 200, headers, json.dumps(chunk)

    def _list_comments(self, request: PreparedRequest) -> Reply:
        return self._page(request, self.comments, f"/repos/{REPO}/issues/{NUMBER}/comments")

    def _list_files(self, request: PreparedRequest) -> Reply:
        return self._page(request, self.files, f"/repos/{REPO}/pulls/{NUMBER}/files")

    def _create(self, request: PreparedRequest) -> Reply:
        user = BOT if self.viewer is None else {"login": self.viewer, "type": "User"}
        comment = self.add_comment(json.loads(request.body or "{}")["body"], user)
        return 201, {}, json.dumps(comment)

    def _find(self, request: PreparedRequest) -> dict[str, Any]:
        comment_id = int(re.findall(r"/comments/(\d+)", request.url or "")[0])
        return next(c for c in self.comments if c["id"] == comment_id)

    def _edit(self, request: PreparedRequest) -> Reply:
        comment = self._find(request)
        comment["body"] = json.loads(request.body or "{}")["body"]
        return 200, {}, json.dumps(comment)

    def _delete(self, request: PreparedRequest) -> Reply:
        self.comments.remove(self._find(request))
        return 204, {}, ""

    def _pull(self, request: PreparedRequest) -> Reply:
        changed = len(self.files) if self.changed_files is None else self.changed_files
        head_repo = None if self.head_repo is None else {"full_name": self.head_repo}
        return (
            200,
            {},
            json.dumps(
                {
                    "number": NUMBER,
                    "url": f"{self.api}/repos/{REPO}/pulls/{NUMBER}",
                    "changed_files": changed,
                    "head": {"sha": self.head_sha, "ref": "bump-grafana", "repo": head_repo},
                    "base": {"sha": "b" * 40, "ref": "main", "repo": {"full_name": REPO}},
                }
            ),
        )

    def _user(self, request: PreparedRequest) -> Reply:
        if self.viewer is None:
            return 403, {}, json.dumps({"message": "Resource not accessible by integration"})
        return 200, {}, json.dumps({"login": self.viewer, "type": "User"})


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        github = FakeGitHub(rsps)
        github.register()
        yield github


@pytest.fixture
def gh() -> Github:
    """A client with retries and throttling off: each request is sent exactly once."""
    return github_client(TOKEN, retry=None, throttle=False)
