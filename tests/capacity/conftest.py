"""Capacity tests: the model on hand-computed examples, the input files' shape, the wire counts on moto."""

from __future__ import annotations

# The environment (no cloud, dummy credentials, a region) is set by tests/conftest.py.
