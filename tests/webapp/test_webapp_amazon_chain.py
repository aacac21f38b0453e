"""The real Amazon signing chain (../shared/fixtures) against certifi's roots at pinned times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography import x509
from webapp_testkit import AMAZON_CHAIN, launch_body

from webapp.verification import (
    SignatureVerifier,
    VerificationException,
    default_trust_store,
    verify_cert_chain,
)

INSIDE = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
AFTER = datetime(2027, 2, 11, 0, 0, tzinfo=UTC)


def _chain() -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(AMAZON_CHAIN.read_bytes())


def test_the_real_amazon_chain_validates_inside_its_validity() -> None:
    verify_cert_chain(_chain(), store=default_trust_store(), at=INSIDE)


def test_the_real_amazon_chain_fails_after_2027_02_10() -> None:
    with pytest.raises(VerificationException, match="not valid at validation time"):
        verify_cert_chain(_chain(), store=default_trust_store(), at=AFTER)


def test_the_real_amazon_chain_fails_before_2026_07_28() -> None:
    with pytest.raises(VerificationException, match="not valid at validation time"):
        verify_cert_chain(_chain(), store=default_trust_store(), at=datetime(2026, 7, 1, tzinfo=UTC))


def test_through_the_verifier_the_real_chain_passes_and_only_our_forged_signature_fails() -> None:
    """We hold no Amazon key: at a valid time the chain passes and the signature check refuses."""
    body = launch_body(timestamp=INSIDE)
    headers = {
        "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
        "Signature-256": "AAAA",
    }
    pem = AMAZON_CHAIN.read_bytes()
    inside = SignatureVerifier(fetcher=lambda _url: pem, now=lambda: INSIDE)
    with pytest.raises(VerificationException, match="signature does not match"):
        inside.verify(headers, body.decode(), None)
    after = SignatureVerifier(fetcher=lambda _url: pem, now=lambda: AFTER)
    with pytest.raises(VerificationException, match="not valid at validation time"):
        after.verify(headers, body.decode(), None)
