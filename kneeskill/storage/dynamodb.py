"""DynamoDB back end for AWS Lambda (table from template.yaml: key ``id`` (S), TTL attribute ``expires_at``).

The client is boto3's low-level DynamoDB client, made straight from botocore (boto3's session adds
nothing to a client; this module is imported only when DynamoDB is configured): it finds
credentials wherever Lambda puts them (environment variables, or the container credentials endpoint
under SnapStart), signs, retries and resolves endpoints. It takes typed attribute values, so no
float or Decimal ever reaches the table: times are whole epoch seconds. Short socket timeouts, at
most one retry and the request's budget (:mod:`kneeskill.budget`: each call is abandoned at its
whole-call deadline, name lookup included) keep a slow or unavailable table inside Alexa's answer
window; every failure becomes :class:`StoreUnavailable`. Measured before boto3 became the one
client (issue 17): a cold start with DynamoDB on boto3 is 1.18-1.27x the minimal ASK SDK skill's
(which loads boto3 too), inside the 1.5x target, so a hand-written client did not pay for itself.

Item layout::

    id (S)                  user_key(...)
    price_step (S)          optional
    price_updated_at (N)    optional, epoch seconds
    disclaimer_heard (BOOL)
    timer_permission (S), reminder_permission (S)
    icing_starts (L of N)   epoch seconds, appended atomically with list_append, newest last
    icing_tokens (SS)       one idempotency token per stored start (``<epoch>.<hash>``): the append
                            is conditional on its token being new, so a retry never stores twice
    expires_at (N)          epoch seconds; DynamoDB TTL
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from kneeskill import budget, observability
from kneeskill.storage.model import (
    ICING_WINDOW,
    StoreUnavailable,
    UserRecord,
    from_epoch,
    icing_token,
    permission,
    recent_icing,
    to_epoch,
    token_epoch,
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

#: botocore's reader of its service models (the endpoints and the DynamoDB API), shared by every
#: client this process makes. Reading those files is most of what a client costs to make (about
#: 0.2 s of CPU); a process that makes more than one (a store remade with another endpoint, every
#: test's fresh store) reads them once. Credentials, region and settings stay each client's own.
_MODELS = botocore.loaders.create_loader()


def make_client(endpoint_url: str | None = None, region_name: str | None = None) -> Any:
    """A DynamoDB client (boto3's low-level client) with the short timeouts and single retry this
    skill needs, and its own session: credentials are found afresh for each client."""
    region = region_name or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        # total_max_attempts counts the first try (botocore's "max_attempts" would count retries only).
        retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        tcp_keepalive=True,
    )
    session = botocore.session.Session()
    session.register_component("data_loader", _MODELS)
    return session.create_client("dynamodb", region_name=region, endpoint_url=endpoint_url, config=config)


class DynamoDbUserStore:
    """:class:`~kneeskill.storage.model.UserStore` on one DynamoDB table."""

    def __init__(
        self,
        table_name: str,
        *,
        retention_days: int,
        endpoint_url: str | None = None,
        client: Any = None,
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
                client = make_client(endpoint_url)
        self._client = client
        self._open_until = 0.0  # monotonic time until which calls fail fast after a timeout

    @contextmanager
    def _calls(self) -> Iterator[None]:
        """One call to the table: fail fast while the breaker is open; open it on a timeout."""
        if time.monotonic() < self._open_until:
            observability.count(observability.Metric.STORE_FAILURES)
            raise StoreUnavailable("dynamodb: timed out recently")
        try:
            with _translated_errors():
                yield
        except StoreUnavailable as error:
            if not _already_applied(error):
                observability.count(observability.Metric.STORE_FAILURES)
            if _is_timeout(error.__cause__):
                self._open_until = time.monotonic() + TIMEOUT_COOLDOWN_SECONDS
            raise

    def drop_connections(self) -> None:
        """Close the client's kept-alive connections (after a SnapStart restore: a connection copied
        from the snapshot into many environments is no one's). The client reconnects on its next call."""
        close = getattr(self._client, "close", None)
        if callable(close):
            close()

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        """``client.<operation>(**params)`` within the request's budget: boto3 has no whole-call
        deadline (its timeouts bound each socket read), so the call is abandoned at the deadline."""
        method = getattr(self._client, operation)
        seconds = budget.call_seconds(CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS)
        return budget.run_within(seconds, lambda: method(**params), what="dynamodb")

    def load(self, key: str) -> UserRecord:
        with self._calls():
            answer = self._call("get_item", TableName=self.table_name, Key=_key(key), ConsistentRead=True)
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
            self._call(
                "update_item",
                TableName=self.table_name,
                Key=_key(key),
                UpdateExpression=expression,
                ExpressionAttributeValues=values,
            )

    def add_icing_start(self, key: str, at: datetime, token: str | None = None) -> UserRecord:
        """Append one start, once per ``token``: the update is conditional on the token not being in
        the item's ``icing_tokens`` yet, so a retry after a lost or late answer (ours or botocore's)
        finds it there and stores nothing twice."""
        now = self._clock()
        token = token or icing_token(at)
        try:
            with self._calls():
                answer = self._call(
                    "update_item",
                    TableName=self.table_name,
                    Key=_key(key),
                    UpdateExpression=(
                        "SET icing_starts = list_append(if_not_exists(icing_starts, :empty), :new),"
                        " expires_at = :expires ADD icing_tokens :tokens"
                    ),
                    ConditionExpression="NOT contains(icing_tokens, :token)",
                    ExpressionAttributeValues={
                        ":empty": {"L": []},
                        ":new": {"L": [_number(to_epoch(at))]},
                        ":expires": _number(to_epoch(now + self.retention)),
                        ":tokens": {"SS": [token]},
                        ":token": {"S": token},
                    },
                    ReturnValues="ALL_NEW",
                )
        except StoreUnavailable as error:
            if not _already_applied(error):
                raise
            return self._stored_after_retry(key)  # an earlier try of this very write was stored
        item = answer.get("Attributes") or {}
        self._trim(key, item, now)
        return self._record(item, now)

    def _stored_after_retry(self, key: str) -> UserRecord:
        try:
            return self.load(key)
        except StoreUnavailable:
            return UserRecord()  # stored: only the read-back failed

    def delete(self, key: str) -> None:
        with self._calls():
            self._call("delete_item", TableName=self.table_name, Key=_key(key))

    # -- helpers -------------------------------------------------------------------------------
    def _trim(self, key: str, item: _AttributeMap, now: datetime) -> None:
        """Best effort: drop icing entries older than the window from the front of the list, and
        their idempotency tokens.

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
        tokens = item.get("icing_tokens", {}).get("SS", [])
        old_tokens = [t for t in tokens if (token_epoch(t) or 0) < cutoff][:_MAX_TRIM]
        if old == 0 and not old_tokens:
            return
        values: dict[str, Any] = {f":o{i}": _number(stored[i]) for i in range(old)}
        parts = []
        if old:
            parts.append("REMOVE " + ", ".join(f"icing_starts[{i}]" for i in range(old)))
        if old_tokens:
            parts.append("DELETE icing_tokens :old_tokens")
            values[":old_tokens"] = {"SS": old_tokens}
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": _key(key),
            "UpdateExpression": " ".join(parts),
            "ExpressionAttributeValues": values,
        }
        if old:
            params["ConditionExpression"] = " AND ".join(f"icing_starts[{i}] = :o{i}" for i in range(old))
        try:
            with self._calls():
                self._call("update_item", **params)
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


def _already_applied(error: StoreUnavailable) -> bool:
    """True when the failure is the icing condition: this token's write is stored already."""
    return str(error) == "dynamodb: ConditionalCheckFailedException"


def _is_timeout(error: BaseException | None) -> bool:
    """A call that the table left unanswered too long (not one the budget never let start)."""
    if isinstance(error, budget.BudgetExhausted):
        return error.started
    return isinstance(error, ConnectTimeoutError | ReadTimeoutError)


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Turn any client failure into StoreUnavailable with a short reason (no user data), saying
    whether a write may still have been applied (its answer lost, late or a 5xx)."""
    try:
        yield
    except StoreUnavailable:
        raise
    except budget.BudgetExhausted as error:
        raise StoreUnavailable("dynamodb: request budget exhausted", maybe_applied=error.started) from error
    except Exception as error:
        if isinstance(error, ClientError):
            code = str(error.response.get("Error", {}).get("Code", "ClientError"))
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            raise StoreUnavailable(f"dynamodb: {code}", maybe_applied=status >= 500) from error
        if isinstance(error, BotoCoreError):
            sent = not isinstance(error, EndpointConnectionError)
            raise StoreUnavailable(f"dynamodb: {type(error).__name__}", maybe_applied=sent) from error
        raise
