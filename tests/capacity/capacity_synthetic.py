"""Small, hand-checkable inputs for the model tests."""

from __future__ import annotations

from typing import Any

from capacity.inputs import Measured, parse_measured


def profile(
    *,
    turns: int = 5,
    cpu_ms: float = 1.0,
    ddb_calls: int = 0,
    alexa_calls: int = 0,
    rru: float = 0.0,
    wru: float = 0.0,
    reads: int = 0,
    writes: int = 0,
    item_bytes: int = 0,
    log_bytes: int = 0,
) -> dict[str, Any]:
    return {
        "description": "synthetic",
        "turns": turns,
        "dynamodb_reads": reads,
        "dynamodb_writes": writes,
        "read_units": rru,
        "write_units": wru,
        "item_bytes_max": item_bytes,
        "dynamodb_request_bytes": 0,
        "dynamodb_answer_bytes": 0,
        "alexa_api_calls": alexa_calls * turns,
        "response_bytes_mean": 1000.0,
        "response_bytes_max": 1000,
        "session_attributes_bytes_mean": 500.0,
        "session_attributes_bytes_max": 500,
        "log_bytes": log_bytes,
        "samples": [[cpu_ms, ddb_calls, alexa_calls]] * turns,
    }


def measured(
    types: dict[str, dict[str, Any]] | None = None, *, cold_cpu_ms: float = 100.0, first_calls: int = 0
) -> Measured:
    """Every conversation type a default profile, except those given."""
    body = {name: profile() for name in ("headline", "interview", "explainer", "price", "icing")}
    body.update(types or {})
    return parse_measured(
        {
            "measured_at": "2026-11-30T00:00:00+00:00",
            "command": "synthetic",
            "machine": {},
            "repeats": 1,
            "types": body,
            "cold_start": {
                "total_cpu_ms": [cold_cpu_ms],
                "import_cpu_ms": [cold_cpu_ms / 2],
                "first_request_cpu_ms": [cold_cpu_ms / 2],
                "first_request_dynamodb_calls": first_calls,
            },
        }
    )
