"""Reliability tests (issue 9): fuzzing, security, privacy, load and faults. Loopback only.

The short form runs in ``make test``; ``make stress`` sets KNEE_HELPER_STRESS=long for the long form.
"""

from __future__ import annotations

# The environment (no cloud, dummy credentials, a region) is set by tests/conftest.py.
import time
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from alexa_standin.server import StandIn

TABLE = "knee-helper-faults"


@pytest.fixture(scope="session")
def standin() -> Iterator[StandIn]:
    """The loopback stand-in for the Alexa APIs (timers, reminders, time zone): nothing reaches Amazon."""
    with StandIn.start() as running:
        yield running


@pytest.fixture(scope="session")
def moto() -> Iterator[str]:
    """A DynamoDB-compatible server (moto) on 127.0.0.1 with the skill's table; yields its URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # Set-up, not the skill: generous timeouts and no retry (the skill's client gives up after a
    # second and retries, which on a loaded machine made the retry find the table already made).
    setup = Config(connect_timeout=10, read_timeout=60, retries={"total_max_attempts": 1})
    boto3.session.Session().client(
        "dynamodb", region_name="us-east-1", endpoint_url=url, config=setup
    ).create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield url
    server.stop()


class LambdaContext:
    """What the Lambda runtime hands the handler, as far as the skill reads it: the time left."""

    def __init__(self, milliseconds: int = 7_000) -> None:
        self._deadline = time.monotonic() + milliseconds / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
