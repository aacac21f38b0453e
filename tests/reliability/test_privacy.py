"""No cross-user leaks on one warm container or one gunicorn worker; logs never carry user data;
installed packages are exactly the pinned ones."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import lambda_function
from alexa_standin.server import StandIn
from composition import build_skill
from kneeskill.settings import PersistenceKind, Settings
from stress import load, report
from tests.support.envelopes import TEST_SKILL_ID, Session, slot, speech_of
from tests.support.icing import ice_now, saying
from tests.support.scripts import plain
from tests.support.transports import Transport, http_transport

ROOT = Path(__file__).resolve().parents[2]
SECRET_SLOT = "zanzibar quokka"  # a heard slot value no log line may ever contain
ACCESS_TOKEN = "test-api-access-token"


@pytest.fixture
def warm_lambda(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Transport:
    """The real ``lambda_handler`` on one warm "container" with SQLite persistence."""
    settings = Settings(
        skill_id=TEST_SKILL_ID,
        persistence=PersistenceKind.SQLITE,
        data_dir=tmp_path,
        allow_loopback_http_apis=True,
    )
    monkeypatch.setattr(lambda_function, "_SETTINGS", settings)
    monkeypatch.setattr(lambda_function, "_SKILL", build_skill(settings))
    return lambda event: lambda_function.lambda_handler(event, None)


def _turn(send: Transport, session: Session, envelope: dict[str, Any]) -> dict[str, Any]:
    answer = send(envelope)
    session.absorb(answer)
    return answer


def two_users_interleaved(send: Transport, api: str) -> None:
    """A ices twice and explains a cause; B, interleaved on the same process, must see none of it."""
    a, b, control = (Session(api_endpoint=api) for _ in range(3))
    _turn(send, a, a.launch())
    _turn(send, b, b.launch())
    _turn(send, control, control.launch())  # the same first turn, so it hears the disclaimer there too
    say = saying(send)
    ice_now(say, a)  # the safety question, answered
    a_cause = _turn(send, a, a.intent("ExplainCauseIntent", cause="bakers_cyst"))
    b_help = _turn(send, b, b.intent("AMAZON.HelpIntent"))
    ice_now(say, a)  # "ice now anyway?" yes
    b_status = _turn(send, b, b.intent("IcingStatusIntent"))
    a_status = _turn(send, a, a.intent("IcingStatusIntent"))
    control_status = _turn(send, control, control.intent("IcingStatusIntent"))
    b_repeat = _turn(send, b, b.intent("AMAZON.RepeatIntent"))
    a_repeat = _turn(send, a, a.intent("AMAZON.RepeatIntent"))
    # Stored data: B's icing history is a stranger's (empty), A's is not.
    assert plain(speech_of(b_status)) == plain(speech_of(control_status))
    assert plain(speech_of(a_status)) != plain(speech_of(control_status))
    # Repeat replays one's own last speech, never the other user's.
    assert speech_of(b_repeat) == speech_of(b_status)
    assert speech_of(a_repeat) == speech_of(a_status)
    assert speech_of(b_help) != speech_of(a_cause)
    # Session state: nothing of A's in B's answers.
    for answer in (b_help, b_status, b_repeat):
        text = json.dumps(answer)
        assert a.user_id not in text and a.device_id not in text and a.session_id not in text


def test_two_users_on_one_warm_lambda_container_never_see_each_other(
    warm_lambda: Transport, standin: StandIn
) -> None:
    two_users_interleaved(warm_lambda, standin.url)


def test_many_users_at_once_on_one_gunicorn_worker_never_see_each_other(
    tmp_path: Path, standin: StandIn
) -> None:
    env = {
        "KNEE_HELPER_ALLOW_LOOPBACK_APIS": "1",
        "SKILL_ID": TEST_SKILL_ID,
        "KNEE_HELPER_VERIFY_SIGNATURES": "0",  # stated plainly: unsigned loopback requests
        "KNEE_HELPER_PERSISTENCE": "sqlite",
        "KNEE_HELPER_DATA_DIR": str(tmp_path / "data"),
    }
    errors: list[BaseException] = []
    with load.gunicorn(env, workers=1, threads=4, log_dir=tmp_path) as server:

        def send(envelope: dict[str, Any]) -> dict[str, Any]:
            status, body, _ = load.post_json(server.url, envelope)
            assert status == 200 and body is not None, status
            return body

        def one() -> None:
            try:
                two_users_interleaved(send, standin.url)
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=one) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        log = server.log()
    assert not errors, errors[:1]
    assert "GET /healthz" in log or "POST /" in log  # the access log was on
    assert TEST_SKILL_ID not in log
    assert "amzn1.ask.account" not in log and "amzn1.ask.device" not in log
    report.record("privacy: cross-user (lambda + gunicorn)", {"cases": 7, "failures": 0})


# --- logs -------------------------------------------------------------------------------------------


def conversation(send: Transport, session: Session) -> list[dict[str, Any]]:
    answers = []
    for envelope in (
        session.launch(),
        session.intent("KneePainIntent", symptom=slot("symptom", heard=SECRET_SLOT)),
        session.intent("ExplainCauseIntent", cause=slot("cause", "bakers_cyst", heard=SECRET_SLOT)),
        session.intent("AgeIntent", age={"name": "age", "value": "4711"}),
        session.intent("Bogus.Intent", x={"name": "x", "value": SECRET_SLOT}),
        session.intent("IcingIntent", minutes={"name": "minutes", "value": "4712"}),
        session.intent("IcingStatusIntent"),
        session.intent("AMAZON.RepeatIntent"),
        session.intent("AMAZON.StopIntent"),
    ):
        answers.append(_turn(send, session, envelope))
    session.reset()
    answers.append(_turn(send, session, session.session_ended("ERROR")))
    return answers


def _leaks(log: str, session: Session, answers: list[dict[str, Any]]) -> list[str]:
    secrets = [session.user_id, session.device_id, ACCESS_TOKEN, SECRET_SLOT, "4711", "4712"]
    found = [s for s in secrets if s in log]
    for answer in answers:
        words = plain(speech_of(answer))
        for sentence in re.split(r"(?<=[.?!])\s+", words):
            if len(sentence) >= 30 and sentence in log:
                found.append(f"speech: {sentence[:60]}")
    return found


def test_the_logs_of_a_whole_conversation_hold_no_user_data(
    caplog: pytest.LogCaptureFixture, warm_lambda: Transport, standin: StandIn
) -> None:
    caplog.set_level(logging.DEBUG)
    lambda_session, http_session = Session(api_endpoint=standin.url), Session(api_endpoint=standin.url)
    answers = conversation(warm_lambda, lambda_session)
    settings = Settings(skill_id=TEST_SKILL_ID, verify_signatures=False, allow_loopback_http_apis=True)
    with http_transport(settings) as send:
        http_answers = conversation(send, http_session)
    log = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "knee_helper.requests" in log and "werkzeug" in log  # request logging of both was captured
    leaks = _leaks(log, lambda_session, answers) + _leaks(log, http_session, http_answers)
    assert not leaks, leaks


# --- dependencies -----------------------------------------------------------------------------------


def test_pip_sees_no_broken_requirements() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
