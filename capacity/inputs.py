"""The three inputs of the capacity model, read and checked: prices, assumptions, measurements.

- ``capacity/prices.yaml``: published on-demand prices, each with its date and source URL;
- ``capacity/assumptions.yaml``: the CPU-share model, network waits, limits, budget and mix;
- ``capacity/measured.json``: what ``python -m capacity --measure`` counted and timed locally.

Every loader raises :class:`InputError` naming the field that is missing or malformed, so a bad
edit fails loudly instead of printing wrong figures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from content import yaml_source

HERE = Path(__file__).resolve().parent
PRICES_FILE = HERE / "prices.yaml"
ASSUMPTIONS_FILE = HERE / "assumptions.yaml"
MEASURED_FILE = HERE / "measured.json"

ARCHITECTURES = ("arm64", "x86_64")
CONVERSATION_TYPES = ("headline", "interview", "explainer", "price", "icing")


class InputError(ValueError):
    """An input file does not have the shape the model reads."""


# --------------------------------------------------------------------------------------------------
# Small checked accessors
# --------------------------------------------------------------------------------------------------


def _map(data: object, where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: expected a mapping")
    return data


def _get(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise InputError(f"{where}: missing {key!r}")
    return data[key]


def _number(data: Mapping[str, Any], key: str, where: str, *, positive: bool = False) -> float:
    value = _get(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where}.{key}: expected a number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise InputError(f"{where}.{key}: expected a {'positive' if positive else 'non-negative'} number")
    return float(value)


def _share(data: Mapping[str, Any], key: str, where: str) -> float:
    value = _number(data, key, where)
    if value > 1:
        raise InputError(f"{where}.{key}: expected a share between 0 and 1")
    return value


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = _get(data, key, where)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}.{key}: expected text")
    return value


def _flag(data: Mapping[str, Any], key: str, where: str) -> bool:
    value = _get(data, key, where)
    if not isinstance(value, bool):
        raise InputError(f"{where}.{key}: expected true or false, got {value!r}")
    return value


def _numbers(data: Mapping[str, Any], key: str, where: str) -> tuple[float, ...]:
    value = _get(data, key, where)
    if not isinstance(value, list) or not value:
        raise InputError(f"{where}.{key}: expected a non-empty list of numbers")
    return tuple(_number({"v": v}, "v", f"{where}.{key}[{i}]") for i, v in enumerate(value))


# --------------------------------------------------------------------------------------------------
# Prices
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    """One published price: the figure, its unit, when it was read, where, and whether it was checked."""

    value: float
    unit: str
    as_published: str
    source: str
    checked: bool


@dataclass(frozen=True)
class RegionPrices:
    lambda_request_per_million: Price
    lambda_gb_second: Mapping[str, Price]  # by architecture
    dynamodb_rru_per_million: Price
    dynamodb_wru_per_million: Price
    dynamodb_storage_gb_month: Price
    dynamodb_pitr_gb_month: Price
    logs_ingestion_gb: Price

    def all(self) -> dict[str, Price]:
        """Every price of the region by a readable name (for the report's sources table)."""
        out = {
            "lambda requests (per 1M)": self.lambda_request_per_million,
            "dynamodb read request units (per 1M)": self.dynamodb_rru_per_million,
            "dynamodb write request units (per 1M)": self.dynamodb_wru_per_million,
            "dynamodb storage (GB-month)": self.dynamodb_storage_gb_month,
            "dynamodb PITR backup (GB-month)": self.dynamodb_pitr_gb_month,
            "cloudwatch logs ingestion (GB)": self.logs_ingestion_gb,
        }
        for arch, price in self.lambda_gb_second.items():
            out[f"lambda {arch} (GB-second)"] = price
        return out


@dataclass(frozen=True)
class Prices:
    currency: str
    regions: Mapping[str, RegionPrices]


def _price(data: object, where: str) -> Price:
    entry = _map(data, where)
    checked = _get(entry, "checked", where)
    if not isinstance(checked, bool):
        raise InputError(f"{where}.checked: expected true or false")
    source = _text(entry, "source", where)
    if not source.startswith("https://"):
        raise InputError(f"{where}.source: expected an https URL")
    published = str(_get(entry, "as_published", where))
    if len(published) != 10 or published[4] != "-" or published[7] != "-":
        raise InputError(f"{where}.as_published: expected a date YYYY-MM-DD")
    return Price(
        value=_number(entry, "value", where, positive=True),
        unit=_text(entry, "unit", where),
        as_published=published,
        source=source,
        checked=checked,
    )


def parse_prices(data: object) -> Prices:
    root = _map(data, "prices")
    regions: dict[str, RegionPrices] = {}
    for name, body in _map(_get(root, "regions", "prices"), "prices.regions").items():
        w = f"prices.regions.{name}"
        region = _map(body, w)
        lam = _map(_get(region, "lambda", w), f"{w}.lambda")
        ddb = _map(_get(region, "dynamodb", w), f"{w}.dynamodb")
        logs = _map(_get(region, "cloudwatch_logs", w), f"{w}.cloudwatch_logs")
        gbs = _map(_get(lam, "gb_second", f"{w}.lambda"), f"{w}.lambda.gb_second")
        regions[str(name)] = RegionPrices(
            lambda_request_per_million=_price(
                _get(lam, "request_per_million", f"{w}.lambda"), f"{w}.lambda.request_per_million"
            ),
            lambda_gb_second={
                arch: _price(_get(gbs, arch, f"{w}.lambda.gb_second"), f"{w}.lambda.gb_second.{arch}")
                for arch in ARCHITECTURES
            },
            dynamodb_rru_per_million=_price(
                _get(ddb, "read_request_unit_per_million", f"{w}.dynamodb"), f"{w}.dynamodb.rru"
            ),
            dynamodb_wru_per_million=_price(
                _get(ddb, "write_request_unit_per_million", f"{w}.dynamodb"), f"{w}.dynamodb.wru"
            ),
            dynamodb_storage_gb_month=_price(
                _get(ddb, "storage_gb_month", f"{w}.dynamodb"), f"{w}.dynamodb.storage_gb_month"
            ),
            dynamodb_pitr_gb_month=_price(
                _get(ddb, "pitr_gb_month", f"{w}.dynamodb"), f"{w}.dynamodb.pitr_gb_month"
            ),
            logs_ingestion_gb=_price(
                _get(logs, "ingestion_gb", f"{w}.cloudwatch_logs"), f"{w}.cloudwatch_logs.ingestion_gb"
            ),
        )
    if not regions:
        raise InputError("prices.regions: no region")
    return Prices(currency=_text(root, "currency", "prices"), regions=regions)


# --------------------------------------------------------------------------------------------------
# Assumptions
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    median: float
    p99: float


@dataclass(frozen=True)
class Limits:
    account_concurrency: float
    scaling_environments_per_10s: float
    scaling_rps_per_10s: float
    new_table_rru_per_s: float
    new_table_wru_per_s: float
    table_quota_units_per_s: float
    partition_rru_per_s: float
    partition_wru_per_s: float


@dataclass(frozen=True)
class Assumptions:
    full_vcpu_memory_mb: float
    local_core_to_vcpu: float
    memory_sizes_mb: tuple[float, ...]
    dynamodb_call_ms: Latency
    alexa_api_call_ms: Latency
    cold_connect_ms: float
    container_reuse_rate: float
    p99_turn_budget_ms: float
    alexa_timeout_ms: float
    platform_log_bytes: float
    distinct_users_per_session: float
    item_overhead_bytes: float
    point_in_time_recovery: bool
    seconds_per_turn: float
    limits: Limits
    default_mix: Mapping[str, float]


def _latency(data: object, where: str) -> Latency:
    entry = _map(data, where)
    median, p99 = _number(entry, "median", where), _number(entry, "p99", where)
    if p99 < median:
        raise InputError(f"{where}: p99 below the median")
    return Latency(median, p99)


def parse_mix(data: object, where: str = "mix") -> dict[str, float]:
    """Shares by conversation type; they must name known types and add up to 1."""
    mix = {str(k): _share(_map(data, where), str(k), where) for k in _map(data, where)}
    unknown = set(mix) - set(CONVERSATION_TYPES)
    if unknown:
        raise InputError(f"{where}: unknown conversation types {sorted(unknown)}")
    if abs(sum(mix.values()) - 1.0) > 1e-6:
        raise InputError(f"{where}: shares add up to {sum(mix.values()):.4f}, not 1")
    return mix


def parse_assumptions(data: object) -> Assumptions:
    root = _map(data, "assumptions")
    cpu = _map(_get(root, "cpu", "assumptions"), "cpu")
    net = _map(_get(root, "network", "assumptions"), "network")
    cold = _map(_get(root, "cold_start", "assumptions"), "cold_start")
    budget = _map(_get(root, "budget", "assumptions"), "budget")
    logs = _map(_get(root, "logs", "assumptions"), "logs")
    storage = _map(_get(root, "storage", "assumptions"), "storage")
    sessions = _map(_get(root, "sessions", "assumptions"), "sessions")
    lim = _map(_get(root, "limits", "assumptions"), "limits")
    return Assumptions(
        full_vcpu_memory_mb=_number(cpu, "full_vcpu_memory_mb", "cpu", positive=True),
        local_core_to_vcpu=_number(cpu, "local_core_to_vcpu", "cpu", positive=True),
        memory_sizes_mb=_numbers(cpu, "memory_sizes_mb", "cpu"),
        dynamodb_call_ms=_latency(_get(net, "dynamodb_call_ms", "network"), "network.dynamodb_call_ms"),
        alexa_api_call_ms=_latency(_get(net, "alexa_api_call_ms", "network"), "network.alexa_api_call_ms"),
        cold_connect_ms=_number(net, "cold_connect_ms", "network"),
        container_reuse_rate=_share(cold, "container_reuse_rate", "cold_start"),
        p99_turn_budget_ms=_number(budget, "p99_turn_ms", "budget", positive=True),
        alexa_timeout_ms=_number(budget, "alexa_timeout_ms", "budget", positive=True),
        platform_log_bytes=_number(logs, "platform_bytes_per_invocation", "logs"),
        distinct_users_per_session=_share(storage, "distinct_users_per_session", "storage"),
        item_overhead_bytes=_number(storage, "item_overhead_bytes", "storage"),
        point_in_time_recovery=_flag(storage, "point_in_time_recovery", "storage"),
        seconds_per_turn=_number(sessions, "seconds_per_turn", "sessions", positive=True),
        limits=Limits(
            account_concurrency=_number(lim, "account_concurrency", "limits", positive=True),
            scaling_environments_per_10s=_number(
                lim, "scaling_environments_per_10s", "limits", positive=True
            ),
            scaling_rps_per_10s=_number(lim, "scaling_rps_per_10s", "limits", positive=True),
            new_table_rru_per_s=_number(lim, "dynamodb_new_table_rru_per_s", "limits", positive=True),
            new_table_wru_per_s=_number(lim, "dynamodb_new_table_wru_per_s", "limits", positive=True),
            table_quota_units_per_s=_number(lim, "dynamodb_table_quota_units_per_s", "limits", positive=True),
            partition_rru_per_s=_number(lim, "dynamodb_partition_rru_per_s", "limits", positive=True),
            partition_wru_per_s=_number(lim, "dynamodb_partition_wru_per_s", "limits", positive=True),
        ),
        default_mix=parse_mix(_get(root, "default_mix", "assumptions"), "default_mix"),
    )


# --------------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnSample:
    """One warm turn as measured: local CPU time and the calls it waited on."""

    cpu_ms: float
    dynamodb_calls: int
    alexa_calls: int


@dataclass(frozen=True)
class SessionProfile:
    """Per-session counts of one conversation type (identical in every measured repeat)."""

    name: str
    description: str
    turns: int
    dynamodb_reads: int
    dynamodb_writes: int
    read_units: float
    write_units: float
    item_bytes_max: int
    dynamodb_request_bytes: int
    dynamodb_answer_bytes: int
    alexa_api_calls: int
    response_bytes_mean: float
    response_bytes_max: int
    session_attributes_bytes_mean: float
    session_attributes_bytes_max: int
    log_bytes: int
    samples: tuple[TurnSample, ...]


@dataclass(frozen=True)
class ColdStart:
    """Fresh interpreters: import lambda_function and serve a first LaunchRequest (DynamoDB on)."""

    total_cpu_ms: tuple[float, ...]  # the whole child process: interpreter start, import, first request
    import_cpu_ms: tuple[float, ...]
    first_request_cpu_ms: tuple[float, ...]
    first_request_dynamodb_calls: int


@dataclass(frozen=True)
class Measured:
    measured_at: str
    command: str
    machine: Mapping[str, Any]
    repeats: int
    types: Mapping[str, SessionProfile]
    cold: ColdStart


def _int(data: Mapping[str, Any], key: str, where: str) -> int:
    value = _number(data, key, where)
    if value != int(value):
        raise InputError(f"{where}.{key}: expected a whole number")
    return int(value)


def parse_measured(data: object) -> Measured:
    root = _map(data, "measured")
    types: dict[str, SessionProfile] = {}
    for name, body in _map(_get(root, "types", "measured"), "measured.types").items():
        w = f"measured.types.{name}"
        entry = _map(body, w)
        raw_samples = _get(entry, "samples", w)
        if not isinstance(raw_samples, list) or not raw_samples:
            raise InputError(
                f"{w}.samples: expected a non-empty list of [cpu_ms, dynamodb_calls, alexa_calls]"
            )
        samples = []
        for i, raw in enumerate(raw_samples):
            if not isinstance(raw, list) or len(raw) != 3:
                raise InputError(f"{w}.samples[{i}]: expected [cpu_ms, dynamodb_calls, alexa_calls]")
            row = {"cpu": raw[0], "ddb": raw[1], "alexa": raw[2]}
            samples.append(
                TurnSample(
                    _number(row, "cpu", f"{w}.samples[{i}]"),
                    _int(row, "ddb", f"{w}.samples[{i}]"),
                    _int(row, "alexa", f"{w}.samples[{i}]"),
                )
            )
        types[str(name)] = SessionProfile(
            name=str(name),
            description=_text(entry, "description", w),
            turns=_int(entry, "turns", w),
            dynamodb_reads=_int(entry, "dynamodb_reads", w),
            dynamodb_writes=_int(entry, "dynamodb_writes", w),
            read_units=_number(entry, "read_units", w),
            write_units=_number(entry, "write_units", w),
            item_bytes_max=_int(entry, "item_bytes_max", w),
            dynamodb_request_bytes=_int(entry, "dynamodb_request_bytes", w),
            dynamodb_answer_bytes=_int(entry, "dynamodb_answer_bytes", w),
            alexa_api_calls=_int(entry, "alexa_api_calls", w),
            response_bytes_mean=_number(entry, "response_bytes_mean", w),
            response_bytes_max=_int(entry, "response_bytes_max", w),
            session_attributes_bytes_mean=_number(entry, "session_attributes_bytes_mean", w),
            session_attributes_bytes_max=_int(entry, "session_attributes_bytes_max", w),
            log_bytes=_int(entry, "log_bytes", w),
            samples=tuple(samples),
        )
    missing = set(CONVERSATION_TYPES) - set(types)
    if missing:
        raise InputError(f"measured.types: missing {sorted(missing)}")
    cold = _map(_get(root, "cold_start", "measured"), "measured.cold_start")
    return Measured(
        measured_at=_text(root, "measured_at", "measured"),
        command=_text(root, "command", "measured"),
        machine=_map(_get(root, "machine", "measured"), "measured.machine"),
        repeats=_int(root, "repeats", "measured"),
        types=types,
        cold=ColdStart(
            total_cpu_ms=_numbers(cold, "total_cpu_ms", "cold_start"),
            import_cpu_ms=_numbers(cold, "import_cpu_ms", "cold_start"),
            first_request_cpu_ms=_numbers(cold, "first_request_cpu_ms", "cold_start"),
            first_request_dynamodb_calls=_int(cold, "first_request_dynamodb_calls", "cold_start"),
        ),
    )


def load_prices(path: Path = PRICES_FILE) -> Prices:
    return parse_prices(yaml_source.load(path.read_text(encoding="utf-8")))


def load_assumptions(path: Path = ASSUMPTIONS_FILE) -> Assumptions:
    return parse_assumptions(yaml_source.load(path.read_text(encoding="utf-8")))


def load_measured(path: Path = MEASURED_FILE) -> Measured:
    if not path.exists():
        raise InputError(f"{path} does not exist: run `python -m capacity --measure` first")
    return parse_measured(json.loads(path.read_text(encoding="utf-8")))
