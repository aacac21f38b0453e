"""alexa_services against the real stand-in over loopback HTTP through LoopbackAwareApiClient."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.connections.connections_response import ConnectionsResponse
from ask_sdk_model.services.api_configuration import ApiConfiguration
from ask_sdk_model.services.service_client_factory import ServiceClientFactory

from alexa_standin import StandIn
from kneeskill.alexa_services import (
    REMINDER_SCOPE,
    TIMER_SCOPE,
    PermissionAnswer,
    ServiceOutcome,
    get_time_zone,
    parse_permission_response,
    reminder_permission_scope,
    schedule_reminder,
    start_ice_timer,
    timer_permission_request_directive,
)
from kneeskill.api_client import LoopbackAwareApiClient

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def make_factory(endpoint: str, timeout: float = 2.5, token: str = "token") -> Any:
    config = ApiConfiguration(
        serializer=DefaultSerializer(),
        api_client=LoopbackAwareApiClient(True, timeout=timeout),
        authorization_value=token,
        api_endpoint=endpoint,
    )
    return ServiceClientFactory(config)


@pytest.fixture(scope="module")
def server() -> Iterator[StandIn]:
    with StandIn.start() as standin:
        yield standin


@pytest.fixture
def standin(server: StandIn) -> StandIn:
    server.reset()
    return server


@pytest.mark.parametrize(("minutes", "duration"), [(20, "PT20M"), (15, "PT15M")])
def test_timer_created_with_announce_body(standin: StandIn, minutes: int, duration: str) -> None:
    result = start_ice_timer(
        make_factory(standin.url), minutes=minutes, locale="en-GB", announce_text="Time to take the ice off."
    )
    assert result.outcome is ServiceOutcome.OK
    assert result.timer_id
    [request] = standin.requests
    assert (request.method, request.path) == ("POST", "/v1/alerts/timers")
    assert request.bearer_token_present is True
    assert all(k.lower() != "authorization" for k in request.headers)
    assert request.body == {
        "duration": duration,
        "timerLabel": "ice",
        "creationBehavior": {"displayExperience": {"visibility": "VISIBLE"}},
        "triggeringBehavior": {
            "operation": {
                "type": "ANNOUNCE",
                "textToAnnounce": [{"locale": "en-GB", "text": "Time to take the ice off."}],
            },
            "notificationConfig": {"playAudible": True},
        },
    }
    assert standin.describe() == [f"Timer 'ice' for {minutes} minutes, announces: Time to take the ice off."]


@pytest.mark.parametrize("status", [401, 403])
def test_permission_errors(standin: StandIn, status: int) -> None:
    standin.script("/v1/alerts/timers", status=status)
    result = start_ice_timer(make_factory(standin.url), minutes=20, locale="en-US", announce_text="x")
    assert result.outcome is ServiceOutcome.NO_PERMISSION
    assert result.timer_id is None


def test_device_offline(standin: StandIn) -> None:
    standin.script("/v1/alerts/timers", status=504)
    result = start_ice_timer(make_factory(standin.url), minutes=20, locale="en-US", announce_text="x")
    assert result.outcome is ServiceOutcome.DEVICE_OFFLINE
    assert standin.describe()[0].endswith("failed with HTTP 504")


@pytest.mark.parametrize("status", [429, 500])
def test_other_errors_are_failed(standin: StandIn, status: int) -> None:
    standin.script("/v1/alerts/timers", status=status)
    result = start_ice_timer(make_factory(standin.url), minutes=20, locale="en-US", announce_text="x")
    assert result.outcome is ServiceOutcome.FAILED


def test_slow_service_is_timeout(standin: StandIn) -> None:
    standin.script("/v1/alerts/timers", delay=1.5)
    started = time.monotonic()
    result = start_ice_timer(
        make_factory(standin.url, timeout=0.4), minutes=20, locale="en-US", announce_text="x"
    )
    assert result.outcome is ServiceOutcome.TIMEOUT
    assert time.monotonic() - started < 1.4


def test_nothing_listening_is_failed_not_raised() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = start_ice_timer(
        make_factory(f"http://127.0.0.1:{port}"), minutes=20, locale="en-US", announce_text="x"
    )
    assert result.outcome is ServiceOutcome.FAILED


def test_invalid_minutes_fail_without_a_call(standin: StandIn) -> None:
    assert start_ice_timer(
        make_factory(standin.url), minutes=0, locale="en-US", announce_text="x"
    ).outcome is (ServiceOutcome.FAILED)
    assert standin.requests == []


def test_reminder_absolute_in_user_time_zone(standin: StandIn) -> None:
    result = schedule_reminder(
        make_factory(standin.url),
        at=NOW + timedelta(hours=2),
        time_zone="Europe/Berlin",
        locale="de-DE",
        text="Zeit für das Kühlen.",
        now=NOW,
    )
    assert result.outcome is ServiceOutcome.OK
    assert result.alert_token
    [request] = standin.requests
    assert (request.method, request.path) == ("POST", "/v1/alerts/reminders")
    assert request.body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2026-11-24T17:00:00",  # 16:00 UTC is 17:00 in Berlin in November
        "timeZoneId": "Europe/Berlin",
    }
    assert request.body["alertInfo"] == {
        "spokenInfo": {"content": [{"locale": "de-DE", "text": "Zeit für das Kühlen."}]}
    }
    assert request.body["pushNotification"] == {"status": "ENABLED"}
    assert request.body["requestTime"] == "2026-11-24T14:00:00"
    assert standin.describe() == [
        "Reminder at 2026-11-24T17:00:00 (Europe/Berlin), says: Zeit für das Kühlen."
    ]


def test_reminder_without_time_zone_is_relative(standin: StandIn) -> None:
    result = schedule_reminder(
        make_factory(standin.url),
        at=NOW + timedelta(minutes=45),
        time_zone=None,
        locale="en-US",
        text="Ice again?",
        now=NOW,
    )
    assert result.outcome is ServiceOutcome.OK
    assert standin.requests[0].body["trigger"] == {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 2700}
    assert standin.describe() == ["Reminder in 45 minutes, says: Ice again?"]


def test_reminder_forbidden(standin: StandIn) -> None:
    standin.script("/v1/alerts/reminders", status=403)
    result = schedule_reminder(
        make_factory(standin.url),
        at=NOW + timedelta(hours=1),
        time_zone="America/New_York",
        locale="en-US",
        text="x",
        now=NOW,
    )
    assert result.outcome is ServiceOutcome.NO_PERMISSION


def test_time_zone_lookup(standin: StandIn) -> None:
    standin.time_zone = "Australia/Sydney"
    assert get_time_zone(make_factory(standin.url), "amzn1.ask.device.ABC") == "Australia/Sydney"
    assert standin.requests[0].path == "/v2/devices/amzn1.ask.device.ABC/settings/System.timeZone"
    assert standin.describe() == ["Looked up the device's time zone"]


@pytest.mark.parametrize("status", [401, 403, 429, 500, 204])
def test_time_zone_failures_are_none(standin: StandIn, status: int) -> None:
    standin.script("/v2/devices/", status=status)
    assert get_time_zone(make_factory(standin.url), "device") is None


def test_time_zone_timeout_is_none(standin: StandIn) -> None:
    standin.script("/v2/devices/", delay=1.0)
    assert get_time_zone(make_factory(standin.url, timeout=0.3), "device") is None


def test_missing_token_is_no_permission(standin: StandIn) -> None:
    result = start_ice_timer(
        make_factory(standin.url, token=""), minutes=20, locale="en-US", announce_text="x"
    )
    assert result.outcome is ServiceOutcome.NO_PERMISSION


def test_timer_permission_directive_shape() -> None:
    directive = timer_permission_request_directive("ice-timer")
    assert DefaultSerializer().serialize(directive) == {
        "type": "Connections.SendRequest",
        "name": "AskFor",
        "payload": {
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": TIMER_SCOPE, "consentLevel": "ACCOUNT"}],
        },
        "token": "ice-timer",
    }
    assert TIMER_SCOPE == "alexa::alerts:timers:skill:readwrite"
    assert reminder_permission_scope() == REMINDER_SCOPE == "alexa::alerts:reminders:skill:readwrite"


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        ("ACCEPTED", PermissionAnswer.ACCEPTED),
        ("DENIED", PermissionAnswer.DENIED),
        ("NOT_ANSWERED", PermissionAnswer.NOT_ANSWERED),
        ("something new", PermissionAnswer.NOT_ANSWERED),
        (None, PermissionAnswer.NOT_ANSWERED),
    ],
)
def test_parse_permission_response(status: str | None, answer: PermissionAnswer) -> None:
    payload = {} if status is None else {"status": status}
    envelope_request = {
        "type": "Connections.Response",
        "requestId": "r",
        "timestamp": "2026-11-24T14:00:00Z",
        "locale": "en-US",
        "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "payload": payload,
        "token": "ice-timer",
    }
    from ask_sdk_model.request import Request

    request = DefaultSerializer().deserialize(__import__("json").dumps(envelope_request), Request)
    assert isinstance(request, ConnectionsResponse)
    assert parse_permission_response(request) is answer


def test_parse_permission_response_ignores_other_requests() -> None:
    assert parse_permission_response(IntentRequest(request_id="r")) is None
    assert parse_permission_response(ConnectionsResponse(name="Buy", payload={"status": "ACCEPTED"})) is None


def _non_loopback_address() -> str:
    """This machine's own non-loopback address (so a leak would be seen), else a TEST-NET one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            address = str(probe.getsockname()[0])
            if not address.startswith("127."):
                return address
    except OSError:
        pass
    return "192.0.2.1"


#: Found at import, outside the suite's loopback-only network guard (tests/conftest.py).
OWN_ADDRESS = _non_loopback_address()


# The guard would block a leak too; this test lets its own address through, so a leak is seen.
@pytest.mark.allow_hosts(["127.0.0.0/8", "::1", OWN_ADDRESS])
def test_client_refuses_plain_http_to_non_loopback_without_sending() -> None:
    received: list[bytes] = []
    listener = socket.socket()
    listener.bind(("0.0.0.0", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    address = OWN_ADDRESS

    def accept() -> None:
        try:
            conn, _ = listener.accept()
            received.append(conn.recv(100))
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    result = start_ice_timer(
        make_factory(f"http://{address}:{port}"), minutes=20, locale="en-US", announce_text="x"
    )
    thread.join()
    listener.close()
    assert result.outcome is ServiceOutcome.FAILED
    assert received == []


def test_a_timer_is_read_back_and_cancelled_and_announces_when_its_time_comes(standin: StandIn) -> None:
    from kneeskill.alexa_services import cancel_timer, read_timer

    factory = make_factory(standin.url)
    skin = start_ice_timer(factory, minutes=5, locale="en-AU", announce_text="Check your skin.", label="skin")
    ice = start_ice_timer(factory, minutes=20, locale="en-AU", announce_text="Ice off.", label="ice")
    now = datetime.now(UTC)
    assert 19 * 60 < (read_timer(factory, ice.timer_id, now).remaining_seconds or 0) <= 20 * 60
    assert [t.label for t in standin.timers] == ["skin", "ice"]
    [announced] = standin.advance(5)
    assert (announced.text, announced.locale) == ("Check your skin.", "en-AU")
    assert read_timer(factory, skin.timer_id, now).remaining_seconds is None  # gone off: no such timer
    assert 14 * 60 < (read_timer(factory, None, now).remaining_seconds or 0) <= 15 * 60
    assert cancel_timer(factory, ice.timer_id) is ServiceOutcome.OK
    assert cancel_timer(factory, ice.timer_id) is ServiceOutcome.OK  # already gone: nothing to cancel
    assert standin.timers == [] and read_timer(factory, None, now).remaining_seconds is None
    assert [r.method for r in standin.requests].count("DELETE") == 2


def test_without_the_timers_permission_creating_a_timer_is_refused_until_granted(standin: StandIn) -> None:
    factory = make_factory(standin.url)
    standin.require_permission()
    result = start_ice_timer(factory, minutes=20, locale="en-US", announce_text="Ice off.")
    assert result.outcome is ServiceOutcome.NO_PERMISSION and standin.timers == []
    standin.grant_permission()
    assert (
        start_ice_timer(factory, minutes=20, locale="en-US", announce_text="x").outcome is ServiceOutcome.OK
    )


@pytest.mark.parametrize(("status", "delay", "expected"), [(503, 0.0, "failed"), (None, 2.0, "timeout")])
def test_a_slow_or_failing_timer_read_reports_it(
    standin: StandIn, status: int | None, delay: float, expected: str
) -> None:
    from kneeskill.alexa_services import read_timer

    standin.script("/v1/alerts/timers", status=status, delay=delay, method="GET")
    read = read_timer(make_factory(standin.url, timeout=0.5), None, datetime.now(UTC))
    assert read.outcome.value == expected and read.remaining_seconds is None


def test_a_request_that_arrives_before_a_reset_and_ends_after_it_changes_nothing_after_it(
    standin: StandIn,
) -> None:
    # A client that gave up on a slow timer POST must not leave the timer, or the request, in the
    # next test's stand-in (the stand-in answers from the state the request arrived in).
    standin.script("/v1/alerts/timers", delay=2.0, times=1)
    late = threading.Thread(
        target=start_ice_timer,
        args=(make_factory(standin.url, timeout=5.0),),
        kwargs={"minutes": 20, "locale": "en-US", "announce_text": "x"},
    )
    late.start()
    time.sleep(0.8)  # the POST has arrived and waits in its delay
    standin.reset()
    late.join()
    assert standin.timers == [] and standin.requests == []
