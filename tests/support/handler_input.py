"""A real ASK SDK HandlerInput from an envelope dict, for testing handler predicates and interceptors."""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope


def handler_input(envelope: dict[str, Any]) -> HandlerInput:
    request_envelope = DefaultSerializer().deserialize(payload=json.dumps(envelope), obj_type=RequestEnvelope)
    return HandlerInput(
        request_envelope=request_envelope,
        attributes_manager=AttributesManager(request_envelope=request_envelope),
    )
