"""Reliability tests (issue 9): fuzzing, security, privacy, load and faults. Loopback only.

The short form runs in ``make test``; ``make stress`` sets KNEE_HELPER_STRESS=long for the long form.
"""

from __future__ import annotations

import os

for _name, _value in {
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}.items():
    os.environ.setdefault(_name, _value)


from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from alexa_standin.server import StandIn  # noqa: E402


@pytest.fixture(scope="session")
def standin() -> Iterator[StandIn]:
    """The loopback stand-in for the Alexa APIs (timers, reminders, time zone): nothing reaches Amazon."""
    with StandIn.start() as running:
        yield running
