"""The composition root: the one place that wires the skill together, for every entry point.

It sits above every layer (``docs/ARCHITECTURE.md``): it knows the handlers, the interceptors, the
API client and the settings, and nothing below it knows it. ``lambda_function`` (AWS Lambda) and
``webapp`` (the local Flask server) both build their skill here; the simulator builds its own
instance here too. It ships in the Lambda package, so it never imports Flask.

The skill runs on the SDK's own ``DefaultSerializer``, as ``CustomSkillBuilder.create`` sets it.
"""

from __future__ import annotations

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from handlers import exception_handlers, request_handlers
from kneeskill.api_client import LoopbackAwareApiClient
from kneeskill.interceptors import request_interceptors, response_interceptors
from kneeskill.runtime import Runtime
from kneeskill.settings import Settings

__all__ = ["build_skill"]


def build_skill(settings: Settings, runtime: Runtime | None = None) -> CustomSkill:
    """Build the Knee Helper skill: handlers, interceptors, API client and settings; ``runtime``
    (the store, opened on first use) is the caller's when it must reach it (the SnapStart hooks).

    The skill id check of the SDK (``CustomSkill.invoke``) is switched on whenever a skill id is
    configured; the Lambda entry point refuses to run without one.
    """
    builder = CustomSkillBuilder(api_client=LoopbackAwareApiClient(settings.allow_loopback_http_apis))
    builder.skill_id = settings.skill_id  # type: ignore[assignment]  # the SDK annotates it as None
    builder.custom_user_agent = "knee-helper/0.1"
    for handler in request_handlers(settings, runtime):
        builder.add_request_handler(handler)
    for exception_handler in exception_handlers():
        builder.add_exception_handler(exception_handler)
    for request_interceptor in request_interceptors(settings):
        builder.add_global_request_interceptor(request_interceptor)
    for response_interceptor in response_interceptors(settings):
        builder.add_global_response_interceptor(response_interceptor)
    return builder.create()
