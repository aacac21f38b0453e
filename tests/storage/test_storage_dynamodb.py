"""The DynamoDB store against a real moto server on loopback, with failure injection via a TCP proxy."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from moto.server import ThreadedMotoServer

from kneeskill import budget
from kneeskill.settings import PersistenceKind, Settings
from kneeskill.storage import PermissionState, StoreUnavailable, UserRecord, open_store, user_key
from kneeskill.storage.dynamodb import DynamoDbUserStore, make_client
from tests.support.loopback import serve_handler
from tests.support.timing import keeps_to

from .tcp_proxy import TcpProxy

REPO = Path(__file__).resolve().parents[2]
TABLE = "knee-helper-test"
KEY = user_key("amzn1.ask.account.TEST", salt="test-salt")
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that accepts CloudFormation short tags (!Ref, !GetAtt, !Sub, ...)."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node)
    else:
        value = loader.construct_mapping(node)  # type: ignore[arg-type]
    return {suffix: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def table_properties() -> dict[str, Any]:
    template = yaml.load((REPO / "template.yaml").read_text(), Loader=_CfnLoader)
    props: dict[str, Any] = template["Resources"]["UserRecordsTable"]["Properties"]
    return props


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    props = table_properties()
    client = make_client(url)
    # The skill's client (2 s read timeout, one retry): on a loaded machine moto's first call can
    # outlast the timeout, and the retry then finds the table the first try made.
    with contextlib.suppress(client.exceptions.ResourceInUseException):
        client.create_table(
            TableName=TABLE,
            KeySchema=props["KeySchema"],
            AttributeDefinitions=props["AttributeDefinitions"],
            BillingMode=props["BillingMode"],
        )
    client.update_time_to_live(TableName=TABLE, TimeToLiveSpecification=props["TimeToLiveSpecification"])
    yield url
    server.stop()


@pytest.fixture(scope="module")
def moto_client(moto_url: str) -> Any:
    """The skill's client (``make_client``: its timeouts and retry) on the moto server, made once:
    a test's store needs a fresh store (its own breaker), not a fresh client. The tests of how a
    store makes its client make their own."""
    return make_client(moto_url)


@pytest.fixture
def store(moto_client: Any) -> DynamoDbUserStore:
    s = DynamoDbUserStore(TABLE, retention_days=30, client=moto_client, clock=Clock())
    s.delete(KEY)
    return s


def raw_item(client: Any, key: str = KEY) -> dict[str, Any]:
    item: dict[str, Any] = client.get_item(TableName=TABLE, Key={"id": {"S": key}}).get("Item", {})
    return item


def test_table_matches_template(moto_client: Any) -> None:
    client = moto_client
    description = client.describe_table(TableName=TABLE)["Table"]
    assert description["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    ttl = client.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_open_store_builds_dynamodb_store(moto_url: str) -> None:
    settings_ = Settings(
        persistence=PersistenceKind.DYNAMODB, dynamodb_table=TABLE, dynamodb_endpoint_url=moto_url
    )
    store = open_store(settings_)
    assert isinstance(store, DynamoDbUserStore)
    assert store.load(user_key("nobody", salt="x")) == UserRecord()


def test_open_store_requires_a_table_name() -> None:
    with pytest.raises(ValueError, match="KNEE_HELPER_TABLE"):
        open_store(Settings(persistence=PersistenceKind.DYNAMODB))


def test_save_load_round_trip_with_ttl_attribute(store: DynamoDbUserStore, moto_client: Any) -> None:
    record = UserRecord(
        price_step="compress",
        price_updated_at=T0,
        disclaimer_heard=True,
        timer_permission=PermissionState.GRANTED,
        reminder_permission=PermissionState.DENIED,
    )
    store.save_profile(KEY, record)
    assert store.load(KEY) == record
    item = raw_item(moto_client)
    assert item["expires_at"] == {"N": str(int((T0 + timedelta(days=30)).timestamp()))}
    assert item["price_updated_at"] == {"N": str(int(T0.timestamp()))}
    assert set(item) <= {
        "id", "price_step", "price_updated_at", "disclaimer_heard",
        "timer_permission", "reminder_permission", "icing_starts", "expires_at",
    }  # fmt: skip
    store.save_profile(KEY, UserRecord())
    assert store.load(KEY) == UserRecord()
    assert "price_step" not in raw_item(moto_client)


def test_append_keeps_profile_and_returns_updated_record(store: DynamoDbUserStore, moto_client: Any) -> None:
    store.save_profile(KEY, UserRecord(price_step="ice", disclaimer_heard=True))
    first = store.add_icing_start(KEY, T0 - timedelta(hours=2))
    second = store.add_icing_start(KEY, T0 - timedelta(minutes=5))
    assert first.icing_starts == (T0 - timedelta(hours=2),)
    assert second.icing_starts == (T0 - timedelta(hours=2), T0 - timedelta(minutes=5))
    assert second.price_step == "ice"
    store.save_profile(KEY, UserRecord(price_step="elevate"))  # never touches icing starts
    assert store.load(KEY).icing_starts == second.icing_starts
    assert "expires_at" in raw_item(moto_client)


def test_old_icing_starts_are_ignored_and_trimmed(store: DynamoDbUserStore, moto_client: Any) -> None:
    store.add_icing_start(KEY, T0 - timedelta(days=5))
    store.add_icing_start(KEY, T0 - timedelta(days=4))
    record = store.add_icing_start(KEY, T0 - timedelta(hours=1))
    assert record.icing_starts == (T0 - timedelta(hours=1),)
    stored = raw_item(moto_client)["icing_starts"]["L"]
    assert stored == [{"N": str(int((T0 - timedelta(hours=1)).timestamp()))}]


def test_expired_item_reads_as_empty(store: DynamoDbUserStore) -> None:
    store.save_profile(KEY, UserRecord(price_step="rest"))
    later = DynamoDbUserStore(
        TABLE, retention_days=30, client=store._client, clock=Clock(T0 + timedelta(days=31))
    )
    assert later.load(KEY) == UserRecord()


def test_delete(store: DynamoDbUserStore, moto_client: Any) -> None:
    store.save_profile(KEY, UserRecord(price_step="rest"))
    store.add_icing_start(KEY, T0)
    store.delete(KEY)
    assert raw_item(moto_client) == {}
    assert store.load(KEY) == UserRecord()


@pytest.fixture(scope="module")
def serialised_moto_url() -> Iterator[str]:
    """moto answering one request at a time, as DynamoDB applies each UpdateItem atomically.

    moto's threaded server updates items without locks, so two concurrent UpdateItem calls can
    overwrite each other there (never on DynamoDB). Serialising requests keeps the server honest,
    while the clients below still race: a read-modify-write client would still lose appends.
    """
    from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, False, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    props = table_properties()
    client = make_client(url)
    # moto keeps one in-memory backend per process: another server here may have made it already.
    with contextlib.suppress(client.exceptions.ResourceInUseException):
        client.create_table(
            TableName=TABLE,
            KeySchema=props["KeySchema"],
            AttributeDefinitions=props["AttributeDefinitions"],
            BillingMode=props["BillingMode"],
        )
    yield url
    server.shutdown()
    thread.join(timeout=5)


def test_concurrent_appends_lose_nothing(serialised_moto_url: str) -> None:
    key = user_key("concurrent", salt="test-salt")
    store = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=serialised_moto_url)
    store.delete(key)
    now = datetime.now(UTC).replace(microsecond=0)
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for i in range(10):
                store.add_icing_start(key, now - timedelta(seconds=offset * 100 + i))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.load(key).icing_starts) == 60


# -- failure injection ---------------------------------------------------------------------------


def test_server_down_is_store_unavailable_quickly(moto_url: str) -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    server.stop()
    store = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=f"http://{host}:{port}")
    for call in (lambda: store.load(KEY), lambda: store.add_icing_start(KEY, T0), lambda: store.delete(KEY)):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught:
            call()
        elapsed = time.monotonic() - started
        assert elapsed < 4.0, elapsed
        assert KEY not in str(caught.value)


@pytest.mark.slow
def test_slow_server_is_store_unavailable_within_the_timeout_budget(moto_url: str) -> None:
    host, port = moto_url.removeprefix("http://").split(":")
    proxy = TcpProxy((host, int(port)), delay=10.0).start()
    try:
        store = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=proxy.url)
        # One whole-call deadline (1 s connect + 2 s read) covers the first try and the retry.
        with keeps_to(3.0), pytest.raises(StoreUnavailable, match=r"ReadTimeout|CallDeadline|budget"):
            store.load(KEY)
        assert 1 <= proxy.accepted <= 2
    finally:
        proxy.stop()


def test_outage_and_recovery_keep_saved_data(moto_url: str) -> None:
    host, port = moto_url.removeprefix("http://").split(":")
    proxy = TcpProxy((host, int(port))).start()
    key = user_key("outage", salt="test-salt")
    store = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=proxy.url, clock=Clock())
    try:
        store.delete(key)
        store.save_profile(key, UserRecord(price_step="ice", disclaimer_heard=True))
        store.add_icing_start(key, T0)
        proxy.stop()
        with pytest.raises(StoreUnavailable):
            store.load(key)
        with pytest.raises(StoreUnavailable):
            store.add_icing_start(key, T0 + timedelta(minutes=1))
        proxy.start()  # same port again
        record = store.load(key)
        assert record.price_step == "ice"
        assert record.disclaimer_heard is True
        assert record.icing_starts == (T0,)
    finally:
        proxy.stop()


aware_seconds = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


@settings(max_examples=15, deadline=None)
@given(
    record=st.builds(
        UserRecord,
        price_step=st.none() | st.text(min_size=1, max_size=20),
        price_updated_at=st.none() | aware_seconds,
        disclaimer_heard=st.booleans(),
        timer_permission=st.sampled_from(PermissionState),
        reminder_permission=st.sampled_from(PermissionState),
    )
)
def test_profile_round_trip_property(moto_client: Any, record: UserRecord) -> None:
    store = DynamoDbUserStore(TABLE, retention_days=30, client=moto_client, clock=Clock())
    store.delete(KEY)  # a profile save keeps the icing starts an earlier test left
    store.save_profile(KEY, record)
    assert store.load(KEY) == record


# -- retries against a scripted DynamoDB on loopback -----------------------------------------------


class _Scripted(BaseHTTPRequestHandler):
    """Answers DynamoDB calls from a script (status, error code); records the operations it got."""

    protocol_version = "HTTP/1.1"
    script: ClassVar[list[tuple[int, str | None]]] = []
    calls: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).calls.append(self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1])
        status, code = type(self).script.pop(0) if type(self).script else (200, None)
        body = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "no"} if code else {}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def scripted(*script: tuple[int, str | None]) -> Iterator[str]:
    _Scripted.script = list(script)
    _Scripted.calls = []
    with serve_handler(_Scripted) as url:
        yield url


@pytest.mark.parametrize(
    ("first", "calls", "stored"),
    [
        ((400, "ThrottlingException"), ["UpdateItem"] * 2, True),
        ((400, "ProvisionedThroughputExceededException"), ["UpdateItem"] * 2, True),
        ((500, "InternalServerError"), ["UpdateItem"] * 2, True),
        ((400, "ValidationException"), ["UpdateItem"], False),
        # This turn's start is stored already (an earlier try): not retried, the record is read back.
        ((400, "ConditionalCheckFailedException"), ["UpdateItem", "GetItem"], True),
    ],
    ids=["throttling", "throughput", "500", "validation", "conditional"],
)
def test_only_failures_worth_retrying_are_retried_and_only_once(
    first: tuple[int, str], calls: list[str], stored: bool
) -> None:
    with scripted(first) as url:
        store = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=url)
        if stored:
            store.add_icing_start(KEY, T0, "token")
        else:
            with pytest.raises(StoreUnavailable, match=first[1]):
                store.add_icing_start(KEY, T0, "token")
        assert _Scripted.calls == calls


def test_a_table_that_keeps_failing_costs_two_calls_inside_the_request_budget() -> None:
    with scripted(*[(400, "ThrottlingException")] * 10) as url:
        store = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=url)
        with pytest.raises(StoreUnavailable) as caught:
            store.load(KEY)
        assert _Scripted.calls == ["GetItem"] * 2 and "ThrottlingException" in str(caught.value)
        # made, and its operation model loaded, outside the clock (botocore loads it on first use)
        fresh = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=url)
        with pytest.raises(StoreUnavailable):
            fresh.load(KEY)
        with budget.request_budget(0.3):
            started = time.monotonic()
            with pytest.raises(StoreUnavailable):
                fresh.load(KEY)
            # the retry's pause never outlasts the budget (botocore's pause is random, up to 1 s:
            # a tighter bound than keeps_to's, which would let most of a pause through)
            assert time.monotonic() - started < 0.8
        with budget.request_budget(0.0), pytest.raises(StoreUnavailable, match="budget"):
            store.load(KEY)  # no time at all: not even started
        assert len(_Scripted.calls) <= 6  # two per store load that had time, none without


# -- where the credentials come from -------------------------------------------------------------

_NO_STATIC_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


class _ContainerCredentials(BaseHTTPRequestHandler):
    """Lambda's container credentials endpoint, as SnapStart environments use it (no key in env)."""

    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.headers.get("Authorization"))
        expires = (datetime.now(UTC) + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
        answer = {"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "s", "Token": "t", "Expiration": expires}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_credentials_come_from_the_container_endpoint_as_under_snapstart(
    moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SnapStart environments get no AWS_ACCESS_KEY_ID: the store's client asks the container
    credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) with its authorization token."""
    for name in _NO_STATIC_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    _ContainerCredentials.seen = []
    with serve_handler(_ContainerCredentials) as url:
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{url}/2018-06-01/credentials")
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-token")
        store = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=moto_url, clock=Clock())
        store.save_profile(KEY, UserRecord(price_step="ice"))
        assert store.load(KEY).price_step == "ice"
    assert _ContainerCredentials.seen and set(_ContainerCredentials.seen) == {"container-token"}


def test_without_credentials_the_store_fails_fast_and_never_asks_instance_metadata(
    moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS_EC2_METADATA_DISABLED=true (the suite's and the benchmarks' environment): no probe of
    169.254.169.254, which would cost a timeout per call off EC2 (and is blocked here anyway)."""
    for name in _NO_STATIC_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    gc.collect()  # the time below is the store's, not that of collecting earlier tests' garbage (~1 s)
    started, queued = time.monotonic(), _waited_for_a_cpu()
    with pytest.raises(StoreUnavailable, match="NoCredentials"):
        DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=moto_url).load(KEY)
    # The store's own time: running, or waiting on anything (a probe's network timeout included)
    # but a CPU, which on a loaded 2-core machine was several times the 0.2 s the client takes.
    assert time.monotonic() - started - (_waited_for_a_cpu() - queued) < 1.0


def _waited_for_a_cpu() -> float:
    """Seconds this thread has been ready to run but waited for a CPU (Linux's schedstat; 0.0 where
    the kernel does not keep it)."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0
