"""Suite-wide set-up: loopback-only network, no cloud credentials, a test skill id, hypothesis profiles."""

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

# Property-based tests. Profiles (HYPOTHESIS_PROFILE picks one; default "fast", "ci" when CI=true):
# - fast: `make test` on a developer's machine; 50 examples where a test does not set its own
#   count, and the example database in .hypothesis/ replays earlier failures first.
# - ci: fast, with a fixed example sequence and no database, so a CI run is reproducible.
# - thorough: `make stress`; 1,000 examples where a test does not set its own count.
# No per-example deadline in any of them: the machines are shared 2-core ones, and a timing
# limit there measures the neighbours. Speed targets live in bench/ (make bench).
_hypothesis_settings.register_profile("fast", max_examples=50, deadline=None)
_hypothesis_settings.register_profile(
    "ci", _hypothesis_settings.get_profile("fast"), derandomize=True, database=None, print_blob=True
)
_hypothesis_settings.register_profile("thorough", max_examples=1_000, deadline=None)
_hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "fast")
)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Network guard (pytest-socket): in every test, sockets may connect to loopback only."""
    config.option.allow_hosts = "127.0.0.0/8,::1"
    config.option.allow_unix_socket = True
