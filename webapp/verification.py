"""Alexa request verification for the web-service endpoint, on ``cryptography``'s X.509 validation.

Replaces ask-sdk-webservice-support's certvalidator/oscrypto ``RequestVerifier`` (unusable on
OpenSSL >= 3.0.10, see :mod:`webapp.ask_compat`) and its naive-UTC ``TimestampVerifier``.
The three verifiers implement the SDK's ``AbstractVerifier`` interface and raise the SDK's
``VerificationException`` with a short reason, which ``SkillAdapter`` turns into HTTP 400:

- :class:`SignatureVerifier`: ``SignatureCertChainUrl`` rules, chain download (time budget and
  size cap, cached by URL until the chain expires), path to a trusted root (certifi by default),
  every certificate in its validity period, ``echo-api.amazon.com`` in the leaf SAN, and the
  ``Signature-256`` header as RSA PKCS#1 v1.5 SHA-256 over the raw request body;
- :class:`TimestampVerifier`: ``request.timestamp`` within 150 seconds of now (UTC-aware);
- :class:`SkillIdVerifier`: ``context.System.application.applicationId`` equals the skill id.

Source of the rules: "Host a Custom Skill as a Web Service" (developer.amazon.com).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import http.client
import posixpath
import socket
import ssl
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import certifi
from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import DNSName
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

__all__ = [
    "CERT_CHAIN_URL_HEADER",
    "SIGNATURE_HEADER",
    "SIGNING_CERT_DOMAIN",
    "ChainFetchError",
    "Clock",
    "Fetcher",
    "SignatureVerifier",
    "SkillIdVerifier",
    "TimestampVerifier",
    "VerificationException",
    "default_trust_store",
    "fetch_cert_chain",
    "utc_now",
    "validate_cert_chain_url",
    "verify_cert_chain",
]

CERT_CHAIN_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
SIGNING_CERT_DOMAIN = "echo-api.amazon.com"
_CHAIN_HOST = "s3.amazonaws.com"
_CHAIN_PATH_PREFIX = "/echo.api/"
_BODY_ENCODING = "utf-8"

DEFAULT_FETCH_BUDGET_SECONDS = 2.0
DEFAULT_MAX_CHAIN_BYTES = 64 * 1024
DEFAULT_CACHE_SIZE = 16
DEFAULT_TIMESTAMP_TOLERANCE = timedelta(seconds=150)

Clock = Callable[[], datetime]
Fetcher = Callable[[str], bytes]
"""Downloads the PEM chain at a (validated, normalised) URL; raises :class:`ChainFetchError`."""


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def _as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (a naive one is taken to be UTC already).

    Raises ``VerificationException`` when the offset pushes it out of range
    (``9999-12-31T23:59:59-23:59``), never ``OverflowError``."""
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise VerificationException("request timestamp is out of range") from error


class ChainFetchError(Exception):
    """The certificate chain could not be downloaded within the budget and size cap."""


# --------------------------------------------------------------------------------- URL rules


def validate_cert_chain_url(url: str) -> str:
    """Normalise ``url`` and check Amazon's rules; return the normalised URL or raise.

    Percent-encoded characters in the path are decoded and ``.``/``..`` segments resolved
    before the case-sensitive ``/echo.api/`` prefix check, so ``/echo.api/../x`` and
    ``/%2e%2e/`` tricks are refused while ``/echo.api/../echo.api/…`` is accepted.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise VerificationException("certificate chain URL is malformed") from error
    if parts.scheme.lower() != "https":
        raise VerificationException("certificate chain URL must use https")
    if (parts.hostname or "").lower() != _CHAIN_HOST or parts.username or parts.password:
        raise VerificationException("certificate chain URL has the wrong host")
    if port not in (None, 443):
        raise VerificationException("certificate chain URL has the wrong port")
    path = unquote(parts.path)
    if not path.startswith("/") or "\\" in path:
        raise VerificationException("certificate chain URL has the wrong path")
    normalised = posixpath.normpath(path)
    if normalised.startswith("//"):  # normpath keeps a leading "//"
        raise VerificationException("certificate chain URL has the wrong path")
    if not normalised.startswith(_CHAIN_PATH_PREFIX):
        raise VerificationException("certificate chain URL has the wrong path")
    return f"https://{_CHAIN_HOST}{quote(normalised)}"


# ---------------------------------------------------------------------------------- fetching


def fetch_cert_chain(
    url: str,
    *,
    budget_seconds: float = DEFAULT_FETCH_BUDGET_SECONDS,
    max_bytes: int = DEFAULT_MAX_CHAIN_BYTES,
) -> bytes:
    """Download ``url`` (http or https) within a TOTAL time budget and a size cap.

    The budget covers connecting, the response head and the body: a watchdog shuts the socket
    down at the deadline, so a server that drips one byte at a time cannot keep us waiting.
    Redirects are not followed. Raises :class:`ChainFetchError`.
    """
    deadline = time.monotonic() + budget_seconds
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChainFetchError("unsupported URL")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=certifi.where())
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=budget_seconds, context=context
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=budget_seconds)
    watchdog = threading.Timer(budget_seconds, _abort_socket, args=(connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("GET", target, headers={"Accept": "application/x-pem-file, */*"})
        response = connection.getresponse()
        if response.status != 200:
            raise ChainFetchError(f"certificate chain download answered HTTP {response.status}")
        declared = response.getheader("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise ChainFetchError("certificate chain is too large")
        body = bytearray()
        while True:
            if time.monotonic() >= deadline:
                raise ChainFetchError("certificate chain download timed out")
            chunk = response.read1(max_bytes + 1 - len(body))
            if not chunk:
                break
            body += chunk
            if len(body) > max_bytes:
                raise ChainFetchError("certificate chain is too large")
        if time.monotonic() >= deadline:
            raise ChainFetchError("certificate chain download timed out")
        if declared is not None and declared.isdigit() and len(body) != int(declared):
            raise ChainFetchError("certificate chain download was cut short")
        return bytes(body)
    except (OSError, http.client.HTTPException, ValueError) as error:
        if time.monotonic() >= deadline:
            raise ChainFetchError("certificate chain download timed out") from error
        raise ChainFetchError("certificate chain download failed") from error
    finally:
        watchdog.cancel()
        connection.close()


def _abort_socket(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        # Plain ``socket.shutdown`` (not SSLSocket's) wakes a blocked read with EOF.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


# ------------------------------------------------------------------------------ chain checks


@functools.cache
def default_trust_store() -> Store:
    """certifi's root bundle as a ``Store``, loaded once (on first use)."""
    with open(certifi.where(), "rb") as bundle, warnings.catch_warnings():
        # One certifi root has a non-positive serial number; cryptography warns about it.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return Store(x509.load_pem_x509_certificates(bundle.read()))


def verify_cert_chain(certificates: list[x509.Certificate], *, store: Store, at: datetime) -> None:
    """Check the chain (signing certificate first) at time ``at`` or raise ``VerificationException``.

    Path to a root in ``store``, every certificate within its validity period, and
    ``echo-api.amazon.com`` in the leaf's subjectAltName (web-PKI server profile).
    """
    if not certificates:
        raise VerificationException("certificate chain is empty")
    verifier = PolicyBuilder().store(store).time(at).build_server_verifier(DNSName(SIGNING_CERT_DOMAIN))
    try:
        verifier.verify(certificates[0], certificates[1:])
    except VerificationError as error:
        raise VerificationException(f"certificate chain is not trusted: {_short(error)}") from error


def _short(error: Exception) -> str:
    text = str(error)
    for marker in ("no matching subjectAltName", "not valid at validation time", "candidates exhausted"):
        if marker in text:
            return marker
    return text[:120]


@dataclass(frozen=True)
class _CachedChain:
    certificates: list[x509.Certificate]
    expires: datetime


# -------------------------------------------------------------------------------- verifiers


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if str(key).lower() == wanted:
            return str(value)
    return None


class SignatureVerifier(AbstractVerifier):
    """Checks the ``SignatureCertChainUrl`` / ``Signature-256`` headers of an Alexa request."""

    def __init__(
        self,
        *,
        fetcher: Fetcher = fetch_cert_chain,
        trust_store: Store | None = None,
        now: Clock = utc_now,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        self._fetcher = fetcher
        self._trust_store = trust_store
        self._now = now
        self._cache_size = cache_size
        self._cache: OrderedDict[str, _CachedChain] = OrderedDict()
        self._lock = threading.Lock()

    def verify(
        self, headers: Mapping[str, Any], serialized_request_env: str, deserialized_request_env: Any
    ) -> None:
        """Raise ``VerificationException`` unless the request is signed by Alexa."""
        url_header = _header(headers, CERT_CHAIN_URL_HEADER)
        signature_header = _header(headers, SIGNATURE_HEADER)
        if not url_header:
            raise VerificationException(f"missing {CERT_CHAIN_URL_HEADER} header")
        if not signature_header:
            raise VerificationException(f"missing {SIGNATURE_HEADER} header")
        url = validate_cert_chain_url(url_header)
        try:
            signature = base64.b64decode(signature_header.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise VerificationException("signature is not valid base64") from error
        now = _as_utc(self._now())
        certificates = self._chain(url, now)
        store = self._trust_store if self._trust_store is not None else default_trust_store()
        verify_cert_chain(certificates, store=store, at=now)
        public_key = certificates[0].public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise VerificationException("signing certificate does not hold an RSA key")
        # The SDK hands us the body decoded as strict UTF-8; encoding it again gives the raw bytes.
        body = serialized_request_env.encode(_BODY_ENCODING)
        try:
            public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as error:
            raise VerificationException("signature does not match the request body") from error

    def _chain(self, url: str, now: datetime) -> list[x509.Certificate]:
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and now < cached.expires:
                self._cache.move_to_end(url)
                return cached.certificates
            self._cache.pop(url, None)
        try:
            pem = self._fetcher(url)
        except ChainFetchError as error:
            raise VerificationException(f"certificate chain unavailable: {error}") from error
        try:
            certificates = x509.load_pem_x509_certificates(pem)
        except ValueError as error:
            raise VerificationException("certificate chain is not PEM") from error
        expires = min(cert.not_valid_after_utc for cert in certificates)
        with self._lock:
            self._cache[url] = _CachedChain(certificates, expires)
            self._cache.move_to_end(url)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return certificates


class TimestampVerifier(AbstractVerifier):
    """Refuses requests whose ``request.timestamp`` is more than 150 s away from now."""

    def __init__(self, *, tolerance: timedelta = DEFAULT_TIMESTAMP_TOLERANCE, now: Clock = utc_now) -> None:
        self._tolerance = tolerance
        self._now = now

    def verify(
        self, headers: Mapping[str, Any], serialized_request_env: str, deserialized_request_env: Any
    ) -> None:
        """Raise ``VerificationException`` for a stale, future or missing timestamp."""
        request = getattr(deserialized_request_env, "request", None)
        stamp = getattr(request, "timestamp", None)
        if not isinstance(stamp, datetime):
            raise VerificationException("request timestamp is missing")
        if abs(_as_utc(self._now()) - _as_utc(stamp)) > self._tolerance:
            raise VerificationException("request timestamp is too far from now")


class SkillIdVerifier(AbstractVerifier):
    """Refuses requests for another skill. With no skill id configured, every id is accepted."""

    def __init__(self, skill_id: str | None) -> None:
        self._skill_id = skill_id

    def verify(
        self, headers: Mapping[str, Any], serialized_request_env: str, deserialized_request_env: Any
    ) -> None:
        """Raise ``VerificationException`` unless the application id is the configured one."""
        if self._skill_id is None:
            return
        context = getattr(deserialized_request_env, "context", None)
        system = getattr(context, "system", None)
        application = getattr(system, "application", None)
        if getattr(application, "application_id", None) != self._skill_id:
            raise VerificationException("request is for another skill")
