"""One skill factory for both entry points (AWS Lambda and the local Flask server)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.skill_builder import CustomSkillBuilder

from kneeskill.settings import Settings

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill


def build_skill(settings: Settings) -> CustomSkill:
    """Build the Knee Helper skill: handlers, interceptors, API client and settings.

    The skill id check of the SDK (``CustomSkill.invoke``) is switched on whenever a skill id is
    configured; the Lambda entry point refuses to run without one.
    """
    from handlers import exception_handlers, request_handlers
    from kneeskill.api_client import LoopbackAwareApiClient
    from kneeskill.interceptors import request_interceptors, response_interceptors
    from kneeskill.serializer import FastSerializer

    builder = CustomSkillBuilder(api_client=LoopbackAwareApiClient(settings.allow_loopback_http_apis))
    builder.skill_id = settings.skill_id  # type: ignore[assignment]  # the SDK annotates it as None
    builder.custom_user_agent = "knee-helper/0.1"
    for handler in request_handlers(settings):
        builder.add_request_handler(handler)
    for exception_handler in exception_handlers():
        builder.add_exception_handler(exception_handler)
    for request_interceptor in request_interceptors(settings):
        builder.add_global_request_interceptor(request_interceptor)
    for response_interceptor in response_interceptors(settings):
        builder.add_global_response_interceptor(response_interceptor)
    skill = builder.create()
    # Same results as the SDK's DefaultSerializer, without re-resolving types on every request.
    skill.serializer = FastSerializer()
    return skill
