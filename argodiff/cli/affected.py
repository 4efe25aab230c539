"""`argodiff affected`: which Applications a change touches (and a sharding matrix)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from argodiff.appsets import outcome
from argodiff.cli.appset_options import appset_options, with_appsets
from argodiff.cli.environment import Environment
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import local_options, output_option
from argodiff.discover.affected import AffectedApp, affected_apps, shard
from argodiff.discover.applications import discover_applications
from argodiff.exitcodes import ExitStatus
from argodiff.render.options import DEFAULT_ARGOCD_NAMESPACE
from argodiff.repo import git
from argodiff.repo.checkout import LocalRepo, checkout, default_base


@click.command("affected")
@click.option(
    "--base",
    metavar="REF",
    help="Compare with REF (default: the merge base with the default branch).",
)
@click.option("--head", metavar="REF", help="Compare REF instead of the working tree.")
@output_option(
    ["text", "json"],
    "text: one app per line with its reasons; json: apps, reasons and the shard matrix.",
)
@click.option(
    "--shards",
    type=click.IntRange(min=1, max=256),
    default=None,
    help="Also split the apps into N shards (a GitHub Actions matrix).",
)
@click.option(
    "--argocd-namespace",
    default=DEFAULT_ARGOCD_NAMESPACE,
    show_default=True,
    help="Argo CD's own namespace: apps elsewhere read .argocd-source-<ns>_<name>.yaml.",
)
@appset_options()
@local_options
@handle_errors
def affected_command(env: Environment, **params: Any) -> int:
    """List the Applications that files changed since --base affect, and why."""
    repo = LocalRepo.find(Path(params["repo_path"]), params["apps_dir"], params["repo_urls"])
    repo = with_appsets(repo, params, None)
    base = params["base"] or default_base(repo.root)
    base_sha = git.rev_parse(repo.root, base)
    changed = git.changed_files(repo.root, base_sha, params["head"])
    with (
        git.worktree(repo.root, base_sha) as base_dir,
        checkout(repo, params["head"]) as head_dir,
    ):
        base_found = discover_applications(base_dir, repo.apps_dir, repo.appsets)
        head_found = discover_applications(head_dir, repo.apps_dir, repo.appsets)
        found = affected_apps(
            outcome.comparable_base(base_found.apps, head_found),
            head_found.apps,
            changed,
            head_dir,
            repo.identity,
            base_root=base_dir,
            argocd_namespace=params["argocd_namespace"],
        )
    names = [a.app.name for a in found]
    notices = outcome.notices(head_found, base_found) + outcome.touched(
        found, head_found, base_found
    )
    appset_errors = [
        f"ApplicationSet {r.application_set}: {r.error}"
        for r in outcome.results(head_found)
        if r.error
    ]
    if params["fmt"] == "json":
        doc: dict[str, Any] = {
            "base": base_sha,
            "changedFiles": len(changed),
            "apps": [_app_entry(a) for a in found],
            "notices": notices,
            "errors": [str(e) for e in head_found.errors] + appset_errors,
        }
        if params["shards"]:
            doc["matrix"] = {
                "include": [
                    {"shard": i + 1, "apps": ",".join(s)}
                    for i, s in enumerate(shard(names, params["shards"]))
                    if s
                ]
            }
        click.echo(json.dumps(doc, indent=2), file=env.stdout)
    else:
        if not found:
            click.echo(
                f"no Application is affected by the {len(changed)} file(s) changed since {base}",
                file=env.stdout,
            )
        for item in found:
            gen = item.app.generated_by
            click.echo(
                f"{item.app.name} ({item.state})"
                + (f" [ApplicationSet {gen.name}]" if gen is not None else ""),
                file=env.stdout,
            )
            for reason in item.reasons:
                click.echo(f"  - {reason}", file=env.stdout)
        for line in notices:
            click.echo(line, file=env.stdout)
        for err in [*map(str, head_found.errors), *appset_errors]:
            click.echo(f"warning: {err}", file=env.stderr)
        if params["shards"]:
            for i, part in enumerate(shard(names, params["shards"])):
                click.echo(f"shard {i + 1}: {','.join(part)}", file=env.stdout)
    return int(ExitStatus.NO_DIFF)


def _app_entry(item: AffectedApp) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": item.app.name,
        "state": item.state,
        "reasons": item.reasons,
        "file": item.app.file,
    }
    if item.app.generated_by is not None:
        entry["applicationSet"] = item.app.generated_by.name
    return entry
