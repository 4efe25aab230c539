"""The GitHub Actions environment, read once into a plain object (`argodiff pr`, `report`)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argodiff.errors import ConfigError


def _variable(name: str, default: str = "") -> str:
    """A field read from the runner's variable `name` (unset or empty: `default`)."""
    return field(default=default, metadata={"variable": name})


@dataclass(frozen=True)
class ActionsContext:
    """What a workflow step knows: the event, the repository, the token and the file commands."""

    event_name: str = _variable("GITHUB_EVENT_NAME")
    event: dict[str, Any] = field(default_factory=dict)
    repository: str = _variable("GITHUB_REPOSITORY")
    api_url: str = _variable("GITHUB_API_URL", "https://api.github.com")
    server_url: str = _variable("GITHUB_SERVER_URL", "https://github.com")
    token: str = ""
    workspace: Path | None = None
    sha: str = _variable("GITHUB_SHA")
    ref: str = _variable("GITHUB_REF")
    run_id: str = _variable("GITHUB_RUN_ID")
    step_summary: Path | None = None
    output: Path | None = None
    inputs: Mapping[str, str] = field(default_factory=dict)
    """Action inputs by declared name (hyphens kept: `INPUT_ARGOCD-SERVER` is `argocd-server`)."""

    def input(self, name: str, default: str = "") -> str:
        value = self.inputs.get(name, "").strip()
        return value or default

    @property
    def repo_url(self) -> str:
        """The repository's web address (commits and files link there), or empty."""
        return f"{self.server_url}/{self.repository}" if self.repository else ""

    @property
    def run_url(self) -> str:
        if not (self.repository and self.run_id):
            return ""
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    @property
    def pull_request(self) -> dict[str, Any]:
        pr = self.event.get("pull_request")
        return pr if isinstance(pr, dict) else {}

    @property
    def dispatch_inputs(self) -> dict[str, str]:
        inputs = self.event.get("inputs")
        if not isinstance(inputs, dict):
            return {}
        return {str(k): "" if v is None else str(v) for k, v in inputs.items()}


def _path(value: str) -> Path | None:
    return Path(value) if value else None


def from_environ(env: Mapping[str, str]) -> ActionsContext:
    """Read GITHUB_* and INPUT_* variables; the event payload is read from GITHUB_EVENT_PATH."""
    event: dict[str, Any] = {}
    event_path = env.get("GITHUB_EVENT_PATH", "")
    if event_path:
        try:
            loaded = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"GITHUB_EVENT_PATH {event_path}: cannot read the event ({exc})"
            ) from None
        if isinstance(loaded, dict):
            event = loaded
    inputs = {
        key[len("INPUT_") :].lower().replace(" ", "_"): value
        for key, value in env.items()
        if key.startswith("INPUT_")
    }
    # Container actions get no GITHUB_TOKEN unless it is passed in: the action declares a
    # `github-token` input defaulting to ${{ github.token }} (INPUT_GITHUB-TOKEN).
    token = inputs.get("github-token", "") or env.get("GITHUB_TOKEN", "")
    variables: dict[str, Any] = {
        f.name: env.get(f.metadata["variable"], "") or f.default
        for f in dataclasses.fields(ActionsContext)
        if "variable" in f.metadata
    }
    return ActionsContext(
        event=event,
        token=token,
        workspace=_path(env.get("GITHUB_WORKSPACE", "")),
        step_summary=_path(env.get("GITHUB_STEP_SUMMARY", "")),
        output=_path(env.get("GITHUB_OUTPUT", "")),
        inputs=inputs,
        **variables,
    )
