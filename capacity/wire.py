"""Count DynamoDB traffic at the wire: a small HTTP proxy on loopback in front of the moto server.

The skill's store is pointed at the proxy through ``KNEE_HELPER_DYNAMODB_ENDPOINT`` (boto3 honours
it), so nothing in ``kneeskill.storage`` changes or knows it is counted. Each
call is recorded from its ``X-Amz-Target`` header and JSON body: the operation, the key, the request
and answer sizes, and the item's size before and after (read from moto directly, uncounted), from
which the request units are computed as DynamoDB bills them:

- a strongly consistent read: 1 read request unit per 4 KB of the item, at least 1 (a missing item
  still costs 1);
- a write (PutItem, UpdateItem, DeleteItem): 1 write request unit per 1 KB of the larger of the item
  before and after, at least 1 (a failed conditional write still costs its units).

Item sizes follow DynamoDB's rules: attribute names plus values; strings by UTF-8 bytes; numbers
about one byte per two significant digits plus one; booleans and nulls one byte; lists and maps
3 bytes plus one per element plus the elements.
"""

from __future__ import annotations

import http.client
import json
import math
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"})
_HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host"})


# --------------------------------------------------------------------------------------------------
# Item size and request units
# --------------------------------------------------------------------------------------------------


def number_size(text: str) -> int:
    """Bytes DynamoDB counts for a number: one per two significant digits, plus one."""
    digits = text.lstrip("+-").replace(".", "").split("e")[0].split("E")[0]
    significant = digits.strip("0") or "0"
    return math.ceil(len(significant) / 2) + 1


def value_size(value: Mapping[str, Any]) -> int:
    """Bytes of one typed attribute value (``{"S": ...}``, ``{"N": ...}``, ``{"L": [...]}``...)."""
    ((kind, body),) = value.items()
    if kind == "S":
        return len(str(body).encode("utf-8"))
    if kind == "N":
        return number_size(str(body))
    if kind == "B":
        return math.ceil(len(str(body)) * 3 / 4)  # base64 on the wire
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in body)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + value_size(v) for k, v in body.items())
    if kind in ("SS", "NS", "BS"):
        inner = {"SS": "S", "NS": "N", "BS": "B"}[kind]
        return sum(value_size({inner: v}) for v in body)
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: Mapping[str, Mapping[str, Any]] | None) -> int:
    """Bytes of an item: attribute names plus values (0 for no item)."""
    if not item:
        return 0
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def read_units(size: int, *, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2.0


def write_units(before: int, after: int) -> float:
    return float(max(1, math.ceil(max(before, after) / 1024)))


# --------------------------------------------------------------------------------------------------
# The proxy
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WireCall:
    """One DynamoDB call as the proxy saw it."""

    operation: str
    key: str  # the partition key value ("" when the call has none)
    status: int
    request_bytes: int
    answer_bytes: int
    item_before: int
    item_after: int
    read_units: float
    write_units: float

    @property
    def is_read(self) -> bool:
        return self.operation in READS

    @property
    def is_write(self) -> bool:
        return self.operation in WRITES


class CountingProxy:
    """Forward DynamoDB JSON calls to ``upstream`` and record each one (thread-safe)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        host_port = self.upstream.split("://", 1)[1]
        host, _, port = host_port.partition(":")
        self._upstream = (host, int(port or 80))
        self._lock = threading.Lock()
        self._calls: list[WireCall] = []
        self._key_locks: dict[str, threading.Lock] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- recording ---------------------------------------------------------------------------
    @property
    def calls(self) -> list[WireCall]:
        with self._lock:
            return list(self._calls)

    def mark(self) -> int:
        """A position in the call list (``since(mark)`` returns what came after it)."""
        with self._lock:
            return len(self._calls)

    def since(self, mark: int) -> list[WireCall]:
        with self._lock:
            return list(self._calls[mark:])

    def _record(self, call: WireCall) -> None:
        with self._lock:
            self._calls.append(call)

    def _key_lock(self, key: str) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    # -- life cycle --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> CountingProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
                status, answer_headers, answer = proxy.forward(headers, body)
                self.send_response(status)
                for name, value in answer_headers:
                    if name.lower() not in _HOP_HEADERS:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="ddb-counting-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    # -- forwarding --------------------------------------------------------------------------
    def forward(self, headers: dict[str, str], body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        target = next((v for k, v in headers.items() if k.lower() == "x-amz-target"), "")
        operation = target.rsplit(".", 1)[-1]
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            params = {}
        table = str(params.get("TableName", ""))
        key_map = params.get("Key") or {}
        key = str(next(iter(key_map.get("id", {}).values()), "")) if isinstance(key_map, dict) else ""
        writes = operation in WRITES
        # DynamoDB applies writes to one item one at a time; moto's in-memory tables make no such
        # promise under concurrent requests, so the proxy serialises each key's calls (never across keys).
        with self._key_lock(key) if key else _no_lock():
            before = self._item_size(table, key_map) if writes and key else 0
            status, answer_headers, answer = self._send(headers, body)
            after = self._item_size(table, key_map) if writes and key else 0
        try:
            parsed = json.loads(answer) if answer else {}
        except ValueError:
            parsed = {}
        rru = wru = 0.0
        if operation in READS:
            size = item_size(parsed.get("Item")) if isinstance(parsed, dict) else 0
            rru = read_units(size, consistent=bool(params.get("ConsistentRead")))
            before = after = size
        elif writes:
            wru = write_units(before, after)
        self._record(
            WireCall(
                operation=operation,
                key=key,
                status=status,
                request_bytes=len(body),
                answer_bytes=len(answer),
                item_before=before,
                item_after=after,
                read_units=rru,
                write_units=wru,
            )
        )
        return status, answer_headers, answer

    def _send(self, headers: dict[str, str], body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self._upstream, timeout=10)
        try:
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _item_size(self, table: str, key: object) -> int:
        """The stored item's size, read from moto directly (not counted)."""
        body = json.dumps({"TableName": table, "Key": key, "ConsistentRead": True}).encode()
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810.GetItem",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, "
            "SignedHeaders=host, Signature=0",
        }
        status, _, answer = self._send(headers, body)
        if status != 200:
            return 0
        data = json.loads(answer or b"{}")
        return item_size(data.get("Item"))


@contextmanager
def _no_lock() -> Iterator[None]:
    yield


@contextmanager
def counting_proxy(upstream: str) -> Iterator[CountingProxy]:
    proxy = CountingProxy(upstream).start()
    try:
        yield proxy
    finally:
        proxy.stop()
