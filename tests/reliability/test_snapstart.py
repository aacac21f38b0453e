"""SnapStart hooks (``kneeskill/snapstart.py``, issue 17): the warm-up before the snapshot plays every
locale through the real skill and leaves nothing about anyone behind (no store call, no metrics, no
session carried over); after a restore, randomness is re-seeded and the store reconnects.
"""

from __future__ import annotations

import random
from typing import Any

import snapshot_restore_py

import lambda_function
from composition import build_skill
from content import SUPPORTED_LOCALES
from kneeskill import budget, envelope, observability, snapstart
from kneeskill.runtime import Runtime
from kneeskill.settings import PersistenceKind, Settings
from kneeskill.storage import user_key
from kneeskill.storage.dynamodb import DynamoDbUserStore
from tests.reliability.conftest import TABLE
from tests.storage.tcp_proxy import TcpProxy
from tests.support.envelopes import TEST_SKILL_ID, Session, speech_of

TURNS_PER_LOCALE = 3  # launch, "yes" to the interview, "no" to its first question


def _settings(dynamodb_url: str) -> Settings:
    return Settings(
        skill_id=TEST_SKILL_ID,
        persistence=PersistenceKind.DYNAMODB,
        dynamodb_table=TABLE,
        dynamodb_endpoint_url=dynamodb_url,
    )


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def _serve(skill: Any, event: dict[str, Any]) -> dict[str, Any]:
    request = envelope.decode(skill.serializer, event)
    with budget.request_budget(budget.DEFAULT_SECONDS):
        response = skill.invoke(request_envelope=request, context=None)
    result: dict[str, Any] = skill.serializer.serialize(response)
    return result


def test_the_lambda_entry_point_registers_hooks_that_warm_every_locale() -> None:
    """What Lambda runs before the snapshot: the registered hooks, in reverse order of registration."""
    ours = [
        (func, args, kwargs)
        for func, args, kwargs in snapshot_restore_py.get_before_snapshot()
        if func is snapstart.warm_up and args and args[0] is lambda_function._SKILL
    ]
    assert len(ours) == 1
    func, args, kwargs = ours[0]
    assert func(*args, **kwargs) == TURNS_PER_LOCALE * len(SUPPORTED_LOCALES)
    after = snapshot_restore_py.get_after_restore()
    restore = [(func, args) for func, args, _ in after if func is snapstart.after_restore]
    assert restore and restore[0][1] == (lambda_function._RUNTIME,)
    restore[0][0](*restore[0][1])  # runs after a restore without any request having been served


def test_the_warm_up_calls_nothing_counts_nothing_and_leaves_no_session_behind(moto: str) -> None:
    proxy = TcpProxy(_address(moto)).start()
    try:
        settings = _settings(proxy.url)
        runtime = Runtime(settings)
        warmed = build_skill(settings, runtime)
        with observability.collecting() as metrics:
            played = snapstart.warm_up(warmed, TEST_SKILL_ID)
        assert played == TURNS_PER_LOCALE * len(SUPPORTED_LOCALES)
        assert proxy.accepted == 0  # no read, no write, no connection: nothing about anyone
        assert metrics == []  # no session, result or failure counted for the warm-up
        assert budget.current() is None
        # A person's first session after the warm-up is what it is on a skill that never warmed.
        cold = build_skill(_settings(proxy.url))
        for locale in SUPPORTED_LOCALES:
            heard = []
            for skill in (warmed, cold):
                user = Session(locale=locale)
                launch = _serve(skill, user.launch())
                user.absorb(launch)
                first_question = _serve(skill, user.intent("AMAZON.YesIntent"))
                heard.append((speech_of(launch), speech_of(first_question)))
            assert heard[0] == heard[1], locale
    finally:
        proxy.stop()


def test_after_a_restore_each_environment_draws_its_own_random_numbers() -> None:
    """Many environments resume from one snapshot: without re-seeding they would share a sequence."""
    random.seed(1234)  # the state the snapshot holds
    snapshot = random.getstate()
    draws = []
    for _ in range(2):  # two environments restored from it
        random.setstate(snapshot)
        snapstart.after_restore(None)
        draws.append([random.random() for _ in range(4)])
    assert draws[0] != draws[1]
    shared = []
    for _ in range(2):  # the same two environments, not re-seeded
        random.setstate(snapshot)
        shared.append([random.random() for _ in range(4)])
    assert shared[0] == shared[1]


def test_after_a_restore_the_store_opens_a_new_connection_and_keeps_working(moto: str) -> None:
    proxy = TcpProxy(_address(moto)).start()
    try:
        settings = _settings(proxy.url)
        runtime = Runtime(settings)
        skill = build_skill(settings, runtime)
        snapstart.warm_up(skill, TEST_SKILL_ID)
        user = Session()
        speech_of(_serve(skill, user.launch()))  # a real user: the profile is read
        before = proxy.accepted
        assert before >= 1
        snapstart.after_restore(runtime)
        again = Session(user_id=user.user_id)
        assert speech_of(_serve(skill, again.launch()))
        assert proxy.accepted > before  # the kept-alive connection was dropped, a new one made
        store = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=moto)
        assert store.load(user_key(user.user_id)).disclaimer_heard
    finally:
        proxy.stop()
