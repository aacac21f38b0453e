"""The questions the interview can ask, and how the next one is chosen (issue 14, "Ask little").

1. Red flags first, in at most three screening turns: breathing, chest pain or coughed blood (now
   or in the last few days); a faint or a racing heart; a leg suddenly cold, pale, numb or weak.
2. Then the safety plan: fixed questions in safety order, each asked only while a "yes" to it could
   still raise the care level (so a suspected clot skips the clot risk questions, an emergency skips
   everything below it), and triggered follow-ups only once their trigger is known (fever after a
   hot or swollen knee, the Ottawa questions after an injury, the nerve questions after back pain).
3. Then the question that would most change the lead cause (information gain over the causes in
   play; mechanisms only while an injury is possible), asked only if one of its answers could change
   the lead cause or raise the level, up to MAX_DISCRIMINATING_QUESTIONS, and past MAX_QUESTIONS only
   while none of the likeliest causes has a reason the user gave.
4. It stops as soon as no answer could change the level or the lead cause.

A red-flag question answered "not sure" is asked again once in simpler words (``rephrased``); see
``triage.engine.answer_question``. A question left unasked stays UNKNOWN, which the rules never
treat as lower than ABSENT, so stopping early never lowers the level.
``questions_left`` plays the rest of the interview with "no" to everything (age 60), so with "no"
answers it is exact; a "yes" can only bring follow-ups, which a suspected red flag usually outweighs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import lru_cache
from typing import cast

import msgspec
from msgspec.structs import replace

from triage import evidence
from triage.facts import (
    ABSENT_IMPLIES_ABSENT,
    IMPLIED_PRESENT,
    PRESENT_IMPLIES_ABSENT,
    SCREENS,
    Facts,
    _resolve,
)
from triage.rules import CHILD_AGE, RULE_LEVEL, fired_rules
from triage.vocabulary import FINDING_GROUPS, GROUP_OF, Answer, CareLevel, Finding, Flag

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


class Question(msgspec.Struct, frozen=True):
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
#: The other screens, after the clot risks: how bad it is, the knee itself, anything else.
SIGN_SCREENS: tuple[Finding, ...] = (F.SEVERITY_SIGNS, F.KNEE_SIGNS, F.OTHER_SIGNS)
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


class _AnyOf:
    """A gate: one of ``findings`` is present (or unclear)."""

    __slots__ = ("findings",)

    def __init__(self, findings: frozenset[Finding]) -> None:
        self.findings = findings

    def __call__(self, r: Mapping[Finding, Answer]) -> bool:
        return any(r.get(f) in _ESC for f in self.findings)


def _any(*fs: Finding) -> Gate:
    return _AnyOf(frozenset(fs))


def _always(_: Mapping[Finding, Answer]) -> bool:
    return True


def _injury_possible(r: Mapping[Finding, Answer]) -> bool:
    return r.get(F.RECENT_INJURY) is not _A


def _bleed_trigger_possible(r: Mapping[Finding, Answer]) -> bool:
    """An injury, a fall or knock, or fast swelling is not ruled out (what a bleed into the knee on
    blood thinners needs besides the swollen or hot knee)."""
    return any(r.get(f) is not _A for f in (F.RECENT_INJURY, F.MECH_BLOW_OR_FALL, F.RAPID_SWELLING))


def _after(group: Finding) -> Gate:
    """A follow-up of a screening group: the group was answered "yes", or "not sure" (then its
    findings are asked one by one), never "no"."""

    def gate(r: Mapping[Finding, Answer]) -> bool:
        a = r.get(group)
        return a is not None and a is not _A

    return gate


_CAST = (F.PLASTER_CAST, F.FRACTURE_OR_CRUSH)
_COMPARTMENT = (F.SEVERE_PAIN, F.NUMBNESS_TINGLING, F.TIGHT_CALF, F.SUDDEN_WORSENING)

#: Findings that raise the level only together with another, whose question follows theirs (fever
#: after a hot knee, the nerve and bladder questions after back pain, the compartment signs after a
#: cast or a break, the Ottawa questions after an injury): ``finding -> partners``. A question is
#: worth asking when a "yes" to it, or to it and one partner not answered yet, raises the level
#: beyond what that partner alone would.
PARTNERS: dict[Finding, tuple[Finding, ...]] = {
    F.BACK_PAIN: (F.BLADDER_BOWEL_CHANGE, F.BOTH_LEGS, F.NUMBNESS_TINGLING, F.WEAKNESS),
    F.BOTH_LEGS: (F.BACK_PAIN, F.NUMBNESS_TINGLING, F.WEAKNESS, F.SEVERE_WEAKNESS),
    F.WEAKNESS: (F.BACK_PAIN, F.BOTH_LEGS),
    F.SWELLING_KNEE: (F.FEVER_UNWELL, F.JOINT_REPLACEMENT_OR_INJECTION, F.POPPING, F.SEVERE_PAIN),
    F.KNEE_HOT: (F.FEVER_UNWELL, F.JOINT_REPLACEMENT_OR_INJECTION),
    F.JOINT_REPLACEMENT_OR_INJECTION: (F.FEVER_UNWELL, F.SWELLING_KNEE, F.KNEE_HOT),
    F.PLASTER_CAST: _COMPARTMENT,
    F.FRACTURE_OR_CRUSH: _COMPARTMENT,
    F.CRAMPING: (F.NUMBNESS_TINGLING, F.SWELLING_KNEE),
    F.LUMP_BEHIND_KNEE: (F.SUDDEN_WORSENING,),
    F.RECENT_INJURY: (F.CANNOT_BEND_90, F.BLOOD_THINNERS),
    F.BLOOD_THINNERS: (F.RECENT_INJURY, F.MECH_BLOW_OR_FALL),
    F.POPPING: (F.PAIN_THIGH, F.SWELLING_KNEE),
    F.CANNOT_BEND_90: (F.RECENT_INJURY,),
    F.CANNOT_BEAR_WEIGHT: (F.SEVERE_PAIN,),
    F.SEVERE_PAIN: (F.SWELLING_KNEE, F.CANNOT_BEAR_WEIGHT),
}

#: The safety plan, in order: (finding, stage, gate). A finding is asked when its gate holds, it is
#: not answered yet, and a "yes" to its question could raise the care level: a "yes" to the finding,
#: or to any finding the question screens (a group's atoms, a broader finding's narrower ones), on its
#: own or with one of its PARTNERS.
SAFETY_PLAN: tuple[tuple[Finding, Stage, Gate], ...] = (
    (F.PE_SIGNS, Stage.LIFE_THREAT, _always),
    (F.FAINT_OR_RACING_HEART, Stage.LIFE_THREAT, _always),
    (F.LEG_CIRCULATION, Stage.LIFE_THREAT, _always),
    (F.SKIN_CHANGES, Stage.CLOT, _always),
    # --- after the age: red-flag follow-ups of what is known (most urgent first) ...
    (F.BLADDER_BOWEL_CHANGE, Stage.CLOT, _any(F.BACK_PAIN, F.NUMBNESS_TINGLING, F.WEAKNESS, F.BOTH_LEGS)),
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
    (F.SEVERE_WEAKNESS, Stage.CLOT, _any(F.WEAKNESS)),
    (F.BOTH_LEGS, Stage.CLOT, _any(F.BACK_PAIN, F.SEVERE_WEAKNESS)),
    # ... then the clot risk groups, a cast or a broken bone and its compartment signs
    (F.RECENT_IMMOBILITY, Stage.CLOT_RISK, _always),
    (F.PLASTER_CAST, Stage.CLOT_RISK, _after(F.RECENT_IMMOBILITY)),
    (F.FRACTURE_OR_CRUSH, Stage.CLOT_RISK, _after(F.RECENT_IMMOBILITY)),
    (F.SEVERE_PAIN, Stage.CLOT_RISK, _any(*_CAST)),
    (F.NUMBNESS_TINGLING, Stage.CLOT_RISK, _any(*_CAST)),
    (F.TIGHT_CALF, Stage.CLOT_RISK, _any(*_CAST)),
    (F.SUDDEN_WORSENING, Stage.CLOT_RISK, _any(*_CAST)),
    (F.CLOT_HISTORY, Stage.CLOT_RISK, _always),
    # new, sudden pain at 60 or over adds to the clot picture (asked only when it could raise the level)
    (F.SUDDEN_ONSET, Stage.CLOT_RISK, _always),
    # --- how bad: severe pain, a weak leg, can't take four steps or bend the knee
    (F.SEVERITY_SIGNS, Stage.INJURY, _always),
    (F.WEAKNESS, Stage.INJURY, _after(F.SEVERITY_SIGNS)),
    (F.CANNOT_BEAR_WEIGHT, Stage.INJURY, _after(F.SEVERITY_SIGNS)),
    (F.SEVERE_PAIN, Stage.INJURY, _after(F.SEVERITY_SIGNS)),
    (F.CANNOT_BEND_90, Stage.INJURY, _after(F.SEVERITY_SIGNS)),
    (F.RECENT_INJURY, Stage.INJURY, _always),
    # --- the knee itself: swollen, hot, locking, giving way, a changed shape
    (F.KNEE_SIGNS, Stage.INJURY, _always),
    (F.DEFORMITY, Stage.INJURY, _after(F.KNEE_SIGNS)),
    (F.LOCKING, Stage.INJURY, _after(F.KNEE_SIGNS)),
    (F.GIVING_WAY, Stage.INJURY, _after(F.KNEE_SIGNS)),
    (F.SWELLING_KNEE, Stage.INJURY, _after(F.KNEE_SIGNS)),
    (F.KNEE_HOT, Stage.INJURY, _after(F.KNEE_SIGNS)),
    (F.JOINT_REPLACEMENT_OR_INJECTION, Stage.INJURY, _after(F.KNEE_SIGNS)),
    (F.RAPID_SWELLING, Stage.INJURY, lambda r: _injury_possible(r) and r.get(F.SWELLING_KNEE) in _ESC),
    # blood thinners with a hot or swollen knee after an injury, a fall or a knock, or fast swelling
    # (the rule's three triggers: a fall can be older than the "last week" of the injury question)
    (
        F.BLOOD_THINNERS,
        Stage.INJURY,
        lambda r: _bleed_trigger_possible(r) and r.get(F.KNEE_SWOLLEN_OR_HOT) in _ESC,
    ),
    (
        F.MECH_BLOW_OR_FALL,
        Stage.INJURY,
        lambda r: r.get(F.BLOOD_THINNERS) in _ESC and r.get(F.KNEE_SWOLLEN_OR_HOT) in _ESC,
    ),
    (F.JOINT_REPLACEMENT_OR_INJECTION, Stage.INJURY, _any(F.KNEE_SWOLLEN_OR_HOT)),
    (F.SEVERE_PAIN, Stage.INJURY, _any(F.KNEE_SWOLLEN_OR_HOT, F.CANNOT_BEAR_WEIGHT, F.POPPING)),
    (F.POPPING, Stage.INJURY, _any(F.SWELLING_KNEE, F.SEVERE_PAIN, F.CANNOT_BEAR_WEIGHT)),
    (F.PAIN_THIGH, Stage.INJURY, _any(F.POPPING)),
    # --- anything else: back pain (the bladder question), a lump, cramps, weeks of pain
    (F.OTHER_SIGNS, Stage.INJURY, _always),
    (F.BACK_PAIN, Stage.INJURY, _after(F.OTHER_SIGNS)),
    (F.NUMBNESS_TINGLING, Stage.INJURY, _any(F.BACK_PAIN)),
    (F.WEAKNESS, Stage.INJURY, _any(F.BACK_PAIN)),
    (F.LUMP_BEHIND_KNEE, Stage.INJURY, _after(F.OTHER_SIGNS)),
    (F.PULSATING_LUMP, Stage.INJURY, _any(F.LUMP_BEHIND_KNEE)),
    (F.SUDDEN_WORSENING, Stage.INJURY, _any(F.LUMP_BEHIND_KNEE)),
    (F.CRAMPING, Stage.INJURY, _after(F.OTHER_SIGNS)),
    (F.CRAMP_OVER_10_MIN, Stage.INJURY, _any(F.CRAMPING)),
    (F.CRAMPS_AT_NIGHT, Stage.INJURY, _any(F.CRAMPING)),
    (F.NUMBNESS_TINGLING, Stage.INJURY, _any(F.CRAMPING)),
    (F.PERSISTENT_WEEKS, Stage.INJURY, _after(F.OTHER_SIGNS)),
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
        F.SWELLING_KNEE,
        F.KNEE_HOT,
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
#: At self care, at most this many questions (of the same pool) towards a cause's usual-care floor.
MAX_FLOOR_QUESTIONS = 3
#: No discriminating question is asked once this many questions are answered (safety questions are
#: never cut; only triggered follow-ups can take an interview past it), unless none of the likeliest
#: causes has a reason the user gave yet: then up to MAX_DISCRIMINATING_QUESTIONS look for one, so the
#: answer to "why does it hurt" names a cause (cause in the top three on the golden vignettes' interview
#: answers: 77% -> 86%, for one more question at the median).
MAX_QUESTIONS = 10
#: ... while the safety questions are never cut: a screen answered "yes" brings its follow-ups (at most
#: this many questions in all beyond MAX_QUESTIONS, with re-asks).
MAX_SAFETY_OVERRUN = 20
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
    """The care level of ``facts`` (the rules alone; what ``assess`` reports)."""
    esc = facts.escalating
    return _level_of(facts.resolved, facts.answers, facts.age, esc, facts.present_set)


class _View:
    """What the rules read from a ``Facts``: resolved answers, explicit answers and age.

    The interview's "what if" checks build one of these instead of a whole ``Facts`` (which sorts,
    resolves and builds the evidence lists): the rules see exactly the same values.
    """

    __slots__ = ("age", "answers", "resolved")

    def __init__(
        self, resolved: Mapping[Finding, Answer], answers: Mapping[Finding, Answer], age: int | None
    ):
        self.resolved = resolved
        self.answers = answers
        self.age = age


#: What the rules read from the resolved answers besides the escalating and present sets: whether
#: each of these findings is ruled out ("not ruled out" counts for the pain places, the leg swelling
#: and the injury). A "what if" view needs these answers and nothing else from ``resolved``
#: (``test_speed_equivalence`` checks the rules read no other key).
RULES_READ_RESOLVED: tuple[Finding, ...] = (
    F.RECENT_INJURY,
    F.PAIN_CALF,
    F.PAIN_BEHIND_KNEE,
    F.SWELLING_CALF,
    F.SWELLING_WHOLE_LEG,
)
_READ_SET = frozenset(RULES_READ_RESOLVED)
_SELF_CARE = CareLevel.SELF_CARE
_CONSULTATION = CareLevel.CONSULTATION


def _level_of(
    resolved: Mapping[Finding, Answer],
    answers: Mapping[Finding, Answer],
    age: int | None,
    esc: frozenset[Finding],
    present: frozenset[Finding],
) -> CareLevel:
    """The care level the rules give (``level_and_flags(fired_rules(...))[0]``, without the flags).

    The three evidence counts (osteoarthritis, chondromalacia, a cause's usual care) only ever add a
    CONSULTATION rule, so they can change the level only when nothing else fired: they are computed
    only then (they are a good part of the cost, and most "what if" checks fire some rule).
    """
    rules = fired_rules(cast(Facts, _View(resolved, answers, age)), esc, False, False, False)
    level = RULE_LEVEL[rules[0]]  # rules come most urgent first
    if level is _SELF_CARE and (
        evidence.oa_suspected(esc, age)
        or evidence.chondromalacia_suspected(esc)
        or evidence.typical_care_floor(present, age)
    ):
        return _CONSULTATION
    return level


def _raises(facts: Facts, f: Finding, level: CareLevel) -> bool:
    """Whether a "yes" (or a second "not sure") to ``f`` would raise the care level (the reference
    definition; the interview uses the equivalent ``_Plan.raises``, which builds no ``Facts``)."""
    return _level(facts.with_answer(f, _P)) > level


def rephrase_pending(facts: Facts, f: Finding) -> bool:
    """``f`` is a red-flag question answered "not sure" once: it is asked again in simpler words."""
    return f in REPHRASE_FINDINGS and facts.answers.get(f) is _U


#: Findings a "yes" to a finding makes present (an atom's group; a narrower finding's broader one) ...
_YES_PRESENT: dict[Finding, tuple[Finding, ...]] = IMPLIED_PRESENT
#: ... and absent (mutually exclusive answers); and the findings a "no" rules out.
_YES_ABSENT: dict[Finding, tuple[Finding, ...]] = {
    f: tuple(b for a, b in PRESENT_IMPLIES_ABSENT if a is f) for f in Finding
}
_NO_ABSENT: dict[Finding, tuple[Finding, ...]] = {
    f: tuple(b for a, b in ABSENT_IMPLIES_ABSENT if a is f) for f in Finding
}
#: Findings whose "no" changes more than their own answer (groups, atoms, implications): the plan
#: resolves the answers again for these, exactly as ``Facts`` does.
_NO_NEEDS_RESOLVE: frozenset[Finding] = frozenset(
    {
        *FINDING_GROUPS,
        *GROUP_OF,
        *(a for a, _ in ABSENT_IMPLIES_ABSENT),
        *(b for _, b in ABSENT_IMPLIES_ABSENT),
    }
)
#: Findings the rules read as "not ruled out" (or, for the clot screen, as an explicit answer): a "no"
#: to one of them can lower the level, so the plan recomputes it.
_LEVEL_SENSITIVE: frozenset[Finding] = frozenset(
    {F.RECENT_INJURY, F.PAIN_CALF, F.PAIN_BEHIND_KNEE, F.SWELLING_CALF, F.SWELLING_WHOLE_LEG, F.SKIN_CHANGES}
)
_ESC_SET = frozenset(_ESC)


class _Plan:
    """The rest of the interview if every answer from now on were "no" (the age question: 60).

    ``next()`` gives the question the interview asks in the current (simulated) state, ``no(q)``
    records a "no" to it. The first ``next()`` on the real facts is the question ``assess`` asks; the
    number of ``next()`` calls before None is ``questions_left``. One code path for both, so the
    count and the questions asked can never drift apart. A "no" never adds an escalating finding, so
    the escalating and present sets stay as they are, and the level only moves when a "no" rules out
    something the rules read as "not ruled out" (or the simulated age is set); "what if yes" checks
    use a ``_View`` and are remembered until the level or those answers change.
    """

    def __init__(self, facts: Facts, level: CareLevel, post: list[float], order: list[int] | None) -> None:
        self.facts: Facts | None = facts  # the real facts, until the first simulated answer
        self.answers: dict[Finding, Answer] = dict(facts.answers)
        self.inferred = facts.inferred
        self.r: dict[Finding, Answer] = facts.resolved  # type: ignore[assignment]  # copied on write
        self.r_owned = False
        self.esc = facts.escalating
        self.present = facts.present_set
        self.age = facts.age
        self.age_asked = facts.age_asked
        self.level = level
        self.answered = questions_answered(facts)
        self.discriminated = discriminating_asked(facts)
        self.floor_asked = len(_FLOOR_POOL.intersection(facts.answers))
        self.post: list[float] | None = post
        self.order = order
        self.logs: list[float] | None = None
        self.memo: dict[Finding, bool] = {}
        self.could_memo: dict[Finding, bool] = {}
        self.pair_memo: dict[tuple[Finding, Finding], bool] = {}
        self.ruled_out = _ruled_out(self.r)
        self.age_memo: bool | None = None
        #: Where ``safety_next`` goes on in the plan (the screens before it are checked first).
        self.scan_from = _SCREEN_END
        #: Red-flag questions answered "not sure" once, in the order they are asked again.
        pending: list[Finding] = []
        if _U in self.answers.values():
            pending = [f for f in _PLAN_FINDINGS if f in REPHRASE_FINDINGS and self.answers.get(f) is _U]
            pending += [
                f for f, a in self.answers.items() if a is _U and f in REPHRASE_FINDINGS and f not in pending
            ]
        self.pending = pending

    # --- "what if" ------------------------------------------------------------------------------
    def explicit(self, f: Finding) -> bool:
        return f in self.answers or f in self.inferred

    def raises(self, f: Finding) -> bool:
        """A "yes" (or a second "not sure") to ``f`` would raise the level (``_raises``, exactly)."""
        found = self.memo.get(f)
        if found is not None:
            return found
        if _solo_level(f, self.age, self.ruled_out) > self.level:
            # the rules are monotone: f (and what it implies) alone, everything else ruled out,
            # already gives a higher level
            self.memo[f] = True
            return True
        result = self._level_with((f,)) > self.level
        self.memo[f] = result
        return result

    def _level_with(self, yes: tuple[Finding, ...]) -> CareLevel:
        """The level if every finding in ``yes`` were answered "yes" (the rules on a ``_View``)."""
        made: list[Finding] = []
        absent: list[Finding] = []
        for f in yes:
            made.append(f)
            made.extend(b for b in _YES_PRESENT[f] if b in FINDING_GROUPS or not self.explicit(b))
            absent.extend(b for b in _YES_ABSENT[f] if not self.explicit(b))
        # Only the answers the rules read from ``resolved`` (not a copy of all of them).
        get = self.r.get
        r = {k: a for k in RULES_READ_RESOLVED if (a := get(k)) is not None}
        for b in absent:
            if b in _READ_SET:
                r[b] = _A
        for x in made:
            if x in _READ_SET:
                r[x] = _P
        answers: Mapping[Finding, Answer] = self.answers
        if F.SKIN_CHANGES in yes:
            answers = {**answers, F.SKIN_CHANGES: _P}
        esc = self.esc.union(made)
        present = self.present.union(made)
        return _level_of(r, answers, self.age, esc, present)

    def could_raise(self, f: Finding) -> bool:
        """A "yes" to the question about ``f`` could raise the level: a "yes" to ``f`` itself, or to any
        finding its question screens (a group's atoms, the narrower findings of a broader one), on its
        own or with one of its PARTNERS not answered yet."""
        found = self.could_memo.get(f)
        if found is not None:
            return found
        r = self.r
        screened = [f, *(x for x in SCREENS[f] if r.get(x) is not _A and r.get(x) is not _P)]
        result = self._settle_raises(screened) or any(self._worth(x) for x in screened)
        self.could_memo[f] = result
        return result

    def _settle_raises(self, xs: list[Finding]) -> bool:
        """The cheap part of ``raises`` for several findings at once: True when one of them is known to
        raise the level, or raises it on its own without any other finding (``_solo_level``, cached).

        Otherwise, for two or more findings not settled yet, one rule evaluation settles them all
        when none can raise the level: with a "yes" to all of them at once the level is no higher
        than now. The rules are monotone and that one state holds everything each single "yes" would
        add, so no single "yes" raises it either (remembered as such). Most often that is the case
        (a group question whose signs cannot matter any more)."""
        memo = self.memo
        age, ruled_out, level = self.age, self.ruled_out, self.level
        todo: list[Finding] = []
        for x in xs:
            known = memo.get(x)
            if known:
                return True
            if known is None:
                if _solo_level(x, age, ruled_out) > level:
                    memo[x] = True
                    return True
                todo.append(x)
        if len(todo) >= 2 and self._level_with(tuple(todo)) <= level:
            for x in todo:
                memo[x] = False
        return False

    def _worth(self, x: Finding) -> bool:
        if self.raises(x):
            return True
        partners = PARTNERS.get(x)
        if not partners:
            return False
        r = self.r
        for g in partners:
            if g in r:
                continue
            key = (x, g)
            found = self.pair_memo.get(key)
            if found is None:
                both = self._level_with((x, g))
                found = both > self.level and (not self.raises(g) or both > self._level_with((g,)))
                self.pair_memo[key] = found
            if found:
                return True
        return False

    def age_raises(self) -> bool:
        if self.level < CareLevel.CONSULTATION_24:
            return True  # a child (the first probe age) is always seen the same day
        if self.age_memo is None:  # remembered until the level is recomputed, like the other checks
            r, answers, esc, present = self.r, self.answers, self.esc, self.present
            self.age_memo = any(_level_of(r, answers, a, esc, present) > self.level for a in _PROBE_AGES)
        return self.age_memo

    # --- the question plan -----------------------------------------------------------------------
    def safety_next(self) -> Question | None:
        r, esc = self.r, self.esc
        for f in self.pending:  # a red-flag question answered "not sure" once (or volunteered so)
            if self.could_raise(f):
                return _REPHRASED[f]
        if self.level >= CareLevel.EMERGENCY_AMBULANCE:
            return None
        for f, any_of, gate in _COMPILED_PLAN[:_SCREEN_END]:  # the red-flag and clot-signs screens
            if f not in r and _open(any_of, gate, r, esc) and self.could_raise(f):
                return _Q[f]
        if not self.age_asked and self.age_raises():
            return AGE_QUESTION
        # The rest of the plan, from where the last call stopped: until the level is recomputed
        # (``relevel`` starts over), a "no" only answers questions and closes gates, and the "what
        # if" answers are remembered, so every question passed over stays passed over. (The screens
        # were just passed over above.)
        plan = _COMPILED_PLAN
        for i in range(self.scan_from, len(plan)):
            f, any_of, gate = plan[i]
            if f in r or not _open(any_of, gate, r, esc):
                continue
            if self.could_raise(f):
                self.scan_from = i
                return _Q[f]
        self.scan_from = len(plan)
        return None

    def next(self) -> Question | None:
        level = self.level
        q = self.safety_next()
        if q is not None or level >= CareLevel.EMERGENCY:
            return q
        if self.age is not None and self.age < CHILD_AGE:
            # a child: no triage beyond what could make it an emergency (the level is same day already)
            return None
        q = self.floor_question()
        if q is not None:
            return q
        if self.discriminated >= MAX_DISCRIMINATING_QUESTIONS:
            return None
        post, order = self.posterior()
        if self.answered >= MAX_QUESTIONS and self.named(post, order):
            return None
        if max(post) >= CONFIDENT_TOP:
            return None
        lead = order[0]
        skip: set[Finding] = set()
        for _ in range(4):
            best, _gain = _best_discriminating(self.r, post, order, skip)
            if best is None:
                return None
            if self.worth_discriminating(best, lead):
                return _Q[best]
            skip.add(best)
        return None

    def floor_question(self) -> Question | None:
        """At self care: the question that could best bring a cause whose usual care is an appointment
        to its floor (``evidence.typical_care_floor``; the osteoarthritis and chondromalacia counts) within
        the questions left for it, most likely cause first; None when no "yes" answers within that
        budget could reach one."""
        if self.level is not CareLevel.SELF_CARE:
            return None
        budget = MAX_FLOOR_QUESTIONS - self.floor_asked
        if budget <= 0:
            return None
        r, present, age = self.r, self.present, self.age
        for signs, extra in (
            (evidence.OA_SIGNS, 1 if age is not None and age >= evidence.OLDER_AGE else 0),
            (evidence.CHONDROMALACIA_SIGNS, 0),
        ):
            have_n = extra + sum(1 for f in signs if f in present)
            open_signs = [f for f in signs if f not in r and f in _FLOOR_POOL]
            if (
                have_n >= 2
                and open_signs
                and have_n + min(budget, len(open_signs)) >= evidence.SUSPECTED_MIN_SIGNS
            ):
                return _Q[open_signs[0]]
        # The floor causes a "yes" to their open questions could bring to the floor, each with the
        # question to ask first. The most likely one wins, but the cause order (a whole evidence pass
        # over freshly resolved facts) matters only when two or more can: it is computed only then.
        injury_possible = r.get(F.RECENT_INJURY) is not _A
        reachable: dict[int, Finding] = {}
        for k, cause_signs in _FLOOR_SIGNS:
            # the first ``budget`` open signs, heaviest first (the order is fixed at import)
            open_: list[tuple[float, Finding]] = []
            for w, f in cause_signs:
                if f not in r and (injury_possible or f not in _MECHANISM_SET):
                    open_.append((w, f))
                    if len(open_) == budget:
                        break
            if not open_:
                continue
            have = evidence.support(present, age, k)
            if have + sum(w for w, _ in open_) >= evidence.CONFIDENT_SUPPORT:
                reachable[k] = open_[0][1]
        if not reachable:
            return None
        if len(reachable) > 1:
            _, order = self.posterior()
            return _Q[next(reachable[k] for k in order if k in reachable)]
        return _Q[next(iter(reachable.values()))]

    def posterior(self) -> tuple[list[float], list[int]]:
        if self.post is None:
            facts = self.current_facts()
            self.logs = evidence.log_posterior(facts.evidence_present, facts.evidence_absent, facts.age)
            self.post = evidence.normalise(self.logs)
            self.order = None
        if self.order is None:
            post = self.post
            self.order = sorted(range(len(post)), key=post.__getitem__, reverse=True)
        return self.post, self.order

    def named(self, post: list[float], order: list[int]) -> bool:
        """One of the likeliest causes is one ``assess`` names: plausible (above
        ``evidence.PLAUSIBLE_SCORE``) with a reason the user gave."""
        said = [f for f in self.present if f in self.answers]
        return any(post[i] > evidence.PLAUSIBLE_SCORE and evidence.reasons(said, (), i)[0] for i in order[:3])

    def current_facts(self) -> Facts:
        if self.facts is None:
            self.facts = Facts(self.answers, self.age, self.age_asked, self.inferred)
        return self.facts

    def worth_discriminating(self, f: Finding, lead: int) -> bool:
        """Some answer to ``f`` could change the lead cause or raise the level."""
        if self.could_raise(f):
            return True
        if self.logs is None:
            facts = self.current_facts()
            self.logs = evidence.log_posterior(facts.evidence_present, facts.evidence_absent, facts.age)
        r, logs = self.r, self.logs
        la = evidence.LOG_ABSENT
        yes = [evidence.LOG_PRESENT[f]] if f in evidence.LOG_PRESENT else []
        yes.extend(la[b] for b in _YES_ABSENT[f] if b not in r and not self.explicit(b) and b in la)
        no = [la[f]] if f in la else []
        no.extend(la[b] for b in _NO_ABSENT[f] if r.get(b) is not _A and not self.explicit(b) and b in la)
        return _lead_of(logs, yes) != lead or _lead_of(logs, no) != lead

    # --- a simulated "no" ------------------------------------------------------------------------
    def no(self, q: Question) -> None:
        self.facts = None
        self.post = self.order = self.logs = None
        if q.kind is QuestionKind.AGE:
            self.age = _ESTIMATE_AGE
            self.age_asked = True
            self.answered += 1
            self.relevel()
            return
        f = q.finding
        assert f is not None
        if f not in self.answers:
            self.answered += 1
            if f in _DISCRIMINATING_POOL:
                self.discriminated += 1
            if f in _FLOOR_POOL:
                self.floor_asked += 1
        fresh = f not in self.answers and f not in self.r
        self.answers[f] = _A
        if f in self.pending:
            self.pending.remove(f)
        if fresh and f in FINDING_GROUPS:
            # A new "no" to a group: the group and its unanswered atoms absent, then what they rule
            # out (as ``Facts`` resolves it; an escalating atom would have made the group answered).
            r = dict(self.r)
            r[f] = _A
            for atom in FINDING_GROUPS[f]:
                if atom not in r:
                    r[atom] = _A
            for a, b in ABSENT_IMPLIES_ABSENT:
                if r.get(a) is _A and not self.explicit(b) and r.get(b) is not _P:
                    r[b] = _A
            old = self.r
            self.r, self.r_owned = r, True
            if any(old.get(k) is not r.get(k) for k in _LEVEL_SENSITIVE):
                self.relevel(lower_only=True)
            return
        if f in _NO_NEEDS_RESOLVE:
            explicit = {**dict.fromkeys(self.inferred, _P), **self.answers} if self.inferred else self.answers
            old, r = self.r, _resolve(explicit)
            self.r, self.r_owned = r, True
            esc = frozenset(k for k, a in r.items() if a in _ESC_SET)
            present = frozenset(k for k, a in r.items() if a is _P)
            changed = esc != self.esc or present != self.present
            changed = changed or any(old.get(k) is not r.get(k) for k in _LEVEL_SENSITIVE)
            self.esc, self.present = esc, present
            if changed:
                self.relevel()
            return
        if not self.r_owned:
            self.r = dict(self.r)
            self.r_owned = True
        self.r[f] = _A
        if f in _LEVEL_SENSITIVE:
            self.relevel(lower_only=True)

    def relevel(self, lower_only: bool = False) -> None:
        """Recompute the level; ``lower_only``: only "no" answers were added, which never raise it."""
        if not (lower_only and self.level is CareLevel.SELF_CARE):
            self.level = _level_of(self.r, self.answers, self.age, self.esc, self.present)
        self.ruled_out = _ruled_out(self.r)
        self.memo.clear()
        self.could_memo.clear()
        self.pair_memo.clear()
        self.age_memo = None
        self.scan_from = _SCREEN_END


#: The plan's findings in order, and each gate as (the findings an "any of" gate needs, or None; the
#: gate): an "any of" gate is a set test on the escalating findings.
_PLAN_FINDINGS: tuple[Finding, ...] = tuple(f for f, _, _ in SAFETY_PLAN)
_COMPILED_PLAN: tuple[tuple[Finding, frozenset[Finding] | None, Gate], ...] = tuple(
    (f, gate.findings if isinstance(gate, _AnyOf) else None, gate) for f, _, gate in SAFETY_PLAN
)
assert _PROBE_AGES[0] < CHILD_AGE  # age_raises relies on it


def _open(
    any_of: frozenset[Finding] | None, gate: Gate, r: Mapping[Finding, Answer], esc: frozenset[Finding]
) -> bool:
    if any_of is not None:
        return not esc.isdisjoint(any_of)
    return gate is _always or gate(r)


def _ruled_out(r: Mapping[Finding, Answer]) -> frozenset[Finding]:
    """The findings the rules read as "not ruled out" that are ruled out in ``r``."""
    return frozenset(k for k in _LEVEL_SENSITIVE if r.get(k) is _A)


@lru_cache(maxsize=4096)
def _solo_level(f: Finding, age: int | None, ruled_out: frozenset[Finding]) -> CareLevel:
    """The level with only a "yes" to ``f`` (and what it implies) present, ``ruled_out`` ruled out,
    at ``age``: a lower bound on the level after a "yes" to ``f`` from any facts with that age and
    those findings ruled out (the rules are monotone in the present findings, and read anything
    else only as "not ruled out", which ``ruled_out`` fixes)."""
    made = {f, *_YES_PRESENT[f]}
    r: dict[Finding, Answer] = dict.fromkeys(ruled_out - made, _A)
    r.update(dict.fromkeys(made, _P))
    present = frozenset(made)
    return _level_of(r, {f: _P}, age, present, present)


def _lead_of(logs: list[float], extra: list[tuple[float, ...]]) -> int:
    """The lead cause after adding ``extra`` log-likelihood vectors to ``logs`` (as ``posterior``)."""
    if extra:
        logs = [x + sum(v[i] for v in extra) for i, x in enumerate(logs)]
    post = evidence.normalise(logs)
    return max(range(len(post)), key=post.__getitem__)


_REPHRASED: dict[Finding, Question] = {f: replace(q, rephrased=True) for f, q in _QUESTION_BY_FINDING.items()}


def discriminating_asked(facts: Facts) -> int:
    """How many questions of the information-gain pool have been answered explicitly."""
    return len(_DISCRIMINATING_POOL.intersection(facts.answers))


def questions_answered(facts: Facts) -> int:
    """How many interview questions have been answered explicitly (age included)."""
    return len(_ASKABLE.intersection(facts.answers)) + (1 if facts.age_asked else 0)


#: Information-gain candidates, mechanisms first (they are only candidates after an injury).
_POOL: tuple[Finding, ...] = (*MECHANISMS, *DISCRIMINATE_FINDINGS)
_N_MECHANISMS = len(MECHANISMS)
_POOL_INDEX: dict[Finding, int] = {f: i for i, f in enumerate(_POOL)}
_MECHANISM_SET: frozenset[Finding] = frozenset(MECHANISMS)
#: The questions the floor step may ask (and counts): the pool, less what the safety plan asks.
_FLOOR_POOL: frozenset[Finding] = frozenset(_POOL) - frozenset(_PLAN_FINDINGS)
#: Per floor cause: its supporting signs the floor step may ask, as (weight, finding), heaviest first
#: (ties: the later pool finding first), so the step only filters out what is answered.
_FLOOR_SIGNS: tuple[tuple[int, tuple[tuple[float, Finding], ...]], ...] = tuple(
    (
        k,
        tuple(
            (w, _POOL[i])
            for w, i in sorted(
                (
                    (w, _POOL_INDEX[f])
                    for f, w in evidence.support_weights(k).items()
                    if w > 0 and f in _FLOOR_POOL
                ),
                reverse=True,
            )
        ),
    )
    for k in evidence.FLOOR_CAUSES
)


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
    if order is None:
        order = sorted(range(len(post)), key=post.__getitem__, reverse=True)
    return _best_discriminating(facts.resolved, post, order, skip)


def _best_discriminating(
    r: Mapping[Finding, Answer], post: list[float], order: list[int], skip: set[Finding] | None
) -> tuple[Finding | None, float]:
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


def first_question(
    facts: Facts, level: CareLevel, post: list[float], order: list[int] | None
) -> Question | None:
    """The question the interview asks next (None: it is over). ``level``, ``post`` and ``order``:
    the facts' care level, cause posterior and cause order (most likely first), from ``assess``."""
    return _Plan(facts, level, post, order).next()


def count_left(
    facts: Facts, level: CareLevel, post: list[float], order: list[int] | None, cap: int | None = None
) -> int:
    """Questions left, the next one included, if every answer from now on were "no" (the age: 60);
    counting stops at ``cap`` when one is given (the result is then at most ``cap``)."""
    plan = _Plan(facts, level, post, order)
    left = 0
    limit = len(ALL_QUESTIONS) + 1 if cap is None else cap  # every question is asked at most once
    while left < limit:
        q = plan.next()
        if q is None:
            break
        left += 1
        plan.no(q)
    return left


#: The screens asked before anything but a re-ask, whose gate is always open and which no other
#: "no" can answer (no group holds them, nothing absent implies them absent): ``certainly_left``.
_CERTAIN_SCREENS: tuple[Finding, ...] = tuple(
    f
    for f, _, gate in SAFETY_PLAN[:_SCREEN_END]
    if gate is _always
    and f not in GROUP_OF
    and all(f is not b for _, b in ABSENT_IMPLIES_ABSENT)
    and all(f is not b for _, b in PRESENT_IMPLIES_ABSENT)
)
assert len(_CERTAIN_SCREENS) == _SCREEN_END  # every screen, as the plan stands


def _ruled_out_by_no(f: Finding) -> frozenset[Finding]:
    """What a "no" to ``f`` can rule out: its atoms, and what their absence implies, transitively."""
    out = {f, *FINDING_GROUPS.get(f, ())}
    grew = True
    while grew:
        more = {b for a, b in ABSENT_IMPLIES_ABSENT if a in out} - out
        out |= more
        grew = bool(more)
    return frozenset(out)


#: Per screen (in ``_CERTAIN_SCREENS`` order): the level-sensitive findings a "no" to the screens
#: before it can rule out by the time its turn comes.
_RULED_OUT_BEFORE: tuple[frozenset[Finding], ...] = tuple(
    frozenset().union(*(_ruled_out_by_no(g) & _LEVEL_SENSITIVE for g in _CERTAIN_SCREENS[:i]))
    for i in range(len(_CERTAIN_SCREENS))
)


def certainly_left(facts: Facts, level: CareLevel) -> int:
    """A lower bound on ``count_left`` (uncapped) that walks nothing: the questions no run of "no"
    answers can skip.

    They are the screens not answered yet whose "yes" alone raises ``level`` from any facts of this
    age, and the age question while the level is below same day (a child is always seen the same
    day). The plan asks the screens before anything but a re-ask (which only adds questions), then
    the age; a "no" never raises the level (the rules are monotone in what is present and read
    anything else as "not ruled out", which a "no" can only settle), answers no other screen, and
    leaves the age as it is, so each of them is still asked when its turn comes."""
    if level >= CareLevel.EMERGENCY_AMBULANCE:
        return 0
    r, age = facts.resolved, facts.age
    # What may be ruled out by the time each screen is asked: what is now, and what a "no" to the
    # screens before it can add; a re-ask first ("not sure" once) could rule out anything.
    pending = _U in facts.answers.values()
    now = _ruled_out(r)
    left = 0
    for f, before in zip(_CERTAIN_SCREENS, _RULED_OUT_BEFORE, strict=True):
        if f not in r and _solo_level(f, age, _LEVEL_SENSITIVE if pending else now | before) > level:
            left += 1
    if not facts.age_asked and level < CareLevel.CONSULTATION_24:
        left += 1
    return left


def next_question(
    facts: Facts,
    level: CareLevel,
    flags: frozenset[Flag],
    post: list[float],
    order: list[int] | None = None,
) -> tuple[Question | None, int]:
    """(next question or None, questions left including it if every answer from now on were "no")."""
    del flags  # the level carries everything the plan needs
    q = first_question(facts, level, post, order)
    return (q, count_left(facts, level, post, order)) if q is not None else (None, 0)
