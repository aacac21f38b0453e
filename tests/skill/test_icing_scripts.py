"""The icing conversation scripts (``alexa_standin: true`` in tests/golden/conversations), through
the real ``lambda_handler`` in every locale they name and over real HTTP to the real Flask app in one
of them (the scripts taking the locales in turn), with the Alexa Timers, Reminders and Settings APIs
played by the stand-in on 127.0.0.1: the scripts check what the user hears and what Alexa holds
(timers, announcements). The web layer never reads the locale (see test_conversation_scripts)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexa_standin import StandIn
from kneeskill.settings import PersistenceKind, Settings
from tests.support.envelopes import TEST_SKILL_ID
from tests.support.scripts import Script, load_scripts, play
from tests.support.transports import Transport, http_transport, lambda_transport

SCRIPTS = load_scripts(standin=True)
CASES = [
    pytest.param(script, locale, id=f"{script.path.stem}-{locale}")
    for script in SCRIPTS
    for locale in script.locales
]
HTTP_CASES = [
    pytest.param(script, locale, id=f"{script.path.stem}-{locale}")
    for number, script in enumerate(SCRIPTS)
    for locale in [script.locales[number % len(script.locales)]]
]


@pytest.fixture(scope="module")
def standin() -> Iterator[StandIn]:
    with StandIn.start() as server:
        yield server


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("knee-helper-icing-scripts")


@pytest.fixture(scope="module")
def via_lambda(data_dir: Path) -> Iterator[Transport]:
    mp = pytest.MonkeyPatch()
    mp.setenv("KNEE_HELPER_PERSISTENCE", "sqlite")
    mp.setenv("KNEE_HELPER_DATA_DIR", str(data_dir / "lambda"))
    mp.setenv("KNEE_HELPER_ALLOW_LOOPBACK_APIS", "1")
    import lambda_function

    importlib.reload(lambda_function)
    yield lambda_transport()
    mp.undo()
    importlib.reload(lambda_function)


@pytest.fixture(scope="module")
def via_http(data_dir: Path) -> Iterator[Transport]:
    settings = Settings(
        skill_id=TEST_SKILL_ID,
        verify_signatures=False,  # signed requests are tested in tests/webapp
        persistence=PersistenceKind.SQLITE,
        data_dir=data_dir / "http",
        allow_loopback_http_apis=True,
    )
    with http_transport(settings) as send:
        yield send


def test_there_are_icing_scripts_for_every_part_of_issue_15() -> None:
    names = {script.path.stem for script in SCRIPTS}
    assert {
        "icing_whole_session_hands_free",
        "icing_permission_denied_and_not_answered",
        "icing_safety_question_before_the_timer",
        "icing_timer_cancel_and_later_session",
    } <= names


@pytest.mark.parametrize(("script", "locale"), CASES)
def test_the_icing_script_plays_through_lambda_handler(
    script: Script, locale: str, via_lambda: Transport, standin: StandIn
) -> None:
    standin.reset()
    play(script, locale, via_lambda, standin=standin)


@pytest.mark.parametrize(("script", "locale"), HTTP_CASES)
def test_the_icing_script_plays_over_http_to_the_flask_app(
    script: Script, locale: str, via_http: Transport, standin: StandIn
) -> None:
    standin.reset()
    play(script, locale, via_http, standin=standin)
