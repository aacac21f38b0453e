"""AWS Lambda entry point for Knee Helper. Exposes only ``lambda_handler``.

Never imports Flask, and imports boto3 only when DynamoDB persistence is used (and then only on
the first request that needs it). Fails closed: without a configured ``SKILL_ID`` every request is
refused.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from ask_sdk_model import RequestEnvelope

from composition import build_skill
from kneeskill.settings import Settings

__all__ = ["lambda_handler"]

_log = logging.getLogger("knee_helper.lambda")
_SETTINGS = Settings.from_env()
_SKILL = build_skill(_SETTINGS)


class SkillIdNotConfiguredError(RuntimeError):
    """Raised for every request while the function has no SKILL_ID: it refuses to serve."""


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Serve one Alexa request: deserialize, check the skill id, dispatch, serialize."""
    if not _SETTINGS.skill_id:
        _log.error("SKILL_ID is not set: refusing the request (fail closed)")
        raise SkillIdNotConfiguredError("SKILL_ID is not configured")
    # The SDK's own wiring (SkillBuilder.lambda_handler), with the skill built once per container.
    envelope = _SKILL.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    response = _SKILL.invoke(request_envelope=envelope, context=context)
    result = _SKILL.serializer.serialize(response)
    assert isinstance(result, dict)
    return result
