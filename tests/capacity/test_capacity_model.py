"""The capacity model on small examples computed by hand."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from capacity_synthetic import measured, profile

from capacity import model
from capacity.inputs import Assumptions, Latency, load_assumptions, load_prices

US = load_prices().regions["us-east-1"]
ARM_GBS = US.lambda_gb_second["arm64"].value


def plain(**changes: object) -> Assumptions:
    """The committed assumptions with no network waits, no logs and no cold starts, unless changed."""
    base = replace(
        load_assumptions(),
        dynamodb_call_ms=Latency(0.0, 0.0),
        alexa_api_call_ms=Latency(0.0, 0.0),
        cold_connect_ms=0.0,
        container_reuse_rate=1.0,
        platform_log_bytes=0.0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_million_five_turn_sessions_of_100_ms_at_128_mb_cost_62500_gb_seconds() -> None:
    a = plain(full_vcpu_memory_mb=128.0)  # 128 MB counted as a full vCPU: 100 ms local stays 100 ms
    m = measured({"headline": profile(turns=5, cpu_ms=100.0)})
    cost = model.session_cost_per_million(m.types["headline"], m, memory_mb=128, arch="arm64", prices=US, a=a)
    assert model.gb_seconds(100, 128) * 5 * 1_000_000 == pytest.approx(62_500)
    assert cost.lambda_compute == pytest.approx(62_500 * ARM_GBS)  # $0.83 at $0.0000133334
    assert cost.lambda_requests == pytest.approx(5 * 0.20)
    assert cost.total == pytest.approx(62_500 * ARM_GBS + 1.0)


def test_cpu_time_stretches_with_the_memory_share_up_to_one_vcpu() -> None:
    a = plain()
    assert model.lambda_cpu_ms(1.0, 128, a) == pytest.approx(1769 / 128)
    assert model.lambda_cpu_ms(1.0, 1769, a) == pytest.approx(1.0)
    assert model.lambda_cpu_ms(1.0, 3538, a) == pytest.approx(1.0)  # one thread never runs faster
    assert model.lambda_cpu_ms(1.0, 128, plain(local_core_to_vcpu=1.5)) == pytest.approx(1.5 * 1769 / 128)


def test_billing_rounds_up_to_the_next_millisecond() -> None:
    assert model.billed_ms(13.82) == 14
    assert model.billed_ms(1.0) == 1
    assert model.billed_ms(0.2) == 1
    assert model.billed_ms(100.0001) == 101


def test_network_waits_add_to_the_cpu_time_of_a_turn() -> None:
    a = plain(dynamodb_call_ms=Latency(5.0, 20.0), alexa_api_call_ms=Latency(60.0, 400.0))
    assert model.warm_turn_ms(1.0, 2, 1, 1769, a, p99=False) == pytest.approx(1 + 2 * 5 + 60)
    assert model.warm_turn_ms(1.0, 2, 1, 1769, a, p99=True) == pytest.approx(1 + 2 * 20 + 400)


def test_cold_turns_blend_in_at_the_share_the_reuse_rate_leaves() -> None:
    a = plain(full_vcpu_memory_mb=128.0, container_reuse_rate=0.9)
    m = measured({"headline": profile(turns=1, cpu_ms=10.0)}, cold_cpu_ms=100.0)
    cost = model.session_cost_per_million(m.types["headline"], m, memory_mb=128, arch="arm64", prices=US, a=a)
    assert cost.billed_ms_per_turn == pytest.approx(0.9 * 10 + 0.1 * 100)


def test_dynamodb_requests_and_storage_are_priced_per_unit_and_per_stored_item() -> None:
    a = plain()
    m = measured({"price": profile(turns=8, rru=8, wru=7, reads=8, writes=7, item_bytes=191)})
    cost = model.session_cost_per_million(m.types["price"], m, memory_mb=512, arch="arm64", prices=US, a=a)
    assert cost.dynamodb_requests == pytest.approx(8 * 0.125 + 7 * 0.625)  # 5.375 per 1M sessions
    stored_gib = 1_000_000 * (191 + 100) / 1024**3
    assert cost.dynamodb_storage == pytest.approx(stored_gib * 0.25)
    with_backups = model.session_cost_per_million(
        m.types["price"], m, memory_mb=512, arch="arm64", prices=US, a=replace(a, point_in_time_recovery=True)
    )
    assert with_backups.dynamodb_storage == pytest.approx(stored_gib * (0.25 + 0.20))


def test_a_mix_is_the_share_weighted_cost_of_its_types() -> None:
    a = plain(full_vcpu_memory_mb=128.0)
    m = measured({"headline": profile(turns=2, cpu_ms=10.0), "interview": profile(turns=10, cpu_ms=10.0)})
    costs = {
        n: model.session_cost_per_million(m.types[n], m, memory_mb=128, arch="arm64", prices=US, a=a)
        for n in m.types
    }
    mixed = model.mix_cost(costs, {"headline": 0.5, "interview": 0.5})
    assert mixed.turns == pytest.approx(6.0)
    assert mixed.total == pytest.approx((costs["headline"].total + costs["interview"].total) / 2)


def test_the_99th_percentile_of_a_mixture_moves_to_cold_turns_when_they_exceed_one_percent() -> None:
    assert model.weighted_quantile([([float(i) for i in range(1, 101)], 1.0)], 0.99) == 99.0
    assert model.weighted_quantile([([10.0] * 99, 0.99), ([1000.0], 0.01)], 0.99) == 10.0
    assert model.weighted_quantile([([10.0] * 98, 0.98), ([1000.0], 0.02)], 0.99) == 1000.0


def test_the_recommendation_is_the_cheapest_size_within_the_budget() -> None:
    options = [
        model.MemoryOption(128, 50, 5000, 5000, 1.0, False),
        model.MemoryOption(256, 40, 900, 900, 1.1, True),
        model.MemoryOption(512, 30, 450, 450, 1.2, True),
    ]
    chosen = model.recommend(options)
    assert chosen is not None and chosen.memory_mb == 256
    assert model.recommend(options[:1]) is None


def test_a_slow_cold_start_rules_out_small_memory_sizes() -> None:
    a = plain(container_reuse_rate=0.95, p99_turn_budget_ms=1000.0)
    m = measured(cold_cpu_ms=200.0)  # 200 ms on one vCPU: 2.8 s at 128 MB, 0.2 s at 1769 MB
    options = {o.memory_mb: o for o in model.memory_options(m, a, US, "arm64", dict(a.default_mix))}
    assert options[128].cold_ms == pytest.approx(200 * 1769 / 128)
    assert not options[128].within_budget and not options[256].within_budget
    assert options[512].within_budget  # 691 ms


def test_little_s_law_gives_the_concurrency_at_a_peak_and_where_the_account_limit_binds() -> None:
    a = plain(full_vcpu_memory_mb=128.0)
    types = {
        n: profile(turns=2, cpu_ms=100.0) for n in ("headline", "interview", "explainer", "price", "icing")
    }
    m = measured(types)
    p = model.peak(10.0, m, a, 128, dict(a.default_mix), p99_ms=100.0)
    assert p.invocations_per_s == pytest.approx(20.0)
    assert p.concurrency == pytest.approx(2.0)  # 20 invocations/s x 0.1 s
    account = next(x for x in p.limits if x.name == "Lambda account concurrency")
    assert account.binds_at_sessions_per_s == pytest.approx(1000 / (2 * 0.1))


def test_per_user_keys_never_make_a_hot_partition_but_a_shared_key_would() -> None:
    a = plain()
    types = {
        n: profile(turns=5, reads=2, writes=1, rru=2, wru=1)
        for n in ("headline", "interview", "explainer", "price", "icing")
    }
    p = model.peak(500.0, measured(types), a, 512, dict(a.default_mix), p99_ms=10.0)
    hot = next(x for x in p.limits if "hot partition" in x.name)
    assert math.isinf(hot.binds_at_sessions_per_s)
    assert hot.used_at_peak < 0.001
    assert "a shared key would bind at 1,000 sessions/s" in hot.note  # 1,000 WRU/s / 1 WRU per session


def test_a_turn_over_budget_is_the_first_limit_at_any_rate() -> None:
    a = plain()
    p = model.peak(1.0, measured(), a, 128, dict(a.default_mix), p99_ms=a.p99_turn_budget_ms + 1)
    assert p.first_limit.name == "response budget (p99 turn)"
    assert p.first_limit.binds_at_sessions_per_s == 0.0
