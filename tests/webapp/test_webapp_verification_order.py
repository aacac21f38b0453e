"""Unauthenticated requests cost no certificate downloads (review defect 9, issue 16 item 5):
cheap checks (shape, timestamp, skill id) first, chain results cached (failures for a while), and
one download per URL at a time however many requests arrive together."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from conftest import AppFactory
from webapp_testkit import NOW, CertAuthority, RecordingFetcher, launch_body, signed_headers

from webapp import verification


class SlowFetcher(RecordingFetcher):
    """A download that takes a while (a slow S3), counting how many run at once."""

    def __init__(self, pem: bytes | None, seconds: float) -> None:
        super().__init__(pem)
        self.seconds = seconds
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, url: str) -> bytes:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            time.sleep(self.seconds)
            return super().__call__(url)
        finally:
            with self._lock:
                self.running -= 1


def test_a_stale_or_foreign_request_is_refused_before_any_download(
    make_app: AppFactory, ca: CertAuthority
) -> None:
    fetcher = RecordingFetcher(ca.chain())
    client = make_app(fetcher=fetcher).test_client()
    for body in (
        launch_body(timestamp=NOW - timedelta(seconds=151)),
        launch_body(timestamp=NOW + timedelta(days=365)),
        launch_body(skill_id="amzn1.ask.skill.someone-else"),
    ):
        for _ in range(20):
            response = client.post("/", data=body, headers=signed_headers(body, ca.leaf.key))
            assert response.status_code == 400
    assert fetcher.calls == []


def test_a_failed_download_is_remembered_so_a_flood_costs_one(
    make_app: AppFactory, ca: CertAuthority, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 bad requests made 40 downloads."""
    fetcher = RecordingFetcher(None)  # the chain URL answers 404
    client = make_app(fetcher=fetcher).test_client()
    body = launch_body()
    for _ in range(40):  # remembered for the shipped FAILURE_CACHE_SECONDS, however slow the machine
        response = client.post("/", data=body, headers=signed_headers(body, ca.leaf.key))
        assert response.status_code == 400
    assert len(fetcher.calls) == 1
    # "For a while": once the remembered failure expires, the URL is tried again (a short expiry,
    # set before the failure is remembered, and a wait longer than it).
    monkeypatch.setattr(verification, "FAILURE_CACHE_SECONDS", 0.2)
    fetcher = RecordingFetcher(None)
    client = make_app(fetcher=fetcher).test_client()
    client.post("/", data=body, headers=signed_headers(body, ca.leaf.key))
    assert len(fetcher.calls) == 1
    time.sleep(0.3)
    client.post("/", data=body, headers=signed_headers(body, ca.leaf.key))
    assert len(fetcher.calls) == 2


@pytest.mark.parametrize("works", [True, False], ids=["good chain", "failing download"])
def test_requests_arriving_together_share_one_download(
    make_app: AppFactory, ca: CertAuthority, works: bool
) -> None:
    fetcher = SlowFetcher(ca.chain() if works else None, seconds=0.3)
    app = make_app(fetcher=fetcher)
    body = launch_body()
    headers = signed_headers(body, ca.leaf.key)
    statuses: list[int] = []

    def post() -> None:
        statuses.append(app.test_client().post("/", data=body, headers=headers).status_code)

    threads = [threading.Thread(target=post) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200 if works else 400] * 20
    assert len(fetcher.calls) == 1 and fetcher.most_at_once == 1
