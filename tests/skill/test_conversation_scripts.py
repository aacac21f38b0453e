"""Every conversation script in tests/golden/conversations, both ways: through the real
``lambda_handler`` in every locale it names, and over real HTTP to the real Flask app in one of them.

Over HTTP a script plays once, in one of its locales, the scripts taking the locales in turn so every
locale is served over HTTP too: the web layer (the WSGI server, Flask, flask-ask-sdk, the request
checks) never reads the locale, and what each locale says is checked through ``lambda_handler``.
(Playing all five over HTTP as well doubled this module's time for the same web code path.)"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from kneeskill.settings import PersistenceKind, Settings
from tests.support.envelopes import TEST_SKILL_ID
from tests.support.scripts import Script, load_scripts, play
from tests.support.transports import Transport, http_transport, lambda_transport

SCRIPTS = load_scripts()
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
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("knee-helper-data")


@pytest.fixture(scope="module")
def via_lambda(data_dir: Path) -> Iterator[Transport]:
    """lambda_function imported afresh with SQLite persistence in a temporary folder."""
    mp = pytest.MonkeyPatch()
    mp.setenv("KNEE_HELPER_PERSISTENCE", "sqlite")
    mp.setenv("KNEE_HELPER_DATA_DIR", str(data_dir / "lambda"))
    import lambda_function

    importlib.reload(lambda_function)
    yield lambda_transport()
    mp.undo()
    importlib.reload(lambda_function)


@pytest.fixture(scope="module")
def via_http(data_dir: Path) -> Iterator[Transport]:
    settings = Settings(
        skill_id=TEST_SKILL_ID,
        verify_signatures=False,  # explicit for this test: signed requests are tested in tests/webapp
        persistence=PersistenceKind.SQLITE,
        data_dir=data_dir / "http",
    )
    with http_transport(settings) as send:
        yield send


@pytest.mark.parametrize(("script", "locale"), CASES)
def test_the_script_plays_through_lambda_handler(script: Script, locale: str, via_lambda: Transport) -> None:
    play(script, locale, via_lambda)


@pytest.mark.parametrize(("script", "locale"), HTTP_CASES)
def test_the_script_plays_over_http_to_the_flask_app(
    script: Script, locale: str, via_http: Transport
) -> None:
    play(script, locale, via_http)
