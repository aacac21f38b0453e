"""The default chain fetcher against a real loopback HTTP server: size cap, total deadline, errors."""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from tests.support.loopback import serve_handler
from webapp.verification import ChainFetchError, fetch_cert_chain

PEM = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        if self.path == "/echo.api/chain.pem":
            self._send(200, PEM)
        elif self.path == "/echo.api/huge.pem":
            self._send(200, b"A" * (70 * 1024))
        elif self.path == "/echo.api/huge-unannounced.pem":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"A" * (70 * 1024))
        elif self.path in ("/echo.api/drip-body.pem", "/echo.api/drip-head.pem"):
            self._drip(head=self.path.endswith("head.pem"))
        else:
            self._send(404, b"not here")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, *, head: bool) -> None:
        if head:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        else:
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
        try:
            for _ in range(600):  # one byte every 50 ms: 30 s if never cut
                self.wfile.write(b"A")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            return


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    with serve_handler(_Handler) as url:
        yield url


def test_the_default_fetcher_downloads_a_chain(origin: str) -> None:
    assert fetch_cert_chain(f"{origin}/echo.api/chain.pem") == PEM


def test_a_chain_over_the_size_cap_is_refused(origin: str) -> None:
    with pytest.raises(ChainFetchError, match="too large"):
        fetch_cert_chain(f"{origin}/echo.api/huge.pem", max_bytes=64 * 1024)


def test_a_chain_over_the_size_cap_without_content_length_is_refused(origin: str) -> None:
    with pytest.raises(ChainFetchError, match="too large"):
        fetch_cert_chain(f"{origin}/echo.api/huge-unannounced.pem", max_bytes=64 * 1024)


@pytest.mark.parametrize("path", ["/echo.api/drip-body.pem", "/echo.api/drip-head.pem"])
def test_a_slow_drip_server_is_cut_off_at_the_total_deadline(origin: str, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(ChainFetchError, match="timed out"):
        fetch_cert_chain(origin + path, budget_seconds=0.5)
    # Each byte arrives well within any per-read timeout; only a total deadline stops this.
    assert time.monotonic() - started < 5


def test_a_404_is_a_fetch_error(origin: str) -> None:
    with pytest.raises(ChainFetchError, match="HTTP 404"):
        fetch_cert_chain(f"{origin}/echo.api/missing.pem")


def test_a_refused_connection_is_a_fetch_error() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ChainFetchError, match="failed"):
        fetch_cert_chain(f"http://127.0.0.1:{port}/echo.api/chain.pem")
