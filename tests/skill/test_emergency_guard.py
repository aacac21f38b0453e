"""The response interceptor that puts the emergency guidance back if a handler ever bypasses send()."""

from __future__ import annotations

import logging

import pytest
from ask_sdk_model import Response
from ask_sdk_model.ui import SsmlOutputSpeech

import content
from dialogue.presenter import guidance
from dialogue.state import EmergencyKind
from kneeskill.interceptors import EmergencyGuardInterceptor
from tests.support.envelopes import Session
from tests.support.handler_input import handler_input


def _response(ssml: str) -> Response:
    return Response(output_speech=SsmlOutputSpeech(ssml=ssml))


def _ssml(response: Response) -> str:
    speech = response.output_speech
    assert isinstance(speech, SsmlOutputSpeech) and isinstance(speech.ssml, str)
    return speech.ssml


def _in_session(emergency: str | None, locale: str = "en-GB") -> Session:
    session = Session(locale=locale)
    session.attributes = {"kh": {"v": 1, "emergency": emergency}} if emergency else {}
    session.new = False
    return session


def test_a_response_that_bypassed_the_guidance_gets_it_put_first(caplog: pytest.LogCaptureFixture) -> None:
    response = _response("<speak><p>Here is a cat fact.</p></speak>")
    with caplog.at_level(logging.ERROR):
        EmergencyGuardInterceptor().process(
            handler_input(_in_session("dvt").intent("AMAZON.HelpIntent")), response
        )
    block = guidance(content.load("en-GB"), EmergencyKind.DVT).full_ssml
    # Said again through the speech model with the guidance first (never edited as a string).
    assert _ssml(response).startswith(f"<speak>{block}")
    assert "Here is a cat fact." in _ssml(response)
    assert "lacked the emergency guidance" in caplog.text


def test_a_response_that_already_opens_with_the_guidance_is_left_alone() -> None:
    block = guidance(content.load("en-US"), EmergencyKind.PE).full_ssml
    for ssml in (
        f"<speak>{block}<p>Rest.</p></speak>",
        f'<speak><prosody rate="slow">{block}</prosody></speak>',
    ):
        response = _response(ssml)
        request = handler_input(_in_session("pe", "en-US").intent("AMAZON.RepeatIntent"))
        EmergencyGuardInterceptor().process(request, response)
        assert _ssml(response) == ssml


def test_without_a_suspected_clot_nothing_is_added() -> None:
    response = _response("<speak><p>Hello.</p></speak>")
    EmergencyGuardInterceptor().process(
        handler_input(_in_session(None).intent("AMAZON.HelpIntent")), response
    )
    assert _ssml(response) == "<speak><p>Hello.</p></speak>"
