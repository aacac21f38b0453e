"""The emergency intents: one per class of sign, each carrying the sign it names (hazard H28).

A red flag said as a sentence reaches the skill as one of these intents, with no slot: the intent
itself is the finding. These tests tie the voice model, the handlers' table and the simulator's
NLU together, and hold each intent to its own phone-now reason.
"""

from __future__ import annotations

import pytest

import content
from dialogue.acts import Act, UserAct
from dialogue.answers import emergency_statement
from handlers.acts import INTENT_ACTS
from simulator.nlu import EMERGENCY_INTENTS, resolve, supported_locales
from speech import render
from tests.support.envelopes import Session
from tests.support.handler_input import handler_input
from tests.support.scripts import plain
from triage import Facts, assess
from triage.vocabulary import FINDING_GROUPS, Answer, CareLevel, Flag
from voicemodel.build import load_spec

LOCALES = supported_locales()
#: The one emergency intent that names no sign: "call an ambulance", "this is an emergency".
CALL_FOR_HELP = "AmbulanceIntent"


def _act_of(intent: str) -> UserAct:
    return INTENT_ACTS[intent](handler_input(Session().intent(intent)))


def _facts_of(intent: str) -> Facts:
    facts = Facts.empty()
    for finding in _act_of(intent).findings:
        facts = facts.with_answer(finding, Answer.PRESENT)
    return facts


def test_every_emergency_intent_of_the_voice_model_is_one_the_skill_and_the_simulator_know() -> None:
    named = [name for name in load_spec()["intents"] if name in INTENT_ACTS]
    in_the_model = {name for name in named if _act_of(name).act is Act.EMERGENCY}
    assert in_the_model == EMERGENCY_INTENTS
    assert CALL_FOR_HELP in in_the_model


@pytest.mark.parametrize("intent", sorted(EMERGENCY_INTENTS - {CALL_FOR_HELP}))
def test_each_sign_intent_carries_a_finding_that_on_its_own_means_phone_now(intent: str) -> None:
    assert _act_of(intent).findings
    assert assess(_facts_of(intent)).level is CareLevel.EMERGENCY_AMBULANCE


def test_a_call_for_help_names_no_sign() -> None:
    assert _act_of(CALL_FOR_HELP).findings == ()


@pytest.mark.parametrize("locale", LOCALES)
def test_only_the_breathing_and_fainting_intents_give_the_lungs_as_their_reason(
    locale: str,
) -> None:
    c = content.load(locale)
    reasons: dict[str, str] = {}
    for intent in sorted(EMERGENCY_INTENTS - {CALL_FOR_HELP}):
        assessment = assess(_facts_of(intent))
        reasons[intent] = plain(render(emergency_statement(c, assessment)).ssml)
        if Flag.SUSPECTED_PE not in assessment.flags:
            assert "lungs" not in reasons[intent].lower(), (intent, reasons[intent])
    by_lungs = {intent for intent, reason in reasons.items() if "lungs" in reason.lower()}
    assert by_lungs == {"EmergencyIntent", "FaintingIntent"}


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("my leg has gone cold and white", "LegCirculationIntent"),
        ("I can't feel my foot", "LegCirculationIntent"),
        ("I've wet myself", "BladderBowelIntent"),
        ("I fainted", "FaintingIntent"),
        ("call an ambulance", "AmbulanceIntent"),
        ("I can't breathe", "EmergencyIntent"),
    ],
)
def test_the_simulator_hears_each_class_of_sign_as_its_own_intent(utterance: str, intent: str) -> None:
    """Its own intent, or the symptom intent with that same sign (the allowed overlap)."""
    signs = {atom.value for f in _act_of(intent).findings for atom in (f, *FINDING_GROUPS.get(f, ()))}
    for locale in LOCALES:
        heard = resolve(utterance, locale)
        symptom = heard.slot("symptom") if heard.intent == "SymptomIntent" else None
        assert heard.intent == intent or (symptom is not None and signs & set(symptom.ids)), locale


def test_a_sign_inside_a_longer_sentence_goes_to_its_own_intent() -> None:
    said = "I was sitting on the sofa watching telly and then my leg has gone cold and white"
    assert resolve(said, "en-GB").intent == "LegCirculationIntent"


@pytest.mark.parametrize(
    "utterance",
    [
        "I need an ambulance",
        "I need emergency help",
        "can you call an ambulance",
        "somebody call an ambulance",
    ],
)
def test_a_call_for_help_in_everyday_words_is_heard_in_every_locale(utterance: str) -> None:
    for locale in LOCALES:
        assert resolve(utterance, locale).intent == CALL_FOR_HELP, locale


@pytest.mark.parametrize(
    "utterance",
    [
        "I need help with my knee",
        "where can I get help",
        "is it urgent",
        "I need some help",
        "can you help me",
        "I think it might be",
        "someone help me understand this",
        "can somebody help me with my exercises please",
    ],
)
def test_asking_for_help_or_hedging_is_not_heard_as_an_emergency(utterance: str) -> None:
    """Neither a sample of only generic words nor a near match that adds the sign ("it might" is
    not "I might faint") makes an emergency of what was said."""
    for locale in LOCALES:
        assert resolve(utterance, locale).intent not in EMERGENCY_INTENTS, locale
