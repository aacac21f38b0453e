"""Tables for ``make capacity``: inputs, cost per million sessions, memory sizes, a peak and its limits."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence

from capacity import model
from capacity.inputs import Assumptions, Measured, Prices
from capacity.model import MemoryOption, Peak


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _money(value: float) -> str:
    return f"{value:,.2f}" if value >= 1 else f"{value:.3f}"


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def inputs_table(m: Measured) -> list[str]:
    rows = []
    for name, p in m.types.items():
        cpu = [s.cpu_ms for s in p.samples]
        rows.append(
            [
                name,
                str(p.turns),
                f"{p.dynamodb_reads} / {p.dynamodb_writes}",
                f"{p.read_units:g} / {p.write_units:g}",
                str(p.item_bytes_max),
                str(p.alexa_api_calls),
                f"{p.response_bytes_mean:,.0f} / {p.response_bytes_max:,}",
                f"{p.session_attributes_bytes_mean:,.0f} / {p.session_attributes_bytes_max:,}",
                f"{statistics.median(cpu):.2f} / {model.weighted_quantile([(cpu, 1.0)], 0.99):.2f}",
            ]
        )
    cold = m.cold
    lines = [
        f"Measured inputs per session (capacity/measured.json, {m.measured_at}, "
        f"{m.repeats} sessions per type; "
        f"{m.machine.get('cpu_model', '?')}, Python {m.machine.get('python', '?')}):",
        "",
        *_table(
            [
                "type",
                "turns",
                "DynamoDB reads / writes",
                "RRU / WRU",
                "item bytes (max)",
                "Alexa API calls",
                "response bytes mean / max",
                "session attrs bytes mean / max",
                "local CPU ms per turn median / p99",
            ],
            rows,
        ),
        "",
        f"Cold start (fresh interpreter, import lambda_function, first LaunchRequest with DynamoDB), "
        f"{len(cold.total_cpu_ms)} runs: process CPU median {statistics.median(cold.total_cpu_ms):.0f} ms "
        f"(import {statistics.median(cold.import_cpu_ms):.0f} ms, first request "
        f"{statistics.median(cold.first_request_cpu_ms):.0f} ms, "
        f"{cold.first_request_dynamodb_calls} DynamoDB calls).",
    ]
    return lines


def cost_table(
    m: Measured, a: Assumptions, *, prices: Prices, memory_mb: float, mix: Mapping[str, float], reuse: float
) -> list[str]:
    lines = [
        f"Cost per million sessions, USD, at {memory_mb:.0f} MB, container reuse {reuse:.0%} "
        f"(list prices; free tiers ignored):",
        "",
    ]
    rows = []
    for region_name, region in prices.regions.items():
        for arch in ("arm64", "x86_64"):
            costs = {
                n: model.session_cost_per_million(
                    m.types[n], m, memory_mb=memory_mb, arch=arch, prices=region, a=a, reuse_rate=reuse
                )
                for n in m.types
            }
            mixed = model.mix_cost(costs, mix)
            for label, c in [("mix", mixed), *costs.items()]:
                if label != "mix" and (region_name, arch) != ("us-east-1", "arm64"):
                    continue
                rows.append(
                    [
                        region_name,
                        arch,
                        label,
                        f"{c.turns:.1f}",
                        f"{c.billed_ms_per_turn:.1f}",
                        _money(c.lambda_requests),
                        _money(c.lambda_compute),
                        _money(c.dynamodb_requests),
                        _money(c.dynamodb_storage),
                        _money(c.logs),
                        _money(c.total),
                    ]
                )
    lines += _table(
        [
            "region",
            "arch",
            "sessions",
            "turns",
            "billed ms/turn",
            "Lambda requests",
            "Lambda GB-s",
            "DynamoDB requests",
            "DynamoDB storage /month",
            "logs",
            "total",
        ],
        rows,
        "lllrrrrrrrr",
    )
    mix_text = ", ".join(f"{n} {s:.0%}" for n, s in mix.items())
    lines += ["", f"mix: {mix_text}. Per-type rows: us-east-1, arm64."]
    return lines


def memory_table(options: Sequence[MemoryOption], a: Assumptions, chosen: MemoryOption | None) -> list[str]:
    rows = [
        [
            f"{o.memory_mb:.0f}",
            _ms(o.warm_p99_ms),
            _ms(o.cold_ms),
            _ms(o.p99_ms),
            "yes" if o.within_budget else "no",
            _money(o.cost_per_million),
            "<- recommended" if chosen is not None and o.memory_mb == chosen.memory_mb else "",
        ]
        for o in options
    ]
    lines = [
        f"Memory sizes (us-east-1 arm64, default mix; budget: p99 turn <= {a.p99_turn_budget_ms:.0f} ms):",
        "",
        *_table(
            [
                "memory MB",
                "warm p99 ms",
                "cold turn ms",
                "p99 all turns ms",
                "within budget",
                "USD per 1M sessions",
                "",
            ],
            rows,
            "lrrrlrl",
        ),
    ]
    if chosen is None:
        closest = model.ship(options)
        lines.append(
            f"No memory size keeps p99 within the budget; the template ships the closest, "
            f"{closest.memory_mb:.0f} MB (p99 {closest.p99_ms:,.0f} ms)."
        )
    return lines


def peak_table(p: Peak, memory_mb: float) -> list[str]:
    lines = [
        f"At a peak of {p.sessions_per_s:,.0f} new sessions/s held (default mix, {memory_mb:.0f} MB):",
        f"  Lambda: {p.invocations_per_s:,.0f} invocations/s x {p.mean_duration_ms:.0f} ms mean = "
        f"{p.concurrency:,.1f} concurrent executions; a sudden peak's first wave (every turn cold) "
        f"needs {p.concurrency_cold_wave:,.0f} environments, reached in about {p.scale_up_seconds:.0f} s.",
        f"  DynamoDB: {p.reads_per_s:,.0f} reads/s ({p.rru_per_s:,.0f} RRU/s), "
        f"{p.writes_per_s:,.0f} writes/s "
        f"({p.wru_per_s:,.0f} WRU/s); busiest key {p.hottest_key_requests_per_s:.2f} requests/s.",
        f"  Alexa APIs: {p.alexa_calls_per_s:,.0f} calls/s.",
        "",
    ]
    rows = [
        [
            lim.name,
            f"{lim.used_at_peak:.1%}",
            "never (per user)" if math.isinf(lim.binds_at_sessions_per_s) and "key" in lim.name
            else "-" if math.isinf(lim.binds_at_sessions_per_s)
            else "already" if lim.binds_at_sessions_per_s == 0
            else f"{lim.binds_at_sessions_per_s:,.0f}",
            lim.note,
        ]
        for lim in sorted(p.limits, key=lambda x: (x.binds_at_sessions_per_s, -x.used_at_peak))
    ]  # fmt: skip
    lines += _table(["limit", "used at this peak", "binds at sessions/s", "why"], rows, "lrrl")
    first = p.first_limit
    where = (
        "already at this memory size"
        if first.binds_at_sessions_per_s == 0
        else f"at {first.binds_at_sessions_per_s:,.0f} sessions/s"
    )
    lines += ["", f"First limit reached: {first.name}, {where}."]
    return lines


def sources_table(prices: Prices) -> list[str]:
    rows = []
    for region_name, region in prices.regions.items():
        for label, price in region.all().items():
            rows.append(
                [
                    region_name,
                    label,
                    f"{price.value:g}",
                    price.as_published,
                    "yes" if price.checked else "TO CHECK",
                    price.source,
                ]
            )
    return [
        "Prices (capacity/prices.yaml):",
        "",
        *_table(["region", "item", "USD", "as published", "checked", "source"], rows, "lllrll"),
    ]
