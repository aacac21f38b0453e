"""Alexa request verification for the web-service endpoint, on ``cryptography``'s X.509 validation.

Replaces ask-sdk-webservice-support's certvalidator/oscrypto ``RequestVerifier`` (unusable on
OpenSSL >= 3.0.10, see :mod:`webapp.ask_compat`) and its naive-UTC ``TimestampVerifier``.
The three verifiers implement the SDK's ``AbstractVerifier`` interface and raise the SDK's
``VerificationException`` with a short reason, which ``SkillAdapter`` turns into HTTP 400:

- :class:`SignatureVerifier`: ``SignatureCertChainUrl`` rules, chain download (time budget and
  size cap, cached by URL until the chain expires, a failure for 30 s, one download per URL at a
  time; the app runs it after the cheap timestamp and skill-id checks), path to a trusted root
  (certifi by default), every certificate in its validity period, ``echo-api.amazon.com`` in the
  leaf SAN, and the ``Signature-256`` header as RSA PKCS#1 v1.5 SHA-256 over the raw request body;
- :class:`TimestampVerifier`: ``request.timestamp`` within 150 seconds of now (UTC-aware);
- :class:`SkillIdVerifier`: ``context.System.application.applicationId`` equals the skill id.

Source of the rules: "Host a Custom Skill as a Web Service" (developer.amazon.com).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import posixpath
import ssl
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import certifi
import msgspec
from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import DNSName
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from kneeskill import outbound

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
#: A chain URL whose download or parse failed is refused without a new download for this long.
FAILURE_CACHE_SECONDS = 30.0

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
    budget_seconds: float | None = None,
    max_bytes: int = DEFAULT_MAX_CHAIN_BYTES,
) -> bytes:
    """Download ``url`` (http or https) within a TOTAL time budget and a size cap.

    The budget (``budget_seconds``, by default 2 s; what is left of the request's budget if less)
    covers the name lookup, connecting, the response head and the body
    (:func:`kneeskill.outbound.request`), so neither a slow resolver nor a server that drips one
    byte at a time can keep us waiting. Redirects are not followed. Raises :class:`ChainFetchError`.
    """
    seconds = DEFAULT_FETCH_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    try:
        answer = _get(url, seconds, max_bytes)
    except outbound.OutboundError as error:
        if error.failure is outbound.Failure.TIMEOUT:
            raise ChainFetchError("certificate chain download timed out") from error
        if error.failure is outbound.Failure.TOO_LARGE:
            raise ChainFetchError("certificate chain is too large") from error
        if error.failure is outbound.Failure.NOT_ALLOWED:
            raise ChainFetchError("unsupported URL") from error
        raise ChainFetchError("certificate chain download failed") from error
    if answer.status != 200:
        raise ChainFetchError(f"certificate chain download answered HTTP {answer.status}")
    return answer.body


def _get(url: str, seconds: float, max_bytes: int) -> outbound.Answer:
    return outbound.request(
        "GET",
        url,
        what="certificate",
        cap_seconds=seconds,
        max_bytes=max_bytes,
        headers={"Accept": "application/x-pem-file, */*"},
        plain_http=_any_host,  # the chain URL's rules (https, the S3 host) are checked before this
        tls=_certifi_context,  # made only for an https URL, inside the budget
    )


def _any_host(host: str) -> bool:
    return True


@functools.cache
def _certifi_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


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


class _CachedChain(msgspec.Struct, frozen=True):
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
        self._failures: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._downloads: dict[str, list[Any]] = {}  # url -> [lock, waiters]: one download at a time
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
        """The chain at ``url``: from the cache, or downloaded by one request at a time per URL
        (others wait for its result). A failed download is remembered for
        :data:`FAILURE_CACHE_SECONDS`, so a flood of bad requests costs one download, not one each."""
        cached = self._cached(url, now)
        if cached is not None:
            return cached
        with self._download_lock(url):
            cached = self._cached(url, now)  # another request may have fetched it meanwhile
            if cached is not None:
                return cached
            try:
                certificates = self._download(url)
            except VerificationException as error:
                with self._lock:
                    self._failures[url] = (time.monotonic() + FAILURE_CACHE_SECONDS, str(error))
                    self._failures.move_to_end(url)
                    while len(self._failures) > self._cache_size:
                        self._failures.popitem(last=False)
                raise
            expires = min(cert.not_valid_after_utc for cert in certificates)
            with self._lock:
                self._failures.pop(url, None)
                self._cache[url] = _CachedChain(certificates, expires)
                self._cache.move_to_end(url)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            return certificates

    def _cached(self, url: str, now: datetime) -> list[x509.Certificate] | None:
        with self._lock:
            failure = self._failures.get(url)
            if failure is not None:
                until, reason = failure
                if time.monotonic() < until:
                    raise VerificationException(f"{reason} (recently)")
                del self._failures[url]
            cached = self._cache.get(url)
            if cached is not None and now < cached.expires:
                self._cache.move_to_end(url)
                return cached.certificates
            self._cache.pop(url, None)
        return None

    @contextlib.contextmanager
    def _download_lock(self, url: str) -> Iterator[None]:
        with self._lock:
            entry = self._downloads.setdefault(url, [threading.Lock(), 0])
            entry[1] += 1
        lock: threading.Lock = entry[0]
        try:
            with lock:
                yield
        finally:
            with self._lock:
                entry[1] -= 1
                if entry[1] == 0:
                    self._downloads.pop(url, None)

    def _download(self, url: str) -> list[x509.Certificate]:
        try:
            pem = self._fetcher(url)
        except ChainFetchError as error:
            raise VerificationException(f"certificate chain unavailable: {error}") from error
        try:
            certificates = x509.load_pem_x509_certificates(pem)
        except ValueError as error:
            raise VerificationException("certificate chain is not PEM") from error
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
