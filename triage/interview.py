"""The questions the interview can ask, and how the next one is chosen (issue 14, "Ask little").

1. Red flags first, in at most three screening turns: breathing, chest pain or coughed blood (now
   or in the last few days); a faint or a racing heart; a leg suddenly cold, pale, numb or weak.
2. Then the safety plan: fixed questions in safety order, each asked only while a "yes" to it could
   still raise the care level (so a suspected clot skips the clot risk questions, an emergency skips
   everything below it), and triggered follow-ups only once their trigger is known (fever after a
   hot or swollen knee, the Ottawa questions after an injury, the nerve questions after back pain).
3. Then the question that would most change the lead cause (information gain over the causes in
   play; mechanisms only while an injury is possible), asked only if one of its answers could change
   the lead cause or raise the level, up to MAX_DISCRIMINATING_QUESTIONS and MAX_QUESTIONS.
4. It stops as soon as no answer could change the level or the lead cause.

A red-flag question answered "not sure" is asked again once in simpler words (``rephrased``); see
``triage.engine.answer_question``. A question left unasked stays UNKNOWN, which the rules never
treat as lower than ABSENT, so stopping early never lowers the level.
``questions_left`` plays the rest of the interview with "no" to everything (age 60), so with "no"
answers it is exact; a "yes" can only bring follow-ups, which a suspected red flag usually outweighs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from triage import evidence
from triage.facts import Facts
from triage.rules import fired_rules, level_and_flags
from triage.vocabulary import FINDING_GROUPS, Answer, CareLevel, Finding, Flag

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
    """One question. ``id`` is the finding's value, or ``"age"`` for the age question.

    ``rephrased``: the second, simpler wording of a red-flag question after a first "not sure".
    """

    id: str
    kind: QuestionKind
    finding: Finding | None
    stage: Stage
    rephrased: bool = False


def _q(f: Finding, stage: Stage) -> Question:
    return Question(f.value, QuestionKind.FINDING, f, stage)


AGE_QUESTION = Question(AGE_QUESTION_ID, QuestionKind.AGE, None, Stage.CLOT_RISK)

#: The three red-flag screening turns (clinical-facts 2.12 level 1, 2.13 "symptoms that came and went").
LIFE_THREAT_FINDINGS: tuple[Finding, ...] = (F.PE_SIGNS, F.FAINT_OR_RACING_HEART, F.LEG_CIRCULATION)
#: The clot-signs screen: calf or whole-leg swelling, or warm, red or darker skin (one grouped question).
CLOT_FINDINGS: tuple[Finding, ...] = (F.SKIN_CHANGES,)
#: Clot risk factors, asked as grouped screening questions (see FINDING_GROUPS). Atoms the user
#: volunteers count too; MECH_LONG_SITTING_OR_TRAVEL and HORMONAL_RISK are volunteered only.
CLOT_RISK_QUESTIONS: tuple[Finding, ...] = (F.RECENT_IMMOBILITY, F.CLOT_HISTORY)
#: Safety questions after a reported (or possible) injury, in the order asked.
INJURY_FOLLOW_UPS: tuple[Finding, ...] = (F.DEFORMITY, F.LOCKED_NOW, F.CANNOT_BEND_90, F.RAPID_SWELLING)
#: Mechanisms chosen by information gain once an injury is not ruled out.
MECHANISMS: tuple[Finding, ...] = (
    F.MECH_TWIST,
    F.MECH_PIVOT,
    F.MECH_JUMP,
    F.MECH_SPRINT,
    F.MECH_DIRECTION_CHANGE,
    F.MECH_BLOW_OR_FALL,
)
#: Questions chosen by information gain in the last stage.
DISCRIMINATE_FINDINGS: tuple[Finding, ...] = (
    F.PAIN_CALF,
    F.PAIN_BEHIND_KNEE,
    F.PERSISTENT_WEEKS,
    F.PAIN_KNEECAP,
    F.SUDDEN_ONSET,
    F.GRADUAL_ONSET,
    F.LUMP_BEHIND_KNEE,
    F.POPPING,
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
    F.SEVERE_PAIN,
    F.PAIN_THIGH,
)

_P = Answer.PRESENT
_A = Answer.ABSENT
_U = Answer.UNKNOWN
_ESC = (Answer.PRESENT, Answer.UNCLEAR)

Gate = Callable[[Mapping[Finding, Answer]], bool]


def _any(*fs: Finding) -> Gate:
    return lambda r: any(r.get(f) in _ESC for f in fs)


def _always(_: Mapping[Finding, Answer]) -> bool:
    return True


def _injury_possible(r: Mapping[Finding, Answer]) -> bool:
    return r.get(F.RECENT_INJURY) is not _A


#: The safety plan, in order: (finding, stage, gate). A finding is asked when its gate holds, it is not
#: answered yet, and a "yes" to it would raise the care level.
SAFETY_PLAN: tuple[tuple[Finding, Stage, Gate], ...] = (
    (F.PE_SIGNS, Stage.LIFE_THREAT, _always),
    (F.FAINT_OR_RACING_HEART, Stage.LIFE_THREAT, _always),
    (F.LEG_CIRCULATION, Stage.LIFE_THREAT, _always),
    (F.SKIN_CHANGES, Stage.CLOT, _always),
    # fever is asked of everyone with a hot or swollen knee, red or swollen skin, or an artificial knee
    (
        F.FEVER_UNWELL,
        Stage.CLOT,
        _any(
            F.KNEE_SWOLLEN_OR_HOT,
            F.SWELLING_KNEE,
            F.KNEE_HOT,
            F.JOINT_REPLACEMENT_OR_INJECTION,
            F.SKIN_CHANGES,
            F.REDNESS,
            F.WARMTH,
        ),
    ),
    (F.LOCKED_NOW, Stage.CLOT, _any(F.LOCKING)),
    (F.TIGHT_CALF, Stage.CLOT, _any(F.PLASTER_CAST, F.FRACTURE_OR_CRUSH)),
    (F.SEVERE_PAIN, Stage.CLOT, _any(F.PLASTER_CAST, F.FRACTURE_OR_CRUSH)),
    (F.BLADDER_BOWEL_CHANGE, Stage.CLOT, _any(F.BACK_PAIN, F.NUMBNESS_TINGLING, F.WEAKNESS, F.BOTH_LEGS)),
    (F.BOTH_LEGS, Stage.CLOT, _any(F.BACK_PAIN, F.SEVERE_WEAKNESS)),
    (F.SEVERE_WEAKNESS, Stage.CLOT, _any(F.WEAKNESS)),
    (F.RECENT_IMMOBILITY, Stage.CLOT_RISK, _always),
    (F.CLOT_HISTORY, Stage.CLOT_RISK, _always),
    (F.KNEE_SWOLLEN_OR_HOT, Stage.INJURY, _always),
    (F.CANNOT_BEAR_WEIGHT, Stage.INJURY, _always),
    (F.RECENT_INJURY, Stage.INJURY, _always),
    (F.DEFORMITY, Stage.INJURY, lambda r: _injury_possible(r) and r.get(F.CANNOT_BEAR_WEIGHT) is not _A),
    (F.CANNOT_BEND_90, Stage.INJURY, _any(F.RECENT_INJURY)),
    (F.RAPID_SWELLING, Stage.INJURY, lambda r: _injury_possible(r) and r.get(F.SWELLING_KNEE) in _ESC),
    (F.BLOOD_THINNERS, Stage.INJURY, lambda r: _injury_possible(r) and r.get(F.KNEE_SWOLLEN_OR_HOT) in _ESC),
    (F.JOINT_REPLACEMENT_OR_INJECTION, Stage.INJURY, _any(F.KNEE_SWOLLEN_OR_HOT)),
    (F.SEVERE_PAIN, Stage.INJURY, _any(F.KNEE_SWOLLEN_OR_HOT, F.CANNOT_BEAR_WEIGHT, F.POPPING)),
    (F.PAIN_THIGH, Stage.INJURY, _any(F.POPPING)),
    (F.PULSATING_LUMP, Stage.INJURY, _any(F.LUMP_BEHIND_KNEE)),
    (F.SUDDEN_WORSENING, Stage.INJURY, _any(F.LUMP_BEHIND_KNEE)),
    (F.CRAMP_OVER_10_MIN, Stage.INJURY, _any(F.CRAMPING)),
    (F.NUMBNESS_TINGLING, Stage.INJURY, _any(F.BACK_PAIN)),
    (F.WEAKNESS, Stage.INJURY, _any(F.BACK_PAIN)),
)

#: Red-flag questions: a first "not sure" is asked again in simpler words, a second counts as present
#: (clinical-facts 2.13 "not sure" answers; review hazard 1). Groups and their atoms alike.
REPHRASE_FINDINGS: frozenset[Finding] = frozenset(
    {
        F.PE_SIGNS,
        F.FAINT_OR_RACING_HEART,
        F.LEG_CIRCULATION,
        F.BLADDER_BOWEL_CHANGE,
        F.SKIN_CHANGES,
        F.FEVER_UNWELL,
        F.KNEE_SWOLLEN_OR_HOT,
        F.RECENT_IMMOBILITY,
        F.CLOT_HISTORY,
        F.HORMONAL_RISK,
        *(
            atom
            for g in (
                F.PE_SIGNS,
                F.FAINT_OR_RACING_HEART,
                F.LEG_CIRCULATION,
                F.SKIN_CHANGES,
                F.KNEE_SWOLLEN_OR_HOT,
                F.RECENT_IMMOBILITY,
                F.CLOT_HISTORY,
            )
            for atom in FINDING_GROUPS[g]
        ),
    }
)

_QUESTION_BY_FINDING: dict[Finding, Question] = {}
for _f, _stage, _ in SAFETY_PLAN:
    _QUESTION_BY_FINDING.setdefault(_f, _q(_f, _stage))
for _f in (*MECHANISMS, *DISCRIMINATE_FINDINGS):
    _QUESTION_BY_FINDING.setdefault(_f, _q(_f, Stage.DISCRIMINATE))
for _f in REPHRASE_FINDINGS:  # atoms: asked only when volunteered "not sure" (re-asked simply)
    _QUESTION_BY_FINDING.setdefault(_f, _q(_f, Stage.DISCRIMINATE))

#: The screening part of the plan, asked before the age question.
_SCREEN_END = 1 + next(i for i, (f, _, _) in enumerate(SAFETY_PLAN) if f is F.SKIN_CHANGES)

_STAGE_INDEX = {s: i for i, s in enumerate(Stage)}
#: Every question the interview can ask, in safety order (the stage order, then the plan order).
ALL_QUESTIONS: tuple[Question, ...] = tuple(
    sorted(
        (*_QUESTION_BY_FINDING.values(), AGE_QUESTION),
        key=lambda q: _STAGE_INDEX[q.stage],
    )
)
QUESTION_BY_ID: dict[str, Question] = {q.id: q for q in ALL_QUESTIONS}


def question_for(f: Finding) -> Question | None:
    """The question that asks about ``f``, if the interview ever asks it."""
    return _QUESTION_BY_FINDING.get(f)


#: At most this many questions chosen by information gain (mechanisms included).
MAX_DISCRIMINATING_QUESTIONS = 3
#: No discriminating question is asked once this many questions are answered (safety questions are
#: never cut; only triggered follow-ups can take an interview past it).
MAX_QUESTIONS = 10
MAX_SAFETY_OVERRUN = 6
#: Stop discriminating when the top cause is this likely ...
CONFIDENT_TOP = 0.8
#: ... or no question is worth this many bits.
MIN_GAIN_BITS = 0.03
#: Causes considered "in play" for information gain (the code unrolls exactly four).
IN_PLAY = 4

_DISCRIMINATING_POOL: frozenset[Finding] = frozenset((*DISCRIMINATE_FINDINGS, *MECHANISMS))
_ASKABLE: frozenset[Finding] = frozenset(_QUESTION_BY_FINDING)
_Q = _QUESTION_BY_FINDING
#: Ages tried when deciding whether the age question could raise the level (a child, an older adult).
_PROBE_AGES: tuple[int, ...] = (10, 70)
#: The age the "questions left" estimate assumes (the longer path: the Ottawa age applies).
_ESTIMATE_AGE = 60


def _level(facts: Facts) -> CareLevel:
    esc = facts.escalating
    present = facts.present_set
    age = facts.age
    rules = fired_rules(
        facts,
        esc,
        evidence.oa_suspected(esc, age),
        evidence.chondromalacia_suspected(esc),
        evidence.typical_care_floor(present, age),
    )
    return level_and_flags(rules)[0]


def _raises(facts: Facts, f: Finding, level: CareLevel) -> bool:
    """Whether a "yes" (or a second "not sure") to ``f`` would raise the care level."""
    return _level(facts.with_answer(f, _P)) > level


def rephrase_pending(facts: Facts, f: Finding) -> bool:
    """``f`` is a red-flag question answered "not sure" once: it is asked again in simpler words."""
    return f in REPHRASE_FINDINGS and facts.answers.get(f) is _U


def _safety_next(facts: Facts, level: CareLevel) -> Question | None:
    """The next question of the safety plan (or a rephrased red-flag question), or None."""
    r = facts.resolved
    for f, _, _gate in SAFETY_PLAN:
        if rephrase_pending(facts, f) and _raises(facts, f, level):
            return replace(_Q[f], rephrased=True)
    for f in facts.answers:
        if rephrase_pending(facts, f) and _raises(facts, f, level):  # a volunteered "not sure"
            return replace(_Q[f], rephrased=True)
    if level >= CareLevel.EMERGENCY_AMBULANCE:
        return None
    for f, _, gate in SAFETY_PLAN[:_SCREEN_END]:  # the red-flag screens and the clot-signs screen
        if f not in r and gate(r) and _raises(facts, f, level):
            return _Q[f]
    if not facts.age_asked and any(_level(facts.with_age(a)) > level for a in _PROBE_AGES):
        return AGE_QUESTION
    for f, _, gate in SAFETY_PLAN:
        if f in r or not gate(r):
            continue
        if _raises(facts, f, level):
            return _Q[f]
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
    facts: Facts, post: list[float], order: list[int] | None = None, skip: set[Finding] | None = None
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
        if f in r or (skip and f in skip):
            continue
        g = table[int((w0 * p0 + w1 * p1 + w2 * p2 + w3 * p3) * steps + 0.5)] - (
            w0 * h0 + w1 * h1 + w2 * h2 + w3 * h3
        )
        if g > best_gain:
            best, best_gain = f, g
    return best, best_gain


def _lead(facts: Facts) -> int:
    post = evidence.posterior(facts.evidence_present, facts.evidence_absent, facts.age)
    return max(range(len(post)), key=post.__getitem__)


def _worth_discriminating(facts: Facts, f: Finding, level: CareLevel, lead: int) -> bool:
    """Some answer to ``f`` could change the lead cause or raise the level."""
    if _raises(facts, f, level):
        return True
    return _lead(facts.with_answer(f, _P)) != lead or _lead(facts.with_answer(f, _A)) != lead


def _next(facts: Facts, level: CareLevel, post: list[float], order: list[int] | None) -> Question | None:
    if facts.age is not None and facts.age < 16 and level >= CareLevel.CONSULTATION_24:
        # a child: no triage beyond the emergencies (the level is at least same day already)
        q = _safety_next(facts, level)
        return q if q is not None and q.stage is Stage.LIFE_THREAT else None
    q = _safety_next(facts, level)
    if q is not None:
        return q
    if level >= CareLevel.EMERGENCY:
        return None
    if questions_answered(facts) >= MAX_QUESTIONS:
        return None
    if discriminating_asked(facts) >= MAX_DISCRIMINATING_QUESTIONS or max(post) >= CONFIDENT_TOP:
        return None
    if order is None:
        order = sorted(range(len(post)), key=post.__getitem__, reverse=True)
    lead = order[0]
    skip: set[Finding] = set()
    for _ in range(4):
        best, _gain = best_discriminating(facts, post, order, skip)
        if best is None:
            return None
        if _worth_discriminating(facts, best, level, lead):
            return _Q[best]
        skip.add(best)
    return None


def _assess_light(facts: Facts) -> tuple[CareLevel, list[float]]:
    post = evidence.posterior(facts.evidence_present, facts.evidence_absent, facts.age)
    return _level(facts), post


def _answer_no(facts: Facts, q: Question) -> Facts:
    if q.kind is QuestionKind.AGE:
        return facts.with_age(_ESTIMATE_AGE)
    assert q.finding is not None
    return facts.with_answer(q.finding, _A)


def next_question(
    facts: Facts,
    level: CareLevel,
    flags: frozenset[Flag],
    post: list[float],
    order: list[int] | None = None,
) -> tuple[Question | None, int]:
    """(next question or None, questions left including it if every answer from now on were "no")."""
    del flags  # the level carries everything the plan needs
    q = _next(facts, level, post, order)
    if q is None:
        return None, 0
    left = 1
    sim = _answer_no(facts, q)
    for _ in range(MAX_QUESTIONS + MAX_SAFETY_OVERRUN):
        sim_level, sim_post = _assess_light(sim)
        nq = _next(sim, sim_level, sim_post, None)
        if nq is None:
            break
        left += 1
        sim = _answer_no(sim, nq)
    return q, left
