"""The small, non-health user record and the store interface both back ends implement.

Only these facts are ever persisted: the PRICE walk-through position, recent icing start times,
whether the disclaimer was heard, and the timer/reminder permission state. Never symptoms, answers
or conditions. Records are keyed by :func:`user_key`, never by the raw Alexa user id.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

import msgspec

#: Environment variable holding the per-deployment secret used to key user records.
KEY_SALT_ENV = "KNEE_HELPER_KEY_SALT"
# Development-only fallback so `make run` works with no configuration. A real deployment MUST set
# KNEE_HELPER_KEY_SALT to a long random secret: with this public value the keys can be recomputed
# from user ids by anyone who has the code.
DEV_KEY_SALT = "knee-helper-dev-salt-not-secret"

#: Icing start times older than this are dropped on every read and write.
ICING_WINDOW = timedelta(days=3)


class PermissionState(StrEnum):
    """What we last learned about a voice permission."""

    UNKNOWN = "unknown"
    GRANTED = "granted"
    DENIED = "denied"


class UserRecord(msgspec.Struct, frozen=True):
    """Everything stored for one user (times are tz-aware UTC, kept to the second)."""

    price_step: str | None = None
    price_updated_at: datetime | None = None
    icing_starts: tuple[datetime, ...] = ()
    disclaimer_heard: bool = False
    timer_permission: PermissionState = PermissionState.UNKNOWN
    reminder_permission: PermissionState = PermissionState.UNKNOWN


class StoreUnavailable(Exception):
    """The back end failed or timed out. The message is a short reason with no user data.

    ``maybe_applied`` is True when a write may still have been stored (its answer was lost or came
    too late): the skill then must not say "I couldn't save", which is only true when nothing was.
    """

    def __init__(self, reason: str, *, maybe_applied: bool = False) -> None:
        super().__init__(reason)
        self.maybe_applied = maybe_applied


class UserStore(Protocol):
    """What the skill needs from persistence."""

    def load(self, key: str) -> UserRecord:
        """The stored record, or an empty ``UserRecord()`` when there is none (or it expired)."""
        ...

    def save_profile(self, key: str, record: UserRecord) -> None:
        """Write every field except ``icing_starts`` (which only :meth:`add_icing_start` changes)."""
        ...

    def add_icing_start(self, key: str, at: datetime, token: str | None = None) -> UserRecord:
        """Atomically append one icing start time and return the updated record.

        Idempotent per ``token`` (one per turn; a fresh one when None): a retried or repeated
        write with the same token stores the start once.
        """
        ...

    def delete(self, key: str) -> None:
        """Forget everything stored for ``key``."""
        ...


def icing_token(at: datetime, turn: str | None = None) -> str:
    """The idempotency token of one icing write: its start time (so old tokens can be dropped with
    old starts) and a hash of the turn's request id (a random one without it). Never user data."""
    import hashlib  # noqa: PLC0415  # with persistence only (boto3 loads it anyway)

    seed = turn if turn else uuid.uuid4().hex
    return f"{to_epoch(at)}.{hashlib.sha256(seed.encode('utf-8')).hexdigest()[:20]}"


def token_epoch(token: str) -> int | None:
    """The start time encoded in an :func:`icing_token` (None for anything else)."""
    head = token.split(".", 1)[0]
    return int(head) if head.isascii() and head.isdigit() else None


#: A deployment's salt is at least this long (template.yaml generates 64 characters).
MIN_SALT_CHARS = 32


def salt_problem(salt: str | None) -> str | None:
    """Why ``salt`` must not key a deployment's records (None when it may): unset, the public
    development salt, or too short to be a secret."""
    if not salt or not salt.strip():
        return "is not set"
    if salt.strip() == DEV_KEY_SALT:
        return "is the public development salt"
    if len(salt.strip()) < MIN_SALT_CHARS:
        return f"is shorter than {MIN_SALT_CHARS} characters"
    return None


def user_key(user_id: str, salt: str | None = None) -> str:
    """A keyed hash (HMAC-SHA256, hex) of the Alexa user id; the only key records are stored under.

    ``salt`` defaults to the ``KNEE_HELPER_KEY_SALT`` environment variable, then to a development salt.
    """
    import hashlib  # noqa: PLC0415  # with persistence only (boto3 loads them anyway)
    import hmac  # noqa: PLC0415

    secret = salt if salt is not None else (os.environ.get(KEY_SALT_ENV) or DEV_KEY_SALT)
    return hmac.new(secret.encode("utf-8"), user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def to_epoch(moment: datetime) -> int:
    """Whole epoch seconds of a tz-aware datetime (naive values are refused)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    """A tz-aware UTC datetime from epoch seconds."""
    return datetime.fromtimestamp(int(seconds), tz=UTC)


def recent_icing(starts: Iterable[int], now: datetime) -> tuple[datetime, ...]:
    """Icing starts within :data:`ICING_WINDOW` of ``now``, oldest first (newest last)."""
    cutoff = to_epoch(now - ICING_WINDOW)
    return tuple(from_epoch(s) for s in sorted(int(s) for s in starts) if s >= cutoff)


def permission(text: object) -> PermissionState:
    """Parse a stored permission value, treating anything unknown as ``UNKNOWN``."""
    try:
        return PermissionState(str(text))
    except ValueError:
        return PermissionState.UNKNOWN


def utc_now() -> datetime:
    """The current time, tz-aware UTC (the default clock of both stores)."""
    return datetime.now(UTC)
