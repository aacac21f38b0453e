"""Requests that end a session or arrive outside one."""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response, SessionEndedRequest

from kneeskill.turns import load_state, save_state

_log = logging.getLogger("knee_helper.session")


class SessionEndedHandler(AbstractRequestHandler):
    """The session is over: Alexa accepts no speech here, so the response is empty."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(_request(handler_input).object_type == "SessionEndedRequest")

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(request, "reason", None) if isinstance(request, SessionEndedRequest) else None
        error_type = getattr(getattr(request, "error", None), "object_type", None)
        _log.info("session ended reason=%s error_type=%s", getattr(reason, "value", reason), error_type)
        save_state(handler_input, load_state(handler_input))  # echo only our own, bounded state
        return handler_input.response_builder.response


class OtherRequestHandler(AbstractRequestHandler):
    """Anything else (system events, unknown request types): acknowledge without speech."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        save_state(handler_input, load_state(handler_input))  # echo only our own, bounded state
        return handler_input.response_builder.response


def _request(handler_input: HandlerInput) -> Any:
    """The request, read as the SDK's predicates read it (no request: AttributeError, as theirs)."""
    return handler_input.request_envelope.request
