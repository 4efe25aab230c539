"""What a cluster tells Helm about itself: its Kubernetes version and the API versions it serves.

Argo CD's controller sends both with every manifest request (controller/state.go; the API
versions as `group/version` and `group/version/Kind`), and the repo-server passes them to
`helm template --kube-version --api-versions` and to the build environment. Locally they come
from Argo CD's clusters endpoint, or offline from a capabilities file:

    kubeVersion: v1.32.3
    apiVersions:
      - v1
      - apps/v1
      - monitoring.coreos.com/v1
      - monitoring.coreos.com/v1/ServiceMonitor
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from argodiff import messages
from argodiff.errors import ConfigError, ManifestError
from argodiff.model import Application
from argodiff.yamlio import dump, iter_documents

DEFAULT_FILE = ".argodiff/capabilities.yaml"
"""Where a committed capabilities file is read from by default (repository-relative)."""
MAX_FILE_BYTES = 4 << 20
_KUBE_VERSION = re.compile(r"^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.+-]*)?$")
_API_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*(/[A-Za-z0-9.-]+){0,2}$")
_SEMVER = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Capabilities:
    """One cluster's Kubernetes version and API versions."""

    kube_version: str = ""
    api_versions: tuple[str, ...] = ()

    def to_yaml(self) -> str:
        return dump({"kubeVersion": self.kube_version, "apiVersions": list(self.api_versions)})

    @property
    def semver(self) -> str:
        """`v1.32.3` from `v1.32.3+k3s1` (Argo CD's text.SemVer for KUBE_VERSION and Helm)."""
        m = _SEMVER.match(self.kube_version)
        if not m:
            return ""
        return f"v{m[1]}.{m[2]}.{m[3] or 0}"


def parse_capabilities(data: Any, where: str) -> Capabilities:
    """A capabilities mapping (file or API answer), each value checked: they reach Helm."""
    if not isinstance(data, dict):
        raise ManifestError("capabilities are not a mapping", file=where)
    version = data.get("kubeVersion", "")
    apis = data.get("apiVersions") or []
    if not isinstance(version, str) or (version and not _KUBE_VERSION.match(version)):
        raise ManifestError(f"kubeVersion {version!r} is not a Kubernetes version", file=where)
    if not isinstance(apis, list):
        raise ManifestError("apiVersions is not a list", file=where)
    for api in apis:
        if not isinstance(api, str) or not _API_VERSION.match(api):
            raise ManifestError(
                f"apiVersions entry {api!r} is not group/version[/Kind]", file=where
            )
    return Capabilities(kube_version=version, api_versions=tuple(sorted(set(apis))))


def load_capabilities(path: Path, shown: str = "") -> Capabilities:
    """A capabilities file; ConfigError naming it when it cannot be used."""
    shown = shown or str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(f"{shown}: capabilities file larger than {MAX_FILE_BYTES:,} bytes")
        docs = [d for d in iter_documents(path.read_bytes(), shown) if d is not None]
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read the capabilities file ({exc.strerror})") from None
    except ManifestError as exc:
        raise ConfigError(str(exc)) from None
    if len(docs) != 1:
        raise ConfigError(f"{shown}: a capabilities file holds one YAML mapping")
    try:
        return parse_capabilities(docs[0], shown)
    except ManifestError as exc:
        raise ConfigError(str(exc)) from None


class CapabilitiesSource(Protocol):
    """Gives the capabilities of an app's destination cluster (None when not known)."""

    def for_app(self, app: Application) -> Capabilities | None: ...

    def problems(self) -> list[str]:
        """Why some cluster's capabilities could not be read, for the run's notices."""
        ...


class FixedCapabilities:
    """The same capabilities (or none) for every cluster: a file, or nothing offline."""

    def __init__(self, capabilities: Capabilities | None = None, origin: str = "") -> None:
        self.capabilities = capabilities
        self.origin = origin
        """Where they came from, for notices (e.g. the file name)."""

    def for_app(self, app: Application) -> Capabilities | None:
        return self.capabilities

    def problems(self) -> list[str]:
        return []


class ChartProbe:
    """Remembers the charts that test `.Capabilities` and were rendered without them, so a
    run can name them in one notice."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._charts: set[str] = set()

    def check(self, chart_dir: Path, shown: str) -> None:
        if tests_capabilities(chart_dir):
            with self._lock:
                self._charts.add(shown)

    @property
    def charts(self) -> list[str]:
        with self._lock:
            return sorted(self._charts)


def tests_capabilities(chart_dir: Path) -> bool:
    """Whether any template of the chart (or of its subcharts) reads `.Capabilities`."""
    for file in chart_dir.rglob("*"):
        if file.suffix in (".yaml", ".yml", ".tpl", ".txt") and "templates" in file.parts:
            try:
                if ".Capabilities" in file.read_text(encoding="utf-8", errors="replace"):
                    return True
            except OSError:
                continue
    return False


def missing_notice(charts: list[str]) -> str:
    """The one notice a run prints when charts that test `.Capabilities` rendered blind."""
    return messages.CAPABILITIES_UNKNOWN(charts=", ".join(charts), file=DEFAULT_FILE)
