"""The standard-library DynamoDB client: its signature matches botocore's, it picks itself only when
it can, and it retries, times out and reuses connections as the boto3 client is configured to."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest

from kneeskill.settings import DynamoDbClientKind, PersistenceKind, Settings
from kneeskill.storage import StoreUnavailable, open_store, user_key
from kneeskill.storage.dynamodb import DynamoDbUserStore, default_client
from kneeskill.storage.dynamodb_http import (
    Credentials,
    DynamoDbHttpClient,
    DynamoDbHttpError,
    endpoint_for,
    from_env,
    sign,
)
from tests.support.loopback import serve_handler

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 17, 30, 5, tzinfo=UTC)
ENV = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret/key+1", "AWS_REGION": "eu-west-1"}


def _client(url: str, **overrides: Any) -> DynamoDbHttpClient:
    options: dict[str, Any] = {
        "region": "us-east-1",
        "credentials": Credentials("AKIDEXAMPLE", "secret"),
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "max_attempts": 2,
        "sleep": lambda _seconds: None,
    }
    options.update(overrides)
    return DynamoDbHttpClient(url, **options)


# --- the signature ------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "session-token-value"])
@pytest.mark.parametrize("host", ["dynamodb.eu-west-1.amazonaws.com", "127.0.0.1:8000"])
def test_the_signature_is_the_one_botocore_computes(
    token: str | None, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.auth
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials as BotoCredentials

    body = json.dumps({"TableName": "t", "Key": {"id": {"S": "k"}}}).encode()
    ours = sign(
        host=host,
        target="DynamoDB_20120810.GetItem",
        body=body,
        credentials=Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", token),
        region="eu-west-1",
        now=NOW,
    )
    request = AWSRequest(
        method="POST",
        url=f"https://{host}/",
        data=body,
        headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.GetItem"},
    )
    signer = SigV4Auth(
        BotoCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", token), "dynamodb", "eu-west-1"
    )
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: NOW.replace(tzinfo=None))
    signer.add_auth(request)
    assert ours["authorization"] == request.headers["Authorization"]
    assert ours["x-amz-date"] == request.headers["X-Amz-Date"]
    assert ours.get("x-amz-security-token") == request.headers.get("X-Amz-Security-Token")


def test_the_secret_key_is_never_printed() -> None:
    credentials = Credentials("AKIDEXAMPLE", "very-secret", "token-secret")
    assert "very-secret" not in repr(credentials) and "token-secret" not in repr(credentials)


# --- when it is used --------------------------------------------------------------------------------


def test_static_credentials_and_an_ordinary_region_pick_the_small_client() -> None:
    client = from_env(None, connect_timeout=1, read_timeout=2, max_attempts=2, environ=ENV)
    assert client is not None
    assert client.endpoint_url == "https://dynamodb.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    ("region", "endpoint"),
    [
        ("us-east-1", "https://dynamodb.us-east-1.amazonaws.com"),
        ("ap-southeast-2", "https://dynamodb.ap-southeast-2.amazonaws.com"),
        ("us-gov-west-1", "https://dynamodb.us-gov-west-1.amazonaws.com"),
        ("cn-north-1", "https://dynamodb.cn-north-1.amazonaws.com.cn"),
        ("us-iso-east-1", None),
        ("eu-west-1.evil.example", None),
        ("", None),
    ],
)
def test_endpoints_are_derived_only_for_ordinary_regions(region: str, endpoint: str | None) -> None:
    assert endpoint_for(region) == endpoint


@pytest.mark.parametrize(
    "change",
    [
        {"AWS_ACCESS_KEY_ID": ""},
        {"AWS_SECRET_ACCESS_KEY": ""},
        {"AWS_REGION": ""},
        {"AWS_REGION": "us-iso-east-1"},
        {"AWS_USE_FIPS_ENDPOINT": "true"},
        {"AWS_USE_DUALSTACK_ENDPOINT": "TRUE"},
        {"AWS_ENDPOINT_URL_DYNAMODB": "https://example.com"},
        {"AWS_ENDPOINT_URL": "https://example.com"},
    ],
    ids=[
        "no-key",
        "no-secret",
        "no-region",
        "iso-region",
        "fips",
        "dual-stack",
        "service-endpoint",
        "endpoint",
    ],
)
def test_anything_only_boto3_understands_leaves_the_choice_to_boto3(change: dict[str, str]) -> None:
    assert (
        from_env(None, connect_timeout=1, read_timeout=2, max_attempts=2, environ={**ENV, **change}) is None
    )


def test_the_client_setting_is_read_and_checked() -> None:
    assert Settings.from_env({}).dynamodb_client is DynamoDbClientKind.AUTO
    assert (
        Settings.from_env({"KNEE_HELPER_DYNAMODB_CLIENT": "BOTO3"}).dynamodb_client
        is DynamoDbClientKind.BOTO3
    )
    with pytest.raises(ValueError, match="KNEE_HELPER_DYNAMODB_CLIENT"):
        Settings.from_env({"KNEE_HELPER_DYNAMODB_CLIENT": "curl"})
    with pytest.raises(ValueError, match="auto, http or boto3"):
        default_client(None, "curl")


def test_boto3_can_be_asked_for_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(default_client("http://127.0.0.1:9", "http"), DynamoDbHttpClient)
    assert not isinstance(default_client("http://127.0.0.1:9", "boto3"), DynamoDbHttpClient)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    with pytest.raises(ValueError, match="needs AWS_ACCESS_KEY_ID"):
        default_client("http://127.0.0.1:9", "http")
    assert not isinstance(default_client("http://127.0.0.1:9", "auto"), DynamoDbHttpClient)


def test_the_small_client_never_loads_boto3(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from kneeskill.settings import PersistenceKind, Settings\n"
        "from kneeskill.storage import StoreUnavailable, open_store, user_key\n"
        "store = open_store(Settings(persistence=PersistenceKind.DYNAMODB, dynamodb_table='t',\n"
        "                            dynamodb_endpoint_url='http://127.0.0.1:9'))\n"
        "try:\n"
        "    store.load(user_key('u', salt='s'))\n"
        "except StoreUnavailable:\n"
        "    pass\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# --- behaviour against a scripted server on loopback --------------------------------------------


class _Scripted(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as DynamoDB
    answers: ClassVar[list[tuple[int, dict[str, Any], dict[str, str]]]] = []
    seen: ClassVar[list[dict[str, str]]] = []
    connections: ClassVar[list[str]] = []  # one entry per accepted connection

    def setup(self) -> None:
        super().setup()
        type(self).connections.append(f"{self.client_address[0]}:{self.client_address[1]}")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        type(self).seen.append({k.lower(): v for k, v in self.headers.items()})
        status, body, headers = type(self).answers.pop(0) if type(self).answers else (200, {}, {})
        data = headers["raw"].encode() if "raw" in headers else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amz-crc32", headers.get("crc", str(zlib.crc32(data))))
        if headers.get("close"):
            self.send_header("Connection", "close")
            self.close_connection = True
        if headers.get("drop"):  # close after answering without saying so, as an idle timeout does
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def scripted(*answers: tuple[int, dict[str, Any], dict[str, str]]) -> Iterator[str]:
    _Scripted.answers = list(answers)
    _Scripted.seen = []
    _Scripted.connections = []
    with serve_handler(_Scripted) as url:
        yield url


def _error(code: str) -> dict[str, str]:
    return {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "no"}


def test_a_call_is_a_signed_json_post_and_its_answer_is_parsed() -> None:
    with scripted((200, {"Item": {"id": {"S": "k"}}}, {})) as url:
        answer = _client(url).get_item(TableName="t", Key={"id": {"S": "k"}})
        headers = _Scripted.seen[0]
    assert answer == {"Item": {"id": {"S": "k"}}}
    assert headers["x-amz-target"] == "DynamoDB_20120810.GetItem"
    assert headers["content-type"] == "application/x-amz-json-1.0"
    assert headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert headers["host"] == url.removeprefix("http://")


def test_calls_share_one_kept_alive_connection() -> None:
    with scripted() as url:
        client = _client(url)
        for _ in range(3):
            client.get_item(TableName="t", Key={})
        assert len(_Scripted.seen) == 3
        assert len(_Scripted.connections) == 1


def test_a_connection_the_server_closed_is_replaced_without_using_up_the_retry() -> None:
    with scripted((200, {}, {"close": "1"}), (400, _error("ValidationException"), {})) as url:
        client = _client(url)
        client.get_item(TableName="t", Key={})
        with pytest.raises(DynamoDbHttpError) as caught:
            client.get_item(TableName="t", Key={})
        assert caught.value.code == "ValidationException"
        assert len(_Scripted.seen) == 2 and len(_Scripted.connections) == 2


def test_a_kept_alive_connection_dropped_in_silence_is_replaced_on_the_next_call() -> None:
    with scripted((200, {}, {"drop": "1"}), (200, {"Item": {"id": {"S": "k"}}}, {})) as url:
        client = _client(url, max_attempts=1)  # no retry: the replacement must not need one
        client.get_item(TableName="t", Key={})
        assert client.get_item(TableName="t", Key={}) == {"Item": {"id": {"S": "k"}}}
        assert len(_Scripted.seen) == 2 and len(_Scripted.connections) == 2


@pytest.mark.parametrize(
    ("first", "calls", "outcome"),
    [
        ((400, _error("ConditionalCheckFailedException"), {}), 1, "ConditionalCheckFailedException"),
        ((400, _error("ValidationException"), {}), 1, "ValidationException"),
        ((400, _error("ProvisionedThroughputExceededException"), {}), 2, None),
        ((400, _error("ThrottlingException"), {}), 2, None),
        ((500, _error("InternalServerError"), {}), 2, None),
        ((503, {}, {}), 2, None),
        ((200, {"Item": {}}, {"crc": "1"}), 2, None),
    ],
    ids=["conditional", "validation", "throughput", "throttling", "500", "503-no-body", "bad-checksum"],
)
def test_only_failures_worth_retrying_are_retried_once(
    first: tuple[int, dict[str, Any], dict[str, str]], calls: int, outcome: str | None
) -> None:
    with scripted(first, (200, {"Item": {"id": {"S": "k"}}}, {})) as url:
        client = _client(url)
        if outcome is None:
            assert client.get_item(TableName="t", Key={}) == {"Item": {"id": {"S": "k"}}}
        else:
            with pytest.raises(DynamoDbHttpError) as caught:
                client.get_item(TableName="t", Key={})
            assert caught.value.code == outcome
        assert len(_Scripted.seen) == calls


@pytest.mark.parametrize("raw", ["<html>proxy error</html>", "[1, 2]"])
def test_an_answer_that_is_not_a_json_object_is_store_unavailable(raw: str) -> None:
    with scripted((200, {}, {"raw": raw})) as url:
        store = DynamoDbUserStore("t", retention_days=30, client=_client(url))
        with pytest.raises(StoreUnavailable, match="dynamodb: MalformedAnswer"):
            store.load(user_key("u", salt="s"))
        assert len(_Scripted.seen) == 1


def test_a_failure_on_both_tries_is_store_unavailable_with_the_code() -> None:
    with scripted((500, _error("InternalServerError"), {}), (500, _error("InternalServerError"), {})) as url:
        store = DynamoDbUserStore("t", retention_days=30, client=_client(url))
        with pytest.raises(StoreUnavailable, match="dynamodb: InternalServerError"):
            store.load(user_key("u", salt="s"))
        assert len(_Scripted.seen) == 2


def test_open_store_uses_the_small_client_with_static_credentials() -> None:
    store = open_store(
        Settings(
            persistence=PersistenceKind.DYNAMODB,
            dynamodb_table="t",
            dynamodb_endpoint_url="http://127.0.0.1:9",
        )
    )
    assert isinstance(store, DynamoDbUserStore)
    assert isinstance(store._client, DynamoDbHttpClient)


def test_the_pause_before_the_retry_is_full_jitter_up_to_the_documented_bound() -> None:
    """Architecture review: RETRY_JITTER_SECONDS (0.25 s) was unused; the pause was up to 50 ms."""
    from kneeskill.storage.dynamodb_http import RETRY_JITTER_SECONDS

    pauses: list[float] = []
    throttled: tuple[int, dict[str, Any], dict[str, str]] = (400, _error("ThrottlingException"), {})
    with scripted(*([throttled, (200, {}, {})] * 60)) as url:
        client = _client(url, sleep=pauses.append)
        for _ in range(60):
            client.get_item(TableName="t", Key={})
    assert len(pauses) == 60
    assert all(0.0 <= pause <= RETRY_JITTER_SECONDS for pause in pauses)
    assert max(pauses) > RETRY_JITTER_SECONDS / 2  # the whole range is used, not a sliver of it


def test_the_retry_and_its_pause_stay_inside_the_request_budget() -> None:
    import time

    from kneeskill import budget

    throttled: tuple[int, dict[str, Any], dict[str, str]] = (400, _error("ThrottlingException"), {})
    with scripted(*([throttled] * 40)) as url:
        client = _client(url, sleep=time.sleep)
        for _ in range(20):
            started = time.monotonic()
            with budget.request_budget(0.12), pytest.raises(DynamoDbHttpError):
                client.get_item(TableName="t", Key={})
            assert time.monotonic() - started < 0.2
        with budget.request_budget(0.0), pytest.raises(DynamoDbHttpError, match="BudgetExhausted"):
            client.get_item(TableName="t", Key={})
