"""An ASK SDK ``ApiClient`` on the standard library with short timeouts.

The SDK's ``DefaultApiClient`` imports ``requests`` (slow at cold start), has no timeout and refuses
plain http. This client:

* talks HTTPS to any Alexa API endpoint within a whole-call deadline (its own cap, or what is left
  of the request's budget, :mod:`kneeskill.budget`), name lookup included, so a slow or dripping
  service still leaves time inside Alexa's 8-second window to say something;
* talks plain http only to a loopback address, and only when explicitly allowed (the tests' and the
  offline simulator's stand-in for the Alexa APIs).
"""

from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services.api_client import ApiClient
from ask_sdk_model.services.api_client_request import ApiClientRequest
from ask_sdk_model.services.api_client_response import ApiClientResponse

from kneeskill import budget, outbound

if TYPE_CHECKING:
    import http.client

DEFAULT_TIMEOUT_SECONDS = 2.5
_MAX_RESPONSE_BYTES = 256 * 1024


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class LoopbackAwareApiClient(ApiClient):
    """Dispatch Alexa service calls with ``http.client``."""

    def __init__(self, allow_loopback_http: bool = False, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.allow_loopback_http = allow_loopback_http
        self.timeout = timeout

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        import http.client  # noqa: PLC0415  # ssl and email (~10 ms): only requests that call an API pay

        parts = urlsplit(request.url or "")
        host = parts.hostname or ""
        if parts.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, parts.port, timeout=self.timeout
            )
        elif parts.scheme == "http" and self.allow_loopback_http and is_loopback_host(host):
            connection = http.client.HTTPConnection(host, parts.port, timeout=self.timeout)
        else:
            raise ApiClientException("Requests against non-HTTPS endpoints are not allowed.")
        headers = dict(request.headers or [])
        body: bytes | None = None
        if request.body:
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            raw: Any = request.body
            text = json.dumps(raw) if "json" in content_type and not isinstance(raw, str) else str(raw)
            body = text.encode("utf-8")
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        seconds = budget.call_seconds(self.timeout)
        if budget.exhausted("alexa_api", seconds):
            connection.close()
            raise ApiClientException("Error executing the request: timeout (request budget exhausted)")
        try:
            with outbound.deadline_for(connection, seconds) as deadline:
                try:
                    connection.request(request.method or "GET", path, body=body, headers=headers)
                    response = connection.getresponse()
                    payload = _read_all(response, _MAX_RESPONSE_BYTES + 1)
                except (OSError, http.client.HTTPException) as error:
                    kind = "timeout" if deadline.expired or isinstance(error, TimeoutError) else "failure"
                    if deadline.expired:
                        budget.note_cut_short("alexa_api")
                    raise ApiClientException(
                        f"Error executing the request: {kind} ({type(error).__name__})"
                    ) from error
            if deadline.expired and response.getheader("Content-Length") is None and not response.chunked:
                # A body that ends at connection close cannot tell a cut from its end.
                budget.note_cut_short("alexa_api")
                raise ApiClientException("Error executing the request: timeout (deadline)")
        finally:
            connection.close()
        if len(payload) > _MAX_RESPONSE_BYTES:
            raise ApiClientException("Response from the Alexa API was too large.")
        return ApiClientResponse(
            headers=list(response.getheaders()),
            status_code=response.status,
            body=payload.decode("utf-8", errors="replace"),
        )


def _read_all(response: http.client.HTTPResponse, limit: int) -> bytes:
    """Up to ``limit`` bytes of the body; a body cut short by the deadline raises (IncompleteRead)."""
    body = bytearray()
    while len(body) < limit:
        chunk = response.read1(limit - len(body))
        if not chunk:
            break
        body += chunk
    declared = response.getheader("Content-Length")
    if declared is not None and declared.isdigit() and len(body) < min(int(declared), limit):
        import http.client  # noqa: PLC0415  # loaded already by the call that read this body

        raise http.client.IncompleteRead(bytes(body), int(declared) - len(body))
    return bytes(body)
