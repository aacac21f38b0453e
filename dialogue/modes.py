"""The session-attribute key and the conversation modes: tiny, so handlers can check them cheaply."""

from __future__ import annotations

from enum import StrEnum

STATE_KEY = "kh"


class Mode(StrEnum):
    """What the conversation is doing now; decides how Yes, No, Next and More are read."""

    IDLE = "idle"
    INTERVIEW = "interview"
    RESULT = "result"
    EXPLAINER = "explainer"
    PRICE = "price"
    ICING = "icing"
    OFFER_INTERVIEW = "offer_interview"
    OFFER_PRICE = "offer_price"
    OFFER_RESUME_PRICE = "offer_resume_price"
    OFFER_REMINDER = "offer_reminder"
