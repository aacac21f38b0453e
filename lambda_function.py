"""AWS Lambda entry point for Knee Helper. Exposes only ``lambda_handler``.

Never imports Flask, and imports boto3 only when DynamoDB persistence is used (and then only on
the first request that needs it). Fails closed: without a configured ``SKILL_ID`` every request is
refused.
"""

from __future__ import annotations

import logging
from typing import Any

from kneeskill import budget, envelope
from kneeskill.factory import build_skill
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
    serializer = _SKILL.serializer
    # One budget for every outbound call of this turn: what Lambda still gives us, less a margin.
    with budget.request_budget(budget.lambda_seconds(context)):
        # Bounded and checked before the SDK sees it (kneeskill/envelope.py): a hostile envelope is
        # refused (EnvelopeRefused, the Lambda form of a 400), never a crash inside the SDK.
        request_envelope = envelope.decode(serializer, event)
        response = _SKILL.invoke(request_envelope=request_envelope, context=context)
    result = serializer.serialize(response)
    assert isinstance(result, dict)
    return result
