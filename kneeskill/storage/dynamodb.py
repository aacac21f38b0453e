"""DynamoDB back end for AWS Lambda (table from template.yaml: key ``id`` (S), TTL attribute ``expires_at``).

The client is the standard-library one of :mod:`kneeskill.storage.dynamodb_http` when the
environment has static credentials (as on Lambda), else boto3's low-level client, imported only
then (``KNEE_HELPER_DYNAMODB_CLIENT`` = ``auto``, ``http`` or ``boto3`` chooses). Both take typed
attribute values, so no float or Decimal ever reaches the table: times are whole epoch seconds.
Short timeouts and at most one retry keep a slow or unavailable table inside Alexa's answer
window; every failure becomes :class:`StoreUnavailable`.

Item layout::

    id (S)                  user_key(...)
    price_step (S)          optional
    price_updated_at (N)    optional, epoch seconds
    disclaimer_heard (BOOL)
    timer_permission (S), reminder_permission (S)
    icing_starts (L of N)   epoch seconds, appended atomically with list_append, newest last
    expires_at (N)          epoch seconds; DynamoDB TTL
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from kneeskill.storage.model import (
    ICING_WINDOW,
    StoreUnavailable,
    UserRecord,
    from_epoch,
    permission,
    recent_icing,
    to_epoch,
    utc_now,
)

CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0
MAX_ATTEMPTS = 2  # the first try plus at most one retry
_MAX_TRIM = 25  # old icing entries removed per write, at most
#: After a call timed out, further calls fail at once for this long: a slow table costs one timeout
#: per turn, not one per call, so the turn still answers inside Alexa's 8-second window.
TIMEOUT_COOLDOWN_SECONDS = 5.0

_AttributeMap = Mapping[str, Mapping[str, Any]]


def default_client(endpoint_url: str | None = None, choice: str = "auto") -> Any:
    """The client the store uses: the small HTTP one when the environment allows (``auto``, or
    ``http`` which insists), else boto3's (``boto3`` always)."""
    if choice not in ("auto", "http", "boto3"):
        raise ValueError("the DynamoDB client must be auto, http or boto3")
    if choice != "boto3":
        from kneeskill.storage import dynamodb_http

        client = dynamodb_http.from_env(
            endpoint_url,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            max_attempts=MAX_ATTEMPTS,
        )
        if client is not None:
            return client
        if choice == "http":
            raise ValueError(
                "the http DynamoDB client needs AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and a region"
            )
    return make_client(endpoint_url)


def make_client(endpoint_url: str | None = None, region_name: str | None = None) -> Any:
    """A boto3 DynamoDB client with the short timeouts and single retry this skill needs."""
    import boto3
    from botocore.config import Config

    region = region_name or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        # total_max_attempts counts the first try (botocore's "max_attempts" would count retries only).
        retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        tcp_keepalive=True,
    )
    return boto3.session.Session().client(
        "dynamodb", region_name=region, endpoint_url=endpoint_url, config=config
    )


class DynamoDbUserStore:
    """:class:`~kneeskill.storage.model.UserStore` on one DynamoDB table."""

    def __init__(
        self,
        table_name: str,
        *,
        retention_days: int,
        endpoint_url: str | None = None,
        client: Any = None,
        client_choice: str = "auto",
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if not table_name:
            raise ValueError("a DynamoDB table name is required")
        if retention_days <= 0:
            raise ValueError("retention_days must be positive")
        self.table_name = table_name
        self.retention = timedelta(days=retention_days)
        self._clock = clock
        if client is None:
            with _translated_errors():
                client = default_client(endpoint_url, client_choice)
        self._client = client
        self._open_until = 0.0  # monotonic time until which calls fail fast after a timeout

    @contextmanager
    def _calls(self) -> Iterator[None]:
        """One call to the table: fail fast while the breaker is open; open it on a timeout."""
        if time.monotonic() < self._open_until:
            raise StoreUnavailable("dynamodb: timed out recently")
        try:
            with _translated_errors():
                yield
        except StoreUnavailable as error:
            if _is_timeout(error.__cause__):
                self._open_until = time.monotonic() + TIMEOUT_COOLDOWN_SECONDS
            raise

    def load(self, key: str) -> UserRecord:
        with self._calls():
            answer = self._client.get_item(TableName=self.table_name, Key=_key(key), ConsistentRead=True)
        item = answer.get("Item")
        return self._record(item, self._clock()) if item else UserRecord()

    def save_profile(self, key: str, record: UserRecord) -> None:
        now = self._clock()
        sets = [
            "disclaimer_heard = :heard",
            "timer_permission = :timer",
            "reminder_permission = :reminder",
            "expires_at = :expires",
        ]
        removes: list[str] = []
        values: dict[str, Any] = {
            ":heard": {"BOOL": record.disclaimer_heard},
            ":timer": {"S": record.timer_permission.value},
            ":reminder": {"S": record.reminder_permission.value},
            ":expires": _number(to_epoch(now + self.retention)),
        }
        if record.price_step is None:
            removes.append("price_step")
        else:
            sets.append("price_step = :step")
            values[":step"] = {"S": record.price_step}
        if record.price_updated_at is None:
            removes.append("price_updated_at")
        else:
            sets.append("price_updated_at = :updated")
            values[":updated"] = _number(to_epoch(record.price_updated_at))
        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        with self._calls():
            self._client.update_item(
                TableName=self.table_name,
                Key=_key(key),
                UpdateExpression=expression,
                ExpressionAttributeValues=values,
            )

    def add_icing_start(self, key: str, at: datetime) -> UserRecord:
        now = self._clock()
        with self._calls():
            answer = self._client.update_item(
                TableName=self.table_name,
                Key=_key(key),
                UpdateExpression=(
                    "SET icing_starts = list_append(if_not_exists(icing_starts, :empty), :new),"
                    " expires_at = :expires"
                ),
                ExpressionAttributeValues={
                    ":empty": {"L": []},
                    ":new": {"L": [_number(to_epoch(at))]},
                    ":expires": _number(to_epoch(now + self.retention)),
                },
                ReturnValues="ALL_NEW",
            )
        item = answer.get("Attributes") or {}
        self._trim(key, item, now)
        return self._record(item, now)

    def delete(self, key: str) -> None:
        with self._calls():
            self._client.delete_item(TableName=self.table_name, Key=_key(key))

    # -- helpers -------------------------------------------------------------------------------
    def _trim(self, key: str, item: _AttributeMap, now: datetime) -> None:
        """Best effort: drop icing entries older than the window from the front of the list.

        Appends only add at the end and trims only remove from the front, so the removal is
        conditional on the front entries still being the old values we saw; a lost race is harmless.
        """
        cutoff = to_epoch(now - ICING_WINDOW)
        stored = [int(v["N"]) for v in item.get("icing_starts", {}).get("L", []) if "N" in v]
        old = 0
        for value in stored[:_MAX_TRIM]:
            if value >= cutoff:
                break
            old += 1
        if old == 0:
            return
        values = {f":o{i}": _number(stored[i]) for i in range(old)}
        try:
            with self._calls():
                self._client.update_item(
                    TableName=self.table_name,
                    Key=_key(key),
                    UpdateExpression="REMOVE " + ", ".join(f"icing_starts[{i}]" for i in range(old)),
                    ConditionExpression=" AND ".join(f"icing_starts[{i}] = :o{i}" for i in range(old)),
                    ExpressionAttributeValues=values,
                )
        except StoreUnavailable:
            pass  # the append itself succeeded; reads ignore old entries anyway

    def _record(self, item: _AttributeMap, now: datetime) -> UserRecord:
        expires = item.get("expires_at", {}).get("N")
        if expires is not None and int(expires) <= to_epoch(now):
            return UserRecord()  # expired but not yet removed by DynamoDB's TTL sweep
        starts = [int(v["N"]) for v in item.get("icing_starts", {}).get("L", []) if "N" in v]
        updated = item.get("price_updated_at", {}).get("N")
        return UserRecord(
            price_step=item.get("price_step", {}).get("S"),
            price_updated_at=None if updated is None else from_epoch(int(updated)),
            icing_starts=recent_icing(starts, now),
            disclaimer_heard=bool(item.get("disclaimer_heard", {}).get("BOOL", False)),
            timer_permission=permission(item.get("timer_permission", {}).get("S")),
            reminder_permission=permission(item.get("reminder_permission", {}).get("S")),
        )


def _key(key: str) -> dict[str, dict[str, str]]:
    return {"id": {"S": key}}


def _number(value: int) -> dict[str, str]:
    return {"N": str(int(value))}


def _is_timeout(error: BaseException | None) -> bool:
    from kneeskill.storage.dynamodb_http import DynamoDbTimeout

    if isinstance(error, DynamoDbTimeout):
        return True
    if "botocore" not in sys.modules:
        return False
    from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

    return isinstance(error, ConnectTimeoutError | ReadTimeoutError)


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Turn any client failure into StoreUnavailable with a short reason (no user data)."""
    try:
        yield
    except StoreUnavailable:
        raise
    except Exception as error:
        from kneeskill.storage.dynamodb_http import DynamoDbHttpError

        if isinstance(error, DynamoDbHttpError):
            raise StoreUnavailable(f"dynamodb: {error.code}") from error
        if "botocore" not in sys.modules:
            raise
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(error, ClientError):
            code = str(error.response.get("Error", {}).get("Code", "ClientError"))
            raise StoreUnavailable(f"dynamodb: {code}") from error
        if isinstance(error, BotoCoreError):
            raise StoreUnavailable(f"dynamodb: {type(error).__name__}") from error
        raise
