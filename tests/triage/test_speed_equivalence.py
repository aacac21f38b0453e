"""``assess`` gives exactly the outputs it gave before the speed work (a frozen snapshot).

``golden_assessments.json.gz`` holds ~3,000 cases, each the facts (``Facts.to_json``) and a sha256
of a canonical text of the whole ``Assessment`` computed with the code as it was before ``assess``
was optimised (commit "Speed: freeze today's assessments"): level, flags, rules, causes with scores
and reasons, safety net, next question, questions left, urgent flags, child. The cases are:

- every golden vignette's facts (``evaluate.vignettes.build_facts``), and every state of its
  interview played with the vignette's own answers;
- random facts from a fixed seed: random findings answered present, absent, unknown or unclear,
  activity-inferred findings, ages (none, children, adults, over 60s, age asked but not given);
- every state of random interviews (``assess`` / ``answer_question`` turn by turn, random answers).

The facts are stored, not regenerated, so the cases stay the same whatever the code does. The test
clears the interview's bounded caches, then recomputes every case with the current code on a freshly
built ``Facts``, in a shuffled order, and compares digests. The digests were computed before any
cache existed, so a cache that carried one case's result into another (a key missing a field) shows
as a case that differs, whichever of the two comes first: one pass proves both that ``assess`` is
unchanged and that no cache leaks. (Two passes, in the stored order and then shuffled, doubled the
cost for no case the one pass misses.)

The snapshot is a proof for a refactor, not a specification: a deliberate change of behaviour (new
rules, content, vocabulary) regenerates it, in its own commit, with
``.venv/bin/python tests/triage/test_speed_equivalence.py --write``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a script to (re)write the snapshot
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from triage import AGE_QUESTION, Answer, Assessment, Facts, Finding, answer_question, assess
from triage.interview import certainly_left

GOLDEN = Path(__file__).with_name("golden_assessments.json.gz")
SEED = 20240611
N_RANDOM_FACTS = 1800
N_RANDOM_INTERVIEWS = 150
#: A random interview stops after this many turns (the interview itself always ends sooner).
MAX_TURNS = 40

_ANSWERS = (Answer.PRESENT, Answer.ABSENT, Answer.UNKNOWN, Answer.UNCLEAR)
_FINDINGS = tuple(Finding)
_FINDING_VALUES = frozenset(f.value for f in Finding)


def canonical(a: Assessment) -> str:
    """Every output field of ``a`` as text, in a fixed order (floats by ``repr``: exact)."""
    q = a.next_question
    question = (
        None if q is None else [q.id, q.kind.value, q.finding and q.finding.value, q.stage.value, q.rephrased]
    )
    return json.dumps(
        [
            int(a.level),
            sorted(f.value for f in a.flags),
            [r.value for r in a.rules],
            [
                [
                    c.condition.value,
                    repr(c.score),
                    [f.value for f in c.supporting],
                    [f.value for f in c.against],
                ]
                for c in a.causes
            ],
            [f.value for f in a.safety_net],
            question,
            a.questions_left,
            [f.value for f in a.urgent_flags],
            a.child,
        ],
        separators=(",", ":"),
    )


def digest(a: Assessment) -> str:
    return hashlib.sha256(canonical(a).encode()).hexdigest()[:16]  # 64 bits: ample to tell any change


def _random_age(rng: random.Random) -> int | None:
    kind = rng.random()
    if kind < 0.25:
        return None
    if kind < 0.4:
        return rng.randint(0, 15)  # a child
    if kind < 0.65:
        return rng.randint(60, 100)  # an older adult
    return rng.randint(16, 130)


def _random_facts(rng: random.Random) -> Facts:
    n = rng.choice((0, 1, 2, 3, 5, 8, 12, 20, 30, 45, len(_FINDINGS)))
    answers = {
        f: rng.choices(_ANSWERS, weights=(3, 5, 1, 1))[0]
        for f in rng.sample(_FINDINGS, min(n, len(_FINDINGS)))
    }
    inferred = (
        frozenset(rng.sample(_FINDINGS, rng.choice((0, 0, 0, 1, 2)))) if rng.random() < 0.2 else frozenset()
    )
    age = _random_age(rng)
    return Facts(answers, age, age is not None or rng.random() < 0.2, inferred)


def _play(facts: Facts, answer_for: Any) -> list[Facts]:
    """Every state of the interview from ``facts``: ``answer_for(question)`` gives (answer, age)."""
    states = [facts]
    for _ in range(MAX_TURNS):
        q = assess(facts).next_question
        if q is None:
            break
        answer, age = answer_for(q)
        facts = answer_question(facts, q, answer, age)
        states.append(facts)
    return states


def _random_interview(rng: random.Random) -> list[Facts]:
    opening = {f: Answer.PRESENT for f in rng.sample(_FINDINGS, rng.choice((0, 1, 1, 2, 3)))}
    facts = Facts(opening)
    if rng.random() < 0.1:
        facts = facts.with_inferred(rng.choice(_FINDINGS))
    age = _random_age(rng)
    p_yes = rng.choice((0.05, 0.2, 0.4))

    def answer_for(q: Any) -> tuple[Answer, int | None]:
        if q.id == AGE_QUESTION.id:
            return (Answer.ABSENT, None) if age is None else (Answer.PRESENT, age)
        x = rng.random()
        if x < p_yes:
            return Answer.PRESENT, None
        if x < p_yes + 0.1:
            return Answer.UNKNOWN, None
        return Answer.ABSENT, None

    return _play(facts, answer_for)


def _vignette_cases() -> list[Facts]:
    from evaluate.vignettes import Truth, build_facts, load

    by_truth = {Truth.YES: Answer.PRESENT, Truth.NO: Answer.ABSENT, Truth.UNSURE: Answer.UNKNOWN}
    cases: list[Facts] = []
    for v in load():
        cases.append(build_facts(v))

        def answer_for(q: Any, v: Any = v) -> tuple[Answer, int | None]:
            if q.id == AGE_QUESTION.id:
                return (Answer.ABSENT, None) if v.age is None else (Answer.PRESENT, v.age)
            return by_truth[v.truth(q.id)], None

        # the interview from the first two things the person says (it asks the rest)
        opening = {Finding(f): Answer.PRESENT for f in sorted(v.present) if f in _FINDING_VALUES}
        cases.extend(_play(Facts(dict(list(opening.items())[:2])), answer_for))
    return cases


def generate() -> list[Facts]:
    rng = random.Random(SEED)
    cases = _vignette_cases()
    cases.extend(_random_facts(rng) for _ in range(N_RANDOM_FACTS))
    for _ in range(N_RANDOM_INTERVIEWS):
        cases.extend(_random_interview(rng))
    return cases


def write() -> int:
    cases = generate()
    rows = [[f.to_json(), digest(assess(f))] for f in cases]
    GOLDEN.write_bytes(
        gzip.compress(json.dumps(rows, separators=(",", ":"), sort_keys=True).encode(), mtime=0)
    )
    return len(rows)


def _load() -> list[tuple[dict[str, Any], str]]:
    return [(facts, d) for facts, d in json.loads(gzip.decompress(GOLDEN.read_bytes()))]


def _mismatches(rows: list[tuple[dict[str, Any], str]]) -> list[str]:
    """The cases whose assessment differs from the snapshot, and (on the same pass, since the digest
    has already counted ``questions_left``) those where the countdown's cheap bound
    (``certainly_left``) would count more questions than the interview asks."""
    bad: list[str] = []
    for data, expected in rows:
        facts = Facts.from_json(data)
        assert facts.to_json() == data, data  # the stored facts round-trip exactly
        result = assess(facts)
        if digest(result) != expected:
            bad.append(f"{json.dumps(data)} -> {canonical(result)}")
        elif result.next_question is not None and certainly_left(facts, result.level) > result.questions_left:
            bad.append(f"{json.dumps(data)}: certainly_left > questions_left {result.questions_left}")
    return bad


def test_the_snapshot_is_large_and_varied() -> None:
    rows = _load()
    assert len(rows) >= 3000
    facts = [Facts.from_json(d) for d, _ in rows]
    assert any(f.age is None for f in facts)
    assert any(f.age is not None and f.age < 16 for f in facts)
    assert any(f.age is not None and f.age >= 60 for f in facts)
    assert any(f.inferred for f in facts)
    assert any(Answer.UNCLEAR in f.answers.values() for f in facts)
    assert len({d for _, d in rows}) > 500  # many different assessments, not one repeated


def test_assess_gives_exactly_the_frozen_assessments_and_no_cache_carries_one_case_into_another() -> None:
    """Every case, in a shuffled order, starting from cleared caches."""
    from functools import _lru_cache_wrapper

    import triage.evidence
    import triage.interview

    for module in (triage.interview, triage.evidence):
        for value in vars(module).values():
            if isinstance(value, _lru_cache_wrapper):
                value.cache_clear()
    rows = _load()
    random.Random(SEED + 1).shuffle(rows)
    bad = _mismatches(rows)
    assert not bad, f"{len(bad)} cases differ, e.g.:\n" + "\n".join(bad[:5])


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: test_speed_equivalence.py --write   (regenerates the frozen snapshot)")
    print(f"wrote {write()} cases to {GOLDEN}")


class _Recording(dict[Finding, Answer]):
    """A resolved-answers mapping that remembers which findings were read."""

    read: set[Finding]

    def get(self, key: Finding, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)


def test_the_rules_read_from_resolved_only_what_the_interview_views_carry() -> None:
    """The interview's "what if" views carry only RULES_READ_RESOLVED of the resolved answers."""
    from triage.interview import RULES_READ_RESOLVED
    from triage.rules import fired_rules

    read: set[Finding] = set()
    for data, _ in _load()[:1000]:
        facts = Facts.from_json(data)
        recording = _Recording(facts.resolved)
        recording.read = read
        view = type("View", (), {"resolved": recording, "answers": facts.answers, "age": facts.age})
        fired_rules(view, facts.escalating, False, False, False)  # type: ignore[arg-type]
    assert read <= set(RULES_READ_RESOLVED), sorted(read - set(RULES_READ_RESOLVED))
    assert read, "the rules read nothing: the recording is broken"
