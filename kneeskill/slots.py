"""Read slots by their entity-resolution ids, never by raw text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest
from ask_sdk_model.slu.entityresolution import StatusCode


@dataclass(frozen=True)
class SlotReading:
    """One slot: the resolved id (if any) and whether the user said something in it at all."""

    id: str | None = None
    heard: bool = False

    @property
    def unresolved(self) -> bool:
        return self.heard and self.id is None


def read_slot(handler_input: HandlerInput, name: str) -> SlotReading:
    """The first ER_SUCCESS_MATCH id of a slot, across every resolution authority."""
    request = handler_input.request_envelope.request
    if not isinstance(request, IntentRequest) or request.intent is None or not request.intent.slots:
        return SlotReading()
    slot: Any = request.intent.slots.get(name)
    if slot is None:
        return SlotReading()
    heard = bool(getattr(slot, "value", None))
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or ():
        status = getattr(getattr(authority, "status", None), "code", None)
        if status is not StatusCode.ER_SUCCESS_MATCH and status != "ER_SUCCESS_MATCH":
            continue
        for wrapper in getattr(authority, "values", None) or ():
            value = getattr(wrapper, "value", None)
            value_id = getattr(value, "id", None)
            if isinstance(value_id, str) and value_id:
                return SlotReading(id=value_id, heard=True)
    return SlotReading(heard=heard)


def read_number(handler_input: HandlerInput, name: str, low: int, high: int) -> int | None:
    """A built-in AMAZON.NUMBER slot as an int within [low, high], or None."""
    request = handler_input.request_envelope.request
    if not isinstance(request, IntentRequest) or request.intent is None or not request.intent.slots:
        return None
    slot = request.intent.slots.get(name)
    text = getattr(slot, "value", None)
    digits = text.strip() if isinstance(text, str) else ""
    # ASCII digits only: "²", "⑤" or "¹⁰" pass isdigit() but are no number (heard, unresolved).
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 4:
        return None
    number = int(digits)
    return number if low <= number <= high else None
