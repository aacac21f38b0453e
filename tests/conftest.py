"""Suite-wide set-up: loopback-only network, no cloud credentials, a test skill id."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as _hypothesis_settings

from tests.support.offline import OFFLINE_AWS_ENV

# boto3 must never look for credentials on the instance-metadata address, and nothing in the
# suite may reach AWS: dummy credentials, a region, and no config files.
for _name, _value in OFFLINE_AWS_ENV.items():
    os.environ.setdefault(_name, _value)
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# lambda_function reads its settings once at import: the test skill id, no persistence.
os.environ.setdefault("SKILL_ID", "amzn1.ask.skill.00000000-0000-4000-8000-000000000001")
os.environ.setdefault("KNEE_HELPER_PERSISTENCE", "none")
os.environ.setdefault("KNEE_HELPER_KEY_SALT", "test-salt-" + "0" * 40)  # Lambda persists only with one

# Property-based tests: no per-example deadline (a shared 2-core machine is noisy), and in CI
# (CI=true) a fixed example sequence, so a run is reproducible and never flaky by chance.
_hypothesis_settings.register_profile("knee-helper", deadline=None)
_hypothesis_settings.register_profile("knee-helper-ci", deadline=None, derandomize=True, database=None)
_hypothesis_settings.load_profile("knee-helper-ci" if os.environ.get("CI") == "true" else "knee-helper")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Network guard (pytest-socket): in every test, sockets may connect to loopback only."""
    config.option.allow_hosts = "127.0.0.0/8,::1"
    config.option.allow_unix_socket = True
