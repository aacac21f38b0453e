"""Bad HTTP input gets a clear 4xx JSON reason: never a 500, never a traceback."""

from __future__ import annotations

import json
import logging

import pytest
import requests
from conftest import AppFactory
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webapp_testkit import CertAuthority, error_of, launch_body, serve, signed_headers


@pytest.fixture
def client(make_app: AppFactory) -> FlaskClient:
    return make_app().test_client()


def _assert_clean_error(status: int, body: bytes, expected: int) -> str:
    assert status == expected
    text = body.decode()
    assert "Traceback" not in text
    assert 'File "' not in text
    reason = error_of(json.loads(text))
    assert 0 < len(reason) < 200
    return reason


def _without(field_path: str) -> bytes:
    envelope = json.loads(launch_body())
    *parents, last = field_path.split(".")
    node = envelope
    for key in parents:
        node = node[key]
    del node[last]
    return json.dumps(envelope).encode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json at all", "not UTF-8 JSON"),
        (b"\xff\xfe{}", "not UTF-8 JSON"),
        (b"", "not UTF-8 JSON"),
        (b"[1, 2, 3]", "JSON object"),
        (b'"just a string"', "JSON object"),
        (b"[" * 100_000, "not UTF-8 JSON"),
        (_without("version"), "version"),
        (_without("context"), "context.System.application.applicationId"),
        (_without("context.System.application.applicationId"), "applicationId"),
        (_without("request"), "request.type"),
        (_without("request.type"), "request.type"),
        (_without("request.requestId"), "request.requestId"),
        (_without("request.timestamp"), "request.timestamp"),
        (
            launch_body(request={"type": "LaunchRequest", "requestId": "r", "timestamp": "yesterday"}),
            "ISO 8601",
        ),
        (
            launch_body(
                request={"type": "NoSuchRequest", "requestId": "r", "timestamp": "2026-11-24T12:00:00Z"}
            ),
            "format",
        ),
        (launch_body(session="not an object"), "format"),
    ],
)
def test_a_malformed_body_gets_400_with_a_reason(client: FlaskClient, body: bytes, reason: str) -> None:
    response = client.post("/", data=body, content_type="application/json")
    assert reason in _assert_clean_error(response.status_code, response.data, 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_wrong_content_type_gets_415(client: FlaskClient, content_type: str | None) -> None:
    response = client.post("/", data=launch_body(), content_type=content_type)
    _assert_clean_error(response.status_code, response.data, 415)


def test_json_with_a_charset_parameter_is_accepted_as_json(make_app: AppFactory) -> None:
    body = launch_body()
    response = (
        make_app(verify=False)
        .test_client()
        .post("/", data=body, content_type="application/json; charset=utf-8")
    )
    assert response.status_code == 200


def test_a_body_over_the_cap_gets_413(make_app: AppFactory) -> None:
    client = make_app(max_body_bytes=1024).test_client()
    response = client.post("/", data=b"{" + b" " * 2048 + b"}", content_type="application/json")
    _assert_clean_error(response.status_code, response.data, 413)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_on_the_endpoint_get_405_with_an_allow_header(client: FlaskClient, method: str) -> None:
    response = client.open("/", method=method)
    _assert_clean_error(response.status_code, response.data, 405)
    assert response.headers["Allow"] == "POST"


def test_an_unknown_path_gets_404(client: FlaskClient) -> None:
    response = client.get("/nope")
    _assert_clean_error(response.status_code, response.data, 404)


def test_the_health_check_answers_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_an_unexpected_error_gets_a_generic_500_and_the_log_holds_no_body(
    make_app: AppFactory, ca: CertAuthority, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    user_id = "amzn1.ask.account." + "TESTUSER"

    def explode() -> str:
        raise RuntimeError(f"failed for {user_id}")

    app.add_url_rule("/explode", "explode", explode)
    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get("/explode")
    assert _assert_clean_error(response.status_code, response.data, 500) == "internal server error"
    assert "TESTUSER" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_verification_failures_log_no_body_and_no_user_id(
    make_app: AppFactory, ca: CertAuthority, caplog: pytest.LogCaptureFixture
) -> None:
    body = launch_body()
    with caplog.at_level(logging.DEBUG):
        client = make_app().test_client()
        client.post("/", data=body + b" ", headers=signed_headers(body, ca.leaf.key))
        client.post(
            "/",
            data=launch_body(request={"type": "X", "requestId": "r", "timestamp": "2026-11-24T12:00:00Z"}),
            content_type="application/json",
        )
    assert caplog.text
    assert "TESTUSER" not in caplog.text
    assert "LaunchRequest" not in caplog.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "version",
                        "context",
                        "System",
                        "application",
                        "applicationId",
                        "request",
                        "type",
                        "requestId",
                        "timestamp",
                        "session",
                        "intent",
                        "locale",
                    ]
                ),
                inner,
                max_size=6,
            )
        ),
        max_leaves=20,
    )
)
def test_no_json_payload_ever_gets_a_500(client: FlaskClient, payload: object) -> None:
    response = client.post("/", data=json.dumps(payload), content_type="application/json")
    assert 400 <= response.status_code < 500


def test_over_real_http_bad_input_gets_4xx_json(make_app: AppFactory) -> None:
    with serve(make_app(max_body_bytes=1024)) as base:
        cases = [
            requests.post(base + "/", data=b"nope", headers={"Content-Type": "application/json"}, timeout=10),
            requests.post(base + "/", data=b"[]", headers={"Content-Type": "application/json"}, timeout=10),
            requests.post(base + "/", data=launch_body(), headers={"Content-Type": "text/plain"}, timeout=10),
            requests.get(base + "/", timeout=10),
            requests.delete(base + "/", timeout=10),
        ]
        assert [r.status_code for r in cases] == [400, 400, 415, 405, 405]
        for response in cases:
            assert response.json()["error"]
            assert "Traceback" not in response.text
