"""Benchmark: median time of one full triage assessment (target: median < 50 microseconds).

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

#: A mid-interview case: safety screen done, an injury reported, choosing discriminating questions.
MID_INTERVIEW = Facts(
    {
        Finding.PE_SIGNS: A,
        Finding.COLD_PALE_LEG: A,
        Finding.BLADDER_BOWEL_CHANGE: A,
        Finding.PAIN_CALF: A,
        Finding.PAIN_BEHIND_KNEE: P,
        Finding.SWELLING_CALF: A,
        Finding.WARMTH: A,
        Finding.DISCOLOURATION: A,
        Finding.ONE_LEG: P,
        Finding.RECENT_SURGERY: A,
        Finding.BED_REST_3_DAYS: A,
        Finding.PLASTER_CAST: A,
        Finding.LONG_JOURNEY: A,
        Finding.PREGNANT_OR_POSTPARTUM: A,
        Finding.HORMONES: A,
        Finding.CANCER: A,
        Finding.PREVIOUS_CLOT: A,
        Finding.BLOOD_THINNERS: A,
        Finding.RECENT_INJURY: P,
        Finding.CANNOT_BEAR_WEIGHT: A,
        Finding.DEFORMITY: A,
        Finding.LOCKED_NOW: A,
        Finding.CANNOT_BEND_90: A,
        Finding.POPPING: P,
        Finding.PAIN_THIGH: A,
        Finding.SWELLING_KNEE: P,
        Finding.SEVERE_PAIN: A,
        Finding.FEVER_UNWELL: A,
    },
    age=29,
)


def main(runs: int = 5000, batch: int = 20) -> float:
    facts = MID_INTERVIEW
    question = assess(facts).next_question
    # Past the fixed safety questions, so the timing includes the information-gain search.
    assert question is not None and question.finding in DISCRIMINATING_POOL, question
    for _ in range(500):  # warm-up
        assess(facts)
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(runs):
        start = clock()
        for _ in range(batch):
            assess(facts)
        samples.append((clock() - start) / batch / 1000.0)
    median = statistics.median(samples)
    p90 = statistics.quantiles(samples, n=10)[-1]
    verdict = "OK" if median < TARGET_MICROSECONDS else "SLOW"
    print(
        f"triage.assess: median {median:.1f} us, p90 {p90:.1f} us over {runs}x{batch} runs "
        f"(target < {TARGET_MICROSECONDS:.0f} us) {verdict}"
    )
    return median


if __name__ == "__main__":
    main()
