"""The session-attribute key, its decoding, and the conversation modes (``dialogue.state`` builds the
session state on them; the simulator and tools read the attribute with them)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

STATE_KEY = "kh"


def state_data(value: object) -> dict[str, Any] | None:
    """The session's state attribute as a dict, or None when it is missing or damaged.

    The skill stores its state as one compact JSON string: the SDK deep-copies and serialises
    session attributes value by value on every request, and one string costs it far less than a
    nested dict. A dict (a session begun before that change, or a hand-written test) is read as is.
    Any size is read (the request body is bounded already): an oversized, hostile state still
    carries its emergency marker to ``SessionState.from_json``, which keeps it.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value if isinstance(value, dict) else None


class Mode(StrEnum):
    """What the conversation is doing now; decides how Yes, No, Next and More are read."""

    IDLE = "idle"
    INTERVIEW = "interview"
    RESULT = "result"
    EXPLAINER = "explainer"
    PRICE = "price"
    OFFER_INTERVIEW = "offer_interview"
    OFFER_PRICE = "offer_price"
    OFFER_RESUME_PRICE = "offer_resume_price"
    OFFER_REMINDER = "offer_reminder"
    PRICE_CHECK = "price_check"  # the one-line safety check before PRICE resumes in a new session
    ICE_CHECK = "ice_check"  # the calf / breathing question before the first ice timer of a session
    ICE_TOO_SOON = "ice_too_soon"  # "ice again already?": yes starts the timer anyway
