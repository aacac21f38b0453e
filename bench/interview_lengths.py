"""Question counts of the triage interview: all-"no", typical random answers, and volunteered openings.

.venv/bin/python -m bench.interview_lengths
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Callable

from triage import Answer, Facts, Finding, Question, answer_question, assess

F = Finding
P, A, U = Answer.PRESENT, Answer.ABSENT, Answer.UNKNOWN

Chooser = Callable[[Question], tuple[Answer, int]]


def walk(facts: Facts, choose: Chooser) -> tuple[int, list[int], object]:
    lefts: list[int] = []
    result = assess(facts)
    n = 0
    while result.next_question is not None:
        lefts.append(result.questions_left)
        answer, years = choose(result.next_question)
        if result.next_question.id == "age":
            answer = P
        facts = answer_question(facts, result.next_question, answer, years)
        result = assess(facts)
        n += 1
        assert n < 40
    return n, lefts, result


def always_no(age: int) -> Chooser:
    return lambda _: (A, age)


def realistic(seed: int, p_yes: float) -> Chooser:
    rng = random.Random(seed)

    def choose(_: Question) -> tuple[Answer, int]:
        x = rng.random()
        return (P if x < p_yes else U if x < p_yes + 0.05 else A), rng.randint(18, 90)

    return choose


OPENINGS: dict[str, dict[Finding, Answer]] = {
    "behind knee": {F.PAIN_BEHIND_KNEE: P},
    "runner": {F.PAIN_BEHIND_KNEE: P, F.MECH_OVERUSE: P},
    "twist pop swelling": {F.RECENT_INJURY: P, F.MECH_TWIST: P, F.POPPING: P, F.SWELLING_KNEE: P},
    "flight swollen calf": {F.PAIN_CALF: P, F.SWELLING_CALF: P, F.LONG_JOURNEY: P},
    "arthritis": {F.PAIN_BEHIND_KNEE: P, F.GRADUAL_ONSET: P, F.STIFFNESS: P, F.PERSISTENT_WEEKS: P},
    "lump": {F.LUMP_BEHIND_KNEE: P, F.PAIN_BEHIND_KNEE: P},
    "cramp": {F.PAIN_CALF: P, F.CRAMPING: P},
    "sciatica": {F.BACK_PAIN: P, F.NUMBNESS_TINGLING: P, F.PAIN_THIGH: P},
    "kneecap stairs": {F.PAIN_KNEECAP: P, F.PAIN_ON_STAIRS_OR_SITTING: P},
    "fall": {F.RECENT_INJURY: P, F.MECH_BLOW_OR_FALL: P},
}


def trace(facts: Facts, age: int) -> str:
    asked = []
    result = assess(facts)
    while result.next_question is not None:
        q = result.next_question
        asked.append(q.id + ("*" if q.rephrased else ""))
        facts = answer_question(facts, q, P if q.id == "age" else A, age)
        result = assess(facts)
    return " ".join(asked)


def main() -> None:
    print("all-no, age 60:", trace(Facts.empty(), 60))
    print("fall, age 60:", trace(Facts(OPENINGS["fall"]), 60))
    print("sciatica, age 30:", trace(Facts(OPENINGS["sciatica"]), 30))
    for age in (30, 60):
        n, lefts, result = walk(Facts.empty(), always_no(age))
        print(f"all-no age {age}: {n} questions, left {lefts}, level {result.level.name}")  # type: ignore[attr-defined]
    for name, opening in OPENINGS.items():
        for age in (30, 60):
            n, lefts, result = walk(Facts(opening), always_no(age))
            print(f"{name:22s} age {age}: {n:2d} q  left {lefts}  -> {result.level.name}")  # type: ignore[attr-defined]
    for p_yes in (0.1, 0.2, 0.3):
        counts = []
        worst_jump = 0
        off = 0
        for seed in range(300):
            n, lefts, _ = walk(Facts({F.PAIN_BEHIND_KNEE: P}), realistic(seed, p_yes))
            counts.append(n)
            worst_jump = max([worst_jump, *(b - a for a, b in itertools.pairwise(lefts))])
            off = max([off, *(abs(left - (n - i)) for i, left in enumerate(lefts))])
        print(
            f"random p_yes={p_yes}: median {statistics.median(counts)}, max {max(counts)}, "
            f"largest rise of 'left' {worst_jump}, largest error {off}"
        )


if __name__ == "__main__":
    main()
