"""Every Alexa verification rule refuses its bad case with HTTP 400, through the real Flask app."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import requests
from conftest import AppFactory
from cryptography.x509.verification import Store
from webapp_testkit import (
    CHAIN_URL,
    NOW,
    SKILL_ID,
    CertAuthority,
    RecordingFetcher,
    error_of,
    launch_body,
    serve,
    sign,
    signed_headers,
)

from webapp.verification import VerificationException, validate_cert_chain_url


def test_a_correctly_signed_request_is_answered_with_200(make_app: AppFactory, ca: CertAuthority) -> None:
    body = launch_body()
    response = make_app().test_client().post("/", data=body, headers=signed_headers(body, ca.leaf.key))
    assert response.status_code == 200, response.get_json()
    assert "hello" in response.get_json()["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
        "HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert.pem",
    ],
)
def test_allowed_cert_chain_url_forms_are_accepted_end_to_end(
    make_app: AppFactory, ca: CertAuthority, url: str
) -> None:
    fetcher = RecordingFetcher(ca.chain())
    body = launch_body()
    response = (
        make_app(fetcher=fetcher)
        .test_client()
        .post("/", data=body, headers=signed_headers(body, ca.leaf.key, url=url))
    )
    assert response.status_code == 200
    assert fetcher.calls == ["https://s3.amazonaws.com/echo.api/echo-api-cert.pem"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "host"),
        ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "host"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path"),
        ("https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem", "path"),
        ("https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/echo-api-cert.pem", "path"),
        ("https://s3.amazonaws.com/echo.api/%2E%2E/%2E%2E/x.pem", "path"),
        ("https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem", "malformed"),
    ],
)
def test_cert_chain_urls_breaking_a_rule_get_400_and_are_never_fetched(
    make_app: AppFactory, ca: CertAuthority, url: str, reason: str
) -> None:
    fetcher = RecordingFetcher(ca.chain())
    body = launch_body()
    response = (
        make_app(fetcher=fetcher)
        .test_client()
        .post("/", data=body, headers=signed_headers(body, ca.leaf.key, url=url))
    )
    assert response.status_code == 400
    assert reason in error_of(response.get_json())
    assert fetcher.calls == []


def test_url_normalisation_resolves_dot_segments_before_the_prefix_check() -> None:
    assert validate_cert_chain_url("https://s3.amazonaws.com/echo.api/a/%2e%2e/b.pem") == (
        "https://s3.amazonaws.com/echo.api/b.pem"
    )
    with pytest.raises(VerificationException):
        validate_cert_chain_url("https://s3.amazonaws.com/echo.api%2f..%2fother/b.pem")


def test_a_tampered_body_gets_400(make_app: AppFactory, ca: CertAuthority) -> None:
    body = launch_body()
    headers = signed_headers(body, ca.leaf.key)
    tampered = body.replace(b"LaunchRequest", b"SessionEndedRequest")
    response = make_app().test_client().post("/", data=tampered, headers=headers)
    assert response.status_code == 400
    assert "signature does not match" in error_of(response.get_json())


def test_a_signature_made_for_another_body_gets_400(make_app: AppFactory, ca: CertAuthority) -> None:
    body = launch_body()
    headers = signed_headers(body, ca.leaf.key)
    headers["Signature-256"] = sign(launch_body(timestamp=NOW - timedelta(seconds=1)), ca.leaf.key)
    assert make_app().test_client().post("/", data=body, headers=headers).status_code == 400


@pytest.mark.parametrize("garbage", ["not base64!!", base64.b64encode(b"\x00" * 256).decode(), "===="])
def test_a_garbage_signature_gets_400(make_app: AppFactory, ca: CertAuthority, garbage: str) -> None:
    body = launch_body()
    headers = signed_headers(body, ca.leaf.key)
    headers["Signature-256"] = garbage
    response = make_app().test_client().post("/", data=body, headers=headers)
    assert response.status_code == 400
    assert "signature" in error_of(response.get_json())


def test_a_signature_by_a_key_that_is_not_the_certificates_gets_400(
    make_app: AppFactory, ca: CertAuthority
) -> None:
    body = launch_body()
    response = make_app().test_client().post("/", data=body, headers=signed_headers(body, ca.root.key))
    assert response.status_code == 400


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_a_missing_signature_header_gets_400(make_app: AppFactory, ca: CertAuthority, missing: str) -> None:
    body = launch_body()
    headers = signed_headers(body, ca.leaf.key)
    del headers[missing]
    response = make_app().test_client().post("/", data=body, headers=headers)
    assert response.status_code == 400
    assert f"missing {missing}" in error_of(response.get_json())


def test_signature_header_names_are_case_insensitive(make_app: AppFactory, ca: CertAuthority) -> None:
    body = launch_body()
    headers = {
        k.lower() if k != "Content-Type" else k: v for k, v in signed_headers(body, ca.leaf.key).items()
    }
    assert make_app().test_client().post("/", data=body, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("chain", "reason"),
    [
        ("expired", "not valid at validation time"),
        ("wrong_san", "no matching subjectAltName"),
        ("untrusted", "not trusted"),
        ("no_intermediate", "not trusted"),
        ("not_pem", "not PEM"),
        ("unavailable", "unavailable"),
    ],
)
def test_a_bad_certificate_chain_gets_400(
    make_app: AppFactory, ca: CertAuthority, chain: str, reason: str
) -> None:
    pem: bytes | None = {
        "expired": ca.chain(ca.expired_leaf),
        "wrong_san": ca.chain(ca.wrong_san_leaf),
        "untrusted": ca.untrusted_chain,
        "no_intermediate": ca.chain(with_intermediate=False),
        "not_pem": b"hello",
        "unavailable": None,
    }[chain]
    body = launch_body()
    response = (
        make_app(fetcher=RecordingFetcher(pem))
        .test_client()
        .post("/", data=body, headers=signed_headers(body, ca.leaf.key))
    )
    assert response.status_code == 400
    assert reason in error_of(response.get_json())


def test_the_test_chain_is_refused_by_the_default_certifi_trust_store(ca: CertAuthority) -> None:
    from webapp.verification import SignatureVerifier

    body = launch_body()
    verifier = SignatureVerifier(fetcher=RecordingFetcher(ca.chain()), now=lambda: NOW)
    with pytest.raises(VerificationException, match="not trusted"):
        verifier.verify(signed_headers(body, ca.leaf.key), body.decode(), None)


def test_the_chain_is_fetched_once_and_then_served_from_the_cache(
    make_app: AppFactory, ca: CertAuthority
) -> None:
    fetcher = RecordingFetcher(ca.chain())
    client = make_app(fetcher=fetcher).test_client()
    for _ in range(3):
        body = launch_body()
        assert client.post("/", data=body, headers=signed_headers(body, ca.leaf.key)).status_code == 200
    assert len(fetcher.calls) == 1


def test_a_cached_chain_is_fetched_again_once_it_has_expired(ca: CertAuthority) -> None:
    from webapp.verification import SignatureVerifier

    clock = [NOW]
    fetcher = RecordingFetcher(ca.chain())
    verifier = SignatureVerifier(fetcher=fetcher, trust_store=ca.store, now=lambda: clock[0])
    body = launch_body()
    verifier.verify(signed_headers(body, ca.leaf.key), body.decode(), None)
    clock[0] = ca.leaf.cert.not_valid_after_utc + timedelta(seconds=1)
    with pytest.raises(VerificationException, match="not valid at validation time"):
        verifier.verify(signed_headers(body, ca.leaf.key), body.decode(), None)
    assert len(fetcher.calls) == 2


@pytest.mark.parametrize("offset", [timedelta(seconds=151), timedelta(hours=2), -timedelta(seconds=151)])
def test_a_stale_or_future_timestamp_gets_400(
    make_app: AppFactory, ca: CertAuthority, offset: timedelta
) -> None:
    body = launch_body(timestamp=NOW - offset)
    response = make_app().test_client().post("/", data=body, headers=signed_headers(body, ca.leaf.key))
    assert response.status_code == 400
    assert "timestamp" in error_of(response.get_json())


def test_a_timestamp_149_seconds_old_is_accepted(make_app: AppFactory, ca: CertAuthority) -> None:
    body = launch_body(timestamp=NOW - timedelta(seconds=149))
    assert (
        make_app().test_client().post("/", data=body, headers=signed_headers(body, ca.leaf.key)).status_code
        == 200
    )


def test_the_timestamp_is_checked_even_with_signature_verification_off(make_app: AppFactory) -> None:
    body = launch_body(timestamp=NOW - timedelta(minutes=10))
    response = make_app(verify=False).test_client().post("/", data=body, content_type="application/json")
    assert response.status_code == 400


def test_a_request_for_another_skill_gets_400_not_500(make_app: AppFactory, ca: CertAuthority) -> None:
    body = launch_body(skill_id="amzn1.ask.skill.someone-else")
    response = make_app().test_client().post("/", data=body, headers=signed_headers(body, ca.leaf.key))
    assert response.status_code == 400
    assert "another skill" in error_of(response.get_json())


def test_without_a_configured_skill_id_any_application_id_is_accepted(
    make_app: AppFactory, ca: CertAuthority
) -> None:
    body = launch_body(skill_id="amzn1.ask.skill.anything")
    client = make_app(skill_id=None).test_client()
    assert client.post("/", data=body, headers=signed_headers(body, ca.leaf.key)).status_code == 200


def test_without_signature_verification_an_unsigned_request_is_served(make_app: AppFactory) -> None:
    body = launch_body()
    response = make_app(verify=False).test_client().post("/", data=body, content_type="application/json")
    assert response.status_code == 200


# ----------------------------------------------------------------------------- real HTTP


def test_over_real_http_a_signed_request_gets_200_and_each_broken_rule_gets_400(
    make_app: AppFactory, ca: CertAuthority
) -> None:
    app = make_app()
    good = launch_body()
    stale = launch_body(timestamp=NOW - timedelta(seconds=400))
    other_skill = launch_body(skill_id="amzn1.ask.skill.other")
    cases: list[tuple[str, bytes, dict[str, str], int]] = [
        ("valid", good, signed_headers(good, ca.leaf.key), 200),
        ("tampered", good + b" ", signed_headers(good, ca.leaf.key), 400),
        ("http url", good, signed_headers(good, ca.leaf.key, url=CHAIN_URL.replace("https", "http")), 400),
        (
            "dot-dot url",
            good,
            signed_headers(good, ca.leaf.key, url=CHAIN_URL.replace("echo.api/", "echo.api/../x/")),
            400,
        ),
        ("stale", stale, signed_headers(stale, ca.leaf.key), 400),
        ("other skill", other_skill, signed_headers(other_skill, ca.leaf.key), 400),
        ("unsigned", good, {"Content-Type": "application/json"}, 400),
    ]
    with serve(app) as base:
        for name, body, headers, status in cases:
            response = requests.post(base + "/", data=body, headers=headers, timeout=10)
            assert response.status_code == status, name
            assert response.headers["Content-Type"].startswith("application/json"), name
            if status == 400:
                assert response.json()["error"], name


def test_over_real_http_an_untrusted_chain_gets_400(make_app: AppFactory, ca: CertAuthority) -> None:
    body = launch_body()
    app = make_app(store=Store([ca.foreign_intermediate.cert]))
    with serve(app) as base:
        response = requests.post(base + "/", data=body, headers=signed_headers(body, ca.leaf.key), timeout=10)
    assert response.status_code == 400
    assert SKILL_ID not in response.text
