"""The SQLite store against real files: schema, migration, TTL, delete, concurrency, failures."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kneeskill.settings import PersistenceKind, Settings
from kneeskill.storage import PermissionState, StoreUnavailable, UserRecord, open_store, user_key
from kneeskill.storage.sqlite import DB_FILE_NAME, SCHEMA_VERSION, SqliteUserStore

REPO = Path(__file__).resolve().parents[2]
KEY = user_key("amzn1.ask.account.TEST", salt="test-salt")
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_store(tmp_path: Path, clock: Clock | None = None, **kwargs: float) -> SqliteUserStore:
    return SqliteUserStore(
        tmp_path / DB_FILE_NAME,
        retention_days=30,
        clock=clock or Clock(),
        busy_timeout=kwargs.get("busy_timeout", 3.0),
    )


def raw_count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_open_creates_data_dir_in_wal_mode_with_current_schema(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "var"
    store = open_store(Settings(persistence=PersistenceKind.SQLITE, data_dir=data_dir))
    assert isinstance(store, SqliteUserStore)
    path = data_dir / DB_FILE_NAME
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_empty_record_for_unknown_key(tmp_path: Path) -> None:
    assert make_store(tmp_path).load(KEY) == UserRecord()


def test_save_profile_round_trip_and_leaves_icing_alone(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    store.add_icing_start(KEY, T0 - timedelta(minutes=30))
    record = UserRecord(
        price_step="ice",
        price_updated_at=T0,
        icing_starts=(T0 - timedelta(days=1),),  # ignored by save_profile
        disclaimer_heard=True,
        timer_permission=PermissionState.GRANTED,
        reminder_permission=PermissionState.DENIED,
    )
    store.save_profile(KEY, record)
    loaded = store.load(KEY)
    assert loaded.price_step == "ice"
    assert loaded.price_updated_at == T0
    assert loaded.price_updated_at.tzinfo is not None
    assert loaded.disclaimer_heard is True
    assert loaded.timer_permission is PermissionState.GRANTED
    assert loaded.reminder_permission is PermissionState.DENIED
    assert loaded.icing_starts == (T0 - timedelta(minutes=30),)
    store.save_profile(KEY, UserRecord())
    assert store.load(KEY) == UserRecord(icing_starts=(T0 - timedelta(minutes=30),))


def test_icing_starts_newest_last_and_only_last_three_days(tmp_path: Path) -> None:
    clock = Clock()
    store = make_store(tmp_path, clock)
    store.add_icing_start(KEY, T0 - timedelta(days=4))
    store.add_icing_start(KEY, T0 - timedelta(hours=1))
    record = store.add_icing_start(KEY, T0 - timedelta(hours=5))
    assert record.icing_starts == (T0 - timedelta(hours=5), T0 - timedelta(hours=1))
    clock.now = T0 + timedelta(days=3, hours=-2)
    assert store.load(KEY).icing_starts == (T0 - timedelta(hours=1),)
    assert raw_count(store.path, "icing_starts") == 2  # reads never write
    store.add_icing_start(KEY, clock.now)
    assert raw_count(store.path, "icing_starts") == 2  # the write trimmed the old one


def test_records_expire_after_retention(tmp_path: Path) -> None:
    clock = Clock()
    store = make_store(tmp_path, clock)
    store.save_profile(KEY, UserRecord(price_step="rest", price_updated_at=T0, disclaimer_heard=True))
    store.add_icing_start(KEY, T0)
    with sqlite3.connect(store.path) as conn:
        expires = {
            r[0]
            for r in conn.execute("SELECT expires_at FROM profiles UNION SELECT expires_at FROM icing_starts")
        }
    assert expires == {int((T0 + timedelta(days=30)).timestamp())}
    clock.now = T0 + timedelta(days=30)
    assert store.load(KEY) == UserRecord()  # expired rows are ignored on read
    assert raw_count(store.path, "profiles") == 1
    assert store.purge_expired() == 2  # the profile row and the icing row
    assert raw_count(store.path, "profiles") == 0
    assert raw_count(store.path, "icing_starts") == 0


def test_a_write_moves_expiry_forward(tmp_path: Path) -> None:
    clock = Clock()
    store = make_store(tmp_path, clock)
    store.save_profile(KEY, UserRecord(price_step="rest"))
    clock.now = T0 + timedelta(days=29)
    store.add_icing_start(KEY, clock.now)
    clock.now = T0 + timedelta(days=31)
    assert store.load(KEY).price_step == "rest"


def test_expired_rows_are_deleted_when_a_store_opens(tmp_path: Path) -> None:
    store = make_store(tmp_path, Clock())
    store.save_profile(KEY, UserRecord(price_step="rest"))
    store.close()
    make_store(tmp_path, Clock(T0 + timedelta(days=40)))
    assert raw_count(tmp_path / DB_FILE_NAME, "profiles") == 0


def test_delete_forgets_everything(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    other = user_key("someone else", salt="test-salt")
    store.save_profile(KEY, UserRecord(price_step="ice"))
    store.add_icing_start(KEY, T0)
    store.save_profile(other, UserRecord(price_step="compress"))
    store.delete(KEY)
    assert store.load(KEY) == UserRecord()
    assert store.load(other).price_step == "compress"
    assert raw_count(store.path, "icing_starts") == 0


def test_file_holds_no_raw_user_id(tmp_path: Path) -> None:
    user_id = "amzn1.ask.account.RAWID"
    store = make_store(tmp_path)
    store.save_profile(user_key(user_id, salt="s"), UserRecord(price_step="ice"))
    store.close()
    for path in tmp_path.iterdir():
        assert b"RAWID" not in path.read_bytes()


def _create_v1_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE profiles (key TEXT PRIMARY KEY, price_step TEXT, price_updated_at INTEGER,
                               disclaimer_heard INTEGER NOT NULL DEFAULT 0, expires_at INTEGER NOT NULL);
        CREATE TABLE icing_starts (key TEXT NOT NULL, started_at INTEGER NOT NULL);
        CREATE INDEX icing_starts_key ON icing_starts (key, started_at);
        PRAGMA user_version = 1;
        """
    )
    expires = int((T0 + timedelta(days=10)).timestamp())
    conn.execute("INSERT INTO profiles VALUES (?, 'elevate', ?, 1, ?)", (KEY, int(T0.timestamp()), expires))
    conn.execute("INSERT INTO icing_starts VALUES (?, ?)", (KEY, int((T0 - timedelta(hours=2)).timestamp())))
    conn.commit()
    conn.close()


def test_migrates_a_version_1_file(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE_NAME
    _create_v1_file(path)
    store = SqliteUserStore(path, retention_days=30, clock=Clock())
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    record = store.load(KEY)
    assert record == UserRecord(
        price_step="elevate",
        price_updated_at=T0,
        icing_starts=(T0 - timedelta(hours=2),),
        disclaimer_heard=True,
        timer_permission=PermissionState.UNKNOWN,
        reminder_permission=PermissionState.UNKNOWN,
    )
    # Opening again is a no-op.
    SqliteUserStore(path, retention_days=30, clock=Clock())
    assert store.load(KEY) == record


def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE_NAME
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreUnavailable, match="newer"):
        SqliteUserStore(path, retention_days=30)


def test_locked_beyond_busy_timeout_is_store_unavailable(tmp_path: Path) -> None:
    store = make_store(tmp_path, busy_timeout=0.3)
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught:
            store.add_icing_start(KEY, T0)
        assert time.monotonic() - started < 3.0
        assert KEY not in str(caught.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.add_icing_start(KEY, T0).icing_starts == (T0,)


def test_unusable_data_dir_is_store_unavailable(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.raises(StoreUnavailable):
        open_store(Settings(persistence=PersistenceKind.SQLITE, data_dir=not_a_dir / "var"))


def test_corrupt_file_is_store_unavailable(tmp_path: Path) -> None:
    (tmp_path / DB_FILE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailable):
        make_store(tmp_path)


THREADS = 8
PROCESSES = 4
PER_WORKER = 40

_CHILD = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from kneeskill.storage.sqlite import SqliteUserStore
store = SqliteUserStore(Path(sys.argv[1]), retention_days=30)
now = datetime.now(UTC)
for i in range({n}):
    store.add_icing_start(sys.argv[2], now - timedelta(seconds=i))
"""


@pytest.mark.slow
def test_concurrent_appends_from_threads_and_processes_lose_nothing(tmp_path: Path) -> None:
    store = SqliteUserStore(tmp_path / DB_FILE_NAME, retention_days=30)
    children = [
        subprocess.Popen([sys.executable, "-c", _CHILD.format(n=PER_WORKER), str(store.path), KEY], cwd=REPO)
        for _ in range(PROCESSES)
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker() -> None:
        try:
            barrier.wait()
            now = datetime.now(UTC)
            for i in range(PER_WORKER):
                store.add_icing_start(KEY, now - timedelta(seconds=i))
                if i % 5 == 0:
                    store.save_profile(KEY, UserRecord(price_step="ice", disclaimer_heard=True))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [child.wait(timeout=60) for child in children] == [0] * PROCESSES
    assert errors == []
    total = (THREADS + PROCESSES) * PER_WORKER
    assert raw_count(store.path, "icing_starts") == total
    record = store.load(KEY)
    assert len(record.icing_starts) == total
    assert list(record.icing_starts) == sorted(record.icing_starts)
    assert record.price_step == "ice"


def test_each_thread_gets_its_own_connection(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    seen: list[int] = []

    def grab() -> None:
        seen.append(id(store._connection()))

    threads = [threading.Thread(target=grab) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 3


aware_seconds = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
profiles = st.builds(
    UserRecord,
    price_step=st.none()
    | st.sampled_from(["protect", "rest", "ice", "compress", "elevate"])
    | st.text(max_size=20),
    price_updated_at=st.none() | aware_seconds,
    disclaimer_heard=st.booleans(),
    timer_permission=st.sampled_from(PermissionState),
    reminder_permission=st.sampled_from(PermissionState),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=profiles)
def test_profile_round_trip_property(tmp_path: Path, record: UserRecord) -> None:
    store = make_store(tmp_path)
    store.save_profile(KEY, record)
    assert store.load(KEY) == record
