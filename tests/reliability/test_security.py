"""Security over real HTTP with the real skill: what tests/webapp misses, end to end.

Reuses tests/webapp's test CA. Adds: a slow or oversized certificate download must not hold the
request beyond the fetch budget (measured over real HTTP), and every refusal (tampered body, swapped
signatures, a replayed request past 150 s, hostile chain URLs, expired chain, wrong SAN, wrong skill
id) is a 400 from the full skill, not just from the small test skill.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
import requests

from kneeskill.settings import Settings
from stress import report
from tests.support.loopback import serve_handler
from tests.webapp.webapp_testkit import (
    NOW,
    SKILL_ID,
    CertAuthority,
    RecordingFetcher,
    fixed_clock,
    launch_body,
    make_test_ca,
    serve,
    signed_headers,
)
from webapp.server import create_app
from webapp.verification import DEFAULT_FETCH_BUDGET_SECONDS, fetch_cert_chain


class _Drip(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        if self.path.endswith("huge.pem"):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"A" * (1024 * 1024))
            return
        self.send_response(200)
        self.send_header("Content-Length", "5000")  # under the size cap: only the clock can stop it
        self.end_headers()
        try:
            for _ in range(400):  # a byte every 50 ms: 20 s if never cut off
                self.wfile.write(b"-")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            return


@pytest.fixture(scope="module")
def ca() -> CertAuthority:
    return make_test_ca()


@pytest.fixture(scope="module")
def drip() -> Iterator[str]:
    with serve_handler(_Drip) as url:
        yield url


def _app(ca: CertAuthority, fetcher: Callable[[str], bytes], *, skill_id: str = SKILL_ID) -> Any:
    return create_app(
        Settings(skill_id=skill_id, verify_signatures=True),
        fetcher=fetcher,
        trust_store=ca.store,
        now=fixed_clock(NOW),
    )


def _post(base: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, float]:
    started = time.perf_counter()
    with requests.Session() as session:
        session.trust_env = False
        reply = session.post(base + "/", data=body, headers=headers, timeout=20)
    return reply.status_code, reply.text, time.perf_counter() - started


@pytest.mark.parametrize("path", ["/echo.api/slow.pem", "/echo.api/huge.pem"])
def test_a_slow_or_huge_certificate_download_is_refused_within_its_budget(
    ca: CertAuthority, drip: str, path: str
) -> None:
    def fetcher(url: str) -> bytes:  # the real downloader, pointed at the loopback drip server
        return fetch_cert_chain(drip + path)

    body = launch_body(timestamp=NOW)
    with serve(_app(ca, fetcher)) as base:
        status, text, seconds = _post(base, body, signed_headers(body, ca.leaf.key))
    assert status == 400, text
    assert "certificate chain unavailable" in json.loads(text)["error"]
    assert seconds < DEFAULT_FETCH_BUDGET_SECONDS + 1.5, f"the request waited {seconds:.1f} s"
    if path.endswith("slow.pem"):
        assert seconds >= DEFAULT_FETCH_BUDGET_SECONDS * 0.9  # it really was the budget that cut it off
    figures: dict[str, int] = {"cases": 1, "failures": 0}
    if path.endswith("slow.pem"):
        figures["p99_ms"] = round(seconds * 1000)
    report.record("security: cert download budget (real HTTP)", figures)


def _cases(
    ca: CertAuthority,
) -> list[tuple[str, Callable[[], tuple[bytes, dict[str, str]]], str | None, bytes | None]]:
    good = launch_body(timestamp=NOW)
    other = launch_body(timestamp=NOW - timedelta(seconds=5))

    def tampered() -> tuple[bytes, dict[str, str]]:
        return good.replace(b"LaunchRequest", b"IntentRequest"), signed_headers(good, ca.leaf.key)

    def swapped() -> tuple[bytes, dict[str, str]]:
        return good, signed_headers(other, ca.leaf.key)

    def replayed() -> tuple[bytes, dict[str, str]]:
        old = launch_body(timestamp=NOW - timedelta(seconds=151))
        return old, signed_headers(old, ca.leaf.key)

    def url(value: str) -> Callable[[], tuple[bytes, dict[str, str]]]:
        return lambda: (good, signed_headers(good, ca.leaf.key, url=value))

    def wrong_skill() -> tuple[bytes, dict[str, str]]:
        body = launch_body(timestamp=NOW, skill_id="amzn1.ask.skill.someone-else")
        return body, signed_headers(body, ca.leaf.key)

    def signed() -> tuple[bytes, dict[str, str]]:
        return good, signed_headers(good, ca.leaf.key)

    return [
        ("tampered body", tampered, None, None),
        ("swapped signature", swapped, None, None),
        ("replayed past 150 s", replayed, None, None),
        ("http chain URL", url("http://s3.amazonaws.com/echo.api/c.pem"), None, None),
        ("other host", url("https://evil.example.com/echo.api/c.pem"), None, None),
        ("other port", url("https://s3.amazonaws.com:8443/echo.api/c.pem"), None, None),
        ("dot-dot", url("https://s3.amazonaws.com/echo.api/../evil/c.pem"), None, None),
        ("encoded dot-dot", url("https://s3.amazonaws.com/echo.api/%2e%2e/evil/c.pem"), None, None),
        ("expired chain", signed, None, ca.chain(ca.expired_leaf)),
        ("wrong SAN", signed, None, ca.chain(ca.wrong_san_leaf)),
        ("untrusted chain", signed, None, ca.untrusted_chain),
        ("wrong skill id", wrong_skill, None, None),
    ]


def test_every_broken_rule_is_refused_with_400_by_the_full_skill_over_real_http(ca: CertAuthority) -> None:
    failures = []
    cases = _cases(ca)
    for chain in dict.fromkeys(pem or ca.chain() for _, _, _, pem in cases):
        with serve(_app(ca, RecordingFetcher(chain))) as base:
            for name, build, _, pem in cases:
                if (pem or ca.chain()) != chain:
                    continue
                body, headers = build()
                status, text, _ = _post(base, body, headers)
                if status != 400 or "error" not in json.loads(text):
                    failures.append(f"{name}: HTTP {status} {text[:120]}")
    with serve(_app(ca, RecordingFetcher(ca.chain()))) as base:
        body = launch_body(timestamp=NOW)
        status, text, _ = _post(base, body, signed_headers(body, ca.leaf.key))
    assert status == 200, text  # the control: a correctly signed request is served
    assert json.loads(text)["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    report.record("security: refusals (real HTTP)", {"cases": len(_cases(ca)) + 1, "failures": len(failures)})
    assert not failures, failures
