"""A minimal Alexa skill written the canonical ASK SDK way, the baseline of ``bench/bench_skill.py``.

Launch, one intent with a slot, help, stop/cancel, fallback, session end and a catch-all exception
handler, built with ``SkillBuilder`` (or ``CustomSkillBuilder`` with the SDK's DynamoDB adapter
when ``MINIMAL_SKILL_TABLE`` is set, the launch then reading the persistent attributes). Like the
Knee Helper Lambda, it checks the skill id when ``SKILL_ID`` is set.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder, SkillBuilder
from ask_sdk_core.utils import get_slot_value, is_intent_name, is_request_type
from ask_sdk_model import Response

_log = logging.getLogger(__name__)
_TABLE = os.environ.get("MINIMAL_SKILL_TABLE", "").strip()


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        greeting = "Welcome. Ask me about a color."
        if _TABLE:
            stored: dict[str, Any] = handler_input.attributes_manager.persistent_attributes
            visits = int(stored.get("visits", 0))
            if visits:
                greeting = "Welcome back. Ask me about a color."
        rb = handler_input.response_builder
        return rb.speak(greeting).ask("Which color?").response


class ColorIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ColorIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        color = str(get_slot_value(handler_input, "color") or "no color")
        attributes: dict[str, Any] = handler_input.attributes_manager.session_attributes or {}
        attributes["color"] = color
        handler_input.attributes_manager.session_attributes = attributes
        rb = handler_input.response_builder
        return rb.speak(f"You said {color}.").ask("Another color?").response


class HelpIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.HelpIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        rb = handler_input.response_builder
        return rb.speak("Say a color, like red.").ask("Which color?").response


class CancelOrStopIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("AMAZON.CancelIntent")(handler_input)
            or is_intent_name("AMAZON.StopIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        rb = handler_input.response_builder
        return rb.speak("Goodbye.").set_should_end_session(True).response


class FallbackIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.FallbackIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        rb = handler_input.response_builder
        return rb.speak("Sorry, I can only talk about colors.").ask("Which color?").response


class SessionEndedRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        _log.error("request failed: %s", type(exception).__name__)
        rb = handler_input.response_builder
        return rb.speak("Sorry, something went wrong.").ask("Please try again.").response


def _builder() -> SkillBuilder:
    if not _TABLE:
        return SkillBuilder()
    import boto3
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter

    resource = boto3.resource(
        "dynamodb", endpoint_url=os.environ.get("MINIMAL_SKILL_DYNAMODB_ENDPOINT") or None
    )
    return CustomSkillBuilder(
        persistence_adapter=DynamoDbAdapter(table_name=_TABLE, create_table=False, dynamodb_resource=resource)
    )


sb = _builder()
sb.skill_id = os.environ.get("SKILL_ID") or None  # type: ignore[assignment]  # the SDK annotates it as None
sb.add_request_handler(LaunchRequestHandler())
sb.add_request_handler(ColorIntentHandler())
sb.add_request_handler(HelpIntentHandler())
sb.add_request_handler(CancelOrStopIntentHandler())
sb.add_request_handler(FallbackIntentHandler())
sb.add_request_handler(SessionEndedRequestHandler())
sb.add_exception_handler(CatchAllExceptionHandler())

lambda_handler: Any = sb.lambda_handler()
