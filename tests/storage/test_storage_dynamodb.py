"""The DynamoDB store against a real moto server on loopback, with failure injection via a TCP proxy."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from moto.server import ThreadedMotoServer

from kneeskill.settings import PersistenceKind, Settings
from kneeskill.storage import PermissionState, StoreUnavailable, UserRecord, open_store, user_key
from kneeskill.storage.dynamodb import DynamoDbUserStore, make_client

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
    client.create_table(
        TableName=TABLE,
        KeySchema=props["KeySchema"],
        AttributeDefinitions=props["AttributeDefinitions"],
        BillingMode=props["BillingMode"],
    )
    client.update_time_to_live(TableName=TABLE, TimeToLiveSpecification=props["TimeToLiveSpecification"])
    yield url
    server.stop()


@pytest.fixture(scope="module", params=["http", "boto3"])
def client_choice(request: pytest.FixtureRequest) -> str:
    """Every store test runs on both clients: the small standard-library one and boto3's."""
    value: str = request.param
    return value


@pytest.fixture
def store(moto_url: str, client_choice: str) -> DynamoDbUserStore:
    s = DynamoDbUserStore(
        TABLE, retention_days=30, client_choice=client_choice, endpoint_url=moto_url, clock=Clock()
    )
    s.delete(KEY)
    return s


def raw_item(url: str, key: str = KEY) -> dict[str, Any]:
    item: dict[str, Any] = make_client(url).get_item(TableName=TABLE, Key={"id": {"S": key}}).get("Item", {})
    return item


def test_table_matches_template(moto_url: str) -> None:
    client = make_client(moto_url)
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


def test_save_load_round_trip_with_ttl_attribute(store: DynamoDbUserStore, moto_url: str) -> None:
    record = UserRecord(
        price_step="compress",
        price_updated_at=T0,
        disclaimer_heard=True,
        timer_permission=PermissionState.GRANTED,
        reminder_permission=PermissionState.DENIED,
    )
    store.save_profile(KEY, record)
    assert store.load(KEY) == record
    item = raw_item(moto_url)
    assert item["expires_at"] == {"N": str(int((T0 + timedelta(days=30)).timestamp()))}
    assert item["price_updated_at"] == {"N": str(int(T0.timestamp()))}
    assert set(item) <= {
        "id", "price_step", "price_updated_at", "disclaimer_heard",
        "timer_permission", "reminder_permission", "icing_starts", "expires_at",
    }  # fmt: skip
    store.save_profile(KEY, UserRecord())
    assert store.load(KEY) == UserRecord()
    assert "price_step" not in raw_item(moto_url)


def test_append_keeps_profile_and_returns_updated_record(store: DynamoDbUserStore, moto_url: str) -> None:
    store.save_profile(KEY, UserRecord(price_step="ice", disclaimer_heard=True))
    first = store.add_icing_start(KEY, T0 - timedelta(hours=2))
    second = store.add_icing_start(KEY, T0 - timedelta(minutes=5))
    assert first.icing_starts == (T0 - timedelta(hours=2),)
    assert second.icing_starts == (T0 - timedelta(hours=2), T0 - timedelta(minutes=5))
    assert second.price_step == "ice"
    store.save_profile(KEY, UserRecord(price_step="elevate"))  # never touches icing starts
    assert store.load(KEY).icing_starts == second.icing_starts
    assert "expires_at" in raw_item(moto_url)


def test_old_icing_starts_are_ignored_and_trimmed(store: DynamoDbUserStore, moto_url: str) -> None:
    store.add_icing_start(KEY, T0 - timedelta(days=5))
    store.add_icing_start(KEY, T0 - timedelta(days=4))
    record = store.add_icing_start(KEY, T0 - timedelta(hours=1))
    assert record.icing_starts == (T0 - timedelta(hours=1),)
    stored = raw_item(moto_url)["icing_starts"]["L"]
    assert stored == [{"N": str(int((T0 - timedelta(hours=1)).timestamp()))}]


def test_expired_item_reads_as_empty(store: DynamoDbUserStore) -> None:
    store.save_profile(KEY, UserRecord(price_step="rest"))
    later = DynamoDbUserStore(
        TABLE, retention_days=30, client=store._client, clock=Clock(T0 + timedelta(days=31))
    )
    assert later.load(KEY) == UserRecord()


def test_delete(store: DynamoDbUserStore, moto_url: str) -> None:
    store.save_profile(KEY, UserRecord(price_step="rest"))
    store.add_icing_start(KEY, T0)
    store.delete(KEY)
    assert raw_item(moto_url) == {}
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


def test_concurrent_appends_lose_nothing(serialised_moto_url: str, client_choice: str) -> None:
    key = user_key("concurrent", salt="test-salt")
    store = DynamoDbUserStore(
        TABLE, retention_days=30, client_choice=client_choice, endpoint_url=serialised_moto_url
    )
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


def test_boto3_is_not_imported_unless_dynamodb(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from kneeskill.settings import PersistenceKind, Settings\n"
        "from kneeskill.storage import open_store, user_key\n"
        "assert open_store(Settings()) is None\n"
        f"s = open_store(Settings(persistence=PersistenceKind.SQLITE, data_dir=Path({str(tmp_path)!r})))\n"
        "s.save_profile(user_key('u'), __import__('kneeskill.storage').storage.UserRecord())\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# -- failure injection ---------------------------------------------------------------------------


def test_server_down_is_store_unavailable_quickly(moto_url: str, client_choice: str) -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    server.stop()
    store = DynamoDbUserStore(
        TABLE, retention_days=30, client_choice=client_choice, endpoint_url=f"http://{host}:{port}"
    )
    for call in (lambda: store.load(KEY), lambda: store.add_icing_start(KEY, T0), lambda: store.delete(KEY)):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught:
            call()
        elapsed = time.monotonic() - started
        assert elapsed < 4.0, elapsed
        assert KEY not in str(caught.value)


@pytest.mark.slow
def test_slow_server_is_store_unavailable_within_the_timeout_budget(
    moto_url: str, client_choice: str
) -> None:
    host, port = moto_url.removeprefix("http://").split(":")
    proxy = TcpProxy((host, int(port)), delay=10.0).start()
    try:
        store = DynamoDbUserStore(
            TABLE, retention_days=30, client_choice=client_choice, endpoint_url=proxy.url
        )
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=r"ReadTimeout|CallDeadline|budget"):
            store.load(KEY)
        elapsed = time.monotonic() - started
        # One whole-call deadline (1 s connect + 2 s read) covers the first try and the retry.
        assert 1 <= proxy.accepted <= 2
        assert elapsed < 3.5, elapsed
    finally:
        proxy.stop()


def test_outage_and_recovery_keep_saved_data(moto_url: str, client_choice: str) -> None:
    host, port = moto_url.removeprefix("http://").split(":")
    proxy = TcpProxy((host, int(port))).start()
    key = user_key("outage", salt="test-salt")
    store = DynamoDbUserStore(
        TABLE, retention_days=30, client_choice=client_choice, endpoint_url=proxy.url, clock=Clock()
    )
    try:
        store.delete(key)  # the other client's run used the same key
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
def test_profile_round_trip_property(moto_url: str, record: UserRecord, client_choice: str) -> None:
    store = DynamoDbUserStore(
        TABLE, retention_days=30, client_choice=client_choice, endpoint_url=moto_url, clock=Clock()
    )
    store.save_profile(KEY, record)
    assert store.load(KEY) == record
