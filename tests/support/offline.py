"""The environment that keeps the suite, the benchmarks and the stress runs off the cloud."""

from __future__ import annotations

import os

#: No instance-metadata look-ups, dummy credentials, a region, and no AWS config files.
OFFLINE_AWS_ENV: dict[str, str] = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
