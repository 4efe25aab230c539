"""Which Application sources point at the checked-out repository (and so can be rendered from it).

Rule: a git source (not a Helm chart repository source) is local when its `repoURL` names the
checkout's repository. URLs are compared as `host/owner/name`, case-insensitively, ignoring the
scheme, `user@`, a port, a trailing `.git` or `/`; `git@host:owner/name` (scp-like ssh) counts
too. Local paths and `file://` URLs compare as resolved paths. When no hosted URL is known at all
(a clone whose origin is a local path), every git source whose `path` exists in the checkout is
treated as local.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from argodiff.model import Source

_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>(?!//).+)$")


def normalize_repo_url(url: str) -> str:
    """`host/owner/name` (lowercase) for a hosted URL; the resolved path for a local one."""
    url = url.strip()
    if not url:
        return ""
    if url.startswith("file://"):
        return str(Path(urlsplit(url).path).resolve())
    if url.startswith("/"):
        return str(Path(url).resolve())
    if "://" in url:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        path = parts.path
    else:
        scp = _SCP_LIKE.match(url)
        if scp:
            host, path = scp["host"].lower(), scp["path"]
        else:
            # No scheme and not scp-like: Argo CD accepts `host/owner/name` (e.g. OCI repos).
            host, _, path = url.partition("/")
            host = host.lower()
    path = path.strip("/").removesuffix(".git").rstrip("/").lower()
    return f"{host}/{path}" if path else host


def is_hosted(normalized: str) -> bool:
    return bool(normalized) and not normalized.startswith("/")


@dataclass(frozen=True)
class RepoIdentity:
    """The known URLs of the checkout's repository, normalized by `normalize_repo_url`."""

    urls: tuple[str, ...]

    @property
    def has_hosted_url(self) -> bool:
        return any(is_hosted(u) for u in self.urls)

    def is_this_repo(self, repo_url: str) -> bool:
        """Whether a git `repoURL` (an ApplicationSet git generator's) names this repository;
        without a hosted URL to compare with, every repository is taken as this one."""
        return normalize_repo_url(repo_url) in self.urls or not self.has_hosted_url

    def is_local(self, source: Source, repo_root: Path) -> bool:
        """Whether `source` can be rendered from the checkout at `repo_root`."""
        if source.chart:
            return False
        if normalize_repo_url(source.repo_url) in self.urls:
            return True
        if self.has_hosted_url:
            return False
        return (repo_root / source.path).exists()

    @classmethod
    def of_checkout(
        cls,
        repo_root: Path,
        extra_urls: Sequence[str] = (),
        remote_urls: Sequence[str] = (),
    ) -> RepoIdentity:
        """Identity from the checkout's own path, URLs given by the user and its git remotes."""
        urls: list[str] = [str(repo_root.resolve())]
        for url in (*extra_urls, *remote_urls):
            normalized = normalize_repo_url(url)
            if normalized and normalized not in urls:
                urls.append(normalized)
        return cls(urls=tuple(urls))
