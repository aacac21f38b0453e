"""Intent handlers that turn one intent into one user act. Thin: read slots, run the turn, return.

The table :data:`INTENT_ACTS` is the single map from the voice model's intents to the
conversation's acts; a cross-check test ties it to every interaction model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

import content
from dialogue.acts import Act, UserAct
from dialogue.conversation import QUESTIONS
from kneeskill.runtime import Runtime
from kneeskill.slots import (
    SLOT_CATALOGUES,
    SlotReading,
    SlotValue,
    catalogues,
    only_a_place,
    read_number,
    read_slot,
    read_slot_list,
    slot_words,
)
from kneeskill.turns import load_state, locale_content, run_turn
from triage.vocabulary import Answer, Finding

ActBuilder = Callable[[HandlerInput], UserAct]


def _plain(act: Act) -> ActBuilder:
    return lambda handler_input: UserAct(act)


def _emergency(*findings: Finding) -> ActBuilder:
    """An emergency intent: the sign its class of phrasings names (none for a plain call for help),
    so the reason spoken and the facts kept are that sign's (hazard H28)."""
    act = UserAct(Act.EMERGENCY, findings=findings)
    return lambda handler_input: act


def _catalogue(handler_input: HandlerInput, slot_name: str) -> tuple[SlotValue, ...]:
    """The content catalogue a slot's words are matched against when Alexa could not resolve them."""
    return _catalogues_of(locale_content(handler_input).locale).get(SLOT_CATALOGUES.get(slot_name, ""), ())


@functools.cache
def _catalogues_of(locale: str) -> dict[str, tuple[SlotValue, ...]]:
    return {name: tuple(values) for name, values in catalogues(content.load(locale)).items()}


def _read(handler_input: HandlerInput, slot_name: str) -> SlotReading:
    return read_slot(handler_input, slot_name, _catalogue(handler_input, slot_name))


def _pending_findings(handler_input: HandlerInput) -> tuple[str, ...]:
    """The finding the pending interview question asks about: a word shared by several values
    ("swollen": knee, calf or whole leg) is read as that one."""
    state = load_state(handler_input)
    question = QUESTIONS.get(state.question) if state.question else None
    finding = getattr(question, "finding", None)
    return (finding.value,) if finding is not None else ()


def _findings(handler_input: HandlerInput, act: Act) -> UserAct:
    """An act carrying every finding the symptom and body-place slots resolved to, and the findings
    an activity implies ("I was running": overuse) as ``inferred``: they count for the ranking but
    are never spoken back as if the user had said them.

    Words heard but not understood (or only guessed at) make the act ``unresolved``, with the
    skill's best guess, if any, in ``topic``: the conversation can ask about it instead of
    treating the turn as no answer at all."""
    locale = locale_content(handler_input)
    pending = _pending_findings(handler_input)
    found: list[Finding] = []
    unresolved = False
    guess: str | None = None
    answer = _answer(_read(handler_input, "answer").id)
    # "the back of my knee is swollen" (KneePainIntent): said of the knee unless a place is named
    place = "knee" if act is Act.KNEE_PAIN else ""
    for slot_name in ("symptom", "bodyPlace"):
        if slot_name == "bodyPlace" and found and only_a_place(slot_words(handler_input, slot_name) or ""):
            continue  # "my calf is swollen": where the symptom is, not pain there (read as its place)
        reading = _read(handler_input, slot_name)
        heard_answer = _answer_in(handler_input, slot_name, reading)
        if heard_answer is not None:
            # "no" said while the device listened for a symptom or a place: the answer it is.
            answer = answer or heard_answer
            continue
        # A list said in one breath ("red and warm") counts item by item.
        also = {"bodyPlace": _catalogue(handler_input, "bodyPlace")} if slot_name == "symptom" else None
        catalogue = _catalogue(handler_input, slot_name)
        for item in read_slot_list(handler_input, slot_name, catalogue, also, default_place=place):
            unresolved = unresolved or item.unresolved
            guess = guess or item.guess
            chosen = item.prefer(pending)
            finding = _finding(chosen) if chosen is not None else None
            if finding is not None:
                found.append(finding)
    activity = _read(handler_input, "activity")
    unresolved = unresolved or activity.unresolved
    known = locale.vocab.activities.get(activity.id) if activity.id is not None else None
    inferred = tuple(f for f in dict.fromkeys(known.findings) if f not in found) if known else ()
    return UserAct(
        act,
        findings=tuple(dict.fromkeys(found)),
        inferred=inferred,
        answer=answer,
        topic=guess,
        unresolved=unresolved,
        someone_else=_read(handler_input, "person").id is not None,  # "my son's", "my husband's"
    )


def _answer_in(handler_input: HandlerInput, slot_name: str, reading: SlotReading) -> Answer | None:
    """A yes, no or not sure heard in a symptom or body-place slot (a device eliciting that slot
    fills it with whatever was said), matched by id or against the answer words."""
    if reading.id is not None:
        return _answer(reading.id)
    if not reading.heard:
        return None
    spoken = read_slot(handler_input, slot_name, _catalogue(handler_input, "answer"))
    return _answer(spoken.id)


def _topic(slot_name: str, act: Act) -> ActBuilder:
    def build(handler_input: HandlerInput) -> UserAct:
        reading = _read(handler_input, slot_name)
        return UserAct(act, topic=reading.id or reading.guess, unresolved=reading.unresolved)

    return build


def _age(handler_input: HandlerInput) -> UserAct:
    """An age in years, or a decade ("I'm in my sixties": the DECADE ids are ages, 65 here)."""
    number = read_number(handler_input, "age", 1, 120)
    if number is None:
        decade = read_slot(handler_input, "decade").id
        number = int(decade) if decade is not None and decade.isdigit() else None
    if number is None and _answer_in(handler_input, "age", read_slot(handler_input, "age")) is not None:
        # "not sure" said while the device listened for the age: the age is not known.
        return UserAct(Act.DONT_KNOW)
    return UserAct(Act.AGE, number=number)


def _correction(handler_input: HandlerInput) -> UserAct:
    """ "Go back" or "that's wrong" (undo the last answer), "I meant no", "I meant yes"."""
    answer = _answer(_read(handler_input, "answer").id)
    if answer is Answer.ABSENT:
        return UserAct(Act.CORRECT_NO)
    if answer is Answer.PRESENT:
        return UserAct(Act.CORRECT_YES)
    return UserAct(Act.GO_BACK)


def _finding(value: str) -> Finding | None:
    try:
        return Finding(value)
    except ValueError:
        return None


def _answer(value: str | None) -> Answer | None:
    """A spoken answer id (yes, no or not sure; triage's 'unclear' is never said)."""
    try:
        answer = Answer(value) if value else None
    except ValueError:
        return None
    return None if answer is Answer.UNCLEAR else answer


INTENT_ACTS: dict[str, ActBuilder] = {
    "KneePainIntent": lambda hi: _findings(hi, Act.KNEE_PAIN),
    "SymptomIntent": lambda hi: _findings(hi, Act.SYMPTOM),
    "AMAZON.YesIntent": _plain(Act.YES),
    "AMAZON.NoIntent": _plain(Act.NO),
    "DontKnowIntent": _plain(Act.DONT_KNOW),
    "AgeIntent": _age,
    "EmergencyIntent": _emergency(Finding.PE_SIGNS),  # breathing, chest pain, coughed-up blood
    "FaintingIntent": _emergency(Finding.FAINT_OR_RACING_HEART),
    "LegCirculationIntent": _emergency(Finding.LEG_CIRCULATION),  # cold, pale, numb or dead leg
    "BladderBowelIntent": _emergency(Finding.BLADDER_BOWEL_CHANGE),
    "AmbulanceIntent": _emergency(),  # "call an ambulance": no sign named
    "WhyAskingIntent": _plain(Act.WHY_ASKING),
    "WhyThinkIntent": _plain(Act.WHY_THINK),
    "ListCausesIntent": _plain(Act.LIST_CAUSES),
    "ExplainCauseIntent": _topic("cause", Act.EXPLAIN_CAUSE),
    "WhenToSeeDoctorIntent": _plain(Act.WHEN_DOCTOR),
    "DiagnosticTestIntent": _topic("test", Act.TESTS),
    "TreatmentIntent": _topic("treatment", Act.TREATMENT),  # "will I need surgery": that topic
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
    "GoBackIntent": _correction,
    "ThanksIntent": _plain(Act.STOP),  # a polite close, like stop
    "StopTimerIntent": _plain(Act.STOP_TIMER),  # cancels both ice timers (dialogue/icing.py)
}


class IntentActHandler(AbstractRequestHandler):
    """Handles every intent of :data:`INTENT_ACTS` by turning it into a user act (one dictionary
    look-up per request, instead of one handler per intent for the dispatcher to try in turn)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _intent_name(handler_input) in INTENT_ACTS

    def handle(self, handler_input: HandlerInput) -> Response:
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
        return bool(_request(handler_input).object_type == "LaunchRequest")

    def handle(self, handler_input: HandlerInput) -> Response:
        return run_turn(handler_input, self.runtime, UserAct(Act.LAUNCH))


class UnknownIntentHandler(AbstractRequestHandler):
    """Any intent the skill does not know (a model newer than the code) is treated as a fallback."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(_request(handler_input).object_type == "IntentRequest")

    def handle(self, handler_input: HandlerInput) -> Response:
        return run_turn(handler_input, self.runtime, UserAct(Act.FALLBACK))


def _request(handler_input: HandlerInput) -> Any:
    """The request, read as the SDK's predicates read it (no request: AttributeError, as theirs)."""
    return handler_input.request_envelope.request
