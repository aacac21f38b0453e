"""The one outbound HTTP helper (``kneeskill.outbound.request``, issue 17) through real loopback
sockets: a slow server, a dripping one, a refused connection and oversized answers each end as a
typed failure inside the call's deadline or the request's budget, never a hang or a partial answer.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from kneeskill import budget
from kneeskill.outbound import Failure, OutboundError, is_loopback_host, request
from tests.support.loopback import serve_handler

LIMIT = 4 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        if self.path == "/ok":
            self._send(200, b'{"ok": true}')
        elif self.path == "/slow":  # nothing at all for 3 s, then an answer
            time.sleep(3)
            self._send(200, b"late")
        elif self.path == "/drip":  # every byte well inside any read timeout: 30 s in all
            self.send_response(200)
            self.send_header("Content-Length", "600")
            self.end_headers()
            self._drip(600)
        elif self.path == "/drip-close":  # an answer that will close: http.client lets go of the socket
            self.send_response(200)
            self.send_header("Content-Length", "600")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self._drip(600)
        elif self.path == "/drip-head":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            self._drip(600)
        elif self.path == "/big-announced":
            self._send(200, b"A" * (LIMIT + 1))
        elif self.path == "/big-unannounced":  # no length: the body ends when the server closes
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"A" * (LIMIT * 8))
            self.close_connection = True
        elif self.path == "/exact":
            self._send(200, b"B" * LIMIT)
        elif self.path == "/short":  # announces more than it sends, then closes
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"C" * 10)
            self.close_connection = True
        else:
            self._send(503, b"busy")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._send(201, self.rfile.read(length)[::-1])

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, count: int) -> None:
        try:
            for _ in range(count):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            return


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    with serve_handler(_Handler) as url:
        yield url


def _get(url: str, *, cap: float = 2.0, max_bytes: int = LIMIT) -> bytes:
    answer = request(
        "GET", url, what="test", cap_seconds=cap, max_bytes=max_bytes, plain_http=is_loopback_host
    )
    assert answer.status == 200
    return answer.body


def _failure(url: str, *, cap: float = 2.0, method: str = "GET") -> tuple[OutboundError, float]:
    started = time.monotonic()
    with pytest.raises(OutboundError) as caught:
        request(method, url, what="test", cap_seconds=cap, max_bytes=LIMIT, plain_http=is_loopback_host)
    return caught.value, time.monotonic() - started


def test_an_answer_comes_back_whole_with_its_status_and_headers(origin: str) -> None:
    assert _get(f"{origin}/ok") == b'{"ok": true}'
    assert _get(f"{origin}/exact") == b"B" * LIMIT  # exactly the cap is fine
    posted = request(
        "POST", f"{origin}/echo", what="test", cap_seconds=2, max_bytes=LIMIT, body=b"abc",
        headers={"Content-Type": "text/plain"}, plain_http=is_loopback_host,
    )  # fmt: skip
    assert (posted.status, posted.body, posted.header("content-length")) == (201, b"cba", "3")
    other = request(
        "GET", f"{origin}/nope", what="test", cap_seconds=2, max_bytes=LIMIT, plain_http=is_loopback_host
    )
    assert other.status == 503  # a status is an answer: the caller decides what it means


def test_a_server_that_says_nothing_is_a_timeout_at_the_deadline(origin: str) -> None:
    error, seconds = _failure(f"{origin}/slow", cap=0.5)
    assert error.failure is Failure.TIMEOUT and error.sent
    assert 0.4 <= seconds < 1.5


@pytest.mark.parametrize("path", ["/drip", "/drip-close", "/drip-head"])
def test_a_dripping_server_is_cut_off_at_the_whole_call_deadline(origin: str, path: str) -> None:
    """Each byte comes well inside any per-read timeout: only a whole-call deadline stops it."""
    error, seconds = _failure(origin + path, cap=0.6)
    assert error.failure is Failure.TIMEOUT
    assert seconds < 1.6


def test_the_request_budget_bounds_the_call_below_its_own_cap(origin: str) -> None:
    with budget.request_budget(0.4) as turn:
        error, seconds = _failure(f"{origin}/drip", cap=5.0)
    assert error.failure is Failure.TIMEOUT and seconds < 1.4
    assert turn.cut_short == ["test"]
    with budget.request_budget(0.0):
        error, seconds = _failure(f"{origin}/ok")
    assert (error.failure, error.sent) == (Failure.TIMEOUT, False) and seconds < 0.1  # never started


def test_making_the_tls_context_counts_against_the_calls_deadline(origin: str) -> None:
    """A slow CA bundle (a cold disk) is inside the deadline, not before it starts."""

    def slow_context() -> ssl.SSLContext:
        time.sleep(0.6)
        return ssl.create_default_context()

    with pytest.raises(OutboundError) as caught:
        request("GET", origin.replace("http:", "https:") + "/ok", what="test", cap_seconds=0.5,
                max_bytes=LIMIT, tls=slow_context)  # fmt: skip
    # The deadline had passed before connecting: nothing sent. (Counted from after the context,
    # the https request to this plain-http server would fail its handshake instead: FAILED.)
    assert (caught.value.failure, caught.value.sent) == (Failure.TIMEOUT, False)
    answer = request("GET", f"{origin}/ok", what="test", cap_seconds=0.5, max_bytes=LIMIT,
                     plain_http=is_loopback_host, tls=slow_context)  # fmt: skip
    assert answer.status == 200  # plain http makes no TLS context


def test_a_refused_connection_is_a_failure_that_sent_nothing() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    error, seconds = _failure(f"http://127.0.0.1:{port}/ok")
    assert (error.failure, error.sent) == (Failure.FAILED, False)
    assert seconds < 1.0


def test_a_server_that_accepts_and_never_answers_is_a_timeout() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)  # accepted by the kernel, never read
    try:
        error, seconds = _failure(f"http://127.0.0.1:{listener.getsockname()[1]}/ok", cap=0.5)
    finally:
        listener.close()
    assert error.failure is Failure.TIMEOUT and seconds < 1.5


@pytest.mark.parametrize("path", ["/big-announced", "/big-unannounced"])
def test_an_answer_over_the_size_cap_is_refused(origin: str, path: str) -> None:
    error, seconds = _failure(origin + path)
    assert error.failure is Failure.TOO_LARGE
    assert seconds < 1.5


def test_an_answer_shorter_than_it_announced_is_a_failure(origin: str) -> None:
    error, _ = _failure(f"{origin}/short")
    assert error.failure is Failure.FAILED and error.sent


def test_plain_http_goes_only_where_the_caller_allows_and_sends_nothing_elsewhere() -> None:
    accepted = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)

    def accept() -> None:
        try:
            listener.accept()[0].close()
            accepted.set()
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        with pytest.raises(OutboundError) as caught:
            request(
                "GET",
                f"http://127.0.0.1:{listener.getsockname()[1]}/",
                what="test",
                cap_seconds=1,
                max_bytes=10,
            )
    finally:
        thread.join()
        listener.close()
    assert (caught.value.failure, caught.value.sent) == (Failure.NOT_ALLOWED, False)
    assert not accepted.is_set()
    for url in ("ftp://127.0.0.1/x", "https:///nohost", "no scheme"):
        with pytest.raises(OutboundError) as caught:
            request("GET", url, what="test", cap_seconds=1, max_bytes=10, plain_http=is_loopback_host)
        assert caught.value.failure is Failure.NOT_ALLOWED
