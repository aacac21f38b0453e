"""Real servers on 127.0.0.1 in a thread, for tests that need real HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

#: How often a serving thread checks whether it is asked to stop: stopping a server waits up to
#: this long (``serve_forever``'s default is half a second, which a test paid at every teardown).
POLL_SECONDS = 0.05


@contextmanager
def serving(server: HTTPServer) -> Iterator[str]:
    """Serve ``server`` (bound to 127.0.0.1) in a thread until the block ends; yields its base URL."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def serve_handler(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve a plain ``http.server`` handler on a free port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with serving(server) as url:
        yield url
