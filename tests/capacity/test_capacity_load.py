"""Many simulated users at once on loopback: counts as measured, no hot key, no lost icing records."""

from __future__ import annotations

from capacity.load import render, simulate


def test_concurrent_users_keep_their_own_keys_and_counts_and_every_icing_start_is_stored() -> None:
    result = simulate(users=10, threads=5, seconds=60, icing_users=3, devices=3)
    assert result.sessions == 10 and not result.stopped_by_time
    assert result.failed_calls == 0
    assert result.distinct_keys == 10  # one key per user: nothing shared, so nothing hot
    assert result.count_mismatches == []
    assert result.icing_stored == result.icing_expected == 9
    assert result.icing_mismatches == []
    assert "PASS" in render(result)
