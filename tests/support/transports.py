"""Two ways to reach the one skill: the real ``lambda_handler`` and real HTTP to the real Flask app."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server

from kneeskill.settings import Settings
from tests.support.loopback import POLL_SECONDS

Transport = Callable[[dict[str, Any]], dict[str, Any]]


def lambda_transport() -> Transport:
    import lambda_function

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        return lambda_function.lambda_handler(envelope, None)

    return send


@contextmanager
def http_transport(settings: Settings) -> Iterator[Transport]:
    """The real Flask app served on 127.0.0.1 by a real WSGI server, spoken to over HTTP."""
    from webapp.server import create_app

    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
    )
    thread.start()
    port = server.server_port

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        # A plain HTTP/1.1 client (the development server closes every connection after its answer,
        # so there is no session to keep); no proxy is ever consulted.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request(
                "POST", "/", body=json.dumps(envelope), headers={"Content-Type": "application/json"}
            )
            reply = connection.getresponse()
            text = reply.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        assert reply.status == 200, f"HTTP {reply.status}: {text[:300]}"
        body: dict[str, Any] = json.loads(text)
        return body

    try:
        yield send
    finally:
        server.shutdown()
        thread.join(timeout=5)
