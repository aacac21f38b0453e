"""SQLite back end for the local server: one file, WAL mode, safe across threads and processes.

* One connection per thread (and per process: a forked child opens its own).
* Every write runs in ``BEGIN IMMEDIATE`` with a busy timeout, so concurrent writers from many
  gunicorn workers queue up instead of failing; icing starts are rows of their own, so concurrent
  appends never overwrite each other.
* Every row carries ``expires_at`` (epoch seconds) = last write + retention. Reads ignore expired
  rows; writes delete them (for the key always, for the whole file at most once a minute).
* ``PRAGMA user_version`` holds the schema version; :func:`migrate` brings older files up to date.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

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

SCHEMA_VERSION = 2
DB_FILE_NAME = "knee-helper.sqlite3"
DEFAULT_BUSY_TIMEOUT_SECONDS = 3.0
_PURGE_EVERY_SECONDS = 60.0


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS profiles ("
        " key TEXT PRIMARY KEY,"
        " price_step TEXT,"
        " price_updated_at INTEGER,"
        " disclaimer_heard INTEGER NOT NULL DEFAULT 0,"
        " expires_at INTEGER NOT NULL)"
    )
    conn.execute("CREATE TABLE IF NOT EXISTS icing_starts (key TEXT NOT NULL, started_at INTEGER NOT NULL)")
    conn.execute("CREATE INDEX IF NOT EXISTS icing_starts_key ON icing_starts (key, started_at)")


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """Version 2: permission state on profiles; icing rows expire on their own."""
    conn.execute("ALTER TABLE profiles ADD COLUMN timer_permission TEXT NOT NULL DEFAULT 'unknown'")
    conn.execute("ALTER TABLE profiles ADD COLUMN reminder_permission TEXT NOT NULL DEFAULT 'unknown'")
    conn.execute("ALTER TABLE icing_starts ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0")
    # Existing icing rows take their profile's expiry (or expire at once if they have no profile).
    conn.execute(
        "UPDATE icing_starts SET expires_at = COALESCE("
        " (SELECT p.expires_at FROM profiles p WHERE p.key = icing_starts.key), 0)"
    )
    conn.execute("CREATE INDEX IF NOT EXISTS profiles_expiry ON profiles (expires_at)")
    conn.execute("CREATE INDEX IF NOT EXISTS icing_starts_expiry ON icing_starts (expires_at)")


#: ``MIGRATIONS[n]`` takes a file from schema version ``n`` to ``n + 1``.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_to_1, _migrate_to_2)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file up to :data:`SCHEMA_VERSION` in one immediate transaction; return the version.

    Safe when several processes open the file at once: the version is re-read under the write lock.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreUnavailable(f"sqlite: schema version {version} is newer than this code")
        for step in MIGRATIONS[version:]:
            step(conn)
        if version != SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION


class SqliteUserStore:
    """:class:`~kneeskill.storage.model.UserStore` on a local SQLite file."""

    def __init__(
        self,
        path: Path,
        *,
        retention_days: int,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT_SECONDS,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if retention_days <= 0:
            raise ValueError("retention_days must be positive")
        self.path = Path(path)
        self.retention = timedelta(days=retention_days)
        self.busy_timeout = busy_timeout
        self._clock = clock
        self._local = threading.local()
        self._last_purge = 0.0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._connection()
            migrate(conn)
            self._purge_expired(conn, to_epoch(self._clock()))
        except sqlite3.Error as error:
            raise StoreUnavailable(_reason(error)) from error
        except OSError as error:
            raise StoreUnavailable(f"sqlite: cannot open the data file ({type(error).__name__})") from error

    # -- connections ---------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            return conn
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000):d}")
        if str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower() != "wal":
            raise StoreUnavailable("sqlite: WAL mode unavailable")
        conn.execute("PRAGMA synchronous = NORMAL")
        self._local.conn = conn
        self._local.pid = os.getpid()
        return conn

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()
        self._local.conn = None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise StoreUnavailable(_reason(error)) from error

    # -- the interface -------------------------------------------------------------------------
    def load(self, key: str) -> UserRecord:
        now = to_epoch(self._clock())
        try:
            conn = self._connection()
            conn.execute("BEGIN")  # one consistent snapshot for both tables
            try:
                return self._read(conn, key, now)
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error as error:
            raise StoreUnavailable(_reason(error)) from error

    def save_profile(self, key: str, record: UserRecord) -> None:
        now = self._clock()
        now_s = to_epoch(now)
        expires = to_epoch(now + self.retention)
        updated = None if record.price_updated_at is None else to_epoch(record.price_updated_at)
        with self._write() as conn:
            self._purge_key(conn, key, now_s)
            conn.execute(
                "INSERT INTO profiles (key, price_step, price_updated_at, disclaimer_heard,"
                " timer_permission, reminder_permission, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET price_step = excluded.price_step,"
                " price_updated_at = excluded.price_updated_at,"
                " disclaimer_heard = excluded.disclaimer_heard,"
                " timer_permission = excluded.timer_permission,"
                " reminder_permission = excluded.reminder_permission,"
                " expires_at = excluded.expires_at",
                (
                    key,
                    record.price_step,
                    updated,
                    int(record.disclaimer_heard),
                    record.timer_permission.value,
                    record.reminder_permission.value,
                    expires,
                ),
            )
            conn.execute("UPDATE icing_starts SET expires_at = ? WHERE key = ?", (expires, key))
            self._maybe_purge_all(conn, now_s)

    def add_icing_start(self, key: str, at: datetime) -> UserRecord:
        now = self._clock()
        now_s = to_epoch(now)
        expires = to_epoch(now + self.retention)
        started = to_epoch(at)
        with self._write() as conn:
            self._purge_key(conn, key, now_s)
            conn.execute(
                "INSERT INTO icing_starts (key, started_at, expires_at) VALUES (?, ?, ?)",
                (key, started, expires),
            )
            # The last write to the user's data moves every one of their rows' expiry.
            conn.execute("UPDATE icing_starts SET expires_at = ? WHERE key = ?", (expires, key))
            conn.execute("UPDATE profiles SET expires_at = ? WHERE key = ?", (expires, key))
            self._maybe_purge_all(conn, now_s)
            return self._read(conn, key, now_s)

    def delete(self, key: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM icing_starts WHERE key = ?", (key,))
            conn.execute("DELETE FROM profiles WHERE key = ?", (key,))

    def purge_expired(self) -> int:
        """Delete every expired row now; return how many rows went."""
        with self._write() as conn:
            return self._purge_expired(conn, to_epoch(self._clock()))

    # -- helpers -------------------------------------------------------------------------------
    def _read(self, conn: sqlite3.Connection, key: str, now: int) -> UserRecord:
        row = conn.execute(
            "SELECT price_step, price_updated_at, disclaimer_heard, timer_permission, reminder_permission"
            " FROM profiles WHERE key = ? AND expires_at > ?",
            (key, now),
        ).fetchone()
        cutoff = to_epoch(from_epoch(now) - ICING_WINDOW)
        starts = [
            int(r[0])
            for r in conn.execute(
                "SELECT started_at FROM icing_starts WHERE key = ? AND expires_at > ? AND started_at >= ?",
                (key, now, cutoff),
            )
        ]
        icing = recent_icing(starts, from_epoch(now))
        if row is None:
            return UserRecord(icing_starts=icing)
        return UserRecord(
            price_step=row[0],
            price_updated_at=None if row[1] is None else from_epoch(int(row[1])),
            icing_starts=icing,
            disclaimer_heard=bool(row[2]),
            timer_permission=permission(row[3]),
            reminder_permission=permission(row[4]),
        )

    def _purge_key(self, conn: sqlite3.Connection, key: str, now: int) -> None:
        cutoff = to_epoch(from_epoch(now) - ICING_WINDOW)
        conn.execute(
            "DELETE FROM icing_starts WHERE key = ? AND (expires_at <= ? OR started_at < ?)",
            (key, now, cutoff),
        )
        conn.execute("DELETE FROM profiles WHERE key = ? AND expires_at <= ?", (key, now))

    def _maybe_purge_all(self, conn: sqlite3.Connection, now: int) -> None:
        if time.monotonic() - self._last_purge >= _PURGE_EVERY_SECONDS:
            self._purge_expired(conn, now)

    def _purge_expired(self, conn: sqlite3.Connection, now: int) -> int:
        self._last_purge = time.monotonic()
        cutoff = to_epoch(from_epoch(now) - ICING_WINDOW)
        gone = conn.execute(
            "DELETE FROM icing_starts WHERE expires_at <= ? OR started_at < ?", (now, cutoff)
        ).rowcount
        gone += conn.execute("DELETE FROM profiles WHERE expires_at <= ?", (now,)).rowcount
        return int(gone)


def _reason(error: sqlite3.Error) -> str:
    """A short reason without user data (SQLite messages never contain bound values)."""
    text = str(error).splitlines()[0][:80] if str(error) else ""
    return f"sqlite: {type(error).__name__}: {text}" if text else f"sqlite: {type(error).__name__}"
