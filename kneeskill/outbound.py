"""Whole-call deadlines for ``http.client`` connections (DynamoDB, the Alexa APIs, the certificate
download): the one helper the three HTTP clients share.

A socket timeout bounds each read, not the call: a server that answers one byte at a time keeps a
call going as long as it likes, and name lookup (``getaddrinfo``) has no timeout at all. Inside
:func:`deadline_for` a call is bounded as a whole:

* the name is looked up in a helper thread that the call waits for only until the deadline;
* connecting uses what is left of the time;
* a watchdog shuts the socket down at the deadline, which wakes any blocked read (TLS handshake,
  response head or body) with an error.

After the block, ``Deadline.expired`` tells whether the watchdog cut the call short.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import http.client

__all__ = ["Deadline", "deadline_for", "resolve"]


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


@dataclass
class Deadline:
    """One call's deadline (``time.monotonic()`` seconds)."""

    at: float
    expired: bool = False

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())


def _connect(address: tuple[str, int], deadline: Deadline, timeout: object) -> socket.socket:
    """``socket.create_connection`` with the lookup and each connect attempt inside the deadline
    (and inside ``timeout``, the connection's own connect timeout, which later reads keep)."""
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
    sock = connection.sock
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
