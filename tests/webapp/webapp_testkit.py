"""Test CA, signed Alexa requests and a loopback server for the webapp tests (all real crypto)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import Store
from flask import Flask
from werkzeug.serving import make_server

from tests.support.loopback import serving
from webapp.verification import ChainFetchError

REPO = Path(__file__).resolve().parents[2]
AMAZON_CHAIN = REPO / ".." / "shared" / "fixtures" / "amazon-echo-api-chain-2026.pem"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001"
CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"


def fixed_clock(moment: datetime = NOW) -> Callable[[], datetime]:
    return lambda: moment


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _issue(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: Issued | None,
    *,
    ca: bool,
    san: str | None = None,
    not_before: datetime = NOW - timedelta(days=30),
    not_after: datetime = NOW + timedelta(days=150),
) -> Issued:
    signer_key = issuer.key if issuer else key
    issuer_name = issuer.cert.subject if issuer else _name(subject)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), critical=False
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=not ca,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        ).add_extension(x509.SubjectAlternativeName([x509.DNSName(san or "")]), critical=False)
    return Issued(builder.sign(signer_key, hashes.SHA256()), key)


@dataclass(frozen=True)
class CertAuthority:
    """root -> intermediate -> leaf (echo-api.amazon.com), plus broken variants."""

    root: Issued
    intermediate: Issued
    leaf: Issued
    expired_leaf: Issued
    wrong_san_leaf: Issued
    foreign_intermediate: Issued
    foreign_leaf: Issued

    @property
    def store(self) -> Store:
        return Store([self.root.cert])

    def chain(self, leaf: Issued | None = None, *, with_intermediate: bool = True) -> bytes:
        leaf = leaf or self.leaf
        return leaf.pem + (self.intermediate.pem if with_intermediate else b"")

    @property
    def untrusted_chain(self) -> bytes:
        return self.foreign_leaf.pem + self.foreign_intermediate.pem


def make_test_ca() -> CertAuthority:
    root_key, inter_key = _key(), _key()
    root = _issue("Knee Test Root", root_key, None, ca=True, not_after=NOW + timedelta(days=3650))
    inter = _issue("Knee Test Intermediate", inter_key, root, ca=True, not_after=NOW + timedelta(days=1800))
    leaf_key = _key()
    leaf = _issue("echo-api.amazon.com", leaf_key, inter, ca=False, san="echo-api.amazon.com")
    expired = _issue(
        "echo-api.amazon.com",
        leaf_key,
        inter,
        ca=False,
        san="echo-api.amazon.com",
        not_before=NOW - timedelta(days=200),
        not_after=NOW - timedelta(days=1),
    )
    wrong_san = _issue("evil.example.com", leaf_key, inter, ca=False, san="evil.example.com")
    foreign_root = _issue("Foreign Root", _key(), None, ca=True, not_after=NOW + timedelta(days=3650))
    foreign_inter = _issue("Foreign Intermediate", _key(), foreign_root, ca=True)
    foreign_leaf = _issue("echo-api.amazon.com", leaf_key, foreign_inter, ca=False, san="echo-api.amazon.com")
    return CertAuthority(root, inter, leaf, expired, wrong_san, foreign_inter, foreign_leaf)


def sign(body: bytes, key: rsa.RSAPrivateKey) -> str:
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def launch_body(*, skill_id: str = SKILL_ID, timestamp: datetime = NOW, **overrides: Any) -> bytes:
    envelope: dict[str, Any] = {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": "amzn1.echo-api.session.test",
            "application": {"applicationId": skill_id},
            "user": {"userId": "amzn1.ask.account.TESTUSER"},
            "attributes": {},
        },
        "context": {
            "System": {
                "application": {"applicationId": skill_id},
                "user": {"userId": "amzn1.ask.account.TESTUSER"},
                "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
                "apiAccessToken": "test-token",
            }
        },
        "request": {
            "type": "LaunchRequest",
            "requestId": "amzn1.echo-api.request.test",
            "timestamp": timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": "en-US",
        },
    }
    envelope.update(overrides)
    return json.dumps(envelope).encode("utf-8")


def signed_headers(
    body: bytes, key: rsa.RSAPrivateKey, *, url: str = CHAIN_URL, content_type: str = "application/json"
) -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "SignatureCertChainUrl": url,
        "Signature-256": sign(body, key),
    }


@dataclass
class RecordingFetcher:
    """Serves ``pem`` for every URL it is asked for and records the URLs."""

    pem: bytes | None
    calls: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if self.pem is None:
            raise ChainFetchError("certificate chain download answered HTTP 404")
        return self.pem


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Run ``app`` on a real loopback socket; yield its base URL."""
    with serving(make_server("127.0.0.1", 0, app, threaded=True)) as url:
        yield url


def error_of(payload: Mapping[str, Any] | None) -> str:
    assert payload is not None
    reason = payload["error"]
    assert isinstance(reason, str)
    return reason
