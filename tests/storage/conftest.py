"""Storage tests: real SQLite files and a real moto DynamoDB server on loopback. Never the cloud."""

from __future__ import annotations

# The environment (no cloud, dummy credentials, a region) is set by tests/conftest.py.
