"""No value from the repository is ever parsed as a tool's option: each one a PR could set is
tried with `--set-file=…` (which would print an outside file into the diff)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.github.conftest import FakeGitHub
from tests.security.harness import Cli
from tests.security.hostile import (
    CHART_YAML,
    HOSTILE,
    assert_refused_everywhere,
    build,
    helm_app,
    leaks,
    run_offline,
)

pytestmark = pytest.mark.e2e

LEAK = "--set-file=leak={outside}/secret.txt"
TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: leak
  namespace: {{ .Release.Namespace }}
data:
  leak: {{ .Values.leak | default "nothing" | quote }}
  apis: {{ .Capabilities.APIVersions | toJson | quote }}
"""
CHART = {
    f"argoproj/{HOSTILE}/chart/Chart.yaml": CHART_YAML,
    f"argoproj/{HOSTILE}/chart/templates/leak.yaml": TEMPLATE,
}

# Each field a PR sets, with the error it must get (helm's own, or argodiff's refusal).
FIELDS = {
    "releaseName": (f'releaseName: "{LEAK}"', "helm releaseName"),
    "kubeVersion": (f'kubeVersion: "{LEAK}"', "kubeVersion"),
    "apiVersions": (f'apiVersions: ["{LEAK}"]', "apiVersions"),
    "namespace": (f'namespace: "{LEAK}"', "namespace"),
    "parameter name": (f'parameters: [{{name: "{LEAK}", value: x}}]', "parameters"),
    "value file": (f'valueFiles: ["{LEAK}"]', "value file"),
}


@pytest.mark.parametrize("field", FIELDS)
def test_a_helm_field_is_never_an_option(
    field: str, cli: Cli, github: FakeGitHub, tmp_path: Path
) -> None:
    helm, cause = FIELDS[field]
    files = CHART | {f"argoproj/{HOSTILE}/application.yaml": helm_app(HOSTILE, helm)}
    h = build(tmp_path / "repo", files)
    assert_refused_everywhere(h, cli, github, tmp_path, cause)


def test_an_application_named_like_an_option(cli: Cli, github: FakeGitHub, tmp_path: Path) -> None:
    """The release name defaults to the app's name."""
    app = helm_app(HOSTILE).replace(f"  name: {HOSTILE}\n", f'  name: "{LEAK}"\n', 1)
    files = CHART | {f"argoproj/{HOSTILE}/application.yaml": app}
    h = build(tmp_path / "repo", files)
    out = run_offline(h, cli, tmp_path / "offline")
    assert leaks(out) == []
    assert out.code == 2
    apps = {a["name"]: a for a in out.json()["apps"]}
    name = LEAK.replace("{outside}", str(h.outside))
    assert apps[name]["status"] == "error"
    assert "the Application name" in apps[name]["error"]
    assert apps["good"]["status"] == "changed"
