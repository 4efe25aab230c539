"""Argo CD's `kustomize.buildOptions` (argocd-cm), made safe to pass to `kustomize build`.

The options come from Argo CD's settings, from the command line, or from an argocd-cm in the
repository (a pull request can change that one), so they are split like a shell would
(Argo CD splits them on spaces) and only a documented allowlist is passed on, always as
`--flag=value`. Refused: everything that runs code or containers (`--enable-alpha-plugins`,
`--enable-exec`, `--mount`, `--network`, `--helm-command`, `--as-current-user`, `--env`),
writes files (`--output`), or lets a kustomization read outside its own directory
(`--load-restrictor=LoadRestrictionsNone`: with it a pull request could name any file on the
runner, such as the checkout's `.git/config`).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from argodiff import messages
from argodiff.errors import ConfigError

BOOLEAN_FLAGS = frozenset({"--enable-helm", "--enable-managedby-label", "--helm-debug"})
VALUE_FLAGS: dict[str, frozenset[str] | None] = {
    "--load-restrictor": frozenset({"LoadRestrictionsRootOnly"}),
    "--reorder": frozenset({"legacy", "none"}),
    "--helm-kube-version": None,
    "--helm-api-versions": None,
}
"""Flags that take a value, with the values allowed (None: any value without a leading `-`)."""
_TRUE = ("", "true", "1", "t", "True", "TRUE")
_FALSE = ("false", "0", "f", "False", "FALSE")


@dataclass(frozen=True)
class BuildOptions:
    """kustomize build flags, each `--flag` or `--flag=value`, and what was refused."""

    flags: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    origin: str = ""
    """Where they came from, e.g. `Argo CD settings` or `--kustomize-build-options`."""
    announce: bool = False
    """Say in the run's notices which options were used (when the repository chose them)."""

    @property
    def enable_helm(self) -> bool:
        return "--enable-helm" in self.flags

    def describe(self) -> str:
        """One line for the run's notices (empty when there is nothing to say)."""
        parts = []
        if self.flags and self.announce:
            parts.append(
                messages.BUILD_OPTIONS_USED(origin=self.origin, flags=" ".join(self.flags))
            )
        if self.refused:
            parts.append(
                messages.BUILD_OPTIONS_REFUSED(origin=self.origin, flags=" ".join(self.refused))
            )
        # Separate lines, so each is recognised (and translated) on its own.
        return "\n".join(parts)


def parse_build_options(
    text: str, origin: str, *, strict: bool = False, announce: bool = False
) -> BuildOptions:
    """Split and check `text`. With `strict` (a flag the user typed), a refused option is a
    ConfigError; otherwise it is left out and listed in `refused`."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        if strict:
            raise ConfigError(f"{origin}: cannot split {text!r}: {exc}") from None
        return BuildOptions(refused=(text,), origin=origin, announce=announce)
    flags: list[str] = []
    refused: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        name, eq, value = word.partition("=")
        if name in BOOLEAN_FLAGS:
            if value in _TRUE:
                flags.append(name)
            elif value not in _FALSE:
                refused.append(word)
        elif name in VALUE_FLAGS:
            if not eq and i + 1 < len(words) and not words[i + 1].startswith("-"):
                i += 1
                value = words[i]
                word = f"{name} {value}"
            allowed = VALUE_FLAGS[name]
            ok = bool(value) and not value.startswith("-")
            if ok and (allowed is None or value in allowed):
                flags.append(f"{name}={value}")
            else:
                refused.append(word)
        else:
            refused.append(word)
        i += 1
    if strict and refused:
        allowed_names = sorted(BOOLEAN_FLAGS | set(VALUE_FLAGS))
        raise ConfigError(
            f"{origin}: not allowed: {' '.join(refused)} (allowed: {', '.join(allowed_names)}; "
            "--load-restrictor only as LoadRestrictionsRootOnly)"
        )
    return BuildOptions(
        flags=tuple(dict.fromkeys(flags)), refused=tuple(refused), origin=origin, announce=announce
    )
