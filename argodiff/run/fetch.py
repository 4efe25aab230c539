"""One app's answers from Argo CD in one round trip.

The Application, its managed resources and (for a revision) its manifests are asked for
together. The last two need facts about the app (its namespace, project and, for a multi-source
app, its sources), which the repository's definition gives before the Application answers;
when the answer disagrees with what was assumed, those requests are asked again with the app
as Argo CD has it (a second round trip, for that app only).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent import futures
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from argodiff import background
from argodiff.argocd import ArgoClient
from argodiff.model import Application, LiveResource, Manifest
from argodiff.repo.checkout import LocalRepo
from argodiff.run.sides import local_source_revisions


@dataclass(frozen=True)
class Answers:
    app: Application
    resources: list[LiveResource]
    manifests: list[Manifest] | None
    """The app rendered by Argo CD at the revision; None when none was asked for."""


def fetch(
    client: ArgoClient,
    guess: Application,
    *,
    revision: str | None = None,
    repo: LocalRepo | None = None,
) -> Answers:
    """The app, its managed resources and, with `revision`, its manifests at that revision.
    `guess` is the app as the repository defines it (or just its name, project ""); raises what
    the Application request raises (AppNotFound, PermissionDenied, …) before anything else."""
    resources = background.start(lambda: client.managed_resources(guess))
    manifests: Future[list[Manifest]] | None = None
    if revision is not None:
        manifests = background.start(lambda: manifests_at(client, guess, revision, repo))
    try:
        app = client.get_application(guess.name, project=guess.project)
    except BaseException:
        # Their answers are of no use now, but no request outlives the app's job.
        pending: list[Future[Any]] = [resources, *([manifests] if manifests else [])]
        futures.wait(pending)
        raise
    guessed_namespace, guessed_project = client.app_query(guess)
    namespace, project = client.app_query(app)
    if guessed_namespace != namespace or guessed_project not in ("", project):
        resources = background.start(lambda: client.managed_resources(app))
        if manifests is not None:
            manifests = background.start(lambda: manifests_at(client, app, revision or "", repo))
    elif manifests is not None and _manifest_query(guess, revision or "", repo) != _manifest_query(
        app, revision or "", repo
    ):
        manifests = background.start(lambda: manifests_at(client, app, revision or "", repo))
    return Answers(app, resources.result(), manifests.result() if manifests else None)


def _manifest_query(
    app: Application, revision: str, repo: LocalRepo | None
) -> tuple[bool, int, Mapping[int, str]]:
    """What a manifests request for the app carries besides its namespace and project."""
    if not app.multi_source:
        return False, 0, {}
    return True, len(app.sources), source_revisions(app, revision, repo)


def source_revisions(app: Application, revision: str, local: LocalRepo | None) -> Mapping[int, str]:
    """The multi-source app's sources from this repository, each pinned to `revision`."""

    def is_local(index: int) -> bool:
        source = app.sources[index]
        if source.chart:
            return False  # a Helm chart repository, not git
        if local is None:
            return True  # no checkout to tell: every git source is taken as this repository
        return local.identity.is_local(source, local.root)

    return local_source_revisions(app, revision, is_local)


def manifests_at(
    client: ArgoClient, app: Application, revision: str, local: LocalRepo | None
) -> list[Manifest]:
    """The app rendered by Argo CD at `revision` (multi-source: its sources from this
    repository at `revision`, the others at their own)."""
    if not app.multi_source:
        return client.manifests(app, revision=revision)
    return client.manifests(app, source_revisions=source_revisions(app, revision, local))
