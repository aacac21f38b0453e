"""The one small HTTP helper every outbound call goes through (the Alexa APIs, the certificate
download), on ``http.client`` and under the request's budget (:mod:`kneeskill.budget`).

A socket timeout bounds each read, not the call: a server that answers one byte at a time keeps a
call going as long as it likes, and name lookup (``getaddrinfo``) has no timeout at all.
:func:`request` bounds a call as a whole:

* its deadline is the caller's cap or what is left of the request's budget, whichever is less; at
  zero the call is not made (:class:`OutboundError` with ``sent=False``);
* the name is looked up in a helper thread that the call waits for only until the deadline;
* connecting uses what is left of the time;
* a watchdog shuts the socket down at the deadline, which wakes any blocked read (TLS handshake,
  response head or body) with an error;
* the answer is read up to ``max_bytes``: an announced length above it is refused before reading,
  an unannounced body as soon as it passes it; a body shorter than its announced length is an error.

One connection per call, closed after it (these calls are rare: a few per turn at most).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import msgspec

from kneeskill import budget

__all__ = ["Answer", "Deadline", "Failure", "OutboundError", "is_loopback_host", "request", "resolve"]


class Failure(StrEnum):
    """Why an outbound call gave no answer."""

    TIMEOUT = "timeout"  # the deadline (or the request's budget) ran out
    TOO_LARGE = "too large"  # the answer is longer than the caller accepts
    NOT_ALLOWED = "not allowed"  # plain http to a host the caller does not allow: nothing was sent
    FAILED = "failure"  # refused, reset, cut short, not HTTP


class OutboundError(Exception):
    """An outbound call that gave no usable answer: ``failure`` says why; ``sent`` is False when
    nothing reached the server (the call was not started, the name or the connection failed)."""

    def __init__(self, failure: Failure, detail: str, *, sent: bool) -> None:
        super().__init__(f"{failure.value} ({detail})")
        self.failure = failure
        self.detail = detail
        self.sent = sent


class Answer(msgspec.Struct, frozen=True):
    """A complete HTTP answer: any status (the caller decides what it means)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _no_plain_http(host: str) -> bool:
    return False


def request(
    method: str,
    url: str,
    *,
    what: str,
    cap_seconds: float,
    max_bytes: int,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    plain_http: Callable[[str], bool] = _no_plain_http,
    tls: Callable[[], ssl.SSLContext] | None = None,
) -> Answer:
    """One HTTP exchange within one whole-call deadline (``cap_seconds`` or what is left of the
    request's budget) and a size cap; ``what`` names the dependency for the budget's record.

    https always; plain http only to a host ``plain_http`` allows; ``tls`` makes the TLS context
    (by default the system's), only for https. The deadline runs from this call: making the
    context and the connection count against it. Raises :class:`OutboundError`.
    """
    started = time.monotonic()
    seconds = budget.call_seconds(cap_seconds)
    if budget.exhausted(what, seconds):
        raise OutboundError(Failure.TIMEOUT, "request budget exhausted", sent=False)
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError as error:
        raise OutboundError(Failure.NOT_ALLOWED, "bad port", sent=False) from error
    connection: http.client.HTTPConnection
    if parts.scheme == "https" and host:
        connection = http.client.HTTPSConnection(host, port, timeout=seconds, context=(tls or _tls_context)())
    elif parts.scheme == "http" and host and plain_http(host):
        connection = http.client.HTTPConnection(host, port, timeout=seconds)
    else:
        raise OutboundError(Failure.NOT_ALLOWED, f"{parts.scheme or 'no'} scheme", sent=False)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    stage = _Stage()
    try:
        with deadline_for(connection, seconds - (time.monotonic() - started)) as deadline:
            try:
                answer = _exchange(
                    connection,
                    method=method,
                    target=target,
                    body=body,
                    headers=dict(headers or {}),
                    max_bytes=max_bytes,
                    stage=stage,
                    deadline=deadline,
                )
            except OutboundError:
                raise
            except (OSError, http.client.HTTPException) as error:
                if deadline.expired or isinstance(error, TimeoutError):
                    budget.note_cut_short(what)
                    raise OutboundError(Failure.TIMEOUT, type(error).__name__, sent=stage.sent) from error
                raise OutboundError(Failure.FAILED, type(error).__name__, sent=stage.sent) from error
        if deadline.expired:  # the watchdog fired: a body that ends at close may have been cut short
            budget.note_cut_short(what)
            raise OutboundError(Failure.TIMEOUT, "deadline", sent=True)
        return answer
    finally:
        connection.close()


class _Stage(msgspec.Struct):
    sent: bool = False  # the request may have reached the server


def _exchange(
    connection: http.client.HTTPConnection,
    *,
    method: str,
    target: str,
    body: bytes | None,
    headers: dict[str, str],
    max_bytes: int,
    stage: _Stage,
    deadline: Deadline,
) -> Answer:
    connection.connect()  # inside the deadline: name lookup and connect (see deadline_for)
    # The watchdog's handle on the socket: http.client lets go of it once an answer says it will
    # close (the response reads on alone), and the watchdog must still be able to cut that read.
    deadline.sock = connection.sock
    stage.sent = True
    connection.request(method, target, body=body, headers=headers)
    response = connection.getresponse()
    declared_text = response.getheader("Content-Length")
    declared = int(declared_text) if declared_text is not None and declared_text.isdigit() else None
    if declared is not None and declared > max_bytes:
        raise OutboundError(Failure.TOO_LARGE, f"{declared} bytes announced", sent=True)
    data = bytearray()
    while len(data) <= max_bytes:
        if deadline.remaining() <= 0:
            raise TimeoutError("the answer took longer than the call's deadline")
        chunk = response.read1(max_bytes + 1 - len(data))
        if not chunk:
            break
        data += chunk
    if len(data) > max_bytes:
        raise OutboundError(Failure.TOO_LARGE, f"over {max_bytes} bytes", sent=True)
    if declared is not None and len(data) != declared:
        raise http.client.IncompleteRead(bytes(data), declared - len(data))
    return Answer(status=response.status, headers=tuple(response.getheaders()), body=bytes(data))


_TLS: list[ssl.SSLContext] = []


def _tls_context() -> ssl.SSLContext:
    """One default TLS context (loading the CA bundle takes milliseconds: do it once)."""
    if not _TLS:
        _TLS.append(ssl.create_default_context())
    return _TLS[0]


# --- the whole-call deadline ----------------------------------------------------------------------


class NameLookupTimeout(TimeoutError):
    """The host name was not resolved before the call's deadline."""


def resolve(host: str, port: int, seconds: float) -> list[tuple[Any, ...]]:
    """``socket.getaddrinfo(host, port, type=SOCK_STREAM)`` within ``seconds`` (raises
    :class:`NameLookupTimeout`); an IP address literal needs no lookup."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    answer: dict[str, Any] = {}
    done = threading.Event()

    def look_up() -> None:
        try:
            answer["value"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            answer["error"] = error
        finally:
            done.set()

    threading.Thread(target=look_up, name="name-lookup", daemon=True).start()
    if not done.wait(max(0.0, seconds)):
        raise NameLookupTimeout(f"name lookup took longer than {seconds:.1f} s")
    if "error" in answer:
        raise answer["error"]
    result: list[tuple[Any, ...]] = answer["value"]
    return result


class Deadline(msgspec.Struct):
    """One call's deadline (``time.monotonic()`` seconds)."""

    at: float
    expired: bool = False
    sock: socket.socket | None = None  # the connected socket, once there is one

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())


def _connect(address: tuple[str, int], deadline: Deadline, timeout: object) -> socket.socket:
    """``socket.create_connection`` with the lookup and each connect attempt inside the deadline
    (and inside ``timeout``, the connection's own timeout, which later reads keep)."""
    host, port = address
    last: OSError | None = None
    for family, kind, proto, _, target in resolve(host, port, deadline.remaining()):
        left = deadline.remaining()
        if left <= 0:
            break
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(min(left, timeout) if isinstance(timeout, int | float) else left)
            sock.connect(target)
        except OSError as error:
            sock.close()
            last = error
            continue
        return sock
    if last is not None:
        raise last
    raise TimeoutError("connecting took longer than the call's deadline")


def _abort(connection: http.client.HTTPConnection, deadline: Deadline) -> None:
    deadline.expired = True
    sock = deadline.sock or connection.sock
    if sock is not None:
        # Plain ``socket.shutdown`` (not SSLSocket's) wakes a blocked read with EOF.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


@contextlib.contextmanager
def deadline_for(connection: http.client.HTTPConnection, seconds: float) -> Iterator[Deadline]:
    """Bound everything done with ``connection`` inside the block to ``seconds`` in all.

    Connecting (if the connection is not open yet) resolves the name and connects within the
    deadline; a watchdog shuts the socket down when it passes.
    """
    deadline = Deadline(at=time.monotonic() + max(0.0, seconds))
    connection._create_connection = (  # type: ignore[attr-defined]  # http.client's connect hook
        lambda address, timeout=None, source_address=None: _connect(address, deadline, timeout)
    )
    watchdog = threading.Timer(max(0.0, seconds), _abort, args=(connection, deadline))
    watchdog.daemon = True
    watchdog.start()
    try:
        yield deadline
    finally:
        watchdog.cancel()
