"""The questions the interview can ask, in safety order, and how the next one is chosen.

Order: life-threatening signs; urgent follow-ups (fever with a hot joint, a knee locked now);
clot signs; age and clot risk factors (skipped once a clot is already suspected, except blood
thinners); injury; other safety follow-ups; then the question with the most information about
the causes still in play. The interview stops at once on EMERGENCY_AMBULANCE, after the
life-threat screen on EMERGENCY, when the top cause is clear, when no question helps, or at the caps.
Every step asks a question not yet answered (explicitly or by implication), so it always ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from triage import evidence
from triage.facts import Facts
from triage.rules import CLOT_RISK_FACTORS
from triage.vocabulary import Answer, CareLevel, Finding, Flag

F = Finding


class Stage(StrEnum):
    """Interview stages, in the order they are asked."""

    LIFE_THREAT = "life_threat"
    CLOT = "clot"
    CLOT_RISK = "clot_risk"
    INJURY = "injury"
    DISCRIMINATE = "discriminate"


class QuestionKind(StrEnum):
    FINDING = "finding"
    AGE = "age"


AGE_QUESTION_ID = "age"


@dataclass(frozen=True)
class Question:
    """One question. ``id`` is the finding's value, or ``"age"`` for the age question."""

    id: str
    kind: QuestionKind
    finding: Finding | None
    stage: Stage


def _q(f: Finding, stage: Stage) -> Question:
    return Question(f.value, QuestionKind.FINDING, f, stage)


AGE_QUESTION = Question(AGE_QUESTION_ID, QuestionKind.AGE, None, Stage.CLOT_RISK)

LIFE_THREAT_FINDINGS: tuple[Finding, ...] = (F.PE_SIGNS, F.COLD_PALE_LEG, F.BLADDER_BOWEL_CHANGE)
CLOT_FINDINGS: tuple[Finding, ...] = (
    F.PAIN_CALF,
    F.PAIN_BEHIND_KNEE,
    F.SWELLING_CALF,
    F.WARMTH,
    F.DISCOLOURATION,
    F.ONE_LEG,
)
#: Clot risk factors asked explicitly (MECH_LONG_SITTING_OR_TRAVEL is volunteered, never asked here).
CLOT_RISK_QUESTIONS: tuple[Finding, ...] = tuple(
    f for f in CLOT_RISK_FACTORS if f is not F.MECH_LONG_SITTING_OR_TRAVEL
)
INJURY_FINDINGS: tuple[Finding, ...] = (
    F.RECENT_INJURY,
    F.CANNOT_BEAR_WEIGHT,
    F.DEFORMITY,
    F.LOCKED_NOW,
    F.CANNOT_BEND_90,
    F.POPPING,
    F.PAIN_THIGH,
    F.SEVERE_PAIN,
    F.MECH_TWIST,
    F.MECH_PIVOT,
    F.MECH_JUMP,
    F.MECH_SPRINT,
    F.MECH_DIRECTION_CHANGE,
    F.MECH_BLOW_OR_FALL,
)
#: Questions chosen by information gain in the last stage.
DISCRIMINATE_FINDINGS: tuple[Finding, ...] = (
    F.PERSISTENT_WEEKS,
    F.PAIN_KNEECAP,
    F.SUDDEN_ONSET,
    F.GRADUAL_ONSET,
    F.SWELLING_KNEE,
    F.LUMP_BEHIND_KNEE,
    F.REDNESS,
    F.GRINDING,
    F.STIFFNESS,
    F.WEAKNESS,
    F.LOCKING,
    F.GIVING_WAY,
    F.PAIN_ON_STAIRS_OR_SITTING,
    F.PAIN_BENDING_AGAINST_RESISTANCE,
    F.CRAMPING,
    F.NUMBNESS_TINGLING,
    F.BACK_PAIN,
    F.BOTH_LEGS,
    F.MECH_OVERUSE,
    F.HARD_TENDER_VEINS,
    F.PAIN_FLEXING_FOOT,
    F.SWELLING_WHOLE_LEG,
)
#: Safety follow-ups asked only when triggered (stage DISCRIMINATE, but never counted in its cap).
FOLLOW_UP_FINDINGS: tuple[Finding, ...] = (
    F.FEVER_UNWELL,
    F.CRAMP_OVER_10_MIN,
    F.CRAMPS_AT_NIGHT,
    F.SUDDEN_WORSENING,
)
#: Mechanisms chosen by information gain once an injury is reported.
MECHANISMS: tuple[Finding, ...] = (
    F.MECH_TWIST,
    F.MECH_PIVOT,
    F.MECH_JUMP,
    F.MECH_SPRINT,
    F.MECH_DIRECTION_CHANGE,
    F.MECH_BLOW_OR_FALL,
)

_QUESTION_BY_FINDING: dict[Finding, Question] = {}
for _f in LIFE_THREAT_FINDINGS:
    _QUESTION_BY_FINDING[_f] = _q(_f, Stage.LIFE_THREAT)
for _f in CLOT_FINDINGS:
    _QUESTION_BY_FINDING[_f] = _q(_f, Stage.CLOT)
for _f in (*CLOT_RISK_QUESTIONS, F.BLOOD_THINNERS):
    _QUESTION_BY_FINDING[_f] = _q(_f, Stage.CLOT_RISK)
for _f in INJURY_FINDINGS:
    _QUESTION_BY_FINDING[_f] = _q(_f, Stage.INJURY)
for _f in (*FOLLOW_UP_FINDINGS, *DISCRIMINATE_FINDINGS):
    _QUESTION_BY_FINDING[_f] = _q(_f, Stage.DISCRIMINATE)

#: Every question the interview can ask, in safety order.
ALL_QUESTIONS: tuple[Question, ...] = (
    *(_QUESTION_BY_FINDING[f] for f in LIFE_THREAT_FINDINGS),
    *(_QUESTION_BY_FINDING[f] for f in CLOT_FINDINGS),
    AGE_QUESTION,
    *(_QUESTION_BY_FINDING[f] for f in (*CLOT_RISK_QUESTIONS, F.BLOOD_THINNERS)),
    *(_QUESTION_BY_FINDING[f] for f in INJURY_FINDINGS),
    *(_QUESTION_BY_FINDING[f] for f in (*FOLLOW_UP_FINDINGS, *DISCRIMINATE_FINDINGS)),
)
QUESTION_BY_ID: dict[str, Question] = {q.id: q for q in ALL_QUESTIONS}


def question_for(f: Finding) -> Question | None:
    """The question that asks about ``f``, if the interview ever asks it."""
    return _QUESTION_BY_FINDING.get(f)


#: At most this many questions chosen by information gain (mechanisms included).
MAX_DISCRIMINATING_QUESTIONS = 6
#: Hard cap on the whole interview. The safety screen alone (life threat, clot signs, age, nine
#: explicit risk questions, injury) can take about 22 questions, so the cap sits above it.
MAX_QUESTIONS = 32
#: Stop discriminating when the top cause is this likely ...
CONFIDENT_TOP = 0.8
#: ... or no question is worth this many bits.
MIN_GAIN_BITS = 0.03
#: Causes considered "in play" for information gain (the code unrolls exactly four).
IN_PLAY = 4

_DISCRIMINATING_POOL: frozenset[Finding] = frozenset((*DISCRIMINATE_FINDINGS, *MECHANISMS))
_ASKABLE: frozenset[Finding] = frozenset(_QUESTION_BY_FINDING)
_P = Answer.PRESENT
_A = Answer.ABSENT


def _present(r: Mapping[Finding, Answer], f: Finding) -> bool:
    return r.get(f) is _P


def _safety_next(facts: Facts, level: CareLevel, flags: frozenset[Flag]) -> Question | None:
    """The next fixed safety question (stages 1-3 and triggered follow-ups), or None."""
    r = facts.resolved
    for f in LIFE_THREAT_FINDINGS:
        if f not in r:
            return _QUESTION_BY_FINDING[f]
    # Urgent follow-ups that can reach EMERGENCY.
    if F.FEVER_UNWELL not in r and (
        _present(r, F.SWELLING_KNEE) or _present(r, F.REDNESS) or _present(r, F.WARMTH)
    ):
        return _QUESTION_BY_FINDING[F.FEVER_UNWELL]
    if F.LOCKED_NOW not in r and _present(r, F.LOCKING):
        return _QUESTION_BY_FINDING[F.LOCKED_NOW]
    for f in CLOT_FINDINGS:
        if f not in r:
            return _QUESTION_BY_FINDING[f]
    if not facts.age_asked:
        return AGE_QUESTION
    leg_pain = r.get(F.PAIN_CALF) is not _A or r.get(F.PAIN_BEHIND_KNEE) is not _A
    if leg_pain and Flag.SUSPECTED_DVT not in flags:
        for f in CLOT_RISK_QUESTIONS:
            if f not in r:
                return _QUESTION_BY_FINDING[f]
    if F.BLOOD_THINNERS not in r:
        return _QUESTION_BY_FINDING[F.BLOOD_THINNERS]
    # Injury.
    if F.RECENT_INJURY not in r:
        return _QUESTION_BY_FINDING[F.RECENT_INJURY]
    if F.CANNOT_BEAR_WEIGHT not in r:
        return _QUESTION_BY_FINDING[F.CANNOT_BEAR_WEIGHT]
    injury = r.get(F.RECENT_INJURY) is not _A
    cannot_bear = _present(r, F.CANNOT_BEAR_WEIGHT)
    if injury:
        if F.DEFORMITY not in r:
            return _QUESTION_BY_FINDING[F.DEFORMITY]
        if F.LOCKED_NOW not in r:
            return _QUESTION_BY_FINDING[F.LOCKED_NOW]
        if F.CANNOT_BEND_90 not in r and Flag.POSSIBLE_FRACTURE not in flags:
            return _QUESTION_BY_FINDING[F.CANNOT_BEND_90]
        if F.POPPING not in r:
            return _QUESTION_BY_FINDING[F.POPPING]
        popping = _present(r, F.POPPING)
        if popping and F.PAIN_THIGH not in r:
            return _QUESTION_BY_FINDING[F.PAIN_THIGH]
        if F.SEVERE_PAIN not in r and (cannot_bear or (popping and _present(r, F.PAIN_THIGH))):
            return _QUESTION_BY_FINDING[F.SEVERE_PAIN]
    # Other triggered safety follow-ups.
    if _present(r, F.CRAMPING):
        for f in (F.CRAMP_OVER_10_MIN, F.CRAMPS_AT_NIGHT):
            if f not in r:
                return _QUESTION_BY_FINDING[f]
    if F.SUDDEN_WORSENING not in r and _present(r, F.LUMP_BEHIND_KNEE):
        return _QUESTION_BY_FINDING[F.SUDDEN_WORSENING]
    if _present(r, F.BACK_PAIN):  # both-legs nerve signs (cauda equina)
        for f in (F.NUMBNESS_TINGLING, F.WEAKNESS, F.BOTH_LEGS):
            if f not in r:
                return _QUESTION_BY_FINDING[f]
    if F.SEVERE_PAIN not in r and _present(r, F.SWELLING_KNEE):  # badly swollen knee
        return _QUESTION_BY_FINDING[F.SEVERE_PAIN]
    return None


def discriminating_asked(facts: Facts) -> int:
    """How many questions of the information-gain pool have been answered explicitly."""
    return len(_DISCRIMINATING_POOL.intersection(facts.answers))


def questions_answered(facts: Facts) -> int:
    """How many interview questions have been answered explicitly (age included)."""
    return len(_ASKABLE.intersection(facts.answers)) + (1 if facts.age_asked else 0)


#: Information-gain candidates, mechanisms first (they are only candidates after an injury).
_POOL: tuple[Finding, ...] = (*MECHANISMS, *DISCRIMINATE_FINDINGS)
_N_MECHANISMS = len(MECHANISMS)
_POOL_LEN = len(_POOL)


def _pool_column(table: Mapping[Finding, tuple[float, ...]], i: int, default: float) -> tuple[float, ...]:
    return tuple(table[f][i] if f in table else default for f in _POOL)


#: Per cause index: P(present | cause) and H(finding | cause) for every pool finding, in _POOL order.
_POOL_P: tuple[tuple[float, ...], ...] = tuple(
    _pool_column(evidence.P_PRESENT, i, evidence.DEFAULT_P) for i in range(len(evidence.CONDITIONS))
)
_POOL_H: tuple[tuple[float, ...], ...] = tuple(
    _pool_column(evidence.ENTROPY, i, 0.0) for i in range(len(evidence.CONDITIONS))
)
_ENTROPY_TABLE = evidence.ENTROPY_TABLE
_ENTROPY_STEPS = evidence.ENTROPY_STEPS


def best_discriminating(facts: Facts, post: list[float]) -> tuple[Finding | None, float]:
    """The unanswered pool finding with the most information (bits) about the causes in play.

    Information gain I(cause; finding) = H(finding) - H(finding | cause), over the IN_PLAY most
    likely causes with their renormalised posterior as weights. Non-informative pool findings
    (same probability for every cause) get zero gain and are never chosen.
    """
    r = facts.resolved
    order = sorted(range(len(post)), key=post.__getitem__, reverse=True)[:IN_PLAY]
    total = sum(post[i] for i in order)
    w0, w1, w2, w3 = (post[i] / total for i in order)
    i0, i1, i2, i3 = order
    p0, p1, p2, p3 = _POOL_P[i0], _POOL_P[i1], _POOL_P[i2], _POOL_P[i3]
    h0, h1, h2, h3 = _POOL_H[i0], _POOL_H[i1], _POOL_H[i2], _POOL_H[i3]
    table = _ENTROPY_TABLE
    steps = _ENTROPY_STEPS
    start = 0 if r.get(F.RECENT_INJURY) is not _A else _N_MECHANISMS
    best: Finding | None = None
    best_gain = MIN_GAIN_BITS
    for k in range(start, _POOL_LEN):
        f = _POOL[k]
        if f in r:
            continue
        p = w0 * p0[k] + w1 * p1[k] + w2 * p2[k] + w3 * p3[k]
        g = table[round(p * steps)] - (w0 * h0[k] + w1 * h1[k] + w2 * h2[k] + w3 * h3[k])
        if g > best_gain:
            best, best_gain = f, g
    return best, best_gain


def next_question(
    facts: Facts, level: CareLevel, flags: frozenset[Flag], post: list[float]
) -> tuple[Question | None, int]:
    """(next question or None, estimate of questions left including it)."""
    if level is CareLevel.EMERGENCY_AMBULANCE:
        return None, 0
    if level is CareLevel.EMERGENCY:
        resolved = facts.resolved
        remaining = [f for f in LIFE_THREAT_FINDINGS if f not in resolved]
        if remaining:
            return _QUESTION_BY_FINDING[remaining[0]], len(remaining)
        return None, 0
    answered = questions_answered(facts)
    if answered >= MAX_QUESTIONS:
        return None, 0
    q = _safety_next(facts, level, flags)
    disc_left = max(0, MAX_DISCRIMINATING_QUESTIONS - discriminating_asked(facts))
    if q is not None:
        estimate = _safety_left(facts, flags) + min(disc_left, 4)
        return q, max(1, min(estimate, MAX_QUESTIONS - answered))
    if disc_left == 0 or max(post) >= CONFIDENT_TOP:
        return None, 0
    best, _ = best_discriminating(facts, post)
    if best is None:
        return None, 0
    return _QUESTION_BY_FINDING[best], max(1, min(disc_left, 4, MAX_QUESTIONS - answered))


def _safety_left(facts: Facts, flags: frozenset[Flag]) -> int:
    """Fixed safety questions still to come if every remaining answer were "no"."""
    r = facts.resolved
    n = sum(1 for f in LIFE_THREAT_FINDINGS if f not in r)
    n += sum(1 for f in CLOT_FINDINGS if f not in r)
    n += 0 if facts.age_asked else 1
    leg_pain = r.get(F.PAIN_CALF) is not _A or r.get(F.PAIN_BEHIND_KNEE) is not _A
    if leg_pain and Flag.SUSPECTED_DVT not in flags:
        n += sum(1 for f in CLOT_RISK_QUESTIONS if f not in r)
    n += 0 if F.BLOOD_THINNERS in r else 1
    n += 0 if F.RECENT_INJURY in r else 1
    n += 0 if F.CANNOT_BEAR_WEIGHT in r else 1
    if F.RECENT_INJURY in r and r[F.RECENT_INJURY] is not _A:
        n += sum(1 for f in (F.DEFORMITY, F.LOCKED_NOW, F.CANNOT_BEND_90, F.POPPING) if f not in r)
    return n
