"""Benchmark: median time of one full triage assessment (target: median < 50 microseconds).

Each timed call gets its own freshly built (equal) ``Facts`` object, so nothing cached on a
``Facts`` instance is reused between calls: the number is what one conversation turn pays for
``assess``. The cost of building the ``Facts`` for a turn (``with_answer``) is printed separately.

Run: .venv/bin/python bench/bench_triage.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage import Answer, Facts, Finding, assess
from triage.interview import DISCRIMINATE_FINDINGS, MECHANISMS

DISCRIMINATING_POOL = frozenset((*DISCRIMINATE_FINDINGS, *MECHANISMS))

TARGET_MICROSECONDS = 50.0
P, A = Answer.PRESENT, Answer.ABSENT

#: A mid-interview case: safety screen and injury follow-ups done, choosing the first
#: discriminating question.
MID_INTERVIEW = Facts(
    {
        Finding.PE_SIGNS: A,
        Finding.COLD_PALE_LEG: A,
        Finding.BLADDER_BOWEL_CHANGE: A,
        Finding.SWELLING_CALF: A,
        Finding.SKIN_CHANGES: A,
        Finding.RECENT_IMMOBILITY: A,
        Finding.HORMONAL_RISK: A,
        Finding.CLOT_HISTORY: A,
        Finding.BLOOD_THINNERS: A,
        Finding.RECENT_INJURY: P,
        Finding.CANNOT_BEAR_WEIGHT: A,
        Finding.LOCKED_NOW: A,
        Finding.CANNOT_BEND_90: A,
    },
    age=29,
)


def main(runs: int = 5000, batch: int = 20) -> float:
    facts = MID_INTERVIEW
    question = assess(facts).next_question
    # Past the fixed safety questions, so the timing includes the information-gain search.
    assert question is not None and question.finding in DISCRIMINATING_POOL, question
    answers, age = facts.answers, facts.age
    for _ in range(500):  # warm-up
        assess(Facts(answers, age))
    samples: list[float] = []
    build: list[float] = []
    clock = time.perf_counter_ns
    last = next(reversed(list(answers)))
    for _ in range(runs):
        fresh = [Facts(answers, age) for _ in range(batch)]  # equal values, nothing cached yet
        start = clock()
        for f in fresh:
            assess(f)
        samples.append((clock() - start) / batch / 1000.0)
        start = clock()
        for _ in range(batch):
            facts.with_answer(last, A)
        build.append((clock() - start) / batch / 1000.0)
    median = statistics.median(samples)
    p90 = statistics.quantiles(samples, n=10)[-1]
    verdict = "OK" if median < TARGET_MICROSECONDS else "SLOW"
    print(
        f"triage.assess: median {median:.1f} us, p90 {p90:.1f} us over {runs}x{batch} runs "
        f"(target < {TARGET_MICROSECONDS:.0f} us) {verdict}"
    )
    print(f"Facts.with_answer (one turn's new facts): median {statistics.median(build):.1f} us")
    return median


if __name__ == "__main__":
    main()
