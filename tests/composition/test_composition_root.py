"""One composition root for both entry points; the simulator only in the development app."""

from __future__ import annotations

import copy
import json

import lambda_function
from kneeskill.settings import Settings
from simulator.web import EXTENSION_KEY
from tests.support.envelopes import TEST_SKILL_ID, Session, speech_of
from tests.support.transports import http_transport
from webapp.dev import create_dev_app
from webapp.server import create_app


def test_the_production_web_app_does_not_serve_the_simulator() -> None:
    client = create_app(Settings(skill_id=TEST_SKILL_ID)).test_client()
    assert client.get("/simulator").status_code == 404
    assert client.get("/simulator/api/locales").status_code == 404
    assert client.get("/healthz").status_code == 200


def test_the_development_app_serves_the_skill_and_the_simulator() -> None:
    app = create_dev_app(Settings(skill_id=TEST_SKILL_ID))
    client = app.test_client()
    try:
        assert client.get("/simulator").status_code == 200
        assert client.get("/simulator/api/locales").get_json()["default"] == "en-US"
        assert client.get("/healthz").status_code == 200
    finally:
        app.extensions[EXTENSION_KEY]().close()


def test_lambda_and_the_web_app_answer_a_launch_alike() -> None:
    settings = Settings(skill_id=TEST_SKILL_ID, verify_signatures=False)
    with http_transport(settings) as send:
        over_http = send(Session().launch())
    on_lambda = lambda_function.lambda_handler(Session().launch(), None)
    assert speech_of(over_http) == speech_of(on_lambda)
    assert over_http["response"]["shouldEndSession"] is on_lambda["response"]["shouldEndSession"] is False


def test_the_lambda_entry_point_leaves_the_event_it_was_given_untouched() -> None:
    session = Session()
    session.attributes = {"kh": json.dumps({"v": 1, "mode": "interview", "question": "breathing"})}
    session.new = False
    for event in (Session().launch(), session.intent("AMAZON.NoIntent")):
        before = copy.deepcopy(event)
        lambda_function.lambda_handler(event, None)
        assert event == before
