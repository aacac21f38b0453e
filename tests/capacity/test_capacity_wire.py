"""The counting proxy counts what the store really sends, and prices it as DynamoDB bills it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from capacity.measure import TABLE, moto_dynamodb
from capacity.wire import CountingProxy, counting_proxy, item_size, number_size, read_units, write_units
from kneeskill.storage import UserRecord
from kneeskill.storage.dynamodb import DynamoDbUserStore


def test_item_sizes_follow_dynamodb_s_rules() -> None:
    assert item_size({"id": {"S": "abc"}}) == 2 + 3
    assert item_size({"n": {"N": "1700000000"}}) == 1 + number_size("1700000000")
    assert number_size("1700000000") == 2  # one significant digit: 1 byte + 1
    assert number_size("1234567") == 5  # seven digits: 4 bytes + 1
    assert item_size({"b": {"BOOL": True}}) == 2
    assert item_size({"l": {"L": [{"N": "12"}, {"N": "34"}]}}) == 1 + 3 + 2 * (1 + 2)
    assert item_size({"é": {"S": "é"}}) == 4  # UTF-8 bytes, names and values


def test_request_units_round_up_per_4_kb_read_and_1_kb_written() -> None:
    assert read_units(0, consistent=True) == 1  # a missing item still costs a unit
    assert read_units(4097, consistent=True) == 2
    assert read_units(100, consistent=False) == 0.5
    assert write_units(0, 200) == 1
    assert write_units(1500, 200) == 2  # the larger of before and after


@pytest.fixture(scope="module")
def proxy() -> Iterator[CountingProxy]:
    with moto_dynamodb() as url, counting_proxy(url) as running:
        yield running


def test_the_store_s_calls_are_counted_at_the_wire_with_their_units(proxy: CountingProxy) -> None:
    store = DynamoDbUserStore(TABLE, retention_days=30, endpoint_url=proxy.url)
    mark = proxy.mark()
    assert store.load("user-a") == UserRecord()
    store.save_profile("user-a", UserRecord(disclaimer_heard=True))
    store.add_icing_start("user-a", datetime.now(UTC))
    store.load("user-a")
    calls = proxy.since(mark)
    assert [c.operation for c in calls] == ["GetItem", "UpdateItem", "UpdateItem", "GetItem"]
    assert {c.key for c in calls} == {"user-a"}
    assert all(c.status == 200 for c in calls)
    assert [c.read_units for c in calls if c.is_read] == [1.0, 1.0]
    assert [c.write_units for c in calls if c.is_write] == [1.0, 1.0]
    assert calls[1].item_before == 0 and calls[1].item_after > 0
    assert calls[2].item_after > calls[2].item_before  # the icing start was appended
    assert calls[3].item_after == calls[2].item_after  # the read sees the item as written
