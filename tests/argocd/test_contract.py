"""Every path and query parameter the client sends is in Argo CD v3.5.1's own API description."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import responses

from argodiff.application import application_from_manifest
from tests.argocd.conftest import SERVER, application, connected, path_of, query

REPO_ROOT = Path(__file__).resolve().parents[2]
SWAGGER = REPO_ROOT / ".." / "shared" / "reference" / "argocd-swagger.json"


def swagger_gets() -> list[tuple[re.Pattern[str], set[str]]]:
    """(path pattern, declared query parameters) for every GET in the swagger."""
    spec: dict[str, Any] = json.loads(SWAGGER.read_text())
    out = []
    for template, ops in spec["paths"].items():
        if "get" not in ops:
            continue
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        params = {p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query"}
        out.append((pattern, params))
    return out


@pytest.mark.skipif(not SWAGGER.is_file(), reason=f"no Argo CD swagger at {SWAGGER}")
def test_client_requests_are_declared_in_the_swagger(mock: responses.RequestsMock) -> None:
    client = connected(mock, app_namespace="argocd")
    single = application_from_manifest(application("grafana"))
    multi = application_from_manifest(
        application("prometheus", sources=[{"repoURL": "r", "path": "a"}, {"repoURL": "r"}])
    )
    base = f"{SERVER}/api/v1/applications"
    mock.get(f"{SERVER}/api/v1/settings", json={"controllerNamespace": "argocd"})
    mock.get(f"{base}/grafana", json=application("grafana"))
    mock.get(f"{base}/grafana/managed-resources", json={"items": []})
    mock.get(f"{base}/grafana/manifests", json={"manifests": []})
    mock.get(f"{base}/prometheus/manifests", json={"manifests": []})

    client.settings()
    client.get_application("grafana", project="monitoring")
    client.managed_resources(single)
    client.manifests(single, revision="abc")
    client.manifests(multi, source_revisions={1: "abc", 2: "def"})

    gets = swagger_gets()
    sent = [(path_of(call), {k for k, _ in query(call)}) for call in mock.calls]
    assert len(sent) == 7  # the two probe calls and the five above
    for path, params in sent:
        declared = [known for pattern, known in gets if pattern.match(path)]
        assert declared, f"{path} is not a GET path of the Argo CD API"
        assert any(params <= known for known in declared), f"{path}: {params} not all declared"
