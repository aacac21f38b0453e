"""Benchmark: median time of one full triage assessment on typical facts (target: median <= 200 us).

The facts are every state of a few typical interviews (answered "no" throughout, a sore back of the
knee, an injury with a swollen knee, a suspected clot), as a conversation meets them turn by turn.
Each timed call gets its own freshly built (equal) ``Facts`` object, so nothing cached on a ``Facts``
instance is reused between calls: the number is what one conversation turn pays for ``assess``,
including the "about N more" count (``questions_left``). The interview keeps one small bounded
cache (``_solo_level``, content-free); "cold" clears it before every call, the worst case of a
fresh container. The machine is shared: the load average is printed, and each state's fastest
run (the median over states) estimates what the code costs with a core to itself.

Run: .venv/bin/python bench/bench_triage.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage import Answer, Facts, Finding, Question, answer_question, assess
from triage.interview import _solo_level

TARGET_MICROSECONDS = 200.0
P, A = Answer.PRESENT, Answer.ABSENT
F = Finding

#: Openings of typical interviews, and the answers given to their questions (anything else: "no").
TYPICAL: tuple[tuple[dict[Finding, Answer], frozenset[Finding], int], ...] = (
    ({}, frozenset(), 40),
    ({F.PAIN_BEHIND_KNEE: P}, frozenset(), 62),
    ({F.PAIN_BEHIND_KNEE: P, F.RECENT_INJURY: P, F.MECH_TWIST: P}, frozenset({F.KNEE_SWOLLEN_OR_HOT}), 29),
    ({F.PAIN_CALF: P}, frozenset({F.SKIN_CHANGES}), 55),
)


def typical_facts() -> list[Facts]:
    """Every state the typical interviews pass through (the facts ``assess`` sees each turn)."""
    states: list[Facts] = []
    for opening, yes, age in TYPICAL:
        facts = Facts(opening)
        result = assess(facts)
        while True:
            states.append(facts)
            q: Question | None = result.next_question
            if q is None:
                break
            answer = P if q.id == "age" or q.finding in yes else A
            facts = answer_question(facts, q, answer, age)
            result = assess(facts)
    return states


def _time(states: list[Facts], runs: int, cold: bool) -> list[float]:
    clock = time.perf_counter_ns
    samples: list[float] = []
    for _ in range(runs):
        for s in states:
            fresh = Facts(s.answers, s.age, s.age_asked, s.inferred)  # equal value, nothing cached yet
            if cold:
                _solo_level.cache_clear()
            start = clock()
            assess(fresh)
            samples.append((clock() - start) / 1000.0)
    return samples


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main(runs: int = 200) -> float:
    states = typical_facts()
    _time(states, 20, cold=False)  # warm-up
    load = _load()
    warm = _time(states, runs, cold=False)
    cold = _time(states, max(1, runs // 10), cold=True)
    median = statistics.median(warm)
    p90 = statistics.quantiles(warm, n=10)[-1]
    verdict = "OK" if median <= TARGET_MICROSECONDS else "SLOW"
    print(
        f"triage.assess over {len(states)} typical states: median {median:.1f} us, p90 {p90:.1f} us, "
        f"max {max(warm):.1f} us (target median <= {TARGET_MICROSECONDS:.0f} us) {verdict}"
    )
    # On a shared machine the median also measures the neighbours: each state's fastest run is what
    # the code costs when it has a core to itself (the median over states of those minima).
    best = [min(warm[i :: len(states)]) for i in range(len(states))]
    print(
        f"  per-state fastest run: median {statistics.median(best):.1f} us, max {max(best):.1f} us "
        f"(load average {load} on {os.cpu_count()} cores)"
    )
    print(f"  cold (bounded cache cleared before each call): median {statistics.median(cold):.1f} us")
    start = time.perf_counter_ns()
    n = 2000
    for _ in range(n):
        states[-1].with_answer(F.SEVERE_PAIN, A)
    print(f"Facts.with_answer (one turn's new facts): {(time.perf_counter_ns() - start) / n / 1000:.1f} us")
    return median


if __name__ == "__main__":
    main()
