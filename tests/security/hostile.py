"""Hostile pull requests, built in a test: a repository whose base commit holds one honest app,
and whose PR commit changes that app and adds a hostile one. Every attack is then run the ways a
user runs argodiff (offline, and `pr` against Argo CD where the hostile app is new), and every
output is searched for the secrets the attack went for, in any spacing."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.fixture_repo import GitRepo, application, kustomization
from tests.github.conftest import FakeGitHub
from tests.security.canaries import ARGOCD_TOKEN, CF_CLIENT_ID, CF_SECRET, GITHUB_TOKEN
from tests.security.harness import Cli, Fixture, Outputs, PrJob, checkout
from tests.security.leaks import action_inputs
from tests.simulator import Simulator

OUTSIDE = "outside-file-canary-5a0f93d1c7"
"""The content of a file outside the checkout that the hostile app tries to read."""
HOSTILE = "hostile"
GOOD = "good"

_CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: {level}
"""


def good_app(level: str) -> dict[str, str]:
    return {
        f"argoproj/{GOOD}/application.yaml": application(GOOD, GOOD),
        f"argoproj/{GOOD}/overlays/prod/kustomization.yaml": kustomization("settings.yaml"),
        f"argoproj/{GOOD}/overlays/prod/settings.yaml": _CONFIGMAP.format(level=level),
    }


def helm_app(name: str, helm: str = "", *, path: str = "") -> str:
    """An Application of a local chart with the given (indented YAML) `helm:` block."""
    text = application(name, name, path=path or f"argoproj/{name}/chart")
    if helm:
        block = "".join(f"      {line}\n" for line in helm.strip("\n").splitlines())
        text = text.replace(
            "    targetRevision: HEAD\n", f"    targetRevision: HEAD\n    helm:\n{block}"
        )
    return text


CHART_YAML = "apiVersion: v2\nname: hostile\nversion: 0.1.0\n"


def outside_dir() -> Path:
    """A world-readable directory outside every checkout, holding the outside canary (readable
    by the unprivileged render user too: only argodiff's own defences may keep it out)."""
    top = Path(tempfile.mkdtemp(prefix="argodiff-outside-"))
    top.chmod(0o755)
    secret = top / "secret.txt"
    secret.write_text(f"{OUTSIDE}\n", encoding="utf-8")
    secret.chmod(0o644)
    return top


@dataclass(frozen=True)
class Hostile(Fixture):
    outside: Path

    @property
    def secret_file(self) -> Path:
        return self.outside / "secret.txt"


def build(
    where: Path,
    files: dict[str, str],
    links: dict[str, str] | None = None,
    *,
    outside: Path | None = None,
) -> Hostile:
    """The base commit: the honest app. The PR commit: the honest app changed, plus `files`
    and symbolic links (`links`: path -> target) of the hostile app. `{outside}` in a file or
    link target is the directory holding the outside canary."""
    outside = outside or outside_dir()
    repo = GitRepo.init(where)
    base = repo.commit(good_app("info"), "base")
    fill = {k: v.replace("{outside}", str(outside)) for k, v in files.items()}
    for rel, target in (links or {}).items():
        path = repo.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target.replace("{outside}", str(outside)))
    pr = repo.commit(good_app("debug") | fill, "hostile")
    return Hostile(repo, base, pr, outside)


_NOT_WORD = re.compile(r"[^0-9A-Za-z]+")


def squeezed(text: str) -> str:
    """Letters and digits only: a secret printed one character at a time, with spaces, commas or
    line breaks between them, is still found."""
    return _NOT_WORD.sub("", text)


SECRETS = (OUTSIDE, ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN)


def leaks(out: Outputs, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    """(output, secret) pairs where a secret shows, in any spacing; the runner's add-mask
    lines (argodiff telling the runner what to hide) excepted."""
    found = []
    for where, text in out.texts.items():
        kept = "\n".join(line for line in text.splitlines() if not line.startswith("::add-mask::"))
        flat = squeezed(kept)
        found += [f"{where}: {s}" for s in secrets if squeezed(s) in flat]
    return found


def app(out: Outputs, name: str, source: str = "stdout") -> dict[str, object]:
    """One app's entry of a JSON report."""
    apps = {a["name"]: a for a in out.json(source)["apps"]}
    assert name in apps, f"{name} not in {sorted(apps)}"
    entry: dict[str, object] = apps[name]
    return entry


def processes_with(marker: str) -> list[str]:
    """Running processes whose command line holds `marker` (a name unique to one test)."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if marker.encode() in cmdline:
            out.append(f"{pid}: {cmdline.decode(errors='replace')}")
    return out


CREDENTIAL_ENV = {
    "ARGOCD_AUTH_TOKEN": ARGOCD_TOKEN,
    "CF_ACCESS_CLIENT_ID": CF_CLIENT_ID,
    "CF_ACCESS_CLIENT_SECRET": CF_SECRET,
    "GITHUB_TOKEN": GITHUB_TOKEN,
    "INPUT_ARGOCD-AUTH-TOKEN": ARGOCD_TOKEN,
}
"""What a job holds while argodiff runs: the attacks go for these."""


def run_offline(h: Hostile, cli: Cli, where: Path, *extra: str) -> Outputs:
    """`argodiff app --all --base BASE -o json` in a checkout of the PR."""
    ws = checkout(h, where)
    return cli.run(
        ["app", "--all", "--base", h.base, "-o", "json", *extra], cwd=ws, env=CREDENTIAL_ENV
    )


def run_revision(h: Hostile, cli: Cli, github: FakeGitHub, where: Path, *extra: str) -> Outputs:
    """`argodiff pr` in revision mode against Argo CD (the simulator, synced to the base): the
    hostile app is new, so argodiff renders it locally."""
    changed = h.repo.git("diff", "--name-only", h.base, h.pr).split()
    github.head_sha = h.pr
    github.files = [{"filename": f, "status": "modified"} for f in changed]
    with Simulator(h.repo.path, synced=h.base, token=ARGOCD_TOKEN) as sim:
        job = PrJob(h, checkout(h, where), cli)
        return job.run(["pr", *extra], action_inputs(sim.url, "revision"))


def assert_refused(out: Outputs, cause: str, *, source: str = "stdout") -> None:
    """The attack failed the way it should: exit 2, no traceback, no secret in any output, the
    hostile app an error naming `cause`, the honest app still diffed."""
    assert "Traceback" not in out.stderr, out.stderr
    assert leaks(out) == []
    assert out.code == 2, out.stdout[-3000:] + out.stderr[-3000:]
    hostile = app(out, HOSTILE, source)
    assert hostile["status"] == "error", hostile
    assert cause in str(hostile["error"]), hostile["error"]
    assert app(out, GOOD, source)["status"] == "changed"


def assert_refused_everywhere(
    h: Hostile, cli: Cli, github: FakeGitHub, tmp_path: Path, cause: str
) -> None:
    """Offline and revision-with-new-app runs both refuse the attack."""
    assert_refused(run_offline(h, cli, tmp_path / "offline"), cause)
    assert_refused(run_revision(h, cli, github, tmp_path / "pr"), cause, source="results file")
