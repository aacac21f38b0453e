"""An ASK SDK ``ApiClient`` for the Alexa service APIs, with a short whole-call timeout.

The SDK's ``DefaultApiClient`` imports ``requests`` (slow at cold start), has no timeout and refuses
plain http. This client sends each call through :func:`kneeskill.outbound.request`:

* HTTPS to any Alexa API endpoint within a whole-call deadline (its own cap, or what is left of the
  request's budget, :mod:`kneeskill.budget`), name lookup included, so a slow or dripping service
  still leaves time inside Alexa's 8-second window to say something;
* plain http only to a loopback address, and only when explicitly allowed (the tests' and the
  offline simulator's stand-in for the Alexa APIs).
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services.api_client import ApiClient
from ask_sdk_model.services.api_client_request import ApiClientRequest
from ask_sdk_model.services.api_client_response import ApiClientResponse

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "LoopbackAwareApiClient"]

DEFAULT_TIMEOUT_SECONDS = 2.5
MAX_RESPONSE_BYTES = 256 * 1024


class LoopbackAwareApiClient(ApiClient):
    """Dispatch Alexa service calls with the project's one HTTP helper."""

    def __init__(self, allow_loopback_http: bool = False, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.allow_loopback_http = allow_loopback_http
        self.timeout = timeout

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        # The HTTP helper (and, on its first call, http.client and ssl): only a request that calls an
        # Alexa API needs it, never a launch.
        from kneeskill import outbound  # noqa: PLC0415

        headers = dict(request.headers or [])
        body: bytes | None = None
        if request.body:
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            raw: Any = request.body
            text = json.dumps(raw) if "json" in content_type and not isinstance(raw, str) else str(raw)
            body = text.encode("utf-8")
        try:
            answer = outbound.request(
                request.method or "GET",
                request.url or "",
                what="alexa_api",
                cap_seconds=self.timeout,
                max_bytes=MAX_RESPONSE_BYTES,
                body=body,
                headers=headers,
                plain_http=outbound.is_loopback_host if self.allow_loopback_http else _never,
            )
        except outbound.OutboundError as error:
            if error.failure is outbound.Failure.NOT_ALLOWED:
                raise ApiClientException("Requests against non-HTTPS endpoints are not allowed.") from error
            raise ApiClientException(f"Error executing the request: {error}") from error
        return ApiClientResponse(
            headers=list(answer.headers),
            status_code=answer.status,
            body=answer.body.decode("utf-8", errors="replace"),
        )


def _never(host: str) -> bool:
    return False
