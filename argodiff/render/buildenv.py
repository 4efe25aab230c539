"""The build environment Argo CD's repo-server gives a source (`ARGOCD_APP_*`), and `$VAR`
substitution with it (util/app/env: os.Expand semantics, unknown variables become empty)."""

from __future__ import annotations

import re

from argodiff.model import Application, Source
from argodiff.render.capabilities import Capabilities

BuildEnv = dict[str, str]

_VAR = re.compile(r"\$(?:\{(?P<braced>[^}]*)\}|(?P<plain>[A-Za-z0-9_]+)|(?P<dollar>\$))")


def build_env(
    app: Application, source: Source, revision: str, caps: Capabilities | None = None
) -> BuildEnv:
    """What the repo-server sets (repository.go newEnv); KUBE_VERSION and KUBE_API_VERSIONS
    are the destination cluster's, empty when they are not known."""
    return {
        "ARGOCD_APP_NAME": app.name,
        "ARGOCD_APP_NAMESPACE": app.destination_namespace,
        "ARGOCD_APP_PROJECT_NAME": app.project,
        "ARGOCD_APP_REVISION": revision,
        "ARGOCD_APP_REVISION_SHORT": revision[:7],
        "ARGOCD_APP_REVISION_SHORT_8": revision[:8],
        "ARGOCD_APP_SOURCE_PATH": source.path,
        "ARGOCD_APP_SOURCE_REPO_URL": source.repo_url,
        "ARGOCD_APP_SOURCE_TARGET_REVISION": source.target_revision,
        "KUBE_VERSION": caps.semver.removeprefix("v") if caps else "",
        "KUBE_API_VERSIONS": ",".join(caps.api_versions) if caps else "",
    }


def envsubst(text: str, env: BuildEnv) -> str:
    """`$VAR` / `${VAR}` replaced from `env`; `$$` is a literal `$`."""

    def repl(m: re.Match[str]) -> str:
        if m["dollar"]:
            return "$"
        return env.get(m["braced"] if m["braced"] is not None else m["plain"], "")

    return _VAR.sub(repl, text)
