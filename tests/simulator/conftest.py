"""Fixtures for the simulator tests: the real skill in process, a loopback Alexa API stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from alexa_standin import StandIn
from kneeskill.settings import Settings
from simulator.engine import Simulator
from tests.support.envelopes import TEST_SKILL_ID

SKILL_ID = TEST_SKILL_ID


@pytest.fixture(scope="module")
def standin() -> Iterator[StandIn]:
    with StandIn.start() as running:
        yield running


@pytest.fixture
def simulator(standin: StandIn) -> Iterator[Simulator]:
    standin.reset()
    with Simulator(Settings(skill_id=SKILL_ID), standin=standin) as sim:
        yield sim
