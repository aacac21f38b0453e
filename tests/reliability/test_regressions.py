"""Regression tests for what the reliability suite found (one per fix)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import lambda_function
from tests.reliability.kit import response_problem
from tests.support.envelopes import Session, speech_of
from tests.support.scripts import emergency_opening, plain


def _send(envelope: dict[str, Any]) -> dict[str, Any]:
    return lambda_function.lambda_handler(envelope, None)


def test_repeat_never_replays_hostile_session_speech() -> None:
    """kneeskill/turns.py: Repeat/Slower replayed ``kh.last.ssml`` from the request verbatim."""
    for hostile in (
        "<speak>a & b</speak>",
        "<speak><audio src='https://evil'/>",
        "<speak><audio src='https://evil.example/x.mp3'/></speak>",
        "x" * 9000,
        "<speak>]]></speak>",
    ):
        for intent in ("AMAZON.RepeatIntent", "SlowerIntent"):
            session = Session()
            session.attributes = {
                "kh": {"v": 1, "mode": "idle", "last": {"ssml": hostile, "reprompt": hostile}}
            }
            session.new = False
            envelope = session.intent(intent)
            answer = _send(envelope)
            assert response_problem(envelope, answer) is None
            assert hostile not in json.dumps(answer["response"])


def test_repeat_in_an_emergency_session_never_replays_speech_without_the_guidance() -> None:
    session = Session()
    session.attributes = {
        "kh": {"v": 1, "emergency": "pe", "last": {"ssml": "<speak>All fine, carry on.</speak>"}}
    }
    session.new = False
    answer = _send(session.intent("AMAZON.RepeatIntent"))
    said = plain(speech_of(answer)).lower()
    assert said.startswith(emergency_opening("en-US")[1].lower())
    assert "all fine" not in said


def test_hostile_say_more_text_cannot_push_the_response_over_24_kb() -> None:
    """kneeskill/turns.py + dialogue/state.py: the remembered speech and overflow were not counted."""
    session = Session()
    session.attributes = {"kh": {"v": 1, "mode": "idle", "more": ["word " * 1800] * 40}}
    session.new = False
    envelope = session.intent("MoreIntent")
    answer = _send(envelope)
    assert response_problem(envelope, answer) is None
    assert len(json.dumps(answer)) < 24 * 1024


def test_requests_without_speech_echo_only_the_skills_own_bounded_state() -> None:
    """handlers/session.py: SessionEnded and other requests echoed any attributes they were sent."""
    session = Session()
    session.attributes = {
        "kh": {"v": 1, "last": {"ssml": "y" * 9000, "card_text": "y" * 9000, "plain": "y" * 9000}},
        "junk": "z" * 20000,
    }
    session.new = False
    for envelope in (session.session_ended(), session.envelope({"type": "AlexaSkillEvent.SkillEnabled"})):
        answer = _send(envelope)
        assert len(json.dumps(answer)) < 24 * 1024
        assert set(answer.get("sessionAttributes") or {}) <= {"kh"}


def test_a_slow_dynamodb_table_costs_one_timeout_per_turn_not_one_per_call() -> None:
    """kneeskill/storage/dynamodb.py: after a timeout the store fails fast for a short cool-down
    (end to end in test_faults.test_dynamodb_slow, which took 8.03 s before the fix)."""
    import time

    from botocore.exceptions import ReadTimeoutError

    from kneeskill.storage import StoreUnavailable
    from kneeskill.storage.dynamodb import DynamoDbUserStore

    class SlowClient:
        calls = 0

        def get_item(self, **_: Any) -> dict[str, Any]:
            SlowClient.calls += 1
            raise ReadTimeoutError(endpoint_url="http://127.0.0.1:1")

    store = DynamoDbUserStore("t", retention_days=1, client=SlowClient())
    for _ in range(3):
        started = time.monotonic()
        with contextlib.suppress(StoreUnavailable):
            store.load("k")
        assert time.monotonic() - started < 1
    assert SlowClient.calls == 1


CLOT_FACTS = {
    "answers": {"pain_calf": "present", "one_leg": "present", "swelling_calf": "present"},
    "age": 50,
}


def test_a_state_whose_facts_assess_as_a_clot_hears_the_guidance_without_its_marker() -> None:
    """Review defect 6: 58 mode x intent combinations spoke no guidance when the marker was missing."""
    from dialogue.modes import Mode
    from tests.reliability.kit import KNOWN_INTENTS

    violations = []
    for mode in Mode:
        for intent in KNOWN_INTENTS:
            session = Session()
            session.new = False
            session.attributes = {"kh": {"v": 1, "mode": mode.value, "facts": CLOT_FACTS}}
            said = plain(speech_of(_send(session.intent(intent)))).lower()
            if said and not any(said.startswith(o.lower()) for o in emergency_opening("en-US")):
                violations.append(f"{mode.value} x {intent}")
    assert not violations, f"{len(violations)} combinations without the guidance: {violations[:5]}"
