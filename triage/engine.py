"""assess(): facts in, assessment out. Pure, deterministic, no I/O."""

from __future__ import annotations

from functools import cached_property

import msgspec

from triage import evidence
from triage.facts import Facts
from triage.interview import (
    AGE_QUESTION,
    REPHRASE_FINDINGS,
    Question,
    QuestionKind,
    certainly_left,
    count_left,
    first_question,
)
from triage.rules import (
    CHILD_AGE,
    CLOT_RISK_AGE,
    DVT_LEG_SIGNS,
    OTTAWA_AGE,
    RULE_FLAGS,
    RULE_LEVEL,
    RuleId,
    fired_rules,
    level_and_flags,
)
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
PLAUSIBLE_SCORE = evidence.PLAUSIBLE_SCORE
#: ... and at most this many are listed.
MAX_CAUSES = 4

#: Red-flag findings to read back as "come back / call if you get ...", PE signs first.
SAFETY_NET_ORDER: tuple[Finding, ...] = (
    F.BREATHLESSNESS,
    F.CHEST_PAIN,
    F.COUGHING_BLOOD,
    F.FAINTING,
    F.RACING_HEART,
    F.COLD_PALE_LEG,
    F.SUDDEN_NUMB_WEAK_LEG,
    F.BLADDER_BOWEL_CHANGE,
    F.SWELLING_CALF,
    F.WARMTH,
    F.DISCOLOURATION,
    F.FEVER_UNWELL,
    F.KNEE_HOT,
    F.LOCKED_NOW,
    F.CANNOT_BEAR_WEIGHT,
    F.DEFORMITY,
    F.CRAMP_OVER_10_MIN,
)


class RankedCause(msgspec.Struct, frozen=True):
    condition: Condition
    score: float
    #: Findings the user actually said (explicit answers or volunteered symptoms) that fit the cause;
    #: never a finding implied by an activity word or a group.
    supporting: tuple[Finding, ...]
    against: tuple[Finding, ...]


class Assessment(msgspec.Struct, frozen=True, dict=True):  # dict: ``questions_left`` is cached
    level: CareLevel
    flags: frozenset[Flag]
    rules: tuple[RuleId, ...]
    causes: tuple[RankedCause, ...]
    safety_net: tuple[Finding, ...]
    next_question: Question | None
    #: Every flag at CONSULTATION_24 or above that fired, most urgent first, at most three (a possible
    #: fracture is always among them when it fired).
    urgent_flags: tuple[Flag, ...] = ()
    #: Under 16: no triage and no doses; see a doctor (the level is at least CONSULTATION_24).
    child: bool = False
    #: What ``questions_left`` needs (the facts, the cause posterior and order): the count is worked
    #: out only when asked for. Compared like the rest: every field follows from the facts.
    _facts: Facts | None = None
    _post: tuple[float, ...] = ()
    _order: tuple[int, ...] = ()

    @cached_property
    def questions_left(self) -> int:
        """Questions left, the next one included, if every answer from now on were "no" (age 60).

        Worked out on first use: playing the rest of the interview costs more than choosing the
        next question, and only the countdown near the end reads it."""
        return self.questions_left_within(None)

    def questions_left_within(self, cap: int | None) -> int:
        """``questions_left``, counted no further than ``cap`` (then at most ``cap``)."""
        if self.next_question is None or self._facts is None:
            return 0
        return count_left(self._facts, self.level, list(self._post), list(self._order), cap)

    @property
    def complete(self) -> bool:
        return self.next_question is None

    @property
    def emergency_guidance_required(self) -> bool:
        return bool(self.flags & EMERGENCY_GUIDANCE_FLAGS) or self.level is CareLevel.EMERGENCY_AMBULANCE


_SAFETY_NET_SET = frozenset(SAFETY_NET_ORDER)
#: Findings that, when present, mean a safety-net item was already reported: the item itself, or
#: the group it belongs to (a "yes" to the clot-signs screen covers warmth and discolouration).
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
_typical_care_floor = evidence.typical_care_floor
_DVT = Condition.DEEP_VEIN_THROMBOSIS
_DVT_INDEX = _CONDITIONS.index(_DVT)
_CLOT_FLAGS = frozenset({Flag.SUSPECTED_DVT, Flag.SUSPECTED_PE})
#: With a clot flagged, these never explain the clot signs (clinical-facts 2.3, 2.6; review hazard 14).
_CLOT_SIGNS = frozenset({*DVT_LEG_SIGNS, F.PAIN_CALF, F.PAIN_BEHIND_KNEE, F.CRAMPING, F.ONE_LEG})
MAX_URGENT_FLAGS = 3
#: Flag order within one rule (most urgent first).
_FLAG_ORDER: tuple[Flag, ...] = tuple(Flag)


def urgent_flags_of(rules: tuple[RuleId, ...]) -> tuple[Flag, ...]:
    """Flags of the rules at CONSULTATION_24 or above, most urgent first, at most three, a possible
    fracture always kept (its X-ray reason is a different service from a clot scan)."""
    out: list[Flag] = []
    for rule in rules:
        if RULE_LEVEL[rule] < CareLevel.CONSULTATION_24:
            break
        for flag in sorted(RULE_FLAGS.get(rule, ()), key=_FLAG_ORDER.index):
            if flag not in out and flag is not Flag.UNDER_16:
                out.append(flag)
    if len(out) > MAX_URGENT_FLAGS:
        keep = out[:MAX_URGENT_FLAGS]
        if Flag.POSSIBLE_FRACTURE in out and Flag.POSSIBLE_FRACTURE not in keep:
            keep[-1] = Flag.POSSIBLE_FRACTURE
        out = keep
    return tuple(out)


def _said(facts: Facts, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    answers = facts.answers
    return tuple(f for f in findings if answers.get(f) is Answer.PRESENT)


def assess(facts: Facts) -> Assessment:
    """Evaluate every rule, rank the causes and choose the next question."""
    age = facts.age
    present_set = facts.present_set
    escalating = facts.escalating
    rules = fired_rules(
        facts,
        escalating,
        _oa_suspected(escalating, age),
        _chondromalacia_suspected(escalating),
        _typical_care_floor(present_set, age),
    )
    level, flags = level_and_flags(rules)
    ev_present, ev_absent = facts.evidence_present, facts.evidence_absent
    post = _posterior(ev_present, ev_absent, age)
    order = sorted(_RANGE, key=post.__getitem__, reverse=True)
    clot = not flags.isdisjoint(_CLOT_FLAGS)
    causes: list[RankedCause] = []
    if clot:
        supporting, against = _reasons(ev_present, ev_absent, _DVT_INDEX)
        causes.append(RankedCause(_DVT, round(post[_DVT_INDEX], 4), _said(facts, supporting), ()))
    for i in order[:MAX_CAUSES]:
        score = post[i]
        if score <= PLAUSIBLE_SCORE or len(causes) >= MAX_CAUSES:
            break
        condition = _CONDITIONS[i]
        if clot and condition is _DVT:
            continue
        supporting, against = _reasons(ev_present, ev_absent, i)
        if not supporting:
            continue  # never name a cause with no evidence for it (review content item 13)
        said = _said(facts, supporting)
        if clot:
            if evidence.TYPICAL_CARE[condition] is CareLevel.SELF_CARE:
                continue  # no strain or cramp offered as the explanation of clot signs
            said = tuple(f for f in said if f not in _CLOT_SIGNS)
            if not said:
                continue
        causes.append(RankedCause(condition, round(score, 4), said, against))
    if _SAFETY_NET_TRIGGERS.isdisjoint(present_set):
        safety_net = SAFETY_NET_ORDER
    else:
        safety_net = tuple([f for f, reported in _ALREADY_REPORTED if reported.isdisjoint(present_set)])
    question = first_question(facts, level, post, order)
    child = age is not None and age < CHILD_AGE
    return Assessment(
        level,
        flags,
        rules,
        tuple(causes),
        safety_net,
        question,
        urgent_flags_of(rules),
        child,
        facts,
        tuple(post),
        tuple(order),
    )


def answer_question(facts: Facts, question: Question, answer: Answer, age: int | None = None) -> Facts:
    """Record the user's answer to ``question`` (for the age question, ``age`` is the years).

    A red-flag question answered "not sure" is recorded as UNKNOWN the first time (the interview
    then asks it again in simpler words) and as UNCLEAR the second time, which the rules treat as
    present. Pure: the count lives in the facts, so the dialogue needs no extra state.
    """
    if question.kind is QuestionKind.AGE or question.id == AGE_QUESTION.id:
        return facts.with_age(age if answer is not Answer.ABSENT else None)
    finding = question.finding
    if finding is None:
        return facts
    second = question.rephrased or facts.answers.get(finding) is Answer.UNKNOWN
    if answer is Answer.UNKNOWN and finding in REPHRASE_FINDINGS and second:
        answer = Answer.UNCLEAR
    return facts.with_answer(finding, answer)


#: The countdown ("about N more") may be short of the truth by at most this many questions ...
COUNTDOWN_SLACK = 1
#: ... and is only considered this close to the end (further out, a "yes" almost always opens
#: follow-ups, and the check would cost a walk of the whole plan per alternative).
COUNTDOWN_MAX = 3
#: At most this many assessments to prove a countdown (a few ms); beyond it, nothing is promised.
COUNTDOWN_CHECKS = 8
#: Ages tried for the age question when checking a countdown: one in every band the rules and the
#: evidence tell apart (under 16, the older-adult evidence, the Ottawa age, the clot-risk age), so
#: whatever age is given, the promise holds.
_COUNTDOWN_AGES: tuple[int, ...] = tuple(
    sorted({CHILD_AGE - 1, CHILD_AGE, evidence.OLDER_AGE, OTTAWA_AGE, CLOT_RISK_AGE})
)


def countdown(facts: Facts, assessment: Assessment | None = None) -> int | None:
    """How many questions are left, when that number can be promised; None when it could mislead.

    The number is the all-"no" count (``Assessment.questions_left``). It is promised only when no
    combination of answers from here on ("yes", "no", "not sure" where it brings a re-ask, any age
    to the age question) could make the interview longer than that number plus ``COUNTDOWN_SLACK``: a "yes"
    that opens follow-ups would otherwise turn "about 3 more" into 7 (voice UX review: "12, 10, 7,
    4, 5, 1, then 2 more"). Answers that end the interview sooner (an emergency) never break a
    promise. Only the last ``COUNTDOWN_MAX`` questions are ever counted down, which keeps the check
    (every path of at most ``COUNTDOWN_MAX + COUNTDOWN_SLACK`` questions) small. ``assessment``:
    ``assess(facts)``, when the caller has it.
    """
    result = assessment if assessment is not None else assess(facts)
    if result.next_question is None or certainly_left(facts, result.level) > COUNTDOWN_MAX:
        return None  # (early on, the screens and the age alone are more than is ever counted down)
    promised = result.questions_left_within(COUNTDOWN_MAX + 1)
    if promised > COUNTDOWN_MAX:
        return None
    budget = [COUNTDOWN_CHECKS]
    return promised if _ends_within(facts, result, promised + COUNTDOWN_SLACK, budget) else None


_SURE: tuple[Answer, ...] = (Answer.PRESENT, Answer.ABSENT)
_SURE_OR_NOT: tuple[Answer, ...] = (Answer.PRESENT, Answer.UNKNOWN, Answer.ABSENT)


def _ends_within(facts: Facts, result: Assessment, limit: int, budget: list[int]) -> bool:
    """Every way of answering the rest of the interview asks at most ``limit`` more questions, as
    proved within ``budget[0]`` assessments (an unproved promise is not made)."""
    q = result.next_question
    if q is None:
        return True
    if limit <= 0:
        return False
    if q.kind is QuestionKind.AGE:
        after = [answer_question(facts, q, Answer.PRESENT, age) for age in _COUNTDOWN_AGES]
    else:
        # "yes" first: it is the answer that opens follow-ups, so a broken promise shows up soonest;
        # "not sure" where it brings the simpler re-ask
        answers = _SURE_OR_NOT if q.finding in REPHRASE_FINDINGS else _SURE
        after = [answer_question(facts, q, a) for a in answers]
    for f in after:
        budget[0] -= 1
        if budget[0] < 0 or not _ends_within(f, assess(f), limit - 1, budget):
            return False
    return True
