"""FastSerializer gives exactly what the SDK's DefaultSerializer gives: requests, API answers, responses."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from ask_sdk_model.services.timer_management import TimerResponse
from ask_sdk_model.services.ups import PhoneNumber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lambda_function
from kneeskill.serializer import FastSerializer
from tests.reliability.kit import envelopes
from tests.support.envelopes import Session

SDK = DefaultSerializer()
FAST = FastSerializer()


def _outcome(serializer: DefaultSerializer, payload: str, kind: Any) -> tuple[str, Any]:
    try:
        return "ok", SDK.serialize(serializer.deserialize(payload, kind))
    except SerializationException:
        return "error", None


def _requests() -> list[dict[str, Any]]:
    session = Session()
    return [
        session.launch(),
        session.intent("KneePainIntent"),
        session.intent("ExplainCauseIntent", cause="bakers_cyst"),
        session.intent("AgeIntent", age={"name": "age", "value": "61"}),
        session.intent("AMAZON.HelpIntent"),
        session.session_ended("ERROR"),
        session.envelope(
            {
                "type": "Connections.Response",
                "name": "AskFor",
                "status": {"code": "200", "message": "OK"},
                "token": "ice-timer",
                "payload": {"status": "ACCEPTED", "permissionScope": "alexa::alerts:timers:skill:readwrite"},
            }
        ),
    ]


@pytest.mark.parametrize("request_json", _requests(), ids=lambda r: r["request"]["type"])
def test_every_kind_of_request_decodes_to_the_same_model(request_json: dict[str, Any]) -> None:
    payload = json.dumps(request_json)
    fast = FAST.deserialize(payload, RequestEnvelope)
    assert fast == SDK.deserialize(payload, RequestEnvelope)
    assert FAST.decode(json.loads(payload), RequestEnvelope) == fast
    assert SDK.serialize(fast) == SDK.serialize(SDK.deserialize(payload, RequestEnvelope))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(envelope=envelopes())
def test_hostile_envelopes_decode_the_same_or_fail_the_same(envelope: dict[str, Any]) -> None:
    payload = json.dumps(envelope)
    assert _outcome(FAST, payload, RequestEnvelope) == _outcome(SDK, payload, RequestEnvelope)


def test_a_timers_api_answer_decodes_to_the_same_model() -> None:
    answer = {
        "id": "a9a7f0d3",
        "status": "ON",
        "duration": "PT20M",
        "triggerTime": "2026-11-24T18:00:00.123Z",
        "timerLabel": "ice",
        "createdTime": "2026-11-24T17:40:00Z",
        "updatedTime": "2026-11-24T17:40:00+00:00",
        "remainingTimeWhenPaused": None,
    }
    payload = json.dumps(answer)
    fast = FAST.deserialize(payload, "ask_sdk_model.services.timer_management.timer_response.TimerResponse")
    assert isinstance(fast, TimerResponse)
    assert fast == SDK.deserialize(payload, TimerResponse)
    assert fast.trigger_time == datetime(2026, 11, 24, 18, 0, 0, 123000, tzinfo=UTC)


def test_lists_and_dicts_of_models_decode_the_same() -> None:
    phones = json.dumps([{"countryCode": "+44", "phoneNumber": "1234"}, None])
    kind = "list[ask_sdk_model.services.ups.phone_number.PhoneNumber]"
    assert FAST.deserialize(phones, kind) == SDK.deserialize(phones, kind)
    assert isinstance(FAST.deserialize(phones, kind)[0], PhoneNumber)
    table = json.dumps({"a": {"countryCode": "+1"}, "b": None})
    kind = "dict(str, ask_sdk_model.services.ups.phone_number.PhoneNumber)"
    assert FAST.deserialize(table, kind) == SDK.deserialize(table, kind)


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ("{not json", RequestEnvelope),
        (json.dumps({"request": {"type": "IntentRequest", "dialogState": "NOT_A_STATE"}}), RequestEnvelope),
        (json.dumps({"request": {"type": "LaunchRequest", "timestamp": "not a time"}}), RequestEnvelope),
        (json.dumps({"request": {"type": "LaunchRequest", "timestamp": 12}}), RequestEnvelope),
        (json.dumps("x"), "int"),
        (json.dumps({"a": 1}), "ask_sdk_model.no_such_module.Thing"),
    ],
    ids=["malformed-json", "bad-enum", "bad-timestamp", "number-timestamp", "bad-int", "unknown-class"],
)
def test_bad_input_fails_with_the_sdks_exception(payload: str, kind: Any) -> None:
    with pytest.raises(SerializationException):
        SDK.deserialize(payload, kind)
    with pytest.raises(SerializationException):
        FAST.deserialize(payload, kind)


offsets = st.sampled_from(("Z", "+00:00", "-05:00", "+05:30", "+14:00", ""))
fractions = st.sampled_from(("", ".1", ".123", ".123456"))


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)),
    fraction=fractions,
    offset=offsets,
    separator=st.sampled_from(("T", " ")),
)
def test_iso_timestamps_read_as_the_sdk_reads_them(
    moment: datetime, fraction: str, offset: str, separator: str
) -> None:
    text = moment.strftime(f"%Y-%m-%d{separator}%H:%M:%S") + fraction + offset
    kind = "datetime"
    fast, sdk = FAST.deserialize(json.dumps(text), kind), SDK.deserialize(json.dumps(text), kind)
    assert fast == sdk
    assert fast.utcoffset() == sdk.utcoffset()
    assert FAST.deserialize(json.dumps(text), "date") == SDK.deserialize(json.dumps(text), "date")


def test_timestamps_in_other_formats_still_go_through_dateutil() -> None:
    for text in ("24 Nov 2026 17:40", "2026-11-24T17:40:00.1234567Z", "November 24, 2026"):
        assert FAST.deserialize(json.dumps(text), datetime) == SDK.deserialize(json.dumps(text), datetime)


def test_responses_serialize_to_the_same_json() -> None:
    from kneeskill.factory import build_skill
    from kneeskill.settings import Settings

    skill = build_skill(Settings(skill_id=None))
    for request_json in _requests():
        envelope = FAST.decode(request_json, RequestEnvelope)
        response = skill.invoke(request_envelope=envelope, context=None)
        assert isinstance(response, ResponseEnvelope)
        assert FAST.serialize(response) == SDK.serialize(response)
    assert FAST.serialize(
        {"when": datetime(2026, 1, 2, tzinfo=timezone(timedelta(hours=1))), "day": date(2026, 1, 2)}
    ) == SDK.serialize(
        {"when": datetime(2026, 1, 2, tzinfo=timezone(timedelta(hours=1))), "day": date(2026, 1, 2)}
    )


def test_the_lambda_entry_point_leaves_the_event_it_was_given_untouched() -> None:
    session = Session()
    session.attributes = {"kh": json.dumps({"v": 1, "mode": "interview", "question": "breathing"})}
    session.new = False
    for event in (*_requests(), session.intent("AMAZON.NoIntent")):
        before = copy.deepcopy(event)
        lambda_function.lambda_handler(event, None)
        assert event == before


def test_the_skill_uses_the_fast_serializer() -> None:
    assert isinstance(lambda_function._SKILL.serializer, FastSerializer)
