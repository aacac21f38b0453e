"""AWS Lambda entry point for Knee Helper. Exposes only ``lambda_handler``.

Never imports Flask, and imports boto3 only when DynamoDB persistence is used (and then only on
the first request that needs it). Fails closed: without a configured ``SKILL_ID`` every request is
refused, and so is every request while persistence is on without a secret ``KNEE_HELPER_KEY_SALT``.
Each request gets one time budget for its outbound calls (``kneeskill.budget``), escaped logs with
the Alexa request id as correlation id and its metrics (``kneeskill.observability``).
"""

from __future__ import annotations

import gc
import os
from typing import Any

__all__ = ["lambda_handler"]

# A cold start builds ~25,000 objects (modules, classes, functions, the skill) that live as long as
# the process, and almost no garbage (a few hundred objects). The cyclic collector pauses while they
# are built, and they are frozen after (gc.freeze): no collection, now or on any later request, walks
# them again. That is ~10% of the CPU of the import and the first request (README, "Performance").
gc.disable()
try:
    from composition import build_skill
    from kneeskill import budget, envelope, observability, snapstart
    from kneeskill.runtime import Runtime
    from kneeskill.settings import PersistenceKind, Settings
    from kneeskill.storage.model import KEY_SALT_ENV, salt_problem

    observability.configure_lambda_logging()
    _log = observability.logger("knee_helper.lambda")
    _SETTINGS = Settings.from_env()
    _RUNTIME = Runtime(_SETTINGS)
    _SKILL = build_skill(_SETTINGS, _RUNTIME)
    # With SnapStart on (template.yaml), Lambda runs these around the snapshot: every locale warmed
    # through this skill before it, randomness re-seeded and connections dropped after each restore.
    snapstart.register(_SKILL, _RUNTIME, _SETTINGS.skill_id)
    _PERSISTS = _SETTINGS.persistence is not PersistenceKind.NONE
    _SALT_PROBLEM = salt_problem(os.environ.get(KEY_SALT_ENV)) if _PERSISTS else None
finally:
    gc.freeze()
    gc.enable()


class SkillIdNotConfiguredError(RuntimeError):
    """Raised for every request while the function has no SKILL_ID: it refuses to serve."""


class KeySaltNotConfiguredError(RuntimeError):
    """Raised for every request while persistence is on without a secret KNEE_HELPER_KEY_SALT
    (template.yaml takes it from Secrets Manager): stored keys would be recomputable by anyone."""


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Serve one Alexa request: deserialize, check the skill id, dispatch, serialize."""
    if not _SETTINGS.skill_id:
        _log.error("SKILL_ID is not set: refusing the request (fail closed)")
        raise SkillIdNotConfiguredError("SKILL_ID is not configured")
    if _SALT_PROBLEM is not None:
        _log.error("KNEE_HELPER_KEY_SALT %s: refusing the request (fail closed)", _SALT_PROBLEM)
        raise KeySaltNotConfiguredError(f"KNEE_HELPER_KEY_SALT {_SALT_PROBLEM}")
    serializer = _SKILL.serializer
    request = event.get("request") if isinstance(event, dict) else None
    with observability.request_scope(request.get("requestId") if isinstance(request, dict) else None):
        # One budget for every outbound call of this turn: what Lambda still gives us, less a margin.
        with budget.request_budget(budget.lambda_seconds(context)) as turn_budget:
            # Bounded and checked before the SDK sees it (kneeskill/envelope.py): a hostile envelope
            # is refused (EnvelopeRefused, the Lambda form of a 400), never a crash inside the SDK.
            request_envelope = envelope.decode(serializer, event)
            response = _SKILL.invoke(request_envelope=request_envelope, context=context)
        if turn_budget.cut_short:
            observability.count(observability.Metric.BUDGET_EXHAUSTED)
    result = serializer.serialize(response)
    assert isinstance(result, dict)
    return result
