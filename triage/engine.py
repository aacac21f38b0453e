"""assess(): facts in, assessment out. Pure, deterministic, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from triage import evidence
from triage.facts import Facts
from triage.interview import AGE_QUESTION, Question, QuestionKind, next_question
from triage.rules import RuleId, fired_rules, level_and_flags
from triage.vocabulary import (
    EMERGENCY_GUIDANCE_FLAGS,
    GROUP_OF,
    Answer,
    CareLevel,
    Condition,
    Finding,
    Flag,
)

F = Finding

#: A cause is listed only when its score is above this ...
PLAUSIBLE_SCORE = 0.1
#: ... and at most this many are listed.
MAX_CAUSES = 4

#: Red-flag findings to read back as "come back / call if you get ...", PE signs first.
SAFETY_NET_ORDER: tuple[Finding, ...] = (
    F.BREATHLESSNESS,
    F.CHEST_PAIN,
    F.COUGHING_BLOOD,
    F.FAINTING,
    F.COLD_PALE_LEG,
    F.BLADDER_BOWEL_CHANGE,
    F.SWELLING_CALF,
    F.WARMTH,
    F.DISCOLOURATION,
    F.FEVER_UNWELL,
    F.LOCKED_NOW,
    F.CANNOT_BEAR_WEIGHT,
    F.DEFORMITY,
    F.CRAMP_OVER_10_MIN,
)


@dataclass(frozen=True)
class RankedCause:
    condition: Condition
    score: float
    supporting: tuple[Finding, ...]
    against: tuple[Finding, ...]


@dataclass(frozen=True)
class Assessment:
    level: CareLevel
    flags: frozenset[Flag]
    rules: tuple[RuleId, ...]
    causes: tuple[RankedCause, ...]
    safety_net: tuple[Finding, ...]
    next_question: Question | None
    questions_left: int

    @property
    def complete(self) -> bool:
        return self.next_question is None

    @property
    def emergency_guidance_required(self) -> bool:
        return bool(self.flags & EMERGENCY_GUIDANCE_FLAGS) or self.level is CareLevel.EMERGENCY_AMBULANCE


_SAFETY_NET_SET = frozenset(SAFETY_NET_ORDER)
#: Findings that, when present, mean a safety-net item was already reported: the item itself, or
#: the group it belongs to (a "yes" to "warm, red or darker skin" covers warmth and discolouration).
_ALREADY_REPORTED: tuple[tuple[Finding, frozenset[Finding]], ...] = tuple(
    (f, frozenset({f, GROUP_OF[f]}) if f in GROUP_OF else frozenset({f})) for f in SAFETY_NET_ORDER
)
_SAFETY_NET_TRIGGERS = frozenset().union(*(reported for _, reported in _ALREADY_REPORTED))
_CONDITIONS = evidence.CONDITIONS
_RANGE = range(len(_CONDITIONS))
_posterior = evidence.posterior
_reasons = evidence.reasons
_oa_suspected = evidence.oa_suspected
_chondromalacia_suspected = evidence.chondromalacia_suspected


def assess(facts: Facts) -> Assessment:
    """Evaluate every rule, rank the causes and choose the next question."""
    age = facts.age
    present_set = facts.present_set
    rules = fired_rules(
        facts,
        present_set,
        _oa_suspected(present_set, age),
        _chondromalacia_suspected(present_set),
    )
    level, flags = level_and_flags(rules)
    ev_present, ev_absent = facts.evidence_present, facts.evidence_absent
    post = _posterior(ev_present, ev_absent, age)
    order = sorted(_RANGE, key=post.__getitem__, reverse=True)
    causes: list[RankedCause] = []
    for i in order[:MAX_CAUSES]:
        score = post[i]
        if score <= PLAUSIBLE_SCORE:
            break
        supporting, against = _reasons(ev_present, ev_absent, i)
        causes.append(RankedCause(_CONDITIONS[i], round(score, 4), supporting, against))
    if _SAFETY_NET_TRIGGERS.isdisjoint(present_set):
        safety_net = SAFETY_NET_ORDER
    else:
        safety_net = tuple([f for f, reported in _ALREADY_REPORTED if reported.isdisjoint(present_set)])
    question, left = next_question(facts, level, flags, post, order)
    return Assessment(level, flags, rules, tuple(causes), safety_net, question, left)


def answer_question(facts: Facts, question: Question, answer: Answer, age: int | None = None) -> Facts:
    """Record the user's answer to ``question`` (for the age question, ``age`` is the years)."""
    if question.kind is QuestionKind.AGE or question.id == AGE_QUESTION.id:
        return facts.with_age(age if answer is not Answer.ABSENT else None)
    if question.finding is None:
        return facts
    return facts.with_answer(question.finding, answer)
