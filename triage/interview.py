"""The questions the interview can ask, in safety order, and how the next one is chosen.

Order: life-threatening signs; urgent follow-ups (fever with a hot joint, a knee locked now);
clot signs (calf swelling, skin changes); age; the clot risk factors, asked as three grouped
screening questions (skipped once a clot is already suspected); blood thinners (always: they matter
for the medicine advice); injury and its follow-ups; other triggered safety follow-ups; then the
questions with the most information about the causes still in play.

The interview stops at once on EMERGENCY_AMBULANCE, after the life-threat screen on EMERGENCY, when
the top cause is clear, when no question helps, or at the caps. Every step asks a question not yet
answered (explicitly or by implication), so it always ends. A question left unasked stays UNKNOWN,
which the rules never treat as lower than ABSENT, so stopping early never lowers the level.

Typical length: 3 life-threat + 2 clot signs + age + 3 grouped risks + blood thinners + injury = 11
when every answer is "no", plus at most MAX_DISCRIMINATING_QUESTIONS discriminating
questions; a clot already suspected skips the grouped risks. ``questions_left`` is the fixed
questions still to come if every answer were "no", plus the discriminating questions expected,
capped by what the hard cap still allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from triage import evidence
from triage.facts import Facts
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
#: Clot signs: calf swelling, then warm, red or darker skin as one grouped screening question (skipped
#: once a clot is suspected or calf and back-of-knee pain are both ruled out). The single skin signs,
#: the other DVT signs and where it hurts are discriminating questions.
CLOT_FINDINGS: tuple[Finding, ...] = (F.SWELLING_CALF, F.SKIN_CHANGES)
#: Clot risk factors, asked as grouped screening questions (see FINDING_GROUPS). Atoms the user
#: volunteers count too; MECH_LONG_SITTING_OR_TRAVEL is volunteered only.
CLOT_RISK_QUESTIONS: tuple[Finding, ...] = (F.RECENT_IMMOBILITY, F.HORMONAL_RISK, F.CLOT_HISTORY)
#: Safety questions after a reported (or possible) injury, in the order asked.
INJURY_FOLLOW_UPS: tuple[Finding, ...] = (F.CANNOT_BEAR_WEIGHT, F.DEFORMITY, F.LOCKED_NOW, F.CANNOT_BEND_90)
#: Mechanisms chosen by information gain once an injury is not ruled out.
MECHANISMS: tuple[Finding, ...] = (
    F.MECH_TWIST,
    F.MECH_PIVOT,
    F.MECH_JUMP,
    F.MECH_SPRINT,
    F.MECH_DIRECTION_CHANGE,
    F.MECH_BLOW_OR_FALL,
)
INJURY_FINDINGS: tuple[Finding, ...] = (
    F.RECENT_INJURY,
    *INJURY_FOLLOW_UPS,
    F.PAIN_THIGH,
    F.SEVERE_PAIN,
    *MECHANISMS,
)
#: Questions chosen by information gain in the last stage.
DISCRIMINATE_FINDINGS: tuple[Finding, ...] = (
    F.PAIN_CALF,
    F.PAIN_BEHIND_KNEE,
    F.PERSISTENT_WEEKS,
    F.PAIN_KNEECAP,
    F.SUDDEN_ONSET,
    F.GRADUAL_ONSET,
    F.SWELLING_KNEE,
    F.LUMP_BEHIND_KNEE,
    F.POPPING,
    F.WARMTH,
    F.REDNESS,
    F.DISCOLOURATION,
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
    F.ONE_LEG,
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
MAX_DISCRIMINATING_QUESTIONS = 3
#: How many discriminating questions ``questions_left`` expects (most interviews stop earlier
#: than the cap: the top cause becomes clear or no question is worth asking).
EXPECTED_DISCRIMINATING = 1
#: Cap on the interview (age included): no discriminating question is asked once this many questions
#: are answered. Safety questions are never cut; only a triggered follow-up (a pop, cramps, a lump,
#: back pain) can take the interview past it, by at most MAX_SAFETY_OVERRUN (back pain brings three).
MAX_QUESTIONS = 16
MAX_SAFETY_OVERRUN = 3
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
_Q = _QUESTION_BY_FINDING
_HOT_JOINT_TRIGGERS: tuple[Finding, ...] = (F.SWELLING_KNEE, F.REDNESS, F.WARMTH, F.SKIN_CHANGES)
_NERVE_FOLLOW_UPS: tuple[Finding, ...] = (F.NUMBNESS_TINGLING, F.WEAKNESS, F.BOTH_LEGS)
_CRAMP_FOLLOW_UPS: tuple[Finding, ...] = (F.CRAMP_OVER_10_MIN, F.CRAMPS_AT_NIGHT)


def _clot_screen_open(r: Mapping[Finding, Answer], flags: frozenset[Flag]) -> bool:
    """The clot signs and risk questions can still change the outcome (raise the DVT flag)."""
    if Flag.SUSPECTED_DVT in flags:
        return False
    return r.get(F.PAIN_CALF) is not _A or r.get(F.PAIN_BEHIND_KNEE) is not _A


def _injury_follow_up_due(f: Finding, r: Mapping[Finding, Answer], flags: frozenset[Flag]) -> bool:
    """Whether an injury follow-up still needs asking (the injury itself is not ruled out)."""
    if f is F.DEFORMITY:  # a knee that changed shape after an injury cannot take four steps
        return r.get(F.CANNOT_BEAR_WEIGHT) is not _A
    if f is F.CANNOT_BEND_90:  # Ottawa: nothing to add once a fracture is already possible
        return Flag.POSSIBLE_FRACTURE not in flags
    return True


def _safety_next(facts: Facts, flags: frozenset[Flag]) -> Question | None:
    """The next fixed safety question (stages 1-4 and triggered follow-ups), or None."""
    r = facts.resolved
    for f in LIFE_THREAT_FINDINGS:
        if f not in r:
            return _Q[f]
    # Urgent follow-ups that can reach EMERGENCY.
    if F.FEVER_UNWELL not in r and any(r.get(f) is _P for f in _HOT_JOINT_TRIGGERS):
        return _Q[F.FEVER_UNWELL]
    if F.LOCKED_NOW not in r and r.get(F.LOCKING) is _P:
        return _Q[F.LOCKED_NOW]
    clot_open = _clot_screen_open(r, flags)
    if clot_open:
        for f in CLOT_FINDINGS:
            if f not in r:
                return _Q[f]
    if not facts.age_asked:
        return AGE_QUESTION
    if clot_open:
        for f in CLOT_RISK_QUESTIONS:
            if f not in r:
                return _Q[f]
    if F.BLOOD_THINNERS not in r:
        return _Q[F.BLOOD_THINNERS]
    # Injury (Ottawa scope: the last week) and the questions that can reach EMERGENCY after it.
    if F.RECENT_INJURY not in r:
        return _Q[F.RECENT_INJURY]
    if r[F.RECENT_INJURY] is not _A:
        for f in INJURY_FOLLOW_UPS:
            if f not in r and _injury_follow_up_due(f, r, flags):
                return _Q[f]
    # Other triggered safety follow-ups.
    popping = r.get(F.POPPING) is _P
    if popping and F.PAIN_THIGH not in r:  # grade-3 hamstring tear
        return _Q[F.PAIN_THIGH]
    if F.SEVERE_PAIN not in r and (
        (r.get(F.CANNOT_BEAR_WEIGHT) is _P and r[F.RECENT_INJURY] is not _A)
        or (popping and r.get(F.PAIN_THIGH) is _P)
        or r.get(F.SWELLING_KNEE) is _P  # badly swollen knee
    ):
        return _Q[F.SEVERE_PAIN]
    if r.get(F.CRAMPING) is _P:
        for f in _CRAMP_FOLLOW_UPS:
            if f not in r:
                return _Q[f]
    if F.SUDDEN_WORSENING not in r and r.get(F.LUMP_BEHIND_KNEE) is _P:
        return _Q[F.SUDDEN_WORSENING]
    if r.get(F.BACK_PAIN) is _P:  # both-legs nerve signs (cauda equina)
        for f in _NERVE_FOLLOW_UPS:
            if f not in r:
                return _Q[f]
    return None


def _safety_left(facts: Facts, flags: frozenset[Flag]) -> int:
    """Fixed safety questions still to come if every remaining answer were "no"."""
    r = facts.resolved
    n = 0
    for f in LIFE_THREAT_FINDINGS:
        if f not in r:
            n += 1
    if _clot_screen_open(r, flags):
        for f in CLOT_FINDINGS:
            if f not in r:
                n += 1
        for f in CLOT_RISK_QUESTIONS:
            if f not in r:
                n += 1
    if not facts.age_asked:
        n += 1
    if F.BLOOD_THINNERS not in r:
        n += 1
    injury = r.get(F.RECENT_INJURY)
    if injury is None:
        n += 1
    elif injury is not _A:
        for f in INJURY_FOLLOW_UPS:
            if f not in r and _injury_follow_up_due(f, r, flags):
                n += 1
    return n


def discriminating_asked(facts: Facts) -> int:
    """How many questions of the information-gain pool have been answered explicitly."""
    return len(_DISCRIMINATING_POOL.intersection(facts.answers))


def questions_answered(facts: Facts) -> int:
    """How many interview questions have been answered explicitly (age included)."""
    return len(_ASKABLE.intersection(facts.answers)) + (1 if facts.age_asked else 0)


#: Information-gain candidates, mechanisms first (they are only candidates after an injury).
_POOL: tuple[Finding, ...] = (*MECHANISMS, *DISCRIMINATE_FINDINGS)
_N_MECHANISMS = len(MECHANISMS)


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


#: One candidate row: the finding, then P(present | cause) and H(finding | cause) for the four causes
#: in play, in sorted cause order.
_Row = tuple[Finding, float, float, float, float, float, float, float, float]


def _rows_for(causes: tuple[int, ...], mechanisms: bool) -> tuple[_Row, ...]:
    """Rows for the pool findings whose probability differs among ``causes`` (the others gain 0)."""
    start = 0 if mechanisms else _N_MECHANISMS
    c0, c1, c2, c3 = causes
    return tuple(
        (
            _POOL[k],
            _POOL_P[c0][k],
            _POOL_P[c1][k],
            _POOL_P[c2][k],
            _POOL_P[c3][k],
            _POOL_H[c0][k],
            _POOL_H[c1][k],
            _POOL_H[c2][k],
            _POOL_H[c3][k],
        )
        for k in range(start, len(_POOL))
        if len({_POOL_P[i][k] for i in causes}) > 1
    )


#: For a set of IN_PLAY causes (sorted indexes), the rows of the pool findings that can tell them
#: apart, with and without the mechanisms. Filled on first use of each set (at most 495 sets), not
#: at import, so a cold start does not pay for sets it never meets: the search then skips every
#: finding with zero information and does no indexing per candidate.
_CANDIDATES: dict[tuple[int, ...], tuple[tuple[_Row, ...], tuple[_Row, ...]]] = {}


def _candidates(combo: tuple[int, ...]) -> tuple[tuple[_Row, ...], tuple[_Row, ...]]:
    found = _CANDIDATES.get(combo)
    if found is None:
        found = _CANDIDATES[combo] = (_rows_for(combo, True), _rows_for(combo, False))
    return found


def best_discriminating(
    facts: Facts, post: list[float], order: list[int] | None = None
) -> tuple[Finding | None, float]:
    """The unanswered pool finding with the most information (bits) about the causes in play.

    Information gain I(cause; finding) = H(finding) - H(finding | cause), over the IN_PLAY most
    likely causes with their renormalised posterior as weights. Non-informative pool findings
    (same probability for every cause in play) get zero gain and are never chosen. ``order`` is
    the cause indexes sorted by ``post``, most likely first, when the caller already has it.
    """
    r = facts.resolved
    if order is None:
        order = sorted(range(len(post)), key=post.__getitem__, reverse=True)
    combo = tuple(sorted(order[:IN_PLAY]))
    c0, c1, c2, c3 = combo
    total = post[c0] + post[c1] + post[c2] + post[c3]
    w0, w1, w2, w3 = post[c0] / total, post[c1] / total, post[c2] / total, post[c3] / total
    table = _ENTROPY_TABLE
    steps = _ENTROPY_STEPS
    with_mechanisms, without = _candidates(combo)
    rows = with_mechanisms if r.get(F.RECENT_INJURY) is not _A else without
    best: Finding | None = None
    best_gain = MIN_GAIN_BITS
    for f, p0, p1, p2, p3, h0, h1, h2, h3 in rows:
        if f in r:
            continue
        g = table[int((w0 * p0 + w1 * p1 + w2 * p2 + w3 * p3) * steps + 0.5)] - (
            w0 * h0 + w1 * h1 + w2 * h2 + w3 * h3
        )
        if g > best_gain:
            best, best_gain = f, g
    return best, best_gain


def next_question(
    facts: Facts,
    level: CareLevel,
    flags: frozenset[Flag],
    post: list[float],
    order: list[int] | None = None,
) -> tuple[Question | None, int]:
    """(next question or None, estimate of questions left including it).

    ``order``: the cause indexes sorted by ``post``, most likely first, if the caller has them.
    """
    if level is CareLevel.EMERGENCY_AMBULANCE:
        return None, 0
    if level is CareLevel.EMERGENCY:
        resolved = facts.resolved
        remaining = [f for f in LIFE_THREAT_FINDINGS if f not in resolved]
        if remaining:
            return _Q[remaining[0]], len(remaining)
        return None, 0
    answered = questions_answered(facts)
    room = MAX_QUESTIONS - answered
    q = _safety_next(facts, flags)
    disc_left = MAX_DISCRIMINATING_QUESTIONS - discriminating_asked(facts)
    if q is not None:
        # Safety questions are never cut by the cap (they are finite: each is asked at most once,
        # and only the triggered follow-ups can go past it).
        estimate = _safety_left(facts, flags) + max(0, min(disc_left, EXPECTED_DISCRIMINATING, room - 1))
        return q, max(1, estimate)
    if room <= 0 or disc_left <= 0 or max(post) >= CONFIDENT_TOP:
        return None, 0
    best, _ = best_discriminating(facts, post, order)
    if best is None:
        return None, 0
    return _Q[best], max(1, min(disc_left, EXPECTED_DISCRIMINATING, room))
