"""Refuse a silent empty answer: when no Application takes a source from the checkout,
nothing would be rendered from it and every app would read "skipped" or "unchanged"."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from argodiff.discover.applications import discover_applications
from argodiff.errors import ConfigError
from argodiff.repo.identity import RepoIdentity, is_hosted

SHOWN_URLS = 5


class ForeignRepository(ConfigError):
    """The Applications all name other repositories than the one argodiff believes it is in
    (a fork, a mirror, a renamed repository): the fix is `--repo-url`."""


def _has_links(top: Path) -> bool:
    for dirpath, dirnames, filenames in os.walk(top):
        if any(Path(dirpath, n).is_symlink() for n in (*dirnames, *filenames)):
            return True
    return False


def require_own_sources(root: Path, apps_dir: str, identity: RepoIdentity) -> None:
    """Raise ForeignRepository when Applications exist, argodiff knows a hosted URL for the
    checkout, and no Application's git source names it."""
    if not identity.has_hosted_url:
        return  # no URL known: sources are matched by path (RepoIdentity.is_local)
    if _has_links(root / apps_dir):
        # The working tree is read here as it is: a link (out of the checkout, to
        # /proc/self/…) is never followed; the runs themselves read a link-free export.
        return
    apps = discover_applications(root, apps_dir).apps
    sources = [s for app in apps for s in app.sources if not s.chart and s.repo_url]
    if not sources or any(identity.is_local(s, root) for s in sources):
        return
    # The URL most sources name first: most likely this repository's own.
    named = [url for url, _ in Counter(s.repo_url for s in sources).most_common()]
    listed = ", ".join(named[:SHOWN_URLS]) + (" …" if len(named) > SHOWN_URLS else "")
    ours = ", ".join(u for u in identity.urls if is_hosted(u))
    raise ForeignRepository(
        f"no Application under {apps_dir}/ takes a source from this repository, so nothing"
        f" would be compared: argodiff knows it as {ours} (from --repo-url, the git remotes"
        f" and, in GitHub Actions, GITHUB_REPOSITORY), but the Applications name {listed}."
        f" If this checkout is that repository (a fork, a mirror, a renamed repository), pass"
        f" --repo-url {named[0]}"
    )
