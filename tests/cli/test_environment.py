"""The Environment's Argo CD client scrubs with the Environment's one Redactor."""

from __future__ import annotations

import io

import pytest
import responses

from argodiff.argocd import ArgoError
from argodiff.cli.environment import Environment
from tests.argocd.conftest import CF_SECRET, CONN, SERVER, TOKEN, add_probe, argo_error


def test_the_client_scrubs_with_the_environments_redactor() -> None:
    env = Environment(environ={}, stdout=io.StringIO(), stderr=io.StringIO())
    client = env.argo_client(CONN)
    echo = f"bad header Authorization: Bearer {TOKEN}; CF-Access-Client-Secret: {CF_SECRET}"

    with responses.RequestsMock() as mock:
        add_probe(mock)
        mock.get(f"{SERVER}/api/v1/applications/grafana", status=500, json=argo_error(echo, 2))
        with pytest.raises(ArgoError) as err:
            client.get_application("grafana")

    assert TOKEN not in str(err.value) and CF_SECRET not in str(err.value)
    assert "***" in str(err.value)
    # The same secrets are now scrubbed from everything the command writes.
    assert set(env.redactor.secrets) >= {TOKEN, CF_SECRET}
    assert env.redactor.scrub(f"x {TOKEN} y") == "x *** y"
