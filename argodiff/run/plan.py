"""What a run will compare: which apps, in which mode, between which revisions.

Each command only plans (`argodiff app` names apps or takes two revisions, `argodiff pr` takes
what a pull request affects, `argodiff demo` a built-in change); `run.diff.execute` runs any plan.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from argodiff import messages
from argodiff.appsets import outcome
from argodiff.discover.affected import ADDED, DELETED, AffectedApp, affected_apps
from argodiff.discover.applications import Discovery, discover_applications
from argodiff.errors import ConfigError
from argodiff.github.event import Request
from argodiff.model import Application, AppResult, AppStatus, Lifecycle, Side, SideKind
from argodiff.repo import git
from argodiff.repo.checkout import LocalRepo, base_checkout, checkout
from argodiff.run.sides import NOTHING, revision_side
from argodiff.settings import Mode

WORKING_TREE = "working tree"
WORKTREE = Side(SideKind.WORKTREE)


@dataclass(frozen=True)
class PlannedApp:
    """One app of the plan, with what the repository says about it."""

    name: str
    head: Application | None = None
    """Its definition at the head (the checkout, or the head revision); None: removed by the
    change, or not read from the repository (a live run of named apps)."""
    base: Application | None = None
    """Its definition at the base revision (offline); None: new in the change."""
    lifecycle: Lifecycle = Lifecycle.EXISTING
    """New in the change, deleted by it, or an app that exists on both sides."""
    skip: bool = False
    """Not affected by the change: reported, not rendered."""

    @property
    def definition(self) -> Application:
        return self.head or self.base or Application(name=self.name)

    @property
    def project(self) -> str:
        """Its project, when the repository says ("": Argo CD looks it up)."""
        known = self.head or self.base
        return known.project if known else ""


@dataclass
class Plan:
    mode: Mode
    apps: list[PlannedApp]
    repo: LocalRepo | None = None
    head_dir: Path | None = None
    """Where head definitions render from (the working tree or a clean checkout)."""
    base_dir: Path | None = None
    """Where base definitions render from (offline); None: the base is not in the clone."""
    revision: str = ""
    """The head as the results name it: a revision Argo CD renders, a SHA, `working tree`."""
    base: str = ""
    base_side: Side = NOTHING
    """What the base is, when argodiff renders it (offline)."""
    head_side: Side = WORKTREE
    """What the head is, when argodiff renders it (offline, or an app Argo CD does not know)."""
    notices: list[str] = field(default_factory=list)
    appsets: list[AppResult] = field(default_factory=list)
    """ApplicationSets that failed or could not be generated, and links among the Application
    manifests that leave the repository, as entries of the report."""
    known: list[str] = field(default_factory=list)
    """The app names the repository defines, to suggest from when a name is mistyped."""


def discovery_notices(found: Discovery, *, links: bool = False) -> list[str]:
    """Unreadable manifests; refused links too when they get no entry of their own."""
    errors = [*found.errors, *(found.refused_links if links else [])]
    return [messages.UNREADABLE(what=err) for err in errors]


def refused_links(found: Discovery) -> list[AppResult]:
    """An error entry per link among the Application manifests that leaves the repository:
    what it would define is unknown, so a quiet "no changes" would be wrong."""
    return [
        AppResult(name=err.file or str(err), status=AppStatus.ERROR, file=err.file, error=str(err))
        for err in found.refused_links
    ]


def _by_name(apps: Sequence[Application]) -> dict[str, Application]:
    return {a.name: a for a in apps}


_LIFECYCLE = {ADDED: Lifecycle.NEW, DELETED: Lifecycle.DELETED}
"""An affected app's state as a lifecycle."""


def _affected(
    repo: LocalRepo,
    base_apps: Sequence[Application],
    head_apps: Sequence[Application],
    changed: Sequence[str],
    *,
    head_dir: Path,
    base_dir: Path | None,
) -> list[AffectedApp]:
    """The apps the changed files affect, as the repository's settings say."""
    return affected_apps(
        base_apps,
        head_apps,
        changed,
        head_dir,
        repo.identity,
        base_root=base_dir,
        argocd_namespace=repo.render.argocd_namespace,
    )


def _planned(
    name: str, base: Application | None, head: Application | None, *, skip: bool = False
) -> PlannedApp:
    lifecycle = (
        Lifecycle.NEW
        if base is None and head
        else Lifecycle.DELETED
        if head is None and base
        else Lifecycle.EXISTING
    )
    return PlannedApp(name, head=head, base=base, lifecycle=lifecycle, skip=skip)


@contextlib.contextmanager
def named_apps(
    names: Sequence[str], mode: Mode, repo: LocalRepo | None, revision: str
) -> Iterator[Plan]:
    """`argodiff app NAME...` against Argo CD: the live side from the cluster, the target side
    from Argo CD (a revision, or its current target) or from (a copy of) the working tree. The
    checkout's definitions, when there is a checkout, also tell where to ask for each app (its
    project and namespace), so that its requests can go out together."""
    if mode is Mode.LOCAL and repo is None:
        raise ConfigError("--local needs a git checkout of the GitOps repository (see --repo)")
    if repo is None:
        yield Plan(mode, [PlannedApp(n) for n in names], revision=revision)
        return
    with checkout(repo, None) as head_dir:
        found = discover_applications(head_dir, repo.apps_dir, repo.appsets)
        local = _by_name(found.apps)
        apps = [PlannedApp(n, head=local.get(n)) for n in names]
        if mode is not Mode.LOCAL:
            yield Plan(mode, apps, repo=repo, revision=revision)
            return
        yield Plan(
            mode,
            apps,
            repo=repo,
            head_dir=head_dir,
            revision=WORKING_TREE,
            notices=discovery_notices(found, links=True) + outcome.notices(found, None),
            known=sorted(local),
        )


def ref_side(root: Path, ref: str) -> Side:
    """The commit `ref` names, with the name kept when it is not the SHA itself (`main`)."""
    sha = git.rev_parse(root, ref)
    return revision_side(sha, "" if sha.startswith(ref) else ref)


@contextlib.contextmanager
def two_revisions(
    repo: LocalRepo,
    names: Sequence[str],
    *,
    base: str,
    head: str | None = None,
    all_apps: bool = False,
    notices: Sequence[str] = (),
) -> Iterator[Plan]:
    """`argodiff app --base REF [--head REF2]`: REF vs the working tree (or REF2), both from
    clean checkouts. `--all` without names renders only the apps the change affects."""
    base_sha = git.rev_parse(repo.root, base)
    with checkout(repo, base_sha) as base_dir, checkout(repo, head) as head_dir:
        changed = (
            git.changed_files(repo.root, base_sha, head, from_merge_base=False)
            if all_apps and not names
            else None
        )
        plan = trees(repo, base_dir, head_dir, names, changed=changed)
        plan.base, plan.revision = base_sha, head or WORKING_TREE
        plan.base_side = ref_side(repo.root, base)
        plan.head_side = WORKTREE if head is None else ref_side(repo.root, head)
        plan.notices = [*notices, *plan.notices]
        yield plan


def trees(
    repo: LocalRepo,
    base_dir: Path,
    head_dir: Path,
    names: Sequence[str],
    *,
    changed: Sequence[str] | None,
) -> Plan:
    """Two checkouts compared offline, app by app: the named apps, or all of them; with
    `changed` files, the apps they do not affect are skipped."""
    base_found = discover_applications(base_dir, repo.apps_dir, repo.appsets)
    head_found = discover_applications(head_dir, repo.apps_dir, repo.appsets)
    notices = discovery_notices(head_found, links=bool(names))
    notices += outcome.notices(head_found, base_found)
    comparable = outcome.comparable_base(base_found.apps, head_found)
    base_apps, head_apps = _by_name(comparable), _by_name(head_found.apps)
    affected: set[str] | None = None
    if changed is not None:
        found = _affected(
            repo, comparable, head_found.apps, changed, head_dir=head_dir, base_dir=base_dir
        )
        affected = {a.app.name for a in found}
        notices += outcome.touched(found, head_found, base_found)
    apps = []
    for name in list(names) or sorted(set(base_apps) | set(head_apps)):
        skip = affected is not None and name not in affected
        apps.append(_planned(name, base_apps.get(name), head_apps.get(name), skip=skip))
    return Plan(
        Mode.OFFLINE,
        apps,
        repo=repo,
        head_dir=head_dir,
        base_dir=base_dir,
        notices=notices,
        appsets=[] if names else outcome.results(head_found) + refused_links(head_found),
        known=sorted(set(base_apps) | set(head_apps)),
    )


@contextlib.contextmanager
def pull_request(repo: LocalRepo, req: Request, mode: Mode) -> Iterator[Plan]:
    """`argodiff pr`: the apps named by a workflow_dispatch (`all` for every app), or the apps
    the pull request's changed files affect; the PR base checked out beside the head."""
    # Apps are found and rendered in a copy of the checkout: no `.git`, no link out.
    with base_checkout(repo, req.base_sha) as base_dir, checkout(repo, None) as head_dir:
        plan = Plan(
            mode,
            [],
            repo=repo,
            head_dir=head_dir,
            base_dir=base_dir,
            revision=req.head_sha,
            base=req.base_sha,
            base_side=revision_side(req.base_sha),
            head_side=revision_side(req.head_sha),
        )
        head = discover_applications(head_dir, repo.apps_dir, repo.appsets)
        plan.notices += discovery_notices(head)
        base = None
        if base_dir is not None:
            base = discover_applications(base_dir, repo.apps_dir, repo.appsets)
            base_apps = outcome.comparable_base(base.apps, head)
        else:
            base_apps = head.apps
            shallow = git.is_shallow(repo.root)
            plan.notices.append(messages.BASE_MISSING() if shallow else messages.BASE_NOT_FETCHED())
        plan.notices += outcome.notices(head, base)
        plan.appsets = outcome.results(head) + refused_links(head)
        at_base, at_head = _by_name(base_apps), _by_name(head.apps)
        if req.apps is not None:
            names = sorted(at_base | at_head) if req.apps == ["all"] else req.apps
            plan.apps = [_planned(n, at_base.get(n), at_head.get(n)) for n in names]
        else:
            changed = req.changed or []
            found = _affected(
                repo, base_apps, head.apps, changed, head_dir=head_dir, base_dir=base_dir
            )
            plan.notices += outcome.touched(found, head, base)
            for item in found:
                name = item.app.name
                plan.apps.append(
                    PlannedApp(
                        name,
                        head=None if item.state == DELETED else item.app,
                        base=None if item.state == ADDED else at_base.get(name, item.app),
                        lifecycle=_LIFECYCLE.get(item.state, Lifecycle.EXISTING),
                    )
                )
        yield plan
