"""A gunicorn server on 127.0.0.1 and a fixed-concurrency HTTP load generator (threads + http.client)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: The gunicorn settings the README documents for serving (gthread workers with timeouts).
GUNICORN_CONFIG = ROOT / "webapp" / "gunicorn.conf.py"
#: Alexa waits 8 seconds for an answer.
ALEXA_WINDOW_SECONDS = 8.0
#: A conversation that has not ended after this many turns is an error (a question asked forever).
MAX_TURNS = 8

EnvelopeFactory = Callable[[int, int], dict[str, Any]]
"""Builds the envelope for (worker thread number, request number within that thread)."""
Check = Callable[[dict[str, Any]], str | None]
"""Inspects a 200 answer; returns a reason when the answer is wrong, else None."""
FollowUp = Callable[[int, int, dict[str, Any]], dict[str, Any] | None]
"""Given (worker thread number, conversation number within that thread, the answer just heard), the
next envelope of that conversation, or None when it is over (e.g. "no" to the ice safety question)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Gunicorn:
    """A running ``gunicorn webapp.wsgi:app`` on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the gunicorn master), from /proc."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def gunicorn(
    env: Mapping[str, str], *, workers: int, log_dir: Path, threads: int | None = 4
) -> Iterator[Gunicorn]:
    """Serve the real app under gunicorn with ``workers`` processes (and ``threads`` each; None: the
    config's); stop it (by its pid) on exit."""
    port = free_port()
    log_path = log_dir / f"gunicorn-{port}.log"
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    # The documented production command (README), with this run's port, workers and threads.
    command = [
        sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), "webapp.wsgi:app",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        *(["--threads", str(threads)] if threads is not None else []),
        "--graceful-timeout", "5",
        "--access-logfile", "-", "--error-logfile", "-", "--log-level", "info",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    server = Gunicorn(process, port, log_path)
    try:
        wait_healthy(server.url, timeout=60, process=process)
        deadline = time.monotonic() + 30
        while len(server.worker_pids()) < workers and time.monotonic() < deadline:
            time.sleep(0.05)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def wait_healthy(url: str, *, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    host, port = _host_port(url)
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection(host, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not become healthy in time")


def _host_port(url: str) -> tuple[str, int]:
    rest = url.split("://", 1)[1].split("/", 1)[0]
    host, _, port = rest.partition(":")
    return host, int(port or 80)


def post_json(
    url: str, envelope: dict[str, Any], *, timeout: float = ALEXA_WINDOW_SECONDS + 2
) -> tuple[int, dict[str, Any] | None, float]:
    """POST one envelope; return (status, JSON body or None, seconds). Status 0: no HTTP answer."""
    host, port = _host_port(url)
    body = json.dumps(envelope).encode("utf-8")
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        raw = response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        return 0, None, time.perf_counter() - started
    finally:
        connection.close()
    elapsed = time.perf_counter() - started
    try:
        payload = json.loads(raw)
    except ValueError:
        return status, None, elapsed
    return status, payload if isinstance(payload, dict) else None, elapsed


@dataclass
class LoadResult:
    """What a load run measured."""

    requests: int = 0
    errors: int = 0
    #: Conversations: one request each without a follow-up; a conversation with an error ends there.
    conversations: int = 0
    failed_conversations: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)
    answers: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
        return ordered[index]

    @property
    def p99(self) -> float:
        return self.percentile(0.99)

    def figures(self) -> dict[str, float | int]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(0.5) * 1000, 1),
            "p99_ms": round(self.p99 * 1000, 1),
            "max_ms": round(max(self.latencies, default=0.0) * 1000, 1),
        }


def run_load(
    url: str,
    make: EnvelopeFactory,
    *,
    concurrency: int,
    seconds: float | None = None,
    per_thread: int | None = None,
    check: Check | None = None,
    keep_answers: bool = False,
    during: Callable[[], None] | None = None,
    follow: FollowUp | None = None,
) -> LoadResult:
    """``concurrency`` threads each send conversations until ``seconds`` pass or ``per_thread`` are
    sent. A conversation is the envelope ``make`` builds, then each one ``follow`` builds from the
    answer before it (without ``follow``: one request). Every turn is one request.

    An error is anything but HTTP 200 with a JSON body that ``check`` accepts, or an answer slower
    than Alexa's 8-second window; a turn in error ends its conversation. ``keep_answers`` keeps the
    last answer of each conversation. ``during`` runs once in the calling thread while the load runs.
    """
    if seconds is None and per_thread is None:
        raise ValueError("bound the run by seconds or by requests per thread")
    result = LoadResult()
    lock = threading.Lock()
    stop_at = None if seconds is None else time.monotonic() + seconds

    def worker(number: int) -> None:
        sent = 0
        while (per_thread is None or sent < per_thread) and (stop_at is None or time.monotonic() < stop_at):
            envelope: dict[str, Any] | None = make(number, sent)
            turns = 0
            while envelope is not None:
                turns += 1
                status, body, elapsed = post_json(url, envelope)
                reason: str | None = None
                if status != 200 or body is None:
                    reason = f"HTTP {status}"
                elif elapsed >= ALEXA_WINDOW_SECONDS:
                    reason = "slower than 8 s"
                elif check is not None:
                    reason = check(body)
                envelope = None
                if reason is None and body is not None and follow is not None:
                    envelope = follow(number, sent, body)
                    if envelope is not None and turns >= MAX_TURNS:
                        envelope, reason = None, f"no end after {MAX_TURNS} turns"
                with lock:
                    result.requests += 1
                    result.latencies.append(elapsed)
                    if reason is not None:
                        result.errors += 1
                        result.reasons[reason] = result.reasons.get(reason, 0) + 1
                    if envelope is None:
                        result.conversations += 1
                        result.failed_conversations += reason is not None
                        if keep_answers and body is not None:
                            result.answers.append((number, sent, body))
            sent += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    if during is not None:
        during()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result
