"""What a local render needs to know besides the checkout: the settings the repo-server gets
from Argo CD with every manifest request (controller/state.go), and the run-level notices that
follow from them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from argodiff.render.buildoptions import BuildOptions
from argodiff.render.capabilities import CapabilitiesSource, FixedCapabilities, missing_notice

if TYPE_CHECKING:
    from argodiff.render import Renderer

DEFAULT_ARGOCD_NAMESPACE = "argocd"


@dataclass(frozen=True)
class RenderOptions:
    """Argo CD's own namespace (for `.argocd-source-<appName>.yaml`), the destination
    clusters' capabilities, and the kustomize build options."""

    argocd_namespace: str = DEFAULT_ARGOCD_NAMESPACE
    namespace_given: bool = False
    """The namespace was chosen by the user (Argo CD's settings do not replace it)."""
    capabilities: CapabilitiesSource = field(default_factory=FixedCapabilities)
    build_options: BuildOptions = field(default_factory=BuildOptions)
    log: Callable[[str], None] | None = field(default=None, compare=False)
    """Told a tool's full output when a render fails (`--verbose`); the report keeps one line."""

    def with_server(
        self,
        *,
        argocd_namespace: str,
        capabilities: CapabilitiesSource,
        build_options: BuildOptions,
    ) -> RenderOptions:
        """What Argo CD says wins over what the command line guessed (an explicit
        --argocd-namespace is kept)."""
        return replace(
            self,
            argocd_namespace=self.argocd_namespace if self.namespace_given else argocd_namespace,
            capabilities=capabilities,
            build_options=build_options,
        )


def render_notices(options: RenderOptions, renderers: Iterable[Renderer | None]) -> list[str]:
    """The run's notices about local renders: build options used or refused, capabilities
    that could not be read, charts that test `.Capabilities` and rendered without them."""
    used = [r for r in renderers if r is not None]
    if not any(r.renders for r in used):
        return []  # nothing was rendered locally: nothing to say about local renders
    notices: list[str] = []
    if line := options.build_options.describe():
        notices.append(line)
    notices += options.capabilities.problems()
    charts = sorted({c for r in used for c in r.blind_charts})
    if charts:
        notices.append(missing_notice(charts))
    return notices
