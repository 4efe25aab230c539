"""The ApplicationSet options (`--clusters`, `--max-generated-apps`) and the expansion
settings they make."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from argodiff.appsets.clusters import (
    ASSUMED,
    ClusterList,
    ClusterSource,
    clusters_from_answer,
    load_clusters_file,
)
from argodiff.appsets.expand import DEFAULT_MAX_APPS
from argodiff.argocd import ArgoClient
from argodiff.cli.options import COMMAND_LINE, Inputs
from argodiff.errors import ArgodiffError
from argodiff.repo.checkout import LocalRepo

F = TypeVar("F", bound=Callable[..., Any])


def appset_options(inputs: Inputs = COMMAND_LINE) -> Callable[[F], F]:
    """`--clusters FILE` and `--max-generated-apps N`."""

    def apply(func: F) -> F:
        func = click.option(
            "--max-generated-apps",
            type=click.IntRange(min=1),
            envvar=inputs.envvar("max-generated-apps"),
            default=DEFAULT_MAX_APPS,
            show_default=True,
            help="Most Applications one ApplicationSet may generate; more is its error.",
        )(func)
        return click.option(
            "--clusters",
            "clusters_file",
            type=click.Path(dir_okay=False, path_type=Path),
            envvar=inputs.envvar("clusters"),
            default=None,
            help="Clusters for ApplicationSet clusters generators (YAML/JSON list, as "
            "GET /api/v1/clusters answers). Default: Argo CD's list, else in-cluster only.",
        )(func)

    return apply


def _from_argocd(client: ArgoClient, fallback: ClusterList) -> ClusterList:
    try:
        found = clusters_from_answer(client.clusters())
    except ArgodiffError as exc:
        return dataclasses.replace(fallback, why=f"Argo CD did not list its clusters ({exc})")
    return found


def with_appsets(repo: LocalRepo, params: dict[str, Any], client: ArgoClient | None) -> LocalRepo:
    """`repo` with the ApplicationSet settings of these options: clusters from the file, else
    from Argo CD when `client` names a server (asked only if a clusters generator needs it),
    else the in-cluster destination alone."""
    path: Path | None = params.get("clusters_file")
    if path is not None:
        listed = load_clusters_file(path)
        source = ClusterSource(lambda: listed)
    elif client is not None and client.connection.servers:
        source = ClusterSource(lambda: _from_argocd(client, ASSUMED))
    else:
        source = ClusterSource()
    options = dataclasses.replace(
        repo.appsets,
        clusters=source,
        max_apps=int(params.get("max_generated_apps") or 0) or DEFAULT_MAX_APPS,
    )
    return dataclasses.replace(repo, appsets=options)
