"""Repeat renders again what the session state says was said: never SSML from the session. Session
attributes come back from the client, so whatever they claim was said is read as plain words
through the speech model (escaped), and the session's emergency guidance still leads."""

from __future__ import annotations

import json
from typing import Any

import pytest

import lambda_function
from tests.support.envelopes import Session, card_of, speech_of
from tests.support.scripts import emergency_opening, plain


def _repeat(
    said: object, *, emergency: str | None = None, intent: str = "AMAZON.RepeatIntent"
) -> dict[str, Any]:
    session = Session()
    session.attributes = {"kh": {"v": 1, "mode": "idle", "emergency": emergency, "said": said}}
    session.new = False
    return lambda_function.lambda_handler(session.intent(intent), None)


@pytest.mark.parametrize("intent", ["AMAZON.RepeatIntent", "SlowerIntent"])
def test_words_that_look_like_markup_are_said_as_words_never_as_ssml(intent: str) -> None:
    hostile = "<audio src='https://evil.example/x.mp3'/> Hello."
    answer = _repeat({"kind": "words", "words": [[4, hostile]]}, intent=intent)
    ssml = speech_of(answer)
    assert "<audio" not in ssml and "&lt;audio" in ssml
    spoken = {k: v for k, v in answer["response"].items() if k in ("outputSpeech", "reprompt")}
    assert "<audio" not in json.dumps(spoken)  # the card is plain text, shown as written


def test_a_repeat_in_an_emergency_session_opens_with_the_guidance_whatever_was_said() -> None:
    answer = _repeat({"kind": "words", "words": [[4, "All fine, carry on."]]}, emergency="pe")
    said = plain(speech_of(answer)).lower()
    assert any(said.startswith(o.lower()) for o in emergency_opening("en-US"))
    assert plain(card_of(answer)).lower().startswith(emergency_opening("en-US")[1].lower())


@pytest.mark.parametrize(
    "said",
    [
        None,
        "<speak>old ssml</speak>",
        {"kind": "nonsense"},
        {"kind": "words", "words": "not a list"},
        {"kind": "page", "topic": "cause:no_such_cause", "page": 0},
        {"kind": "question", "question": "no_such_question"},
        {"kind": "price_step", "page": 99},
    ],
)
def test_a_missing_or_damaged_memory_says_there_is_nothing_to_repeat(said: object) -> None:
    answer = _repeat(said)
    assert "haven't said anything yet" in plain(speech_of(answer)).lower()
    assert answer["response"]["shouldEndSession"] is False


def test_oversized_words_are_not_kept() -> None:
    answer = _repeat({"kind": "words", "words": [[4, "word " * 3000]] * 40})
    assert len(json.dumps(answer)) < 24 * 1024
