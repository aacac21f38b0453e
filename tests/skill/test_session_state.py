"""The conversation state travels in the session attributes as one compact JSON string."""

from __future__ import annotations

import json

import pytest

import content
import lambda_function
from dialogue.acts import Act
from dialogue.modes import STATE_KEY, state_data
from dialogue.presenter import guidance
from dialogue.state import EmergencyKind, Mode, SaidKind, SessionState
from tests.support.envelopes import Session, speech_of
from triage.vocabulary import Answer, Finding


def _in_session(attribute: object, locale: str = "en-US") -> Session:
    session = Session(locale=locale)
    session.attributes = {STATE_KEY: attribute}
    session.new = False
    return session


def test_the_state_is_sent_back_as_one_compact_json_string() -> None:
    session = Session()
    session.absorb(lambda_function.lambda_handler(session.intent("KneePainIntent"), None))
    response = lambda_function.lambda_handler(session.intent("AMAZON.YesIntent"), None)
    attribute = response["sessionAttributes"][STATE_KEY]
    assert isinstance(attribute, str)
    assert attribute == json.dumps(json.loads(attribute), separators=(",", ":"))
    state = SessionState.from_json(attribute)
    assert state.mode is Mode.INTERVIEW and state.question
    # Repeat remembers what was said (the question), never the SSML it was said with.
    assert state.said.kind is SaidKind.QUESTION and state.said.question == state.question
    assert state.said.act is Act.YES
    assert "<speak>" not in attribute and "<s>" not in attribute


def test_the_next_turn_reads_the_string_it_was_sent() -> None:
    session = Session()
    session.absorb(lambda_function.lambda_handler(session.intent("KneePainIntent"), None))
    session.absorb(lambda_function.lambda_handler(session.intent("AMAZON.YesIntent"), None))
    first = state_data(session.attributes[STATE_KEY])
    assert first is not None
    session.absorb(lambda_function.lambda_handler(session.intent("AMAZON.NoIntent"), None))
    second = state_data(session.attributes[STATE_KEY])
    assert second is not None
    assert second["asked"] == first["asked"] + 1
    assert second["question"] != first["question"]


def test_an_encoded_state_round_trips_exactly() -> None:
    facts = SessionState().facts.with_answer(Finding.ONE_LEG, Answer.PRESENT).with_age(61)
    state = SessionState(
        mode=Mode.PRICE, facts=facts, price_step=2, emergency=EmergencyKind.DVT, more=("A.",)
    )
    assert SessionState.from_json(state.encode()) == state
    assert SessionState.from_json(json.loads(state.encode())) == state


def test_a_state_sent_back_as_a_dict_from_an_older_session_is_still_read() -> None:
    session = _in_session({"v": 1, "emergency": "pe"}, "en-GB")
    response = lambda_function.lambda_handler(session.intent("AMAZON.HelpIntent"), None)
    opening = guidance(content.load("en-GB"), EmergencyKind.PE).full_ssml
    assert speech_of(response).startswith("<speak>" + opening)


def test_an_emergency_in_the_string_state_keeps_the_guidance_first() -> None:
    encoded = SessionState(emergency=EmergencyKind.DVT).encode()
    response = lambda_function.lambda_handler(_in_session(encoded).intent("AMAZON.StopIntent"), None)
    opening = guidance(content.load("en-US"), EmergencyKind.DVT).full_ssml
    assert speech_of(response).startswith("<speak>" + opening)


@pytest.mark.parametrize(
    "attribute",
    [
        "not json at all",
        '{"v": 1, "mode": ',
        "[1, 2, 3]",
        "[" * 100_000,
        "null",
        17,
    ],
    ids=["not-json", "cut-short", "a-list", "deeply-nested", "null", "a-number"],
)
def test_a_damaged_state_string_starts_a_fresh_conversation(attribute: object) -> None:
    assert state_data(attribute) is None
    response = lambda_function.lambda_handler(_in_session(attribute).intent("AMAZON.HelpIntent"), None)
    assert speech_of(response).startswith("<speak>")
    state = SessionState.from_json(response["sessionAttributes"][STATE_KEY])
    assert state.mode is Mode.IDLE and state.emergency is None


def test_an_oversized_hostile_state_with_a_suspected_clot_still_opens_with_the_guidance() -> None:
    attribute = json.dumps({"v": 1, "emergency": "dvt", "mode": "idle", "more": ["x" * 1000] * 60})
    assert len(attribute) > 24 * 1024  # more than the skill itself ever sends
    response = lambda_function.lambda_handler(_in_session(attribute).intent("AMAZON.HelpIntent"), None)
    opening = guidance(content.load("en-US"), EmergencyKind.DVT).full_ssml
    assert speech_of(response).startswith("<speak>" + opening)
    assert len(json.dumps(response)) < 24 * 1024  # the hostile overflow is not echoed back
