"""`argodiff affected`: which Applications a change touches (and a sharding matrix)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from argodiff.cli.environment import Environment
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import local_options
from argodiff.discover.affected import affected_apps, shard
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
@click.option(
    "--output", "-o", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
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
@local_options
@handle_errors
def affected_command(env: Environment, **params: Any) -> int:
    """List the Applications that files changed since --base affect, and why."""
    repo = LocalRepo.find(Path(params["repo_path"]), params["apps_dir"], params["repo_urls"])
    base = params["base"] or default_base(repo.root)
    base_sha = git.rev_parse(repo.root, base)
    changed = git.changed_files(repo.root, base_sha, params["head"])
    with (
        git.worktree(repo.root, base_sha) as base_dir,
        checkout(repo, params["head"]) as head_dir,
    ):
        base_apps = discover_applications(base_dir, repo.apps_dir).apps
        head_found = discover_applications(head_dir, repo.apps_dir)
        found = affected_apps(
            base_apps,
            head_found.apps,
            changed,
            head_dir,
            repo.identity,
            base_root=base_dir,
            argocd_namespace=params["argocd_namespace"],
        )
    names = [a.app.name for a in found]
    if params["fmt"] == "json":
        doc: dict[str, Any] = {
            "base": base_sha,
            "changedFiles": len(changed),
            "apps": [
                {"name": a.app.name, "state": a.state, "reasons": a.reasons, "file": a.app.file}
                for a in found
            ],
            "errors": [str(e) for e in head_found.errors],
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
            click.echo(f"{item.app.name} ({item.state})", file=env.stdout)
            for reason in item.reasons:
                click.echo(f"  - {reason}", file=env.stdout)
        for err in head_found.errors:
            click.echo(f"warning: {err}", file=env.stderr)
        if params["shards"]:
            for i, part in enumerate(shard(names, params["shards"])):
                click.echo(f"shard {i + 1}: {','.join(part)}", file=env.stdout)
    return int(ExitStatus.NO_DIFF)
