"""The session's state attribute, decoded once per request."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.handler_input import HandlerInput

from dialogue.modes import STATE_KEY, state_data

_DATA_CACHE = "knee_helper.state_data"  # per-request attribute: the decoded state attribute


def state_data_of(handler_input: HandlerInput) -> dict[str, Any] | None:
    """The state attribute as a dict (None outside a session or when missing or damaged).

    Decoded once per request and kept in the request attributes, so every reader in a request
    (``kneeskill.turns.load_state``, the interceptors, the error handler) shares one JSON parse.
    """
    cache = handler_input.attributes_manager.request_attributes
    if isinstance(cache, dict) and _DATA_CACHE in cache:
        cached = cache[_DATA_CACHE]
        return cached if isinstance(cached, dict) else None
    data = None
    if handler_input.request_envelope.session is not None:
        attributes = handler_input.attributes_manager.session_attributes or {}
        data = state_data(attributes.get(STATE_KEY))
    if isinstance(cache, dict):
        cache[_DATA_CACHE] = data
    return data
