"""The simulator page and JSON API, through the real Flask app of ``webapp.dev.create_dev_app``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from dialogue.modes import state_data
from kneeskill.settings import Settings
from simulator.engine import Simulator
from simulator.web import EXTENSION_KEY, STATIC_DIR
from tests.support.envelopes import TEST_SKILL_ID, Session
from tests.support.scripts import Script, play
from tests.support.transports import lambda_transport
from webapp.dev import create_dev_app


@pytest.fixture
def app() -> Iterator[Flask]:
    application = create_dev_app(Settings(skill_id=TEST_SKILL_ID))
    yield application
    engine: Callable[[], Simulator] = application.extensions[EXTENSION_KEY]
    engine().close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def say(client: FlaskClient, utterance: str, conversation: str | None = None, locale: str = "en-US") -> Any:
    reply = client.post(
        "/simulator/api/turn", json={"conversation": conversation, "locale": locale, "utterance": utterance}
    )
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()


def test_the_page_is_served_with_its_script_and_styles(client: FlaskClient) -> None:
    page = client.get("/simulator")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="utterance"' in html and 'aria-live="polite"' in html
    assert "Content-Security-Policy" in page.headers
    for asset in ("simulator.js", "simulator.css"):
        assert client.get(f"/simulator/static/{asset}").status_code == 200


def test_the_page_needs_nothing_from_the_internet() -> None:
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), path.name
        assert "@import" not in text and "@font-face" not in text


def test_every_form_control_has_a_label() -> None:
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    for control in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'for="{control}"' in html or f'<input id="{control}" type="checkbox">' in html, control


def test_the_locales_are_listed(client: FlaskClient) -> None:
    data = client.get("/simulator/api/locales").get_json()
    assert data == {"locales": ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"], "default": "en-US"}


def test_a_turn_answers_the_resolution_speech_card_and_session_attributes(client: FlaskClient) -> None:
    opening = say(client, "why does the back of my knee hurt", locale="en-AU")
    assert opening["resolution"]["intent"] == "KneePainIntent"
    assert opening["mode"] == "offer_interview"  # answered first, then "shall I ask a few questions?"
    turn = say(client, "yes", opening["conversation"], locale="en-AU")
    assert turn["locale"] == "en-AU"
    assert turn["mode"] == "interview"
    assert turn["speech"]["ssml"].startswith("<speak>")
    assert turn["speech"]["plain"] and "<" not in turn["speech"]["plain"]
    assert turn["card"]["text"]
    assert (state_data(turn["session_attributes"]["kh"]) or {})["question"] == turn["question"]
    assert turn["emergency"] == {"active": False, "kind": None, "text": ""}
    follow = say(client, "nope", turn["conversation"], locale="en-AU")
    assert follow["conversation"] == turn["conversation"]
    assert follow["request"]["session"]["attributes"] == turn["session_attributes"]


def test_an_emergency_statement_is_answered_with_the_guidance_first(client: FlaskClient) -> None:
    turn = say(client, "i can't breathe", locale="en-GB")
    assert turn["emergency"]["active"] is True
    assert "999" in turn["emergency"]["text"]
    assert turn["speech"]["plain"].startswith(turn["emergency"]["text"])


def test_conversations_are_kept_apart(client: FlaskClient) -> None:
    one = say(client, "why does the back of my knee hurt")
    two = say(client, "open knee helper")
    assert one["conversation"] != two["conversation"]
    assert (
        state_data(say(client, "no", two["conversation"])["request"]["session"]["attributes"]["kh"]) or {}
    )["mode"] != "interview"


def test_start_over_begins_a_new_session(client: FlaskClient) -> None:
    turn = say(client, "why does the back of my knee hurt")
    reply = client.post(
        "/simulator/api/start-over", json={"conversation": turn["conversation"], "locale": "en-US"}
    )
    assert reply.get_json()["conversation"] == turn["conversation"]
    again = say(client, "open knee helper", turn["conversation"])
    assert again["request"]["session"]["new"] is True


def test_an_exported_script_replays_through_the_lambda_entry_point(client: FlaskClient) -> None:
    turn = say(client, "open knee helper")
    conversation = turn["conversation"]
    for utterance in ("yes", "no", "no", "what is a bakers sist", "stop"):
        say(client, utterance, conversation)
    reply = client.get(f"/simulator/api/export?conversation={conversation}")
    assert reply.status_code == 200 and reply.mimetype == "application/yaml"
    data = yaml.safe_load(reply.get_data(as_text=True))
    assert data["locales"] == ["en-US"]
    assert data["turns"][0] == {"launch": {}, "expect": data["turns"][0]["expect"]}
    assert data["turns"][4]["intent"] == "ExplainCauseIntent"
    assert data["turns"][4]["slots"] == {"cause": "bakers_cyst"}
    assert all(turn["expect"].get("says") for turn in data["turns"])
    assert data["turns"][-1]["expect"]["ends"] is True
    script = Script(
        name=data["name"], path=Path("exported.yaml"), locales=data["locales"], turns=data["turns"]
    )
    responses = play(script, "en-US", lambda_transport(), Session(locale="en-US"))
    assert len(responses) == len(data["turns"])


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"utterance": ""}, 400),
        ({"utterance": 42}, 400),
        ({"utterance": "x" * 501}, 400),
        ({"utterance": "hello", "locale": "fr-FR"}, 400),
        ([1, 2], 400),
    ],
)
def test_bad_turns_are_refused_with_a_short_json_error(client: FlaskClient, body: Any, status: int) -> None:
    reply = client.post("/simulator/api/turn", json=body)
    assert reply.status_code == status
    assert set(reply.get_json()) == {"error"}


def test_a_turn_must_be_json(client: FlaskClient) -> None:
    reply = client.post(
        "/simulator/api/turn", data="utterance=hello", content_type="application/x-www-form-urlencoded"
    )
    assert reply.status_code == 415


def test_exporting_an_unknown_conversation_is_404(client: FlaskClient) -> None:
    assert client.get("/simulator/api/export?conversation=" + "x" * 24).status_code == 404


def test_the_simulator_answers_loopback_clients_only(client: FlaskClient) -> None:
    reply = client.get("/simulator", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert reply.status_code == 403


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
def test_the_simulator_refuses_requests_that_came_through_a_tunnel(client: FlaskClient, header: str) -> None:
    reply = client.get("/simulator", headers={header: "for=198.51.100.4"})
    assert reply.status_code == 403


def test_the_alexa_endpoint_still_checks_signatures(client: FlaskClient) -> None:
    envelope = Session().launch()
    reply = client.post("/", json=envelope)
    assert reply.status_code == 400
    assert "verification failed" in reply.get_json()["error"]
