"""The capacity model: measured inputs x assumptions x prices -> durations, costs, rates and limits.

Pure functions only (no I/O), so each figure can be checked by hand in ``tests/capacity``.

Lambda duration of a turn at ``memory_mb``::

    cpu_ms_on_lambda = local_cpu_ms * local_core_to_vcpu * full_vcpu_memory_mb / min(memory_mb, full)
    duration_ms      = cpu_ms_on_lambda + dynamodb_calls * dynamodb_wait + alexa_calls * alexa_wait
    billed_ms        = ceil(duration_ms)                          (Lambda bills in 1 ms steps)
    GB-seconds       = billed_ms / 1000 * memory_mb / 1024

A cold turn adds the init phase (interpreter start, import, the first request; all CPU, measured in
fresh processes) and one new TLS connection; Lambda bills the init phase of on-demand functions too.
A share ``1 - container_reuse_rate`` of all turns is cold.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from capacity.inputs import Assumptions, Measured, RegionPrices, SessionProfile

GIB = 1024**3
MILLION = 1_000_000


# --------------------------------------------------------------------------------------------------
# Lambda time
# --------------------------------------------------------------------------------------------------


def cpu_share(memory_mb: float, full_vcpu_memory_mb: float) -> float:
    """The share of one vCPU a function of ``memory_mb`` gets (1.0 at or above the full-vCPU size)."""
    if memory_mb <= 0:
        raise ValueError("memory must be positive")
    return min(1.0, memory_mb / full_vcpu_memory_mb)


def lambda_cpu_ms(local_cpu_ms: float, memory_mb: float, a: Assumptions) -> float:
    """Local single-core CPU time stretched to the CPU share of ``memory_mb``."""
    return local_cpu_ms * a.local_core_to_vcpu / cpu_share(memory_mb, a.full_vcpu_memory_mb)


def billed_ms(duration_ms: float) -> int:
    """Lambda's billed duration: rounded up to the next whole millisecond (at least 1 ms)."""
    return max(1, math.ceil(duration_ms - 1e-9))


def gb_seconds(billed: float, memory_mb: float) -> float:
    """GB-seconds of ``billed`` milliseconds at ``memory_mb`` (1 GB = 1024 MB, as Lambda bills)."""
    return billed / 1000.0 * memory_mb / 1024.0


def warm_turn_ms(
    sample_cpu_ms: float, ddb: int, alexa: int, memory_mb: float, a: Assumptions, *, p99: bool
) -> float:
    """Duration of one warm turn: CPU at the memory's share plus the waits on DynamoDB and Alexa."""
    ddb_wait = a.dynamodb_call_ms.p99 if p99 else a.dynamodb_call_ms.median
    alexa_wait = a.alexa_api_call_ms.p99 if p99 else a.alexa_api_call_ms.median
    return lambda_cpu_ms(sample_cpu_ms, memory_mb, a) + ddb * ddb_wait + alexa * alexa_wait


def cold_turn_ms(m: Measured, memory_mb: float, a: Assumptions, *, p99: bool) -> list[float]:
    """Durations of a cold turn (init + first request), one per measured fresh process."""
    ddb_wait = a.dynamodb_call_ms.p99 if p99 else a.dynamodb_call_ms.median
    network = a.cold_connect_ms + m.cold.first_request_dynamodb_calls * ddb_wait
    return [lambda_cpu_ms(cpu, memory_mb, a) + network for cpu in m.cold.total_cpu_ms]


def cold_fraction(a: Assumptions, reuse_rate: float | None = None) -> float:
    rate = a.container_reuse_rate if reuse_rate is None else reuse_rate
    if not 0.0 <= rate <= 1.0:
        raise ValueError("the container reuse rate is a share between 0 and 1")
    return 1.0 - rate


# --------------------------------------------------------------------------------------------------
# Per-session figures and cost
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionCost:
    """Cost of one million sessions of one type (or of a mix), by line item, in the price currency."""

    turns: float
    billed_ms_per_turn: float
    lambda_requests: float
    lambda_compute: float
    dynamodb_requests: float
    dynamodb_storage: float
    logs: float

    @property
    def total(self) -> float:
        return (
            self.lambda_requests
            + self.lambda_compute
            + self.dynamodb_requests
            + self.dynamodb_storage
            + self.logs
        )


def mean_warm_billed_ms(profile: SessionProfile, memory_mb: float, a: Assumptions) -> float:
    """Mean billed milliseconds of a warm turn of this type (median network waits)."""
    return statistics.fmean(
        billed_ms(warm_turn_ms(s.cpu_ms, s.dynamodb_calls, s.alexa_calls, memory_mb, a, p99=False))
        for s in profile.samples
    )


def mean_cold_billed_ms(m: Measured, memory_mb: float, a: Assumptions) -> float:
    return statistics.fmean(billed_ms(d) for d in cold_turn_ms(m, memory_mb, a, p99=False))


def session_cost_per_million(
    profile: SessionProfile,
    m: Measured,
    *,
    memory_mb: float,
    arch: str,
    prices: RegionPrices,
    a: Assumptions,
    reuse_rate: float | None = None,
) -> SessionCost:
    """What one million sessions of this conversation type cost, line by line."""
    cold = cold_fraction(a, reuse_rate)
    warm_ms = mean_warm_billed_ms(profile, memory_mb, a)
    cold_ms = mean_cold_billed_ms(m, memory_mb, a)
    # A cold turn replaces a warm one: its billed time is init + first request (which the cold
    # figure already includes), so the expected billed time per turn blends the two.
    per_turn_ms = (1.0 - cold) * warm_ms + cold * max(cold_ms, warm_ms)
    turns = profile.turns * MILLION
    compute = turns * gb_seconds(per_turn_ms, memory_mb) * prices.lambda_gb_second[arch].value
    requests = turns / MILLION * prices.lambda_request_per_million.value
    ddb = (
        profile.read_units * prices.dynamodb_rru_per_million.value
        + profile.write_units * prices.dynamodb_wru_per_million.value
    )  # units per session x 1M sessions / 1M units per price = units x price
    stored_bytes = 0.0
    if profile.dynamodb_writes:
        users = MILLION * a.distinct_users_per_session
        stored_bytes = users * (profile.item_bytes_max + a.item_overhead_bytes)
    per_gb_month = prices.dynamodb_storage_gb_month.value
    if a.point_in_time_recovery:
        per_gb_month += prices.dynamodb_pitr_gb_month.value
    storage = stored_bytes / GIB * per_gb_month
    log_bytes = turns * a.platform_log_bytes + MILLION * profile.log_bytes
    logs = log_bytes / GIB * prices.logs_ingestion_gb.value
    return SessionCost(
        turns=float(profile.turns),
        billed_ms_per_turn=per_turn_ms,
        lambda_requests=requests,
        lambda_compute=compute,
        dynamodb_requests=ddb,
        dynamodb_storage=storage,
        logs=logs,
    )


def mix_cost(costs: Mapping[str, SessionCost], mix: Mapping[str, float]) -> SessionCost:
    """The cost of one million sessions in the given mix (shares of sessions by type)."""

    def blend(field: str) -> float:
        return sum(share * float(getattr(costs[name], field)) for name, share in mix.items())

    turns = blend("turns")
    billed = sum(share * costs[n].billed_ms_per_turn * costs[n].turns for n, share in mix.items()) / turns
    return SessionCost(
        turns=turns,
        billed_ms_per_turn=billed,
        lambda_requests=blend("lambda_requests"),
        lambda_compute=blend("lambda_compute"),
        dynamodb_requests=blend("dynamodb_requests"),
        dynamodb_storage=blend("dynamodb_storage"),
        logs=blend("logs"),
    )


def mix_mean(values: Mapping[str, float], mix: Mapping[str, float]) -> float:
    """A per-session figure averaged over the mix."""
    return sum(share * values[name] for name, share in mix.items())


# --------------------------------------------------------------------------------------------------
# Latency: p99 over warm and cold turns, and the memory recommendation
# --------------------------------------------------------------------------------------------------


def weighted_quantile(groups: Iterable[tuple[Sequence[float], float]], q: float) -> float:
    """The ``q`` quantile of a mixture: each group's values share the group's weight equally."""
    points: list[tuple[float, float]] = []
    for values, weight in groups:
        if values and weight > 0:
            points.extend((v, weight / len(values)) for v in values)
    if not points:
        raise ValueError("no values")
    points.sort()
    total = sum(w for _, w in points)
    running = 0.0
    for value, weight in points:
        running += weight
        if running >= q * total - 1e-12:
            return value
    return points[-1][0]


@dataclass(frozen=True)
class MemoryOption:
    memory_mb: float
    warm_p99_ms: float
    cold_ms: float  # the median cold turn (init + first request), p99 network waits
    p99_ms: float  # over all turns of the mix, cold turns included at the cold share
    cost_per_million: float  # the mix, all line items
    within_budget: bool


def memory_options(
    m: Measured,
    a: Assumptions,
    prices: RegionPrices,
    arch: str,
    mix: Mapping[str, float],
    *,
    reuse_rate: float | None = None,
    sizes: Sequence[float] | None = None,
) -> list[MemoryOption]:
    """p99 latency and cost of the mix at each memory size (``sizes``, default the assumptions')."""
    cold = cold_fraction(a, reuse_rate)
    options = []
    for memory in a.memory_sizes_mb if sizes is None else sizes:
        warm_groups = []
        warm_all: list[float] = []
        for name, share in mix.items():
            profile = m.types[name]
            values = [
                warm_turn_ms(s.cpu_ms, s.dynamodb_calls, s.alexa_calls, memory, a, p99=True)
                for s in profile.samples
            ]
            warm_all.extend(values)
            # turns are weighted by how many turns of this type the mix produces
            warm_groups.append((values, (1.0 - cold) * share * profile.turns))
        total_turn_weight = sum(w for _, w in warm_groups) / (1.0 - cold) if cold < 1 else 1.0
        colds = cold_turn_ms(m, memory, a, p99=True)
        p99 = weighted_quantile([*warm_groups, (colds, cold * total_turn_weight)], 0.99)
        warm_p99 = weighted_quantile([(v, w) for v, w in warm_groups], 0.99) if cold < 1 else p99
        costs = {
            name: session_cost_per_million(
                m.types[name], m, memory_mb=memory, arch=arch, prices=prices, a=a, reuse_rate=reuse_rate
            )
            for name in mix
        }
        options.append(
            MemoryOption(
                memory_mb=memory,
                warm_p99_ms=warm_p99,
                cold_ms=statistics.median(colds),
                p99_ms=p99,
                cost_per_million=mix_cost(costs, mix).total,
                within_budget=p99 <= a.p99_turn_budget_ms,
            )
        )
    return options


def recommend(options: Sequence[MemoryOption]) -> MemoryOption | None:
    """The cheapest option within the budget (the smaller memory on a tie); None if none is."""
    fitting = [o for o in options if o.within_budget]
    if not fitting:
        return None
    return min(fitting, key=lambda o: (round(o.cost_per_million, 6), o.memory_mb))


def ship(options: Sequence[MemoryOption]) -> MemoryOption:
    """What the template ships: the recommendation, or, when no size keeps p99 within the budget,
    the one that comes closest (the lowest p99; the smaller memory on a tie)."""
    return recommend(options) or min(options, key=lambda o: (o.p99_ms, o.memory_mb))


# --------------------------------------------------------------------------------------------------
# Peak: rates, concurrency and the first limit reached
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    name: str
    used_at_peak: float  # the peak's use of the limit, as a share (1.0 = at the limit)
    binds_at_sessions_per_s: float  # math.inf when the limit does not depend on the session rate
    note: str


@dataclass(frozen=True)
class Peak:
    sessions_per_s: float
    invocations_per_s: float
    mean_duration_ms: float
    concurrency: float  # steady state, Little's law
    concurrency_cold_wave: float  # the first seconds of a sudden peak: every turn a cold one
    scale_up_seconds: float  # from zero to the cold-wave concurrency at Lambda's scaling rate
    reads_per_s: float
    writes_per_s: float
    rru_per_s: float
    wru_per_s: float
    alexa_calls_per_s: float
    hottest_key_requests_per_s: float
    limits: tuple[Limit, ...]

    @property
    def first_limit(self) -> Limit:
        return min(self.limits, key=lambda lim: (lim.binds_at_sessions_per_s, -lim.used_at_peak))


def peak(
    sessions_per_s: float,
    m: Measured,
    a: Assumptions,
    memory_mb: float,
    mix: Mapping[str, float],
    *,
    p99_ms: float,
    reuse_rate: float | None = None,
) -> Peak:
    """Rates and limits at ``sessions_per_s`` new sessions a second, held (steady state)."""
    if sessions_per_s <= 0:
        raise ValueError("the peak must be a positive number of sessions per second")
    cold = cold_fraction(a, reuse_rate)
    lim = a.limits
    types = {name: m.types[name] for name in mix}
    turns = mix_mean({n: float(p.turns) for n, p in types.items()}, mix)
    warm_ms = {
        n: statistics.fmean(
            warm_turn_ms(s.cpu_ms, s.dynamodb_calls, s.alexa_calls, memory_mb, a, p99=False)
            for s in p.samples
        )
        for n, p in types.items()
    }
    warm_turn = sum(mix[n] * p.turns * warm_ms[n] for n, p in types.items()) / turns
    cold_turn = statistics.fmean(cold_turn_ms(m, memory_mb, a, p99=False))
    duration = (1.0 - cold) * warm_turn + cold * cold_turn
    per_session = {
        "reads": mix_mean({n: float(p.dynamodb_reads) for n, p in types.items()}, mix),
        "writes": mix_mean({n: float(p.dynamodb_writes) for n, p in types.items()}, mix),
        "rru": mix_mean({n: p.read_units for n, p in types.items()}, mix),
        "wru": mix_mean({n: p.write_units for n, p in types.items()}, mix),
        "alexa": mix_mean({n: float(p.alexa_api_calls) for n, p in types.items()}, mix),
    }
    invocations = sessions_per_s * turns
    concurrency = invocations * duration / 1000.0
    cold_wave = invocations * cold_turn / 1000.0
    scale_steps = max(
        math.ceil(cold_wave / lim.scaling_environments_per_10s),
        math.ceil(invocations / lim.scaling_rps_per_10s),
    )
    rru = sessions_per_s * per_session["rru"]
    wru = sessions_per_s * per_session["wru"]
    # One user's own pace: the busiest type's requests on its one key over its session's length.
    hottest = max(
        (p.dynamodb_reads + p.dynamodb_writes) / (p.turns * a.seconds_per_turn) for p in types.values()
    )
    hottest_units = max(
        max(p.read_units / lim.partition_rru_per_s, p.write_units / lim.partition_wru_per_s)
        / (p.turns * a.seconds_per_turn)
        for p in types.values()
    )
    table_units = per_session["rru"] / lim.new_table_rru_per_s + per_session["wru"] / lim.new_table_wru_per_s
    quota_units = max(per_session["rru"], per_session["wru"]) / lim.table_quota_units_per_s
    per_session_concurrency = turns * duration / 1000.0
    shared_key_binds = 1.0 / max(
        per_session["wru"] / lim.partition_wru_per_s, per_session["rru"] / lim.partition_rru_per_s, 1e-12
    )
    budget_ok = p99_ms <= a.p99_turn_budget_ms
    limits = (
        Limit(
            "Lambda account concurrency",
            concurrency / lim.account_concurrency,
            lim.account_concurrency / per_session_concurrency,
            f"{concurrency:.1f} of {lim.account_concurrency:,.0f} concurrent executions (steady state)",
        ),
        Limit(
            "Lambda scaling rate (cold wave)",
            cold_wave / lim.scaling_environments_per_10s,
            lim.scaling_environments_per_10s / (turns * cold_turn / 1000.0),
            f"a step from zero to this rate needs {cold_wave:,.0f} environments in its first second "
            f"(every turn cold); Lambda adds {lim.scaling_environments_per_10s:,.0f} per 10 s per function "
            f"(and the account allows {lim.account_concurrency:,.0f}): beyond that, requests are throttled "
            "until the first environments are warm",
        ),
        Limit(
            "DynamoDB new on-demand table",
            sessions_per_s * table_units,
            1.0 / table_units if table_units else math.inf,
            f"{rru:.0f} RRU/s + {wru:.0f} WRU/s against {lim.new_table_rru_per_s:,.0f} RRU/s or "
            f"{lim.new_table_wru_per_s:,.0f} WRU/s (doubles within 30 min of a new peak)",
        ),
        Limit(
            "DynamoDB table quota",
            sessions_per_s * quota_units,
            1.0 / quota_units if quota_units else math.inf,
            f"default {lim.table_quota_units_per_s:,.0f} units/s per table",
        ),
        Limit(
            "DynamoDB hot partition key",
            hottest_units,
            math.inf,
            f"keys are per user: the busiest user makes {hottest:.2f} requests/s on its own key at any "
            f"peak; a shared key would bind at {shared_key_binds:,.0f} sessions/s",
        ),
        Limit(
            "response budget (p99 turn)",
            p99_ms / a.p99_turn_budget_ms,
            math.inf if budget_ok else 0.0,
            f"p99 {p99_ms:.0f} ms against {a.p99_turn_budget_ms:.0f} ms at {memory_mb:.0f} MB "
            "(does not depend on the rate)",
        ),
    )
    return Peak(
        sessions_per_s=sessions_per_s,
        invocations_per_s=invocations,
        mean_duration_ms=duration,
        concurrency=concurrency,
        concurrency_cold_wave=cold_wave,
        scale_up_seconds=scale_steps * 10.0,
        reads_per_s=sessions_per_s * per_session["reads"],
        writes_per_s=sessions_per_s * per_session["writes"],
        rru_per_s=rru,
        wru_per_s=wru,
        alexa_calls_per_s=sessions_per_s * per_session["alexa"],
        hottest_key_requests_per_s=hottest,
        limits=limits,
    )
