"""Lambda SnapStart runtime hooks (``template.yaml``'s ``SnapStart`` parameter; off by default).

With SnapStart, Lambda runs the function's initialisation once when a version is published, takes a
snapshot of the memory, and resumes every new execution environment from it. Two hooks
(``snapshot-restore-py``, which Lambda's Python runtimes include) make that snapshot worth having
and safe to share:

* :func:`warm_up` runs **before the snapshot**: a LaunchRequest and two interview turns in every
  locale through the real skill (the deployed ``lambda_handler``'s path: the envelope gate, the
  SDK's serializer, the handlers, the presenter, the content of each locale), so the snapshot holds
  every module, every locale's content and the store's client, loaded. The requests carry **no
  user id** (nothing is read or written for anyone), run under a **zero request budget** (no
  outbound call is even started: no network), outside any metrics scope (no sessions counted), and
  their session attributes are dropped: the snapshot holds nothing about anyone.
* :func:`after_restore` runs **after each restore**: many environments resume from one snapshot,
  so anything random that was seeded before it would repeat in all of them. It re-seeds Python's
  ``random`` module (botocore's retry jitter draws from it) and drops any kept-alive connection of
  the store's client (none is opened before the snapshot; a connection copied into many
  environments would be shared by all of them). Ids that must be unique come from ``uuid4`` and
  ``os.urandom`` at the moment they are made, never from state made before the snapshot.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.skill import CustomSkill
from snapshot_restore_py import register_after_restore, register_before_snapshot

from content import SUPPORTED_LOCALES
from kneeskill import budget, envelope
from kneeskill.runtime import Runtime

__all__ = ["after_restore", "register", "warm_up"]

_SESSION_ID = "amzn1.echo-api.session.snapstart-warm-up"
_TIMESTAMP = "2026-01-01T00:00:00Z"  # the SDK does not check it; the web app's verifier is not on this path


def warm_up(skill: CustomSkill, skill_id: str | None) -> int:
    """Play a launch and two interview turns in every locale through ``skill``; the number of
    responses that came back. Raises nothing: a turn that fails is skipped (the snapshot is still
    taken; that turn's code then loads on the first real request)."""
    answered = 0
    for locale in SUPPORTED_LOCALES:
        attributes: dict[str, Any] | None = None
        for number, request in enumerate(_turns(locale), start=1):
            event = _event(request, skill_id, attributes, new=number == 1)
            try:
                result = _invoke(skill, event)
            except Exception:  # warming is best effort, never a failed snapshot
                break
            answered += 1
            kept = result.get("sessionAttributes")
            attributes = kept if isinstance(kept, dict) else None
    return answered


def after_restore(runtime: Runtime | None) -> None:
    """Re-seed what is random and drop connections copied from the snapshot."""
    import random  # noqa: PLC0415  # after a restore only: a launch never needs it

    random.seed()  # from os.urandom: each restored environment draws its own sequence
    if runtime is not None:
        runtime.drop_connections()


def register(skill: CustomSkill, runtime: Runtime | None, skill_id: str | None) -> None:
    """Register the two hooks with ``snapshot_restore_py``; Lambda runs them only with SnapStart on."""
    register_before_snapshot(warm_up, skill, skill_id)
    register_after_restore(after_restore, runtime)


def _invoke(skill: CustomSkill, event: dict[str, Any]) -> dict[str, Any]:
    """One request the way ``lambda_handler`` serves it, with no time for outbound calls."""
    serializer = skill.serializer
    with budget.request_budget(0.0):
        request_envelope = envelope.decode(serializer, event)
        response = skill.invoke(request_envelope=request_envelope, context=None)
    result = serializer.serialize(response)
    return result if isinstance(result, dict) else {}


def _turns(locale: str) -> list[dict[str, Any]]:
    """Launch, "yes" to the interview (its first question), "no" to that question."""
    return [
        {"type": "LaunchRequest", "locale": locale},
        _intent("AMAZON.YesIntent", locale),
        _intent("AMAZON.NoIntent", locale),
    ]


def _intent(name: str, locale: str) -> dict[str, Any]:
    return {
        "type": "IntentRequest",
        "locale": locale,
        "dialogState": "STARTED",
        "intent": {"name": name, "confirmationStatus": "NONE"},
    }


def _event(
    request: dict[str, Any], skill_id: str | None, attributes: dict[str, Any] | None, *, new: bool
) -> dict[str, Any]:
    """An envelope with no user, no device, no API access token: nothing to read, write or call."""
    application = {"applicationId": skill_id or "amzn1.ask.skill.snapstart-warm-up"}
    return {
        "version": "1.0",
        "context": {"System": {"application": application}},
        "session": {
            "new": new,
            "sessionId": _SESSION_ID,
            "application": application,
            "attributes": attributes or {},
        },
        "request": {
            "requestId": "amzn1.echo-api.request.snapstart-warm-up",
            "timestamp": _TIMESTAMP,
            **request,
        },
    }
