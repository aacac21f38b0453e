"""Icing, timers, reminders, permissions and "delete my data": intents mapped to acts, nothing more.

The decisions are the core's (``dialogue.icing``); the store and the Alexa APIs are the effect
executor's (``kneeskill.effects``). An import contract in ``pyproject.toml`` keeps this package
away from ``kneeskill.storage`` and ``kneeskill.alexa_services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from dialogue.acts import Act, UserAct
from kneeskill.runtime import Runtime
from kneeskill.slots import read_number
from kneeskill.turns import run_turn
from triage.vocabulary import Answer

#: Alexa's answers to a permission request, as the act's answer.
_PERMISSION_ANSWERS = {"ACCEPTED": Answer.PRESENT, "DENIED": Answer.ABSENT, "NOT_ANSWERED": Answer.UNKNOWN}


def _start(handler_input: HandlerInput) -> UserAct:
    return UserAct(Act.ICE_START, number=read_number(handler_input, "minutes", 1, 600))


_ICING_ACTS: dict[str, Callable[[HandlerInput], UserAct]] = {
    "IcingIntent": _start,
    "IcingStatusIntent": lambda hi: UserAct(Act.ICE_STATUS),
    "TimeLeftIntent": lambda hi: UserAct(Act.TIME_LEFT),
    "IceDoneIntent": lambda hi: UserAct(Act.ICE_DONE),
    "DeleteDataIntent": lambda hi: UserAct(Act.DELETE_DATA),
}


class _IcingIntents(AbstractRequestHandler):
    intents: frozenset[str] = frozenset()

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def can_handle(self, handler_input: HandlerInput) -> bool:
        # is_intent_name(name) for each name, in one look-up (no predicate built per name and request)
        request = _request(handler_input)
        if not isinstance(request, IntentRequest):
            return False
        intent: Any = request.intent  # no intent: AttributeError, as the SDK's predicate
        return bool(intent.name in self.intents)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        name = getattr(getattr(request, "intent", None), "name", None)
        act = _ICING_ACTS[name](handler_input) if name in self.intents else UserAct(Act.FALLBACK)
        return run_turn(handler_input, self.runtime, act)


class IcingHandler(_IcingIntents):
    """ "I'm icing my knee now", "start a timer", "set a timer for twenty minutes"."""

    intents = frozenset({"IcingIntent"})


class IcingStatusHandler(_IcingIntents):
    """ "When can I ice again?", "how long is left", "I've taken the ice off"."""

    intents = frozenset({"IcingStatusIntent", "TimeLeftIntent", "IceDoneIntent"})


class DeleteDataHandler(_IcingIntents):
    """ "Delete my data"."""

    intents = frozenset({"DeleteDataIntent"})


class PermissionResponseHandler(AbstractRequestHandler):
    """Alexa's answer after asking the user for the timers or reminders permission."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if _request(handler_input).object_type != "Connections.Response":
            return False
        return getattr(handler_input.request_envelope.request, "name", None) == "AskFor"

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        payload = getattr(request, "payload", None)
        status = str(payload.get("status", "")).upper() if isinstance(payload, dict) else ""
        token = getattr(request, "token", None)
        act = UserAct(
            Act.PERMISSION,
            answer=_PERMISSION_ANSWERS.get(status, Answer.UNKNOWN),
            topic=token if isinstance(token, str) and len(token) < 64 else None,
        )
        return run_turn(handler_input, self.runtime, act)


def _request(handler_input: HandlerInput) -> Any:
    """The request, read as the SDK's predicates read it (no request: AttributeError, as theirs)."""
    return handler_input.request_envelope.request
