"""Intent handlers that turn one intent into one user act. Thin: read slots, run the turn, return.

The table :data:`INTENT_ACTS` is the single map from the voice model's intents to the
conversation's acts; a cross-check test ties it to every interaction model.
"""

from __future__ import annotations

from collections.abc import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import IntentRequest, Response

from dialogue.acts import Act, UserAct
from kneeskill.runtime import Runtime
from kneeskill.slots import read_number, read_slot
from triage.vocabulary import Answer, Finding

ActBuilder = Callable[[HandlerInput], UserAct]


def _plain(act: Act) -> ActBuilder:
    return lambda handler_input: UserAct(act)


def _findings(handler_input: HandlerInput, act: Act) -> UserAct:
    """An act carrying every finding the symptom, body-place and activity slots resolved to."""
    from kneeskill.turns import locale_content

    locale = locale_content(handler_input)
    found: list[Finding] = []
    unresolved = False
    for slot_name in ("symptom", "bodyPlace"):
        reading = read_slot(handler_input, slot_name)
        unresolved = unresolved or reading.unresolved
        if reading.id is not None:
            finding = _finding(reading.id)
            if finding is not None:
                found.append(finding)
    activity = read_slot(handler_input, "activity")
    unresolved = unresolved or activity.unresolved
    known = locale.vocab.activities.get(activity.id) if activity.id is not None else None
    if known is not None:
        found.extend(known.findings)
    answer_reading = read_slot(handler_input, "answer")
    answer = _answer(answer_reading.id)
    return UserAct(act, findings=tuple(dict.fromkeys(found)), answer=answer, unresolved=unresolved)


def _topic(slot_name: str, act: Act) -> ActBuilder:
    def build(handler_input: HandlerInput) -> UserAct:
        reading = read_slot(handler_input, slot_name)
        return UserAct(act, topic=reading.id, unresolved=reading.unresolved)

    return build


def _age(handler_input: HandlerInput) -> UserAct:
    return UserAct(Act.AGE, number=read_number(handler_input, "age", 1, 120))


def _finding(value: str) -> Finding | None:
    try:
        return Finding(value)
    except ValueError:
        return None


def _answer(value: str | None) -> Answer | None:
    try:
        return Answer(value) if value else None
    except ValueError:
        return None


INTENT_ACTS: dict[str, ActBuilder] = {
    "KneePainIntent": lambda hi: _findings(hi, Act.KNEE_PAIN),
    "SymptomIntent": lambda hi: _findings(hi, Act.SYMPTOM),
    "AMAZON.YesIntent": _plain(Act.YES),
    "AMAZON.NoIntent": _plain(Act.NO),
    "DontKnowIntent": _plain(Act.DONT_KNOW),
    "AgeIntent": _age,
    "EmergencyIntent": _plain(Act.EMERGENCY),
    "WhyAskingIntent": _plain(Act.WHY_ASKING),
    "WhyThinkIntent": _plain(Act.WHY_THINK),
    "ListCausesIntent": _plain(Act.LIST_CAUSES),
    "ExplainCauseIntent": _topic("cause", Act.EXPLAIN_CAUSE),
    "WhenToSeeDoctorIntent": _plain(Act.WHEN_DOCTOR),
    "DiagnosticTestIntent": _topic("test", Act.TESTS),
    "TreatmentIntent": _plain(Act.TREATMENT),
    "PainReliefIntent": _topic("medicine", Act.PAIN_RELIEF),
    "PreventionIntent": _plain(Act.PREVENTION),
    "PriceIntent": _plain(Act.PRICE),
    "PriceStepIntent": _topic("priceStep", Act.PRICE_STEP),
    "SlowerIntent": _plain(Act.SLOWER),
    "MoreIntent": _plain(Act.MORE),
    "AMAZON.RepeatIntent": _plain(Act.REPEAT),
    "AMAZON.NextIntent": _plain(Act.NEXT),
    "AMAZON.PreviousIntent": _plain(Act.PREVIOUS),
    "AMAZON.StartOverIntent": _plain(Act.START_OVER),
    "AMAZON.PauseIntent": _plain(Act.PAUSE),
    "AMAZON.ResumeIntent": _plain(Act.RESUME),
    "AMAZON.HelpIntent": _plain(Act.HELP),
    "AMAZON.StopIntent": _plain(Act.STOP),
    "AMAZON.CancelIntent": _plain(Act.STOP),
    "AMAZON.NavigateHomeIntent": _plain(Act.NAVIGATE_HOME),
    "AMAZON.FallbackIntent": _plain(Act.FALLBACK),
}


class IntentActHandler(AbstractRequestHandler):
    """Handles every intent of :data:`INTENT_ACTS` by turning it into a user act (one dictionary
    look-up per request, instead of one handler per intent for the dispatcher to try in turn)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _intent_name(handler_input) in INTENT_ACTS

    def handle(self, handler_input: HandlerInput) -> Response:
        from kneeskill.turns import run_turn

        build = INTENT_ACTS[_intent_name(handler_input) or ""]
        return run_turn(handler_input, self.runtime, build(handler_input))


def _intent_name(handler_input: HandlerInput) -> str | None:
    request = handler_input.request_envelope.request
    if not isinstance(request, IntentRequest) or request.intent is None:
        return None
    name = request.intent.name
    return name if isinstance(name, str) else None


class LaunchHandler(AbstractRequestHandler):
    """ "Alexa, open knee helper": greet, disclaim, offer to continue an unfinished PRICE walk-through."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        from kneeskill.turns import run_turn

        return run_turn(handler_input, self.runtime, UserAct(Act.LAUNCH))


class UnknownIntentHandler(AbstractRequestHandler):
    """Any intent the skill does not know (a model newer than the code) is treated as a fallback."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("IntentRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        from kneeskill.turns import run_turn

        return run_turn(handler_input, self.runtime, UserAct(Act.FALLBACK))
