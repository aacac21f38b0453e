"""Two ways to reach the one skill: the real ``lambda_handler`` and real HTTP to the real Flask app."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from werkzeug.serving import make_server

from kneeskill.settings import Settings

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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/"
    session = requests.Session()
    session.trust_env = False  # loopback only: never a proxy from the environment

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        reply = session.post(url, json=envelope, timeout=10)
        assert reply.status_code == 200, f"HTTP {reply.status_code}: {reply.text[:300]}"
        body: dict[str, Any] = reply.json()
        return body

    try:
        yield send
    finally:
        session.close()
        server.shutdown()
        thread.join(timeout=5)
