"""A minimal Alexa skill written the canonical ASK SDK way, the baseline of ``bench/bench_skill.py``.

Launch, one intent with a slot, help, stop/cancel, fallback, session end and a catch-all exception
handler, built with ``SkillBuilder`` (or ``CustomSkillBuilder`` with the SDK's DynamoDB adapter
when ``MINIMAL_SKILL_TABLE`` is set, the launch then reading the persistent attributes). Like the
Knee Helper Lambda, it checks the skill id when ``SKILL_ID`` is set.

With ``MINIMAL_SKILL_TIMERS=1`` it also has a timer intent that starts a timer through the Timers
API with the SDK's own ``DefaultApiClient`` (the counterpart of Knee Helper's icing request, so
both sides of that row make the same API call); the benchmark's stand-in for the Alexa APIs is
plain http on loopback, which ``DefaultApiClient`` refuses, so only that scheme check is relaxed.
"""

from __future__ import annotations

import json
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
_TIMERS = os.environ.get("MINIMAL_SKILL_TIMERS", "") == "1"


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


class TimerIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("TimerIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        from ask_sdk_model.services.timer_management import (
            AnnounceOperation,
            CreationBehavior,
            DisplayExperience,
            NotificationConfig,
            TextToAnnounce,
            TimerRequest,
            TriggeringBehavior,
            Visibility,
        )

        locale = str(getattr(handler_input.request_envelope.request, "locale", "en-US"))
        timer = TimerRequest(
            duration="PT20M",
            timer_label="ice",
            creation_behavior=CreationBehavior(
                display_experience=DisplayExperience(visibility=Visibility.VISIBLE)
            ),
            triggering_behavior=TriggeringBehavior(
                operation=AnnounceOperation(text_to_announce=[TextToAnnounce(locale=locale, text="Time.")]),
                notification_config=NotificationConfig(play_audible=True),
            ),
        )
        assert handler_input.service_client_factory is not None
        handler_input.service_client_factory.get_timer_management_service().create_timer(timer)
        rb = handler_input.response_builder
        return rb.speak("Your timer is set.").ask("Anything else?").response


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


def _loopback_api_client() -> Any:
    """The SDK's DefaultApiClient (``requests``), allowed to use plain http to a loopback stand-in."""
    from urllib.parse import urlsplit

    from ask_sdk_core.api_client import DefaultApiClient
    from ask_sdk_core.exceptions import ApiClientException
    from ask_sdk_model.services import ApiClientResponse

    class LoopbackApiClient(DefaultApiClient):
        def invoke(self, request: Any) -> Any:
            """``DefaultApiClient.invoke`` with its https-only check replaced by a loopback-only one."""
            if urlsplit(request.url or "").hostname != "127.0.0.1":
                return super().invoke(request)
            try:
                method = self._resolve_method(request)
                headers = self._convert_list_tuples_to_dict(headers_list=request.headers)
                data = None
                if request.body:
                    content_type = headers.get("Content-type", None)
                    json_body = content_type is not None and "json" in content_type
                    data = json.dumps(request.body) if json_body else request.body
                answer = method(url=request.url, headers=headers, data=data)
                return ApiClientResponse(
                    headers=self._convert_dict_to_list_tuples(answer.headers),
                    status_code=answer.status_code,
                    body=answer.text,
                )
            except Exception as error:
                raise ApiClientException(f"Error executing the request: {error}") from error

    return LoopbackApiClient()


def _builder() -> SkillBuilder:
    if _TIMERS:
        return CustomSkillBuilder(api_client=_loopback_api_client())
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
if _TIMERS:
    sb.add_request_handler(TimerIntentHandler())
sb.add_request_handler(CancelOrStopIntentHandler())
sb.add_request_handler(FallbackIntentHandler())
sb.add_request_handler(SessionEndedRequestHandler())
sb.add_exception_handler(CatchAllExceptionHandler())

lambda_handler: Any = sb.lambda_handler()
