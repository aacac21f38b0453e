"""Question counts of the triage interview: the golden vignettes, all-"no", typical random answers,
and volunteered openings.

The golden vignettes (``tests/golden/triage/vignettes.yaml``) are played at the core level: each
``next_question`` of ``triage.assess`` is answered from the vignette's facts with
``triage.answer_question``, as the ``make evaluate`` patient does through the whole skill:

- present findings (and what they imply to a person, ``Vignette.true_findings``) "yes", ``unsure``
  ones "not sure" every time they are asked (a red-flag question is then asked once more in simpler
  words and a second "not sure" counts as unclear, as the engine handles it), everything else "no";
- the age question with the vignette's age (or "not sure" when it has none);
- the opening: the vignette's present findings named in it are given up front (volunteered), as the
  skill records them from the voice model's slots. What counts as "named" is what the simulator's
  voice model resolves from the opening (symptom and body-place slots, an activity's findings) or
  what the patient's keyword table (``evaluate.keywords``) finds in it, limited to what is true for
  the vignette; a grouped key ("red and warm") gives its true atoms.
Re-asks count as questions, as in ``make evaluate``. The level reached is the level of the final
assessment, compared with the vignette's expected level.

.venv/bin/python -m bench.interview_lengths [--vignettes] [--verbose] [--ablate]
"""

from __future__ import annotations

import itertools
import random
import statistics
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

import content
from evaluate.keywords import matches
from evaluate.vignettes import HEADLINE, Truth, Vignette, load
from simulator.nlu import resolve
from triage import Answer, Facts, Finding, Question, QuestionKind, answer_question, assess
from triage.vocabulary import FINDING_GROUPS

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


# --- the golden vignettes ------------------------------------------------------------------------

_ANSWER = {Truth.YES: P, Truth.NO: A, Truth.UNSURE: U}
_FINDING_BY_VALUE = {f.value: f for f in Finding}
#: More questions than any interview can take: a runaway interview fails loudly.
_RUNAWAY = 40


@cache
def _activity_findings(locale: str) -> dict[str, tuple[str, ...]]:
    return {k: tuple(f.value for f in a.findings) for k, a in content.load(locale).vocab.activities.items()}


def _named_in_opening(v: Vignette) -> set[str]:
    """Finding (or group) ids the opening names: the voice model's slots and the keyword table."""
    keys = set(matches(v.opening))
    for slot in resolve(v.opening, v.locale, None).slots:
        if slot.id is None:
            continue
        if slot.name in ("symptom", "bodyPlace"):
            keys.add(slot.id)
        elif slot.name == "activity":
            keys.update(_activity_findings(v.locale).get(slot.id, ()))
    return keys


def volunteered(v: Vignette) -> frozenset[Finding]:
    """The vignette's present findings named in its opening (given up front)."""
    if v.opening == HEADLINE:
        return frozenset()
    true = v.true_findings
    found: set[Finding] = set()
    for key in _named_in_opening(v):
        f = _FINDING_BY_VALUE.get(key)
        if f is None:
            continue
        if f in FINDING_GROUPS:
            found.update(a for a in FINDING_GROUPS[f] if a.value in true)
        elif f.value in true:
            found.add(f)
    return frozenset(found)


@dataclass(frozen=True)
class Played:
    """One vignette played through ``assess`` + ``answer_question``."""

    id: str
    questions: int
    level: int
    expected: int
    asked: tuple[str, ...]
    volunteered: tuple[str, ...]
    lefts: tuple[int, ...]
    facts: Facts = field(compare=False, repr=False, default_factory=Facts.empty)

    @property
    def below(self) -> bool:
        return self.level < self.expected


def play(v: Vignette, left_out: str | None = None) -> Played:
    """Play ``v``; ``left_out``: a question id whose findings the interview never learns (answered
    "no" whatever the truth, or no age: what leaving that screen out would cost, ``--ablate``)."""
    given = volunteered(v)
    facts = Facts({f: P for f in given})
    result = assess(facts)
    asked: list[str] = []
    lefts: list[int] = []
    while (q := result.next_question) is not None:
        if q.id == left_out:
            facts = answer_question(facts, q, A)
            result = assess(facts)
            continue
        asked.append(q.id + ("*" if q.rephrased else ""))
        lefts.append(result.questions_left)
        if q.kind is QuestionKind.AGE:
            facts = answer_question(facts, q, P if v.age is not None else U, v.age)
        else:
            assert q.finding is not None
            facts = answer_question(facts, q, _ANSWER[v.truth(q.finding.value)])
        result = assess(facts)
        if len(asked) > _RUNAWAY:
            raise AssertionError(f"{v.id}: the interview does not end: {asked}")
    return Played(
        v.id,
        len(asked),
        int(result.level),
        v.expect.level,
        tuple(asked),
        tuple(sorted(f.value for f in given)),
        tuple(lefts),
        facts,
    )


def play_all(vignettes: Iterable[Vignette] | None = None) -> list[Played]:
    return [play(v) for v in (vignettes if vignettes is not None else load())]


def report(played: list[Played], verbose: bool = False) -> None:
    counts = [p.questions for p in played]
    below = [p for p in played if p.below]
    print(
        f"golden vignettes: {len(played)}; questions median {statistics.median(counts)}, max {max(counts)} "
        f"(targets <= 7, <= 10); level reached: below expected {len(below)}, "
        f"at expected {sum(p.level == p.expected for p in played)}, "
        f"above {sum(p.level > p.expected for p in played)}"
    )
    by_gap: dict[int, int] = {}
    for p in below:
        by_gap[p.expected - p.level] = by_gap.get(p.expected - p.level, 0) + 1
    print(f"  below expected by levels: {dict(sorted(by_gap.items()))}")
    for p in sorted(played, key=lambda p: (-p.questions, p.id)) if verbose else []:
        mark = "BELOW" if p.below else ""
        print(f"  {p.questions:2d} q {p.id:45s} {p.level}/{p.expected} {mark:5s} {' '.join(p.asked)}")


#: The screening questions every interview may ask, whatever was said before (``--ablate``).
SCREEN_IDS: tuple[str, ...] = (
    "pe_signs",
    "faint_or_racing_heart",
    "leg_circulation",
    "skin_changes",
    "age",
    "recent_immobility",
    "clot_history",
    "sudden_onset",
    "severity_signs",
    "recent_injury",
    "knee_signs",
    "other_signs",
)


def ablate() -> None:
    """What each screen costs and buys: the interview with that screen left out (its findings
    learnt only when volunteered), on the golden vignettes."""
    vignettes = load()
    base = play_all(vignettes)
    counts = [p.questions for p in base]
    print(f"all screens: median {statistics.median(counts)}, max {max(counts)}")
    print("left out               asked on  median  max  vignettes one level or more too low")
    for sid in SCREEN_IDS:
        played = [play(v, sid) for v in vignettes]
        counts = [p.questions for p in played]
        asked = sum(sid in (a.rstrip("*") for a in p.asked) for p in base)
        low = [p.id for p in played if p.below]
        median = statistics.median(counts)
        print(f"{sid:22s} {asked:8d}  {median:6}  {max(counts):3d}  {len(low):3d} {' '.join(low[:4])}")


def main() -> None:
    if "--ablate" in sys.argv:
        ablate()
        return
    if "--vignettes" in sys.argv or "--verbose" in sys.argv:
        report(play_all(), verbose="--verbose" in sys.argv)
        if "--vignettes" in sys.argv:
            return
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
