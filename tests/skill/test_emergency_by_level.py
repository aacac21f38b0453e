"""The emergency guidance is chosen by level and by turn, and derived from the facts on every load.

- a possible clot (same day): "see a doctor today" and "breathless or chest pain: phone now", no
  ambulance line; call-now: phone now; go-now: the emergency department, sticky for the session;
- the full form on the turn that raises it, the result, help and goodbye; every other turn opens
  with a short form of at most 25 words that still names the action and the number;
- the marker in the state is a cache: facts that assess as an emergency speak the guidance even when
  the marker is missing or damaged, and "start over" never clears it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import content
import lambda_function
from dialogue.modes import STATE_KEY, Mode
from dialogue.presenter import guidance
from dialogue.state import SessionState
from dialogue.urgency import EmergencyKind
from tests.support.envelopes import Session, card_of, reprompt_of, speech_of
from tests.support.scripts import plain
from triage import Facts
from triage.vocabulary import Answer, Finding

LOCALES = content.SUPPORTED_LOCALES
MODEL = Path(lambda_function.__file__).parent / "skill" / "interactionModels" / "custom" / "en-US.json"
_MODEL_JSON = json.loads(MODEL.read_text(encoding="utf-8"))
INTENTS: tuple[str, ...] = tuple(
    intent["name"] for intent in _MODEL_JSON["interactionModel"]["languageModel"]["intents"]
)
SLOTS: dict[str, dict[str, str]] = {
    "ExplainCauseIntent": {"cause": "hamstring_injury"},
    "PriceStepIntent": {"priceStep": "ice"},
    "AgeIntent": {"age": "50"},
}


def _facts(*present: Finding, age: int | None = None) -> Facts:
    facts = Facts.empty()
    for finding in present:
        facts = facts.with_answer(finding, Answer.PRESENT)
    return facts.with_age(age) if age is not None else facts


CLOT = _facts(Finding.PAIN_CALF, Finding.SWELLING_CALF, Finding.ONE_LEG, age=45)
LOCKED = _facts(Finding.PAIN_BEHIND_KNEE, Finding.LOCKED_NOW, age=30)
COLD_LEG = _facts(Finding.PAIN_CALF, Finding.COLD_PALE_LEG, age=70)


#: Where the Alexa APIs are: a loopback port nothing listens on, so a turn that calls one (IceDone
#: sets or reads a timer) fails at once, as an unreachable API. The default, Amazon's host name, made
#: that turn wait out the API call's whole 2.5-second deadline whenever the sandbox's DNS was slow.
NO_API = "https://127.0.0.1:9"


def _session(state: dict[str, Any] | str | None, locale: str = "en-US") -> Session:
    session = Session(locale=locale, api_endpoint=NO_API)
    session.attributes = {STATE_KEY: state} if state is not None else {}
    session.new = False
    return session


def _state(facts: Facts, mode: Mode = Mode.IDLE, emergency: object = None, **more: Any) -> dict[str, Any]:
    data = SessionState(mode=mode, facts=facts).to_json()
    data["emergency"] = emergency
    data.update(more)
    return data


def _send(envelope: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = lambda_function.lambda_handler(envelope, None)
    return response


def _request(session: Session, name: str) -> dict[str, Any]:
    if name == "LaunchRequest":
        return session.launch()
    return session.intent(name, **SLOTS.get(name, {}))


def _opens_with(response: dict[str, Any], locale: str, kind: EmergencyKind) -> str | None:
    """Which form of ``kind``'s guidance the speech opens with ("full", "short"), or None."""
    heard = _words(speech_of(response))
    c = content.load(locale)
    for form, short in (("full", False), ("short", True)):
        if heard.startswith(_words(guidance(c, kind, short=short).full_ssml)):
            return form
    return None


def _words(ssml: str) -> str:
    """What a listener hears, with no space left before punctuation where a tag closed."""
    return re.sub(r" ([.,;:?!])", r"\1", plain(ssml))


def _number_everywhere(response: dict[str, Any], locale: str) -> None:
    number = content.load(locale).terms.emergency_number
    assert number in plain(card_of(response))
    if response["response"].get("shouldEndSession") is not True:
        assert number in plain(reprompt_of(response))


# --- the marker is derived from the facts -------------------------------------------------------


def _without_the_guidance(response: dict[str, Any]) -> str | None:
    """What is wrong with a reply to clot facts (None: it opens with the guidance, the clot's or a
    stronger one, and gives the number on the card and in the reprompt)."""
    speech = speech_of(response)
    if not speech:
        return "no speech at all"  # (a hand-over to another skill would need its own rule here)
    if not any(_opens_with(response, "en-US", kind) for kind in EmergencyKind):
        return "no guidance first: " + plain(speech)
    try:
        _number_everywhere(response, "en-US")
    except AssertionError:
        return "no number on the card or in the reprompt"
    return None


@pytest.mark.parametrize("mode", list(Mode))
def test_clot_facts_without_a_marker_still_open_every_reply_with_the_guidance(mode: Mode) -> None:
    """Every intent (and a launch) in this mode. (One test per mode, not per intent as well: the
    matrix was 480 tests whose per-test overhead cost more than the turns.)"""
    wrong = {
        intent: problem
        for intent in ("LaunchRequest", *INTENTS)
        if (problem := _without_the_guidance(_send(_request(_session(_state(CLOT, mode)), intent))))
    }
    assert not wrong, wrong


@pytest.mark.parametrize("marker", ["garbage", 17, "", ["dvt"], None])
def test_a_damaged_marker_cannot_silence_facts_that_call_for_help(marker: object) -> None:
    response = _send(_session(_state(COLD_LEG, Mode.INTERVIEW, marker)).intent("AMAZON.HelpIntent"))
    assert _opens_with(response, "en-US", EmergencyKind.CALL_NOW)


def test_the_marker_is_derived_when_the_state_is_read() -> None:
    assert SessionState.from_json(_state(CLOT)).emergency is EmergencyKind.DVT
    assert SessionState.from_json(_state(LOCKED)).emergency is EmergencyKind.ED
    assert SessionState.from_json(json.dumps(_state(COLD_LEG))).emergency is EmergencyKind.CALL_NOW
    assert SessionState.from_json(_state(Facts.empty())).emergency is None


def test_a_stronger_kind_is_never_replaced_by_a_weaker_one() -> None:
    assert SessionState.from_json(_state(CLOT, emergency="pe")).emergency is EmergencyKind.PE
    assert SessionState.from_json(_state(CLOT, emergency="ed")).emergency is EmergencyKind.ED
    assert SessionState.from_json(_state(LOCKED, emergency="dvt")).emergency is EmergencyKind.ED
    state = SessionState(emergency=EmergencyKind.CALL_NOW)
    assert state.with_emergency(EmergencyKind.DVT).emergency is EmergencyKind.CALL_NOW


def test_start_over_never_clears_the_guidance() -> None:
    session = _session(_state(CLOT, Mode.RESULT, "dvt"))
    response = _send(session.intent("AMAZON.StartOverIntent"))
    session.absorb(response)
    assert _opens_with(response, "en-US", EmergencyKind.DVT)
    session.absorb(response)
    later = _send(session.intent("AMAZON.NoIntent"))
    assert _opens_with(later, "en-US", EmergencyKind.DVT)


# --- the script by level --------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_a_possible_clot_is_a_same_day_script_with_no_ambulance_line(locale: str) -> None:
    c = content.load(locale)
    text = guidance(c, EmergencyKind.DVT).full_text.lower()
    assert text.startswith("a possible blood clot") and "today" in text
    assert "ambulance" not in text and "don't drive" not in text
    assert c.terms.emergency_number in text and "short of breath" in text and "chest pain" in text
    assert "can't call" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_call_now_and_go_now_never_say_see_a_doctor_today(locale: str) -> None:
    c = content.load(locale)
    for kind in (EmergencyKind.PE, EmergencyKind.CALL_NOW, EmergencyKind.ED):
        text = guidance(c, kind).full_text.lower()
        assert "today" not in text and c.terms.emergency_number in text and "can't call" in text
    assert c.terms.emergency_department.lower() in guidance(c, EmergencyKind.ED).full_text.lower()


@pytest.mark.parametrize(
    ("locale", "route"),
    [
        ("en-US", "urgent care or the ER"),
        ("en-CA", "811"),
        ("en-AU", "1800 022 222"),
        ("en-GB", "NHS 111"),
        ("en-IN", "nearest hospital"),
    ],
)
def test_the_clot_script_gives_the_local_same_day_route(locale: str, route: str) -> None:
    assert route in guidance(content.load(locale), EmergencyKind.DVT).full_text


def test_healthdirect_is_said_as_a_phone_number_not_as_a_quantity() -> None:
    ssml = guidance(content.load("en-AU"), EmergencyKind.DVT).full_ssml
    assert '<sub alias="one eight hundred, zero two two, two two two">1800 022 222</sub>' in ssml


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", list(EmergencyKind))
def test_every_short_form_is_at_most_25_words_and_names_the_action_and_number(
    locale: str, kind: EmergencyKind
) -> None:
    c = content.load(locale)
    short = guidance(c, kind, short=True).full_text
    assert len(short.split()) <= 25
    assert c.terms.emergency_number in short
    action = {
        EmergencyKind.DVT: "today",
        EmergencyKind.ED: c.terms.emergency_department,
        EmergencyKind.PE: "phone",
        EmergencyKind.CALL_NOW: "phone",
    }[kind]
    assert action.lower() in short.lower()


def _answer_no_until_the_result(session: Session) -> dict[str, Any]:
    for _ in range(40):
        response = _send(session.intent("AMAZON.NoIntent"))
        session.absorb(response)
        if SessionState.from_json(session.attributes[STATE_KEY]).mode is not Mode.INTERVIEW:
            return response
    raise AssertionError("the interview did not end")  # pragma: no cover


def test_an_emergency_department_result_keeps_its_go_now_for_the_session() -> None:
    session = Session()
    session.absorb(_send(session.intent("KneePainIntent")))
    session.absorb(_send(session.intent("SymptomIntent", symptom="locked_now")))
    result = _answer_no_until_the_result(session)
    assert _opens_with(result, "en-US", EmergencyKind.ED) == "full"
    for intent in ("PriceIntent", "TreatmentIntent", "AMAZON.FallbackIntent"):
        response = _send(session.intent(intent))
        assert _opens_with(response, "en-US", EmergencyKind.ED) == "short", intent
        session.absorb(response)


# --- full on the raising turn, the result, help and goodbye; short elsewhere ------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_the_full_form_is_said_when_raised_and_the_short_form_on_later_questions(locale: str) -> None:
    session = Session(locale=locale)
    session.absorb(_send(session.intent("KneePainIntent")))
    raised = _send(session.intent("SymptomIntent", symptom="swelling_calf"))
    session.absorb(raised)
    kind = SessionState.from_json(session.attributes[STATE_KEY]).emergency
    assert kind is EmergencyKind.DVT
    assert _opens_with(raised, locale, kind) == "full"
    if SessionState.from_json(session.attributes[STATE_KEY]).mode is Mode.INTERVIEW:
        later = _send(session.intent("AMAZON.NoIntent"))
        session.absorb(later)
        if SessionState.from_json(session.attributes[STATE_KEY]).mode is Mode.INTERVIEW:
            assert _opens_with(later, locale, kind) == "short"
            _number_everywhere(later, locale)
    for intent, form in (
        ("ExplainCauseIntent", "short"),
        ("AMAZON.HelpIntent", "full"),
        ("AMAZON.FallbackIntent", "short"),
        ("AMAZON.StopIntent", "full"),
    ):
        response = _send(session.intent(intent, **SLOTS.get(intent, {})))
        assert _opens_with(response, locale, kind) == form, intent
        _number_everywhere(response, locale)
        session.absorb(response)


def test_the_result_opens_with_the_full_form() -> None:
    session = _session(_state(CLOT, Mode.INTERVIEW, "dvt", question="pe_signs"))
    assert _opens_with(_answer_no_until_the_result(session), "en-US", EmergencyKind.DVT) == "full"


def test_repeat_replays_a_short_form_turn_as_it_was() -> None:
    session = _session(_state(CLOT, Mode.EXPLAINER, "dvt"))
    first = _send(session.intent("ExplainCauseIntent", cause="hamstring_injury"))
    session.absorb(first)
    again = _send(session.intent("AMAZON.RepeatIntent"))
    assert speech_of(again) == speech_of(first)
    assert _opens_with(again, "en-US", EmergencyKind.DVT) == "short"
