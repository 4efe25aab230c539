"""The pipeline's workers share one client: its requests must really run side by side."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from argodiff.argocd import ArgoClient
from argodiff.redact import Redactor
from argodiff.settings import Connection
from tests.argocd.conftest import application
from tests.argocd.localserver import Answer, serve

WORKERS = 8
WAIT = 10.0
"""Only a safety net: the barrier opens as soon as all requests are in."""


def test_eight_requests_in_flight_at_once(caplog: pytest.LogCaptureFixture) -> None:
    # Each answer waits until all eight requests have arrived: if the pool queued any of them,
    # the barrier breaks and the server answers 500.
    barrier = threading.Barrier(WORKERS, timeout=WAIT)

    def answer(path: str) -> Answer:
        name = path.rsplit("/", 1)[1]
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return 500, {}, {"error": "serialized", "code": 13, "message": "serialized"}
        return 200, {}, application(name)

    with serve(answer) as url:
        client = ArgoClient(
            Connection(servers=(url,), concurrency=WORKERS), redactor=Redactor(), backoff_factor=0
        )
        client.connect()
        names = [f"app-{i}" for i in range(WORKERS)]
        with ThreadPoolExecutor(WORKERS) as pool:
            apps = list(pool.map(client.get_application, names))

    assert [a.name for a in apps] == names
    # The pool keeps every connection for reuse instead of dropping the extra ones.
    assert "Connection pool is full" not in caplog.text
