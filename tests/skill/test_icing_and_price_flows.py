"""Hands-free icing and PRICE across sessions, through the real lambda_handler, with real SQLite and
the Alexa APIs played by a stand-in server on 127.0.0.1."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import content
from alexa_standin import StandIn
from tests.support.envelopes import Session, speech_of
from tests.support.scripts import plain

LOCALES = list(content.SUPPORTED_LOCALES)
TIMERS = "/v1/alerts/timers"
REMINDERS = "/v1/alerts/reminders"


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A stand-in of the test's own (it starts in a few milliseconds): on a loaded machine a timer
    an earlier test's turn gave up waiting for could reach a shared one after that test ended, and
    be counted as this test's."""
    with StandIn.start() as server:
        yield server


@pytest.fixture(scope="module")
def skill_lambda(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """lambda_function with SQLite persistence and plain-http Alexa APIs allowed on loopback."""
    mp = pytest.MonkeyPatch()
    mp.setenv("KNEE_HELPER_PERSISTENCE", "sqlite")
    mp.setenv("KNEE_HELPER_DATA_DIR", str(tmp_path_factory.mktemp("icing")))
    mp.setenv("KNEE_HELPER_ALLOW_LOOPBACK_APIS", "1")
    import lambda_function

    importlib.reload(lambda_function)
    yield lambda_function
    mp.undo()
    importlib.reload(lambda_function)


@pytest.fixture(autouse=True)
def fresh_standin(standin: StandIn) -> None:
    standin.reset()


class Talk:
    """One user talking to the skill: sends, carries the session, returns the plain reply."""

    def __init__(self, skill_lambda: Any, standin: StandIn, locale: str = "en-US") -> None:
        self.skill = skill_lambda
        self.session = Session(locale=locale, api_endpoint=standin.url)
        self.last: dict[str, Any] = {}

    def send(self, envelope: dict[str, Any]) -> str:
        self.last = self.skill.lambda_handler(envelope, None)
        self.session.absorb(self.last)
        return plain(speech_of(self.last))

    def intent(self, name: str, **slots: Any) -> str:
        return self.send(self.session.intent(name, **slots))

    def ice(self, **slots: Any) -> str:
        """ "I'm icing my knee now", and "no" to the calf / breathing question when it is asked."""
        said = self.intent("IcingIntent", **slots)
        if "short of breath" in said:
            said = self.intent("AMAZON.NoIntent")
        return said

    def permission_answer(self, status: str, token: str) -> str:
        return self.send(
            self.session.envelope(
                {
                    "type": "Connections.Response",
                    "name": "AskFor",
                    "status": {"code": "200"},
                    "token": token,
                    "payload": {"status": status},
                }
            )
        )

    @property
    def directives(self) -> list[dict[str, Any]]:
        return list(self.last.get("response", {}).get("directives", []))


def _timer_posts(standin: StandIn) -> list[Any]:
    return [r for r in standin.requests if r.method == "POST" and r.path == TIMERS]


@pytest.mark.parametrize("locale", LOCALES)
def test_icing_now_gives_the_safety_steps_and_starts_a_twenty_minute_timer(
    skill_lambda: Any, standin: StandIn, locale: str
) -> None:
    talk = Talk(skill_lambda, standin, locale=locale)
    assert "is your calf swollen, red or warm, or are you short of breath" in talk.intent("IcingIntent")
    assert _timer_posts(standin) == []
    said = talk.intent("AMAZON.NoIntent")
    assert "never straight on the skin" in said and "timer" in said
    assert "diabetes" in said and "Raynaud's" in said and "poor circulation" in said
    assert "next for compression" in said and talk.last["response"]["shouldEndSession"] is False
    skin, ice_off = _timer_posts(standin)
    assert (skin.body["duration"], ice_off.body["duration"]) == ("PT5M", "PT20M")
    assert ice_off.bearer_token_present
    for post, words in ((skin, "check your skin under the ice"), (ice_off, "take the ice off")):
        operation = post.body["triggeringBehavior"]["operation"]
        announce = operation["textToAnnounce"][0]
        assert operation["type"] == "ANNOUNCE"
        assert announce["locale"] == locale and words in announce["text"]
        assert "Knee Helper" in announce["text"] and "knee ice" in post.body["timerLabel"]


def test_the_user_may_ask_for_fifteen_minutes_but_not_for_an_hour(
    skill_lambda: Any, standin: StandIn
) -> None:
    talk = Talk(skill_lambda, standin, locale="en-GB")
    talk.ice(minutes={"name": "minutes", "value": "15"})
    talk.intent("IcingIntent", minutes={"name": "minutes", "value": "60"})
    assert "ice now anyway" in plain(speech_of(talk.last))  # a second session this soon: a gentle word
    talk.intent("AMAZON.YesIntent")
    durations = [r.body["duration"] for r in _timer_posts(standin)]
    assert durations == ["PT5M", "PT15M", "PT5M", "PT20M"]
    assert "tea towel" in plain(speech_of(talk.last))


def test_without_permission_the_skill_asks_for_it_by_voice_and_then_sets_the_timer(
    skill_lambda: Any, standin: StandIn
) -> None:
    standin.script(TIMERS, status=401, method="POST", times=1)
    talk = Talk(skill_lambda, standin)
    said = talk.ice()
    assert "permission" in said
    (directive,) = talk.directives
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    scope = directive["payload"]["permissionScopes"][0]["permissionScope"]
    assert scope == "alexa::alerts:timers:skill:readwrite"
    assert "reprompt" not in talk.last["response"]
    said = talk.permission_answer("ACCEPTED", directive["token"])
    assert "set a 20 minute timer" in said and "next for compression" in said
    assert sorted(r.status for r in _timer_posts(standin)) == [200, 200, 200, 401]


@pytest.mark.parametrize("answer", ["DENIED", "NOT_ANSWERED"])
def test_when_permission_is_refused_the_skill_explains_an_ordinary_timer(
    skill_lambda: Any, standin: StandIn, answer: str
) -> None:
    standin.script(TIMERS, status=403, method="POST")
    talk = Talk(skill_lambda, standin)
    talk.ice()
    said = talk.permission_answer(answer, "ice-timer")
    assert "Alexa, set a timer for 20 minutes" in said
    assert "next for compression" in said and talk.last["response"]["shouldEndSession"] is False
    assert "compression" in talk.intent("AMAZON.NextIntent").lower()


@pytest.mark.parametrize(("status", "delay"), [(504, 0.0), (500, 0.0), (None, 3.0)])
def test_a_failing_timer_service_still_gets_a_spoken_fallback(
    skill_lambda: Any, standin: StandIn, status: int | None, delay: float
) -> None:
    standin.script(TIMERS, status=status, delay=delay, method="POST")
    talk = Talk(skill_lambda, standin)
    said = talk.ice()
    assert "couldn't set the timer" in said
    assert "Alexa, set a timer for 20 minutes" in said


def test_when_can_i_ice_again_counts_today_s_sessions_and_offers_a_reminder(
    skill_lambda: Any, standin: StandIn
) -> None:
    talk = Talk(skill_lambda, standin)
    talk.ice()
    said = talk.intent("IcingStatusIntent")
    assert "one icing session" in said
    assert "reminder" in said
    said = talk.intent("AMAZON.YesIntent")
    assert "remind you" in said
    assert "next for compression" in said  # the side question returns to the walk-through
    reminders = [r for r in standin.requests if r.method == "POST" and r.path == REMINDERS]
    assert len(reminders) == 1
    assert reminders[0].body["trigger"]["timeZoneId"] == standin.time_zone


def test_a_user_with_no_history_hears_how_to_start(skill_lambda: Any, standin: StandIn) -> None:
    talk = Talk(skill_lambda, standin)
    assert "don't have any icing sessions" in talk.intent("IcingStatusIntent")


@pytest.mark.parametrize("locale", LOCALES)
def test_a_walk_through_left_at_ice_is_offered_again_at_the_next_launch(
    skill_lambda: Any, standin: StandIn, locale: str
) -> None:
    talk = Talk(skill_lambda, standin, locale=locale)
    talk.intent("PriceIntent")
    talk.intent("AMAZON.NextIntent")
    assert "step 3 of five" in talk.intent("AMAZON.NextIntent").lower()
    said = talk.intent("AMAZON.PauseIntent")
    assert "paused" in said and talk.last["response"]["shouldEndSession"] is True
    said = talk.send(talk.session.launch())
    assert "stopped at the ice step of price" in said.lower()
    assert said.count("?") == 1
    # Symptoms are never stored, so one safety line comes before PRICE carries on.
    assert "before we carry on" in talk.intent("AMAZON.YesIntent").lower()
    assert "step 3 of five" in talk.intent("AMAZON.NoIntent").lower()


def test_finishing_the_walk_through_forgets_the_position(skill_lambda: Any, standin: StandIn) -> None:
    talk = Talk(skill_lambda, standin)
    talk.intent("PriceStepIntent", priceStep="elevation")
    talk.intent("AMAZON.NextIntent")
    said = talk.send(talk.session.launch())
    assert "carry on" not in said


def test_delete_my_data_removes_the_icing_history_and_says_so(skill_lambda: Any, standin: StandIn) -> None:
    talk = Talk(skill_lambda, standin)
    talk.ice()
    assert "deleted everything" in talk.intent("DeleteDataIntent")
    assert "don't have any icing sessions" in talk.intent("IcingStatusIntent")


def test_two_users_never_see_each_other_s_icing(skill_lambda: Any, standin: StandIn) -> None:
    alice, bob = Talk(skill_lambda, standin), Talk(skill_lambda, standin)
    alice.ice()
    assert "don't have any icing sessions" in bob.intent("IcingStatusIntent")
    assert "one icing session" in alice.intent("IcingStatusIntent")


def test_with_a_suspected_clot_icing_is_never_offered_instead_of_care(
    skill_lambda: Any, standin: StandIn
) -> None:
    talk = Talk(skill_lambda, standin)
    talk.intent("EmergencyIntent")
    said = talk.intent("IcingIntent")
    assert said.startswith("Please phone 911") or "911" in said.split(".")[0]
    assert "don't massage" in said
    assert _timer_posts(standin) == []


def test_the_timer_stand_in_cannot_be_reached_over_plain_http_from_a_production_skill(
    standin: StandIn, tmp_path: Path
) -> None:
    from ask_sdk_model import RequestEnvelope

    from composition import build_skill
    from kneeskill.settings import Settings

    skill = build_skill(Settings(skill_id=Session().skill_id))
    session = Session(api_endpoint=standin.url)
    response: Any = {}
    for name in ("IcingIntent", "AMAZON.NoIntent"):
        request = json.dumps(session.intent(name))
        envelope = skill.serializer.deserialize(payload=request, obj_type=RequestEnvelope)
        response = skill.serializer.serialize(skill.invoke(request_envelope=envelope, context=None))
        assert isinstance(response, dict)
        session.absorb(response)
    assert "couldn't set the timer" in plain(speech_of(response))
    assert standin.requests == []
