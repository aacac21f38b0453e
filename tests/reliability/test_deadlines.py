"""One request budget (review defects 1 and 14, issue 16 item 1): whatever the dependencies do,
the user hears a spoken answer, the emergency guidance first when it applies, well inside Alexa's
8 seconds.

The dependencies here are real servers on 127.0.0.1 behind a proxy that drips every answer one
byte at a time (a socket read timeout never fires on such a server; only a whole-call deadline
stops it): DynamoDB (moto) through boto3, the Alexa Timers API (the stand-in), SQLite held
by another writer, and the certificate download with a slow name lookup.
"""

from __future__ import annotations

import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import lambda_function
from alexa_standin.server import StandIn
from composition import build_skill
from kneeskill import budget
from kneeskill.api_client import LoopbackAwareApiClient
from kneeskill.settings import PersistenceKind, Settings
from kneeskill.storage import StoreUnavailable
from kneeskill.storage.sqlite import SqliteUserStore
from tests.reliability.conftest import TABLE, LambdaContext
from tests.reliability.kit import TimedTurns
from tests.storage.tcp_proxy import TcpProxy
from tests.support.envelopes import TEST_SKILL_ID, Session
from tests.support.icing import ice_now
from tests.support.scripts import emergency_opening
from tests.support.timing import keeps_to
from tests.support.transports import http_transport

#: "Well inside" Alexa's 8 s: the 4 s budget plus rendering, with room for a busy 2-core machine.
WELL_INSIDE = 5.5
DRIP_SECONDS = 0.2  # one byte every 200 ms: a 300-byte answer would take a minute


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    return host, int(port)


@contextmanager
def dripping(url: str) -> Iterator[str]:
    proxy = TcpProxy(_address(url), drip=DRIP_SECONDS).start()
    try:
        yield proxy.url
    finally:
        proxy.stop()


def _settings(dynamodb_url: str | None) -> Settings:
    return Settings(
        skill_id=TEST_SKILL_ID,
        verify_signatures=False,
        persistence=PersistenceKind.DYNAMODB if dynamodb_url else PersistenceKind.NONE,
        dynamodb_table=TABLE,
        dynamodb_endpoint_url=dynamodb_url,
        allow_loopback_http_apis=True,
    )


Send = Callable[[dict[str, Any]], dict[str, Any]]


@contextmanager
def lambda_entry(settings: Settings, monkeypatch: pytest.MonkeyPatch, millis: int = 7_000) -> Iterator[Send]:
    """The real ``lambda_handler`` serving a skill built from ``settings``, with a Lambda context."""
    monkeypatch.setattr(lambda_function, "_SKILL", build_skill(settings))

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        return lambda_function.lambda_handler(envelope, LambdaContext(millis))

    yield send


def _guidance_first(said: str) -> bool:
    return any(said.startswith(opening.lower()) for opening in emergency_opening("en-US"))


def test_a_dripping_dynamodb_still_gets_a_spoken_icing_answer(
    moto: str, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 1: IcingIntent took 21 s against a DynamoDB that answers one byte at a time."""
    with dripping(moto) as table, lambda_entry(_settings(table), monkeypatch) as send:
        say = TimedTurns(send, WELL_INSIDE)
        user = Session(api_endpoint=standin.url, permissions_token="token")
        said = ice_now(say, user)
        assert "minutes" in said
        said = say(user, user.intent("IcingStatusIntent"))
        assert "can't reach your icing history" in said
    say.record("drip: dynamodb")


def test_a_dvt_session_hears_the_guidance_first_while_dynamodb_drips(
    moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 1: in a DVT session a Launch took 21 s and a PRICE step 42 s: Alexa's error instead."""
    with dripping(moto) as table, lambda_entry(_settings(table), monkeypatch) as send:
        say = TimedTurns(send, WELL_INSIDE)
        user = Session()
        user.new = False
        user.attributes = {"kh": {"v": 1, "emergency": "dvt", "mode": "idle"}}
        for envelope in (user.launch(), user.intent("PriceIntent"), user.intent("AMAZON.NextIntent")):
            user.attributes = user.attributes or {"kh": {"v": 1, "emergency": "dvt", "mode": "idle"}}
            said = say(user, envelope)
            assert _guidance_first(said), said[:160]
    say.record("drip: dvt session, dynamodb")


def test_a_dripping_timers_api_still_gets_a_spoken_answer(
    tmp_path: Path, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 1: the Timers API dripping held a turn 15 s."""
    settings = Settings(
        skill_id=TEST_SKILL_ID,
        verify_signatures=False,
        persistence=PersistenceKind.SQLITE,
        data_dir=tmp_path,
        allow_loopback_http_apis=True,
    )
    with dripping(standin.url) as api, lambda_entry(settings, monkeypatch) as send:
        say = TimedTurns(send, WELL_INSIDE)
        user = Session(api_endpoint=api, permissions_token="token")
        said = ice_now(say, user)
        assert "couldn't set the timer" in said, said
        said = say(user, user.intent("IcingStatusIntent"))  # the time zone (Settings API) drips too
        assert "one icing session" in said, said
    say.record("drip: alexa timers api")


@pytest.mark.parametrize("entry", ["lambda", "http"])
def test_slow_dynamodb_and_slow_timers_in_one_turn_answer_inside_the_budget(
    moto: str, standin: StandIn, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    """The two together: each dependency's own cap would add up past 8 s; the budget does not."""
    with dripping(moto) as table, dripping(standin.url) as api:
        settings = _settings(table)
        context = lambda_entry(settings, monkeypatch) if entry == "lambda" else http_transport(settings)
        with context as send:
            say = TimedTurns(send, limit=budget.DEFAULT_SECONDS + 1.0)
            user = Session(api_endpoint=api, permissions_token="token")
            said = ice_now(say, user)
            assert "couldn't set the timer" in said, said
    say.record(f"drip: dynamodb + timers in one turn ({entry})")


def test_the_lambda_budget_is_what_lambda_has_left_less_a_margin(
    moto: str, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 2.5 s left on Lambda, the turn's calls get 1 s: the answer leaves well before Lambda stops."""
    with (
        dripping(moto) as table,
        dripping(standin.url) as api,
        lambda_entry(_settings(table), monkeypatch, millis=2_500) as send,
    ):
        say = TimedTurns(send, limit=2.5 - budget.LAMBDA_MARGIN_SECONDS + 0.9)
        user = Session(api_endpoint=api, permissions_token="token")
        ice_now(say, user)
    assert budget.lambda_seconds(LambdaContext(60_000)) == budget.DEFAULT_SECONDS
    assert budget.lambda_seconds(LambdaContext(1_000)) == 0.0
    assert budget.lambda_seconds(object()) == budget.DEFAULT_SECONDS


def test_an_exhausted_budget_still_answers_in_words_with_what_could_not_be_done(
    tmp_path: Path, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No time left at all (Lambda nearly out): no call is made, and the turn says so plainly."""
    settings = Settings(
        skill_id=TEST_SKILL_ID,
        verify_signatures=False,
        persistence=PersistenceKind.SQLITE,
        data_dir=tmp_path,
        allow_loopback_http_apis=True,
    )
    standin.reset()
    with lambda_entry(settings, monkeypatch, millis=1_000) as send:
        say = TimedTurns(send, limit=1.0)
        user = Session(api_endpoint=standin.url, permissions_token="token")
        said = ice_now(say, user)
    assert "couldn't set the timer" in said and "couldn't save" in said, said
    assert not standin.requests, "a call was made with no time left"


def test_the_sqlite_busy_wait_shares_the_budget(tmp_path: Path) -> None:
    store = SqliteUserStore(tmp_path / "k.sqlite3", retention_days=1, busy_timeout=3.0)
    blocker = sqlite3.connect(tmp_path / "k.sqlite3", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with budget.request_budget(0.5), keeps_to(0.5), pytest.raises(StoreUnavailable):
            store.add_icing_start("k", datetime.now(UTC))
        with budget.request_budget(0.0), pytest.raises(StoreUnavailable, match="budget"):
            store.load("k")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        store.close()


SLOW_NAME = "slow-resolver.knee-helper.test"


@pytest.fixture
def slow_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """A resolver that takes 6 s for one name (then maps it to 127.0.0.1), like the review's."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == SLOW_NAME:
            time.sleep(6)
            host = "127.0.0.1"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_the_certificate_download_resolves_the_name_within_its_budget(slow_resolver: None) -> None:
    """Defect 14: the name lookup was outside the 2 s download budget (a slow resolver: 6 s)."""
    from webapp.verification import ChainFetchError, fetch_cert_chain

    with keeps_to(2.0), pytest.raises(ChainFetchError, match="timed out"):
        fetch_cert_chain(f"http://{SLOW_NAME}:9/echo.api/x.pem")
    with budget.request_budget(0.5), keeps_to(0.5), pytest.raises(ChainFetchError):  # what was left
        fetch_cert_chain(f"http://{SLOW_NAME}:9/echo.api/x.pem")


def test_the_alexa_api_client_resolves_the_name_within_its_deadline(slow_resolver: None) -> None:
    from ask_sdk_core.exceptions import ApiClientException
    from ask_sdk_model.services.api_client_request import ApiClientRequest

    client = LoopbackAwareApiClient(allow_loopback_http=False, timeout=1.0)
    with keeps_to(1.0), pytest.raises(ApiClientException, match="timeout"):
        client.invoke(ApiClientRequest(method="GET", url=f"https://{SLOW_NAME}/v1/alerts/timers"))


def test_the_dynamodb_store_resolves_the_name_within_its_deadline(slow_resolver: None) -> None:
    from kneeskill.storage.dynamodb import DynamoDbUserStore

    store = DynamoDbUserStore("t", retention_days=30, endpoint_url=f"http://{SLOW_NAME}:9")
    with keeps_to(3.0), pytest.raises(StoreUnavailable):  # the whole call, retry included: connect + read
        store.load("k")
    fresh = DynamoDbUserStore("t", retention_days=30, endpoint_url=f"http://{SLOW_NAME}:9")  # no breaker open
    with budget.request_budget(0.5), keeps_to(0.5), pytest.raises(StoreUnavailable):  # what was left
        fresh.delete("k")


def test_a_dripping_certificate_download_stops_at_what_is_left_of_the_request_budget(
    standin: StandIn,
) -> None:
    from webapp.verification import ChainFetchError, fetch_cert_chain

    with (
        dripping(standin.url) as slow,
        budget.request_budget(0.8),
        keeps_to(0.8),
        pytest.raises(ChainFetchError, match="timed out"),
    ):
        fetch_cert_chain(f"{slow}/v1/alerts/timers")
