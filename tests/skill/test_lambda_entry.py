"""lambda_function: fails closed without a skill id, answers Alexa, and never leaks into logs."""

from __future__ import annotations

import logging
import re

import pytest

import lambda_function
from tests.support.envelopes import TEST_SKILL_ID, Session, card_of, speech_of
from tests.support.scripts import emergency_opening, plain


def test_the_lambda_exposes_only_lambda_handler() -> None:
    assert lambda_function.__all__ == ["lambda_handler"]


def test_without_a_skill_id_every_request_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from kneeskill.settings import Settings

    monkeypatch.setattr(lambda_function, "_SETTINGS", Settings(skill_id=None))
    with pytest.raises(lambda_function.SkillIdNotConfiguredError):
        lambda_function.lambda_handler(Session().launch(), None)


def test_a_request_for_another_skill_is_refused() -> None:
    from ask_sdk_core.exceptions import AskSdkException

    with pytest.raises(AskSdkException, match="Skill ID"):
        lambda_function.lambda_handler(Session(skill_id="amzn1.ask.skill.someone-else").launch(), None)


def test_a_launch_request_is_answered_with_a_greeting_and_an_open_microphone() -> None:
    response = lambda_function.lambda_handler(Session().launch(), None)
    assert "Knee Helper" in plain(speech_of(response))
    assert response["response"]["shouldEndSession"] is False
    assert response["response"]["reprompt"]["outputSpeech"]["ssml"].startswith("<speak>")


def test_a_failure_inside_the_skill_is_spoken_as_a_calm_apology(monkeypatch: pytest.MonkeyPatch) -> None:
    import kneeskill.turns

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom with a secret slot value")

    monkeypatch.setattr(kneeskill.turns, "respond", explode)
    response = lambda_function.lambda_handler(Session().intent("AMAZON.HelpIntent"), None)
    assert "something went wrong" in plain(speech_of(response)).lower()
    assert response["response"]["shouldEndSession"] is False


def test_a_failure_after_a_suspected_clot_still_opens_with_the_emergency_guidance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kneeskill.turns

    session = Session()
    response = lambda_function.lambda_handler(session.intent("EmergencyIntent"), None)
    session.absorb(response)

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(kneeskill.turns, "respond", explode)
    response = lambda_function.lambda_handler(session.intent("AMAZON.HelpIntent"), None)
    speech = plain(speech_of(response)).lower()
    assert any(speech.startswith(opening.lower()) for opening in emergency_opening("en-US"))
    assert "911" in card_of(response)


def test_even_when_the_response_builder_itself_fails_the_guidance_comes_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kneeskill.turns

    session = Session(locale="en-AU")
    response = lambda_function.lambda_handler(session.intent("EmergencyIntent"), None)
    session.absorb(response)

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(kneeskill.turns, "respond", explode)
    monkeypatch.setattr(kneeskill.turns, "render", explode)
    response = lambda_function.lambda_handler(session.intent("AMAZON.HelpIntent"), None)
    speech = plain(speech_of(response))
    assert "000" in speech.split(".")[0] or "triple zero" in speech.split(".")[0].lower()
    assert "something went wrong" in speech.lower()


def test_logs_of_a_whole_conversation_carry_ids_and_intents_but_nothing_about_the_user(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = Session()
    caplog.set_level(logging.DEBUG)
    requests = [
        session.launch(),
        session.intent("KneePainIntent", symptom="swelling_calf", activity="running"),
        session.intent("SymptomIntent", symptom={"name": "symptom", "value": "my secret words"}),
        # 87: no clock field (hours, minutes, seconds) can read 87, so a match is the age itself.
        session.intent("AgeIntent", age={"name": "age", "value": "87"}),
        session.intent("AMAZON.StopIntent"),
    ]
    spoken: list[str] = []
    for envelope in requests:
        response = lambda_function.lambda_handler(envelope, None)
        session.absorb(response)
        spoken.append(plain(speech_of(response)))
    text = caplog.text
    assert "KneePainIntent" in text and "request_id=" in text
    for secret in (
        session.user_id,
        session.device_id,
        "test-api-access-token",
        "my secret words",
        "swelling",
    ):
        assert secret not in text, f"{secret!r} leaked into the logs"
    assert not re.search(r"(?<![\w.-])87(?![\w])", text), "the age leaked into the logs"
    for sentence in spoken:
        for piece in sentence.split(". "):
            if len(piece) > 25:
                assert piece not in text, "speech text leaked into the logs"
    assert TEST_SKILL_ID not in text


def test_saying_it_again_slowly_keeps_the_emergency_guidance_first_and_says_it_once() -> None:
    session = Session(locale="en-GB")
    for envelope in (session.intent("EmergencyIntent"),):
        session.absorb(lambda_function.lambda_handler(envelope, None))
    normal = lambda_function.lambda_handler(session.intent("AMAZON.RepeatIntent"), None)
    session.absorb(normal)
    slow = lambda_function.lambda_handler(session.intent("SlowerIntent"), None)
    assert speech_of(slow).startswith('<speak><prosody rate="slow">')
    assert plain(speech_of(slow)) == plain(speech_of(normal))
    assert any(plain(speech_of(slow)).startswith(o) for o in emergency_opening("en-GB"))
