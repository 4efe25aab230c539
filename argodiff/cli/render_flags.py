"""Options that make a local render match Argo CD's repo-server: Argo CD's namespace, the
cluster's capabilities and kustomize build options (docs/local-rendering.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from argodiff.cli.environment import Environment
from argodiff.cli.options import COMMAND_LINE, Inputs, stack_options
from argodiff.cli.output import notifier
from argodiff.render import RenderOptions
from argodiff.render.buildoptions import BuildOptions, parse_build_options
from argodiff.render.capabilities import DEFAULT_FILE, FixedCapabilities, load_capabilities
from argodiff.render.options import DEFAULT_ARGOCD_NAMESPACE
from argodiff.repo.checkout import LocalRepo

F = TypeVar("F", bound=Callable[..., Any])


def render_flag_options(inputs: Inputs = COMMAND_LINE) -> Callable[[F], F]:
    """`--argocd-namespace`, `--capabilities`, `--kustomize-build-options` (each also set as
    `inputs` says) and `--verbose`."""
    return stack_options(
        click.option(
            "--argocd-namespace",
            envvar=inputs.envvar("argocd-namespace"),
            default=None,
            help="Argo CD's own namespace: apps elsewhere read .argocd-source-<ns>_<name>.yaml. "
            "[default: Argo CD's settings, else argocd]",
        ),
        click.option(
            "--capabilities",
            "capabilities_file",
            envvar=inputs.envvar("capabilities"),
            default=None,
            metavar="FILE",
            help="Offline: the cluster's Kubernetes version and API versions for Helm (YAML "
            f"kubeVersion/apiVersions; `argodiff capabilities -o FILE`). [default: "
            f"{DEFAULT_FILE} in the repository, when present]",
        ),
        click.option(
            "--kustomize-build-options",
            envvar=inputs.envvar("kustomize-build-options"),
            default=None,
            metavar="OPTIONS",
            help="Offline: Argo CD's kustomize.buildOptions, e.g. '--enable-helm' [default: "
            "the repository's argocd-cm, when exactly one is rendered]",
        ),
        click.option(
            "--verbose",
            "-v",
            is_flag=True,
            help="Print a failing render tool's full output (the report keeps one line).",
        ),
    )


def with_render_options(repo: LocalRepo, params: dict[str, Any], env: Environment) -> LocalRepo:
    """`repo` carrying the render options the flags (or their defaults) describe."""
    namespace = params.get("argocd_namespace") or DEFAULT_ARGOCD_NAMESPACE
    given = params.get("capabilities_file")
    path = Path(given) if given else repo.root / DEFAULT_FILE
    caps = FixedCapabilities()
    if given or path.is_file():
        shown = given or DEFAULT_FILE
        caps = FixedCapabilities(load_capabilities(path, shown), origin=shown)
    text = params.get("kustomize_build_options")
    build = (
        parse_build_options(text, "--kustomize-build-options", strict=True)
        if text is not None
        else BuildOptions()
    )
    options = RenderOptions(
        log=_tool_output_printer(env) if params.get("verbose") else None,
        argocd_namespace=namespace,
        namespace_given=bool(params.get("argocd_namespace")),
        capabilities=caps,
        build_options=build,
    )
    return dataclasses.replace(repo, render=options)


def _tool_output_printer(env: Environment) -> Callable[[str], None]:
    """`--verbose`: a failing tool's whole output on stderr, line by line, scrubbed."""
    note = notifier(env)

    def show(text: str) -> None:
        for line in text.splitlines():
            note(f"verbose: {line}")

    return show
