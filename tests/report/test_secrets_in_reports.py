"""No Secret value reaches any report, end to end: manifests -> diff engine -> every output.

Canary values sit in `data`, in `stringData`, in a Secret inside a `kind: List`, in the live
object's last-applied annotation, on both sides of a local render and on the live side only.
"""

from __future__ import annotations

import base64
import json

import pytest

from argodiff import results
from argodiff.engine import diff_app
from argodiff.errors import AppError
from argodiff.model import (
    Application,
    AppResult,
    AppStatus,
    ArgoSettings,
    Manifest,
    RunResult,
)
from argodiff.report.comment import comment_parts, marker_for
from argodiff.report.markdown import render_markdown
from argodiff.report.summary import step_summary
from argodiff.report.text import render_text
from argodiff.yamlio import load_manifests
from tests.report.gfm import to_html

CANARIES = {
    "data": "CANARY-data-7f3a91",
    "added": "CANARY-added-key-5c20",
    "string": "CANARY-stringData-9b1c",
    "list": "CANARY-in-a-List-4e2d",
    "live": "CANARY-live-only-0a9f",
    "applied": "CANARY-last-applied-31d7",
    "tls": "-----BEGIN PRIVATE KEY-----CANARYtlsKEY",
}
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def forms(secret: str) -> set[str]:
    """The value as it could leak: plain, base64, base64 without padding."""
    encoded = b64(secret)
    return {secret, encoded, encoded.rstrip("=")}


DESIRED = f"""
apiVersion: v1
kind: Secret
metadata: {{name: db, namespace: vault}}
type: Opaque
data:
  password: {b64(CANARIES["data"])}
  api-key: {b64(CANARIES["added"])}
---
apiVersion: v1
kind: Secret
metadata: {{name: api, namespace: vault}}
stringData:
  token: {CANARIES["string"]}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {{name: listed, namespace: vault}}
  data: {{key: {b64(CANARIES["list"])}}}
- apiVersion: v1
  kind: Secret
  type: kubernetes.io/tls
  metadata: {{name: tls, namespace: vault}}
  stringData: {{tls.key: "{CANARIES["tls"]}", tls.crt: "{CANARIES["tls"]}"}}
"""


def live_db(masked: bool) -> Manifest:
    """The live `db` Secret: an older password and a key the PR drops; Argo CD masks it."""
    applied = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "vault"},
        "data": {"password": b64(CANARIES["applied"]), "old": b64(CANARIES["live"])},
    }
    data = {"password": b64(CANARIES["live"]), "old": b64(CANARIES["live"])}
    if masked:
        data = {"password": "++++++++", "old": "++++++++++++"}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {
            "name": "db",
            "namespace": "vault",
            "annotations": {LAST_APPLIED: "++++++++" if masked else json.dumps(applied)},
        },
        "data": data,
    }


def vault() -> Application:
    return Application(name="vault", destination_namespace="vault", file="argoproj/vault/app.yaml")


def app_result(masked: bool) -> AppResult:
    targets = load_manifests(DESIRED, "argoproj/vault/secrets.yaml")
    diffs = diff_app(vault(), targets, [live_db(masked)], ArgoSettings())
    return AppResult("vault", AppStatus.CHANGED, resources=diffs, compared="live -> abc1234")


def failed_result() -> AppResult:
    """A `kind: List` handed to the engine unflattened: its error must not quote the values."""
    raw = next(d for d in [*load_manifests(DESIRED)] if d["metadata"]["name"] == "db")
    listed = {"apiVersion": "v1", "kind": "List", "items": [raw]}
    with pytest.raises(AppError) as caught:
        diff_app(vault(), [listed], [], ArgoSettings())
    return AppResult("vault-list", AppStatus.ERROR, error=str(caught.value))


def every_output(run: RunResult) -> dict[str, str]:
    marker = marker_for("argocd.example.com")
    parts = comment_parts(run, marker=marker) + comment_parts(run, marker=marker, max_chars=3000)
    return {
        "text": render_text(run),
        "text-colour": render_text(run, color=True),
        "markdown": render_markdown(run),
        "markdown-ja": render_markdown(run, lang="ja"),
        "comment": "\n".join(parts),
        "summary": step_summary(run),
        "json": results.dumps(run),
    }


@pytest.mark.parametrize("masked", [False, True], ids=["local-render", "masked-by-argo-cd"])
def test_no_canary_in_any_report(masked: bool) -> None:
    run = RunResult(mode="revision", apps=[app_result(masked), failed_result()])
    changed = {str(r.key) for r in run.apps[0].resources}
    # The Secrets really are in the report: added, modified, and from inside the List.
    assert changed == {
        "/Secret vault/api",
        "/Secret vault/db",
        "/Secret vault/listed",
        "/Secret vault/tls",
    }
    outputs = every_output(run)
    assert "vault/listed" in outputs["markdown"]
    needles = set().union(*(forms(c) for c in CANARIES.values()))
    leaks = [(name, n) for name, out in outputs.items() for n in needles if n in out]
    assert leaks == []


def test_the_report_still_says_what_changed_in_the_secret() -> None:
    db = next(r for r in app_result(masked=False).resources if r.key.name == "db")
    md = render_markdown(RunResult(apps=[AppResult("vault", AppStatus.CHANGED, resources=[db])]))
    for note in ("api-key: key added", "old: key removed", "password: value changed (hidden)"):
        assert f"<li>data.{note}</li>" in to_html(md)
