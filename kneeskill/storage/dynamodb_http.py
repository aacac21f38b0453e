"""A small DynamoDB client on the standard library: the JSON protocol, signed with Signature Version 4.

Why: on a Lambda cold start, importing boto3 and botocore and loading their DynamoDB models costs
about 250-300 ms (``make bench``), more than the rest of the skill together, and this skill makes
three kinds of call (GetItem, UpdateItem, DeleteItem) on one table. So when the credentials are
static in the environment (what Lambda gives a function: ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``) and the region is an ordinary one, the store
talks to DynamoDB itself. Anything else (profiles, SSO, container credentials, FIPS or dual-stack
endpoints, endpoint variables) goes to boto3, which knows all of that: see :func:`from_env`.

The methods mirror boto3's low-level client (``get_item(TableName=..., Key=...)`` and so on,
returning the parsed answer), so :class:`~kneeskill.storage.dynamodb.DynamoDbUserStore` runs on
either. Like the boto3 client it is configured with: a short connect and read timeout, at most one
retry (for throttling, 5xx, dropped connections and timeouts, after a "full jitter" pause of up to
:data:`RETRY_JITTER_SECONDS`) and a kept-alive connection per thread; unlike it, each call has one
whole-call deadline (name lookup, connect, retry and a dripping answer included) that never
outlasts the request's budget (:mod:`kneeskill.budget`). The signature is checked against
botocore's own signer in the tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kneeskill import budget, outbound

if TYPE_CHECKING:
    import http.client

SERVICE = "dynamodb"
API_VERSION = "DynamoDB_20120810"
CONTENT_TYPE = "application/x-amz-json-1.0"
USER_AGENT = "knee-helper/0.1 dynamodb-http"
_MAX_ANSWER_BYTES = 1024 * 1024
#: The wait before the one retry: "full jitter" up to this (botocore's standard mode waits up to 1 s
#: before a first retry; the turn shares Alexa's 8 seconds with it, so less, but enough to let a
#: throttled partition recover).
RETRY_JITTER_SECONDS = 0.25
#: Error codes worth one more try (as botocore's "standard" retry mode treats them).
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "TransactionConflictException",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
#: Regions whose DynamoDB endpoint is ``dynamodb.<region>.<suffix>`` (other partitions go to boto3).
_REGION = re.compile(r"(?P<region>(?:us-gov|cn|[a-z]{2})-[a-z]+-\d{1,2})")


class DynamoDbHttpError(Exception):
    """A failed call: ``code`` is DynamoDB's error code (or a transport failure's name);
    ``maybe_applied`` is True when the request may have reached the table (its answer was lost,
    late or a 5xx), False when it certainly was not applied."""

    def __init__(
        self, code: str, *, retryable: bool, status: int | None = None, maybe_applied: bool = False
    ) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable
        self.status = status
        self.maybe_applied = maybe_applied


class DynamoDbTimeout(DynamoDbHttpError):
    """Connecting or waiting for the answer took longer than the call's deadline or timeout."""

    def __init__(self, code: str, *, maybe_applied: bool = False) -> None:
        super().__init__(code, retryable=True, maybe_applied=maybe_applied)


@dataclass(frozen=True, repr=False)
class Credentials:
    """Static AWS credentials (never printed: ``repr`` shows the key id only)."""

    access_key: str
    secret_key: str
    token: str | None = None

    def __repr__(self) -> str:
        return f"Credentials(access_key={self.access_key!r}, secret_key=..., token=...)"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Credentials | None:
        access = environ.get("AWS_ACCESS_KEY_ID", "").strip()
        secret = environ.get("AWS_SECRET_ACCESS_KEY", "").strip()
        if not access or not secret:
            return None
        return cls(access, secret, environ.get("AWS_SESSION_TOKEN", "").strip() or None)


def endpoint_for(region: str) -> str | None:
    """DynamoDB's public endpoint for an ordinary commercial, GovCloud or China region."""
    if _REGION.fullmatch(region) is None:
        return None
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://dynamodb.{region}.{suffix}"


def from_env(
    endpoint_url: str | None,
    *,
    connect_timeout: float,
    read_timeout: float,
    max_attempts: int,
    environ: Mapping[str, str] | None = None,
) -> DynamoDbHttpClient | None:
    """A client when the environment allows one (static credentials, a region, no endpoint or
    FIPS/dual-stack settings that only boto3 understands); otherwise None."""
    env = os.environ if environ is None else environ
    credentials = Credentials.from_env(env)
    region = (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip()
    if credentials is None or not region:
        return None
    for variable in ("AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"):
        if env.get(variable, "").strip().lower() == "true":
            return None
    if endpoint_url is None:
        if env.get("AWS_ENDPOINT_URL_DYNAMODB") or env.get("AWS_ENDPOINT_URL"):
            return None
        endpoint_url = endpoint_for(region)
        if endpoint_url is None:
            return None
    return DynamoDbHttpClient(
        endpoint_url,
        region=region,
        credentials=credentials,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_attempts=max_attempts,
    )


def sign(
    *,
    host: str,
    target: str,
    body: bytes,
    credentials: Credentials,
    region: str,
    now: datetime,
) -> dict[str, str]:
    """The headers of a signed DynamoDB POST to ``/`` (Signature Version 4)."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    day = stamp[:8]
    headers = {
        "content-type": CONTENT_TYPE,
        "host": host,
        "x-amz-date": stamp,
        "x-amz-target": target,
    }
    if credentials.token:
        headers["x-amz-security-token"] = credentials.token
    names = sorted(headers)
    canonical_headers = "".join(f"{name}:{' '.join(headers[name].split())}\n" for name in names)
    signed_headers = ";".join(names)
    canonical_request = "\n".join(
        ("POST", "/", "", canonical_headers, signed_headers, hashlib.sha256(body).hexdigest())
    )
    scope = f"{day}/{region}/{SERVICE}/aws4_request"
    string_to_sign = "\n".join(
        ("AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical_request.encode()).hexdigest())
    )
    key = f"AWS4{credentials.secret_key}".encode()
    for part in (day, region, SERVICE, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )
    return headers


class DynamoDbHttpClient:
    """GetItem, UpdateItem and DeleteItem over one kept-alive connection per thread."""

    #: Each call keeps the request budget's whole-call deadline itself (the store need not wrap it).
    budget_aware = True

    def __init__(
        self,
        endpoint_url: str,
        *,
        region: str,
        credentials: Credentials,
        connect_timeout: float,
        read_timeout: float,
        max_attempts: int,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the DynamoDB endpoint must be an http or https URL")
        self.endpoint_url = endpoint_url
        self.region = region
        self._credentials = credentials
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        default_port = 443 if self._https else 80
        self._host_header = parts.netloc if parts.port not in (None, default_port) else parts.hostname
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_attempts = max(1, max_attempts)
        self._clock = clock
        self._sleep = sleep
        self._local = threading.local()

    # -- the calls the store makes (boto3's names and shapes) -------------------------------------
    def get_item(self, **params: Any) -> dict[str, Any]:
        return self.call("GetItem", params)

    def update_item(self, **params: Any) -> dict[str, Any]:
        return self.call("UpdateItem", params)

    def delete_item(self, **params: Any) -> dict[str, Any]:
        return self.call("DeleteItem", params)

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """One DynamoDB operation within one whole-call deadline (connect plus read timeout, or what
        is left of the request's budget if less), retried once when the failure is worth it and
        time remains. A failure says whether the operation may have been applied (``maybe_applied``):
        an update whose answer was lost or late may have been, so the caller must not retry it
        blindly (the icing append carries a condition that makes the retry harmless)."""
        body = json.dumps(params, separators=(",", ":")).encode()
        seconds = budget.call_seconds(self.connect_timeout + self.read_timeout)
        deadline_at = time.monotonic() + seconds
        maybe_applied = False
        for attempt in range(1, self.max_attempts + 1):
            left = deadline_at - time.monotonic()
            if budget.exhausted("dynamodb", left):
                raise DynamoDbTimeout("BudgetExhausted", maybe_applied=maybe_applied)
            try:
                return self._send(operation, body, left)
            except DynamoDbHttpError as error:
                maybe_applied = maybe_applied or error.maybe_applied
                error.maybe_applied = maybe_applied
                if not error.retryable or attempt >= self.max_attempts:
                    raise
                pause = random.uniform(0.0, RETRY_JITTER_SECONDS)
                if time.monotonic() + pause + budget.MIN_CALL_SECONDS >= deadline_at:
                    raise  # no time left for the retry: the failure stands
                self._sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # -- transport -------------------------------------------------------------------------------
    def _send(self, operation: str, body: bytes, seconds: float) -> dict[str, Any]:
        headers = sign(
            host=self._host_header,
            target=f"{API_VERSION}.{operation}",
            body=body,
            credentials=self._credentials,
            region=self.region,
            now=self._clock(),
        )
        headers["user-agent"] = USER_AGENT
        status, answer, checksum = self._exchange(headers, body, seconds)
        if checksum is not None and str(zlib.crc32(answer)) != checksum:
            raise DynamoDbHttpError("CRC32CheckFailed", retryable=True, status=status, maybe_applied=True)
        if status == 200:
            try:
                data = json.loads(answer) if answer else {}
            except ValueError:
                data = None
            if not isinstance(data, dict):
                raise DynamoDbHttpError("MalformedAnswer", retryable=False, status=status, maybe_applied=True)
            return data
        code = _error_code(answer) or f"HTTP{status}"
        raise DynamoDbHttpError(
            code,
            retryable=status >= 500 or code in RETRYABLE_CODES,
            status=status,
            maybe_applied=status >= 500,
        )

    def _exchange(
        self, headers: dict[str, str], body: bytes, seconds: float
    ) -> tuple[int, bytes, str | None]:
        """POST once within ``seconds`` in all; a kept-alive connection the server has dropped is
        replaced once, for free."""
        import http.client  # noqa: PLC0415  # ssl and email (~10 ms): only requests that use the table pay

        deadline_at = time.monotonic() + seconds
        for _ in range(2):
            connection, reused = self._connection()
            sent = False
            with outbound.deadline_for(connection, max(0.0, deadline_at - time.monotonic())) as deadline:
                try:
                    if connection.sock is None:
                        self._open(connection)
                    sent = True
                    connection.request("POST", "/", body=body, headers=headers)
                    response = connection.getresponse()
                    answer = response.read(_MAX_ANSWER_BYTES + 1)
                except DynamoDbHttpError:
                    self.close()
                    raise
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                    self.close()
                    if deadline.expired:
                        budget.note_cut_short("dynamodb")
                        raise DynamoDbTimeout("CallDeadline", maybe_applied=sent) from error
                    if reused:
                        continue  # the server closed an idle connection: try once on a new one
                    raise DynamoDbHttpError("ConnectionClosed", retryable=True, maybe_applied=sent) from error
                except TimeoutError as error:
                    self.close()
                    raise DynamoDbTimeout("ReadTimeout", maybe_applied=sent) from error
                except (OSError, http.client.HTTPException) as error:
                    self.close()
                    if deadline.expired:
                        budget.note_cut_short("dynamodb")
                        raise DynamoDbTimeout("CallDeadline", maybe_applied=sent) from error
                    raise DynamoDbHttpError(
                        type(error).__name__, retryable=True, maybe_applied=sent
                    ) from error
            if deadline.expired:  # the watchdog cut the answer short (a short read is no error)
                self.close()
                budget.note_cut_short("dynamodb")
                raise DynamoDbTimeout("CallDeadline", maybe_applied=True)
            if len(answer) > _MAX_ANSWER_BYTES:
                self.close()
                raise DynamoDbHttpError(
                    "AnswerTooLarge", retryable=False, status=response.status, maybe_applied=True
                )
            if response.will_close:
                self.close()
            return response.status, answer, response.getheader("x-amz-crc32")
        raise DynamoDbHttpError("ConnectionClosed", retryable=True)

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection and whether it was used before (a new one is not connected yet:
        :meth:`_exchange` connects it inside the call's deadline)."""
        import http.client  # noqa: PLC0415  # as above

        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is not None and connection.sock is not None:
            return connection, True
        if self._https:
            connection = http.client.HTTPSConnection(
                self._host, self._port, timeout=self.connect_timeout, context=_tls_context()
            )
        else:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=self.connect_timeout)
        self._local.connection = connection
        return connection, False

    def _open(self, connection: http.client.HTTPConnection) -> None:
        try:
            connection.connect()
        except TimeoutError as error:
            connection.close()
            raise DynamoDbTimeout("ConnectTimeout") from error
        except OSError as error:
            connection.close()
            raise DynamoDbHttpError("EndpointConnectionError", retryable=True) from error
        assert connection.sock is not None
        connection.sock.settimeout(self.read_timeout)


def _error_code(answer: bytes) -> str | None:
    """DynamoDB's error code from ``{"__type": "com.amazonaws.dynamodb.v20120810#Code", ...}``."""
    try:
        data = json.loads(answer)
    except ValueError:
        return None
    kind = data.get("__type") if isinstance(data, dict) else None
    if not isinstance(kind, str) or not kind:
        return None
    return kind.rsplit("#", 1)[-1][:100]


_TLS: list[Any] = []


def _tls_context() -> Any:
    """One default TLS context (loading the CA bundle takes milliseconds: do it once)."""
    if not _TLS:
        import ssl  # noqa: PLC0415  # as above

        _TLS.append(ssl.create_default_context())
    return _TLS[0]
