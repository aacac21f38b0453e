"""Suite-wide set-up: loopback-only network, no cloud credentials, a test skill id."""

from __future__ import annotations

import os

from hypothesis import settings as _hypothesis_settings

# boto3 must never look for credentials on the instance-metadata address, and nothing in the
# suite may reach AWS: dummy credentials, a region, and no config files.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_REGION", "us-east-1")
os.environ.setdefault("AWS_CONFIG_FILE", os.devnull)
os.environ.setdefault("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
# lambda_function reads its settings once at import: the test skill id, no persistence.
os.environ.setdefault("SKILL_ID", "amzn1.ask.skill.00000000-0000-4000-8000-000000000001")
os.environ.setdefault("KNEE_HELPER_PERSISTENCE", "none")

# Property-based tests: no per-example deadline (a shared 2-core machine is noisy), and in CI
# (CI=true) a fixed example sequence, so a run is reproducible and never flaky by chance.
_hypothesis_settings.register_profile("knee-helper", deadline=None)
_hypothesis_settings.register_profile("knee-helper-ci", deadline=None, derandomize=True, database=None)
_hypothesis_settings.load_profile("knee-helper-ci" if os.environ.get("CI") == "true" else "knee-helper")
