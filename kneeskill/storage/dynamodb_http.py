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
retry (for throttling, 5xx, dropped connections and timeouts) and a kept-alive connection per
thread. The signature is checked against botocore's own signer in the tests.
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
    """A failed call: ``code`` is DynamoDB's error code (or a transport failure's name)."""

    def __init__(self, code: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable
        self.status = status


class DynamoDbTimeout(DynamoDbHttpError):
    """Connecting or waiting for the answer took longer than the configured timeout."""

    def __init__(self, code: str) -> None:
        super().__init__(code, retryable=True)


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
        """One DynamoDB operation, retried once when the failure is worth retrying."""
        body = json.dumps(params, separators=(",", ":")).encode()
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._send(operation, body)
            except DynamoDbHttpError as error:
                if not error.retryable or attempt >= self.max_attempts:
                    raise
                self._sleep(random.uniform(0.0, 0.05))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # -- transport -------------------------------------------------------------------------------
    def _send(self, operation: str, body: bytes) -> dict[str, Any]:
        headers = sign(
            host=self._host_header,
            target=f"{API_VERSION}.{operation}",
            body=body,
            credentials=self._credentials,
            region=self.region,
            now=self._clock(),
        )
        headers["user-agent"] = USER_AGENT
        status, answer, checksum = self._exchange(headers, body)
        if checksum is not None and str(zlib.crc32(answer)) != checksum:
            raise DynamoDbHttpError("CRC32CheckFailed", retryable=True, status=status)
        if status == 200:
            try:
                data = json.loads(answer) if answer else {}
            except ValueError:
                data = None
            if not isinstance(data, dict):
                raise DynamoDbHttpError("MalformedAnswer", retryable=False, status=status)
            return data
        code = _error_code(answer) or f"HTTP{status}"
        raise DynamoDbHttpError(code, retryable=status >= 500 or code in RETRYABLE_CODES, status=status)

    def _exchange(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes, str | None]:
        """POST once; a kept-alive connection the server has dropped is replaced once, for free."""
        import http.client

        for _ in range(2):
            connection, reused = self._connection()
            try:
                connection.request("POST", "/", body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read(_MAX_ANSWER_BYTES + 1)
            except TimeoutError as error:
                self.close()
                raise DynamoDbTimeout("ReadTimeout") from error
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.close()
                if reused:
                    continue  # the server closed an idle connection: try once on a new one
                raise DynamoDbHttpError("ConnectionClosed", retryable=True) from error
            except (OSError, http.client.HTTPException) as error:
                self.close()
                raise DynamoDbHttpError(type(error).__name__, retryable=True) from error
            if len(answer) > _MAX_ANSWER_BYTES:
                self.close()
                raise DynamoDbHttpError("AnswerTooLarge", retryable=False, status=response.status)
            if response.will_close:
                self.close()
            return response.status, answer, response.getheader("x-amz-crc32")
        raise DynamoDbHttpError("ConnectionClosed", retryable=True)

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection and whether it was used before (connecting a new one if needed)."""
        import http.client

        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is not None and connection.sock is not None:
            return connection, True
        if self._https:
            connection = http.client.HTTPSConnection(
                self._host, self._port, timeout=self.connect_timeout, context=_tls_context()
            )
        else:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=self.connect_timeout)
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
        self._local.connection = connection
        return connection, False


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
        import ssl

        _TLS.append(ssl.create_default_context())
    return _TLS[0]
