"""Hostile envelopes (review defects 2, 3, 4, 11, 12): never a 500, never a raise inside the SDK.

Each case runs through both entry points and with both serializers (the skill's own and the ASK
SDK's ``DefaultSerializer``), in a fresh thread at the interpreter's production recursion limit
(Hypothesis raises that limit inside its tests, which hid defect 2 from the fuzz).
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from flask.testing import FlaskClient
from werkzeug.serving import make_server

import lambda_function
from composition import build_skill
from kneeskill.settings import Settings
from stress import report
from tests.reliability.kit import deep, response_problem
from tests.support.envelopes import TEST_SKILL_ID, Session, speech_of
from tests.support.icing import ice_now, saying
from tests.support.scripts import emergency_opening, plain
from webapp.server import create_app

PRODUCTION_RECURSION_LIMIT = 1000  # CPython's default, what Lambda and gunicorn run with


def at_production_limit(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a new thread (a fresh, shallow stack) at the default recursion limit."""
    result: dict[str, Any] = {}
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(PRODUCTION_RECURSION_LIMIT)

    def run() -> None:
        try:
            result["value"] = work()
        except BaseException as error:  # handed back to the test thread
            result["error"] = error

    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    finally:
        sys.setrecursionlimit(previous)
    if "error" in result:
        raise result["error"]
    return result.get("value")


@pytest.fixture(params=["skill serializer", "sdk DefaultSerializer"])
def serializer_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    kind: str = request.param
    if kind == "sdk DefaultSerializer":
        monkeypatch.setattr(lambda_function._SKILL, "serializer", DefaultSerializer())
    return kind


def _client(kind: str, skill_id: str | None = TEST_SKILL_ID) -> FlaskClient:
    settings = Settings(skill_id=skill_id, verify_signatures=False)
    skill = build_skill(settings)
    if kind == "sdk DefaultSerializer":
        skill.serializer = DefaultSerializer()
    return create_app(settings, skill=skill).test_client()


def _lambda(envelope: dict[str, Any]) -> tuple[bool, Any]:
    event = json.loads(json.dumps(envelope))  # what the Lambda runtime hands over: fresh parsed JSON
    try:
        return True, lambda_function.lambda_handler(event, None)
    except Exception as error:
        return False, error


def _emergency_session_with(attributes: dict[str, Any]) -> tuple[Session, dict[str, Any]]:
    session = Session()
    session.new = False
    session.attributes = attributes
    return session, session.intent("AMAZON.HelpIntent")


@pytest.mark.parametrize("depth", [125, 200, 400])  # levels of {"d": [...]}: 250-800 containers
def test_deeply_nested_session_attributes_still_hear_the_guidance(serializer_kind: str, depth: int) -> None:
    """Defect 2: ~250 levels raised RecursionError in the SDK's deep copy (HTTP 500, Lambda raised)."""
    client = _client(serializer_kind)
    for attributes in (
        {"kh": {"v": 1, "emergency": "pe", "facts": deep(depth)}},
        {"kh": {"v": 1, "emergency": "dvt"}, "other": deep(depth)},
    ):
        _, envelope = _emergency_session_with(attributes)
        body = json.dumps(envelope)

        def both(envelope: dict[str, Any] = envelope, body: str = body) -> tuple[tuple[bool, Any], Any]:
            return _lambda(envelope), client.post("/", data=body, content_type="application/json")

        (answered, result), reply = at_production_limit(both)
        report.record("fuzz: deep nesting at the production recursion limit", {"cases": 2, "failures": 0})
        assert answered, f"lambda raised {type(result).__name__}"
        assert reply.status_code == 200, reply.get_data(as_text=True)[:200]
        for answer in (result, reply.get_json()):
            assert response_problem(envelope, answer) is None
            said = plain(speech_of(answer)).lower()
            assert any(said.startswith(o.lower()) for o in emergency_opening("en-US")), said[:120]


def test_deep_nesting_outside_the_attributes_is_refused_not_crashed(serializer_kind: str) -> None:
    client = _client(serializer_kind)
    session = Session()
    for place in ("slot", "payload", "context"):
        envelope = session.intent("AMAZON.HelpIntent")
        if place == "slot":
            envelope["request"]["intent"]["slots"] = {"x": {"name": "x", "value": "1", "extra": deep(400)}}
        elif place == "payload":
            envelope["request"].update({"type": "Connections.Response", "payload": deep(400)})
        else:
            envelope["context"]["Other"] = deep(400)
        body = json.dumps(envelope)

        def both(envelope: dict[str, Any] = envelope, body: str = body) -> tuple[tuple[bool, Any], Any]:
            return _lambda(envelope), client.post("/", data=body, content_type="application/json")

        (answered, _), reply = at_production_limit(both)
        assert not answered, place
        assert reply.status_code == 400, (place, reply.status_code)


EXTREME_TIMESTAMPS = (
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59.999999-00:01",
    "0001-01-01T00:00:00.000001+00:01",
)


@pytest.mark.parametrize("stamp", EXTREME_TIMESTAMPS)
def test_an_extreme_timestamp_offset_is_a_400_never_a_500(serializer_kind: str, stamp: str) -> None:
    """Defect 3: ``_as_utc`` overflowed converting these to UTC (HTTP 500)."""
    client = _client(serializer_kind)
    envelope = Session().launch()
    envelope["request"]["timestamp"] = stamp
    reply = client.post("/", data=json.dumps(envelope), content_type="application/json")
    assert reply.status_code == 400, reply.get_data(as_text=True)[:200]
    answered, _ = _lambda(envelope)
    assert not answered


def test_the_timestamp_verifier_refuses_an_out_of_range_offset_instead_of_raising() -> None:
    from datetime import datetime

    from webapp.verification import TimestampVerifier, VerificationException

    class Envelope:
        class request:
            timestamp = datetime.fromisoformat("9999-12-31T23:59:59-23:59")

    with pytest.raises(VerificationException):
        TimestampVerifier().verify({}, "", Envelope())


COLLISIONS: tuple[tuple[tuple[str, ...], Any], ...] = (
    (("session", "__dict__"), {}),
    (("context", "system"), None),
    (("context", "system"), {"application": {"applicationId": "x"}}),
    (("request", "object_type"), "LaunchRequest"),
    (("request", "request_id"), None),
    (("request", "to_dict"), 1),
    (("request", "attribute_map"), {}),
    (("session", "user", "user_id"), None),
    (("context", "System", "__class__"), "x"),
    (("context", "System", "device", "supported_interfaces"), None),
    (("request", "intent", "slots", "minutes", "__dict__"), {}),
    (("request", "intent", "deserialized_types"), {}),
)


@pytest.mark.parametrize("skill_id", [TEST_SKILL_ID, None], ids=["skill id set", "no skill id"])
@pytest.mark.parametrize(("path", "value"), COLLISIONS, ids=[".".join(p) for p, _ in COLLISIONS])
def test_keys_colliding_with_the_sdk_models_attributes_are_refused(
    serializer_kind: str, skill_id: str | None, path: tuple[str, ...], value: Any
) -> None:
    """Defect 4: the SDK ``setattr``s unknown keys onto model objects (HTTP 500, Lambda raised)."""
    client = _client(serializer_kind, skill_id)
    envelope = Session().intent("IcingIntent", minutes={"name": "minutes", "value": "10"})
    target: Any = envelope
    for key in path[:-1]:
        target = target[key]
    if not isinstance(target, dict):
        pytest.skip("not an object at this path")
    target[path[-1]] = value
    reply = client.post("/", data=json.dumps(envelope), content_type="application/json")
    assert reply.status_code == 400, reply.get_data(as_text=True)[:200]
    answered, error = _lambda(envelope)
    assert not answered and type(error).__name__ == "EnvelopeRefused", error


def test_harmless_extra_keys_are_still_answered(serializer_kind: str) -> None:
    """Alexa adds new fields over time: an unknown key that collides with nothing is no refusal."""
    client = _client(serializer_kind)
    envelope = Session().launch()
    envelope["request"]["shouldLinkResultBeReturned"] = False
    envelope["context"]["System"]["unit"] = {"unitId": "x"}
    envelope["context"]["Viewports"] = [{"type": "APL"}]
    reply = client.post("/", data=json.dumps(envelope), content_type="application/json")
    assert reply.status_code == 200
    answered, _ = _lambda(envelope)
    assert answered


@pytest.mark.parametrize("heard", ["²", "⑤", "¹⁰", "５", "٣", "१०"])
def test_non_ascii_digits_in_a_number_slot_are_unresolved_not_an_error(heard: str) -> None:
    """Defect 12: ``"⑤".isdigit()`` is true but ``int("⑤")`` raises: "something went wrong"."""
    session = Session()
    say = saying(lambda envelope: lambda_function.lambda_handler(envelope, None))
    said = ice_now(say, session, minutes={"name": "minutes", "value": heard})
    assert "went wrong" not in said and "sorry" not in said, said
    assert "minutes" in said


@pytest.fixture
def real_server() -> Iterator[tuple[str, int]]:
    app = create_app(Settings(skill_id=TEST_SKILL_ID, verify_signatures=False, max_body_bytes=128 * 1024))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _chunked_post(address: tuple[str, int], body: bytes, chunk: int = 8192) -> int:
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        for start in range(0, len(body), chunk):
            part = body[start : start + chunk]
            sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
        head = sock.recv(64)
    return int(head.split()[1])


def _padded(size: int) -> bytes:
    envelope = Session().launch()
    envelope["pad"] = ""
    base = len(json.dumps(envelope).encode())
    envelope["pad"] = "x" * (size - base)
    body = json.dumps(envelope).encode()
    assert len(body) == size
    return body


def test_a_chunked_body_over_the_cap_gets_413(real_server: tuple[str, int]) -> None:
    """Defect 11: a 211,072-byte chunked body was cut to 128 KiB and answered with 200."""
    cap = 128 * 1024
    assert _chunked_post(real_server, _padded(cap + 1)) == 413
    assert _chunked_post(real_server, _padded(cap + 80_000)) == 413
    assert _chunked_post(real_server, _padded(cap)) == 200
    assert _chunked_post(real_server, _padded(2_000)) == 200
