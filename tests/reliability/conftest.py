"""Reliability tests (issue 9): fuzzing, security, privacy, load and faults. Loopback only.

The short form runs in ``make test``; ``make stress`` sets KNEE_HELPER_STRESS=long for the long form.
"""

from __future__ import annotations

# The environment (no cloud, dummy credentials, a region) is set by tests/conftest.py.
from collections.abc import Iterator

import pytest

from alexa_standin.server import StandIn


@pytest.fixture(scope="session")
def standin() -> Iterator[StandIn]:
    """The loopback stand-in for the Alexa APIs (timers, reminders, time zone): nothing reaches Amazon."""
    with StandIn.start() as running:
        yield running
