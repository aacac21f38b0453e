"""SQLite back end for the local server: one file, WAL mode, safe across threads and processes.

* One connection per thread (and per process: a forked child opens its own); the connections of
  threads that have ended are closed when the next one opens, and ``close()`` closes them all.
* Every operation checks that the file at the path is still the one its connection has open: a
  removed or replaced file gets a new connection (and the schema again), and a write that landed
  in a file removed meanwhile is made again on the new one, never acknowledged as saved.
* Every write runs in ``BEGIN IMMEDIATE`` with a busy timeout (no longer than what is left of the
  request's budget, :mod:`kneeskill.budget`), so concurrent writers from many gunicorn workers
  queue up instead of failing; icing starts are rows of their own, so concurrent appends never
  overwrite each other, and each carries a per-turn token that makes a repeated write harmless.
* Every row carries ``expires_at`` (epoch seconds) = last write + retention. Reads ignore expired
  rows; writes delete them (for the key always, for the whole file at most once a minute).
* ``PRAGMA user_version`` holds the schema version; :func:`migrate` brings older files up to date.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

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
    utc_now,
)

SCHEMA_VERSION = 3
DB_FILE_NAME = "knee-helper.sqlite3"
_T = TypeVar("_T")
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


def _migrate_to_3(conn: sqlite3.Connection) -> None:
    """Version 3: an idempotency token per icing row (one write per turn, however often retried)."""
    conn.execute("ALTER TABLE icing_starts ADD COLUMN token TEXT")
    conn.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS icing_starts_token ON icing_starts (key, token)"
        " WHERE token IS NOT NULL"
    )


#: ``MIGRATIONS[n]`` takes a file from schema version ``n`` to ``n + 1``.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_to_1, _migrate_to_2, _migrate_to_3)


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


_Identity = tuple[int, int]  # (st_dev, st_ino) of the data file a connection has open


class SqliteUserStore:
    """:class:`~kneeskill.storage.model.UserStore` on a local SQLite file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
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
        self._lock = threading.Lock()
        #: Every open connection with its thread, so connections of ended threads are closed (the
        #: development server runs each request on a new thread) and close() closes them all.
        self._open: list[tuple[weakref.ref[threading.Thread], sqlite3.Connection]] = []
        self._last_purge = 0.0
        try:
            conn, _ = self._connection()
            migrate(conn)
            self._purge_expired(conn, to_epoch(self._clock()))
        except sqlite3.Error as error:
            observability.count(observability.Metric.STORE_FAILURES)
            raise StoreUnavailable(_reason(error)) from error
        except OSError as error:
            raise StoreUnavailable(f"sqlite: cannot open the data file ({type(error).__name__})") from error

    # -- connections ---------------------------------------------------------------------------
    def _identity(self) -> _Identity | None:
        """The data file's identity now (None when it is gone)."""
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_dev, info.st_ino

    def _connection(self) -> tuple[sqlite3.Connection, _Identity | None]:
        """This thread's connection to the data file as it is now, and that file's identity.

        A connection whose file was removed or replaced since it opened (a new inode at the path)
        would read and write a file nobody will see again: it is closed and a new one opened,
        which creates the file and its schema again when needed.
        """
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            identity = self._identity()
            if identity is not None and identity == self._local.identity:
                return conn, identity
            self._forget_local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000):d}")
            if str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower() != "wal":
                raise StoreUnavailable("sqlite: WAL mode unavailable")
            conn.execute("PRAGMA synchronous = NORMAL")
            if int(conn.execute("PRAGMA user_version").fetchone()[0]) < SCHEMA_VERSION:
                migrate(conn)  # a new (or replaced) file: its schema first
        except BaseException:
            conn.close()
            raise
        identity = self._identity()
        self._local.conn = conn
        self._local.pid = os.getpid()
        self._local.identity = identity
        with self._lock:
            self._sweep()
            self._open.append((weakref.ref(threading.current_thread()), conn))
        return conn, identity

    def _sweep(self) -> None:
        """Close the connections of threads that have ended (under ``self._lock``)."""
        alive = []
        for thread, conn in self._open:
            owner = thread()
            if owner is not None and owner.is_alive():
                alive.append((thread, conn))
            else:
                conn.close()
        self._open = alive

    def _forget_local(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is None:
            return
        with self._lock:
            self._open = [(t, c) for t, c in self._open if c is not conn]
        if getattr(self._local, "pid", None) == os.getpid():
            conn.close()

    def open_connections(self) -> int:
        """How many connections this store holds open (in this process)."""
        with self._lock:
            return len(self._open)

    def close(self) -> None:
        """Close every connection of this store (threads open a new one on their next call)."""
        with self._lock:
            for _, conn in self._open:
                conn.close()
            self._open = []
        self._local.conn = None

    def _busy_wait(self, conn: sqlite3.Connection) -> None:
        """Let SQLite wait for a lock no longer than the busy timeout or the request's budget."""
        seconds = budget.call_seconds(self.busy_timeout)
        if budget.exhausted("sqlite", seconds):
            observability.count(observability.Metric.STORE_FAILURES)
            raise StoreUnavailable("sqlite: request budget exhausted")
        conn.execute(f"PRAGMA busy_timeout = {max(1, int(seconds * 1000)):d}")

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        self._busy_wait(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _write(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work`` in one immediate transaction on the data file as it is now.

        If the file was removed or replaced while the transaction ran, the commit went to a file
        that is gone: the write is made again on the new file (every write here is idempotent), so
        no write is acknowledged that a restart would lose.
        """
        try:
            for _ in range(2):
                conn, identity = self._connection()
                with self._transaction(conn):
                    result = work(conn)
                if identity is not None and self._identity() == identity:
                    return result
                self._forget_local()
            raise StoreUnavailable("sqlite: the data file was replaced during every try")
        except sqlite3.Error as error:
            observability.count(observability.Metric.STORE_FAILURES)
            raise StoreUnavailable(_reason(error)) from error
        except OSError as error:
            raise StoreUnavailable(f"sqlite: cannot open the data file ({type(error).__name__})") from error

    # -- the interface -------------------------------------------------------------------------
    def load(self, key: str) -> UserRecord:
        now = to_epoch(self._clock())
        try:
            conn, _ = self._connection()
            self._busy_wait(conn)
            conn.execute("BEGIN")  # one consistent snapshot for both tables
            try:
                return self._read(conn, key, now)
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error as error:
            observability.count(observability.Metric.STORE_FAILURES)
            raise StoreUnavailable(_reason(error)) from error
        except OSError as error:
            raise StoreUnavailable(f"sqlite: cannot open the data file ({type(error).__name__})") from error

    def save_profile(self, key: str, record: UserRecord) -> None:
        now = self._clock()
        now_s = to_epoch(now)
        expires = to_epoch(now + self.retention)
        updated = None if record.price_updated_at is None else to_epoch(record.price_updated_at)

        def work(conn: sqlite3.Connection) -> None:
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

        self._write(work)

    def add_icing_start(self, key: str, at: datetime, token: str | None = None) -> UserRecord:
        now = self._clock()
        now_s = to_epoch(now)
        expires = to_epoch(now + self.retention)
        started = to_epoch(at)
        token = token or icing_token(at)

        def work(conn: sqlite3.Connection) -> UserRecord:
            self._purge_key(conn, key, now_s)
            conn.execute(
                "INSERT OR IGNORE INTO icing_starts (key, started_at, expires_at, token) VALUES (?, ?, ?, ?)",
                (key, started, expires, token),
            )
            # The last write to the user's data moves every one of their rows' expiry.
            conn.execute("UPDATE icing_starts SET expires_at = ? WHERE key = ?", (expires, key))
            conn.execute("UPDATE profiles SET expires_at = ? WHERE key = ?", (expires, key))
            self._maybe_purge_all(conn, now_s)
            return self._read(conn, key, now_s)

        return self._write(work)

    def delete(self, key: str) -> None:
        def work(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM icing_starts WHERE key = ?", (key,))
            conn.execute("DELETE FROM profiles WHERE key = ?", (key,))

        self._write(work)

    def purge_expired(self) -> int:
        """Delete every expired row now; return how many rows went."""
        return self._write(lambda conn: self._purge_expired(conn, to_epoch(self._clock())))

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
