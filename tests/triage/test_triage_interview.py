"""The interview: safety order, no repeats, sensible skips, always terminates."""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from triage_strategies import ages, answers, facts_strategy

from triage import (
    AGE_QUESTION,
    ALL_QUESTIONS,
    FINDING_GROUPS,
    Answer,
    Assessment,
    CareLevel,
    Facts,
    Finding,
    Flag,
    Question,
    QuestionKind,
    Stage,
    answer_question,
    assess,
)
from triage.interview import (
    CLOT_FINDINGS,
    CLOT_RISK_QUESTIONS,
    LIFE_THREAT_FINDINGS,
    MAX_DISCRIMINATING_QUESTIONS,
    MAX_QUESTIONS,
    MAX_SAFETY_OVERRUN,
)
from triage.rules import CLOT_RISK_FACTORS

P, A, U = Answer.PRESENT, Answer.ABSENT, Answer.UNKNOWN
#: The most questions any interview can take.
HARD_CAP = MAX_QUESTIONS + MAX_SAFETY_OVERRUN
F = Finding
STAGE_ORDER = list(Stage)


def run_interview(
    facts: Facts, choose: st.DataObject | None = None, default: Answer = A, age: int | None = 30
) -> tuple[Facts, list[Question], Assessment]:
    asked: list[Question] = []
    result = assess(facts)
    while result.next_question is not None:
        question = result.next_question
        assert question not in asked, f"asked twice: {question.id}"
        assert len(asked) <= 2 * HARD_CAP
        asked.append(question)
        answer = choose.draw(answers, label=question.id) if choose else default
        years = choose.draw(ages, label="years") if choose else age
        facts = answer_question(facts, question, answer, years)
        result = assess(facts)
    return facts, asked, result


def test_the_first_question_screens_for_pulmonary_embolism() -> None:
    first = assess(Facts.empty()).next_question
    assert first is not None
    assert first.finding is F.PE_SIGNS
    assert first.stage is Stage.LIFE_THREAT


def test_all_questions_are_unique_and_in_safety_order() -> None:
    ids = [q.id for q in ALL_QUESTIONS]
    assert len(ids) == len(set(ids))
    stages = [STAGE_ORDER.index(q.stage) for q in ALL_QUESTIONS]
    assert stages == sorted(stages)
    assert [q.finding for q in ALL_QUESTIONS[:3]] == list(LIFE_THREAT_FINDINGS)
    assert LIFE_THREAT_FINDINGS == (F.PE_SIGNS, F.FAINT_OR_RACING_HEART, F.LEG_CIRCULATION)


def test_question_ids_are_finding_values_or_age() -> None:
    for q in ALL_QUESTIONS:
        if q.kind is QuestionKind.AGE:
            assert q.id == "age" and q.finding is None
        else:
            assert q.finding is not None and q.id == q.finding.value
    assert AGE_QUESTION in ALL_QUESTIONS


def test_answering_no_to_everything_walks_the_safety_stages_in_order() -> None:
    _, asked, result = run_interview(Facts.empty())
    stages = [STAGE_ORDER.index(q.stage) for q in asked]
    # the safety stages in order; once the questions about the cause begin (a pool finding the plan
    # also screens, such as thigh pain, keeps its screening stage) no red-flag or clot question follows
    first = stages.index(STAGE_ORDER.index(Stage.DISCRIMINATE))
    assert stages[:first] == sorted(stages[:first])
    assert all(s >= STAGE_ORDER.index(Stage.INJURY) for s in stages[first:])
    assert result.complete and result.questions_left == 0
    assert len(asked) <= HARD_CAP


def test_clot_risk_factors_are_asked_explicitly_as_grouped_screening_questions() -> None:
    _, asked, _ = run_interview(Facts({F.PAIN_BEHIND_KNEE: P}))
    risk = [q.finding for q in asked if q.stage is Stage.CLOT_RISK]
    assert risk == [None, *CLOT_RISK_QUESTIONS]  # None: the age question
    assert [q.finding for q in asked if q.stage is Stage.CLOT] == [F.SKIN_CHANGES]
    # Every clot risk factor that is asked about is covered by exactly one grouped question.
    covered = [atom for group in CLOT_RISK_QUESTIONS for atom in FINDING_GROUPS[group]]
    volunteered_only = {F.MECH_LONG_SITTING_OR_TRAVEL}
    assert sorted(covered) == sorted(
        f for f in CLOT_RISK_FACTORS if f not in FINDING_GROUPS and f not in volunteered_only
    )


def test_no_to_a_risk_group_rules_out_its_atoms_and_the_atoms_are_never_asked() -> None:
    facts, asked, _ = run_interview(Facts({F.PAIN_CALF: P}))
    for group in CLOT_RISK_QUESTIONS:
        assert all(facts.answer(atom) is A for atom in FINDING_GROUPS[group])
    atoms = {atom for group in FINDING_GROUPS.values() for atom in group}
    assert not atoms & {q.finding for q in asked if q.stage is not Stage.DISCRIMINATE}


@pytest.mark.parametrize("group", CLOT_RISK_QUESTIONS)
def test_yes_to_a_risk_group_suspects_a_clot_and_ends_the_risk_block(group: Finding) -> None:
    screen = (*LIFE_THREAT_FINDINGS, F.SKIN_CHANGES)
    facts = Facts(dict.fromkeys(screen, A)).with_age(30)
    before = [f for f in CLOT_RISK_QUESTIONS[: CLOT_RISK_QUESTIONS.index(group)]]
    facts = Facts({**facts.answers, **dict.fromkeys(before, A), group: P, F.PAIN_BEHIND_KNEE: P}, age=30)
    result = assess(facts)
    assert Flag.SUSPECTED_DVT in result.flags
    assert result.level >= CareLevel.CONSULTATION_24
    assert result.next_question is None or result.next_question.finding not in CLOT_RISK_QUESTIONS


@pytest.mark.parametrize("atom", [a for g in CLOT_RISK_QUESTIONS for a in FINDING_GROUPS[g]])
def test_a_volunteered_risk_atom_counts_and_its_group_is_not_asked(atom: Finding) -> None:
    facts, asked, result = run_interview(Facts({atom: P}))
    group = next(g for g in CLOT_RISK_QUESTIONS if atom in FINDING_GROUPS[g])
    assert group not in {q.finding for q in asked}
    assert facts.answer(group) is P
    assert Flag.SUSPECTED_DVT in result.flags


def test_a_volunteered_long_sitting_story_still_counts_as_a_clot_risk() -> None:
    _, asked, result = run_interview(Facts({F.MECH_LONG_SITTING_OR_TRAVEL: P}))
    assert Flag.SUSPECTED_DVT in result.flags
    assert F.CLOT_HISTORY not in {q.finding for q in asked}


#: With these ruled out, a cast or a break could not make it an emergency (compartment syndrome).
NO_COMPARTMENT_SIGNS = dict.fromkeys(
    (F.SEVERITY_SIGNS, F.NUMBNESS_TINGLING, F.TIGHT_CALF, F.SUDDEN_WORSENING), A
)


def test_once_a_clot_is_suspected_a_clot_risk_question_is_asked_only_to_find_a_cast_or_a_break() -> None:
    facts = Facts({**dict.fromkeys(LIFE_THREAT_FINDINGS, A), F.PAIN_CALF: P, F.SWELLING_CALF: P})
    _, asked, result = run_interview(facts)
    assert F.CLOT_HISTORY not in {q.finding for q in asked}
    assert Flag.SUSPECTED_DVT in result.flags
    # The immobility group also screens a cast, a break or a crush, which with severe pain, numbness
    # or a tight calf is an emergency; with those ruled out it is not asked either.
    _, asked, result = run_interview(Facts({**facts.answers, **NO_COMPARTMENT_SIGNS}))
    assert not {q.finding for q in asked} & set(CLOT_RISK_QUESTIONS)
    assert Flag.SUSPECTED_DVT in result.flags


def test_a_reported_injury_leads_to_the_ottawa_and_emergency_questions() -> None:
    facts = Facts({F.RECENT_INJURY: P})
    _, asked, _ = run_interview(facts)
    ids = {q.id for q in asked}
    assert "severity_signs" in ids  # can't take four steps, or bend the knee to a right angle
    # A "yes" to that screen asks each of them.
    _, asked, _ = run_interview(Facts({**facts.answers, F.SEVERITY_SIGNS: P}))
    assert {"cannot_bear_weight", "cannot_bend_90"} <= {q.id for q in asked}
    # A changed shape is screened by the knee question, and asked on its own after a "not sure".
    screened = {**dict.fromkeys((*LIFE_THREAT_FINDINGS, F.SKIN_CHANGES, *CLOT_RISK_QUESTIONS), A)}
    _, asked, _ = run_interview(Facts({**facts.answers, **screened}), default=U)
    assert {"knee_signs", "deformity"} <= {q.id for q in asked}


def test_a_pop_brings_the_hamstring_tear_follow_ups() -> None:
    screened = dict.fromkeys((*LIFE_THREAT_FINDINGS, *CLOT_FINDINGS), A)
    screened |= dict.fromkeys((*CLOT_RISK_QUESTIONS, F.KNEE_SIGNS, F.CANNOT_BEND_90), A)
    facts = Facts({**screened, F.RECENT_INJURY: P, F.POPPING: P, F.CANNOT_BEAR_WEIGHT: A}, age=30)
    _, asked, _ = run_interview(facts.with_answer(F.SEVERE_PAIN, P))
    assert F.PAIN_THIGH in {q.finding for q in asked}
    _, asked, _ = run_interview(facts.with_answer(F.PAIN_THIGH, P))
    assert {F.SEVERE_PAIN, F.SEVERITY_SIGNS} & {q.finding for q in asked}  # the screen asks severe pain


def test_a_hot_joint_brings_the_fever_question_forward() -> None:
    facts = Facts({**dict.fromkeys(LIFE_THREAT_FINDINGS, A), F.SKIN_CHANGES: A, F.SWELLING_KNEE: P}, age=30)
    nxt = assess(facts).next_question
    assert nxt is not None and nxt.finding is F.FEVER_UNWELL


def test_the_pe_question_is_not_asked_when_every_pe_sign_was_already_denied() -> None:
    facts = Facts(dict.fromkeys(FINDING_GROUPS[F.PE_SIGNS], A))
    nxt = assess(facts).next_question
    assert nxt is not None and nxt.finding is F.FAINT_OR_RACING_HEART


def test_an_emergency_finishes_the_life_threat_screen_and_then_stops() -> None:
    facts = Facts({F.LOCKED_NOW: P})
    _, asked, result = run_interview(facts)
    assert [q.finding for q in asked] == list(LIFE_THREAT_FINDINGS)
    assert result.level is CareLevel.EMERGENCY and result.complete


def test_the_discriminating_stage_is_capped() -> None:
    _, asked, _ = run_interview(Facts({F.PAIN_BEHIND_KNEE: P}), default=U)
    assert sum(1 for q in asked if q.stage is Stage.DISCRIMINATE) <= MAX_DISCRIMINATING_QUESTIONS + 4
    assert len(asked) <= HARD_CAP


def test_answer_question_records_age_and_findings() -> None:
    facts = answer_question(Facts.empty(), AGE_QUESTION, P, 64)
    assert facts.age == 64
    q = ALL_QUESTIONS[0]
    assert answer_question(facts, q, A).answer(F.PE_SIGNS) is A


def test_questions_left_is_positive_until_complete() -> None:
    facts = Facts.empty()
    result = assess(facts)
    while result.next_question is not None:
        assert result.questions_left >= 1
        facts = answer_question(facts, result.next_question, A, 40)
        result = assess(facts)
    assert result.questions_left == 0


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_arbitrary_answers_always_terminate_within_the_cap_without_repeating(data: st.DataObject) -> None:
    _, asked, result = run_interview(Facts.empty(), choose=data)
    assert result.complete
    assert len([q for q in asked if not q.rephrased]) <= HARD_CAP
    # a question comes back at most once, and only in its simpler wording
    assert len({q.id for q in asked if not q.rephrased}) == len([q for q in asked if not q.rephrased])
    assert {q.id for q in asked if q.rephrased} <= {q.id for q in asked if not q.rephrased}


@settings(max_examples=100, deadline=None)
@given(facts_strategy, st.data())
def test_arbitrary_starting_facts_terminate_and_never_ask_an_answered_question(
    facts: Facts, data: st.DataObject
) -> None:
    _, asked, _ = run_interview(facts, choose=data)
    for q in asked:
        if q.finding is not None:
            assert not facts.is_answered(q.finding) or (q.rephrased and facts.answers.get(q.finding) is U)
        else:
            assert not facts.age_asked


@given(facts_strategy)
def test_the_next_question_is_never_one_already_answered(facts: Facts) -> None:
    q = assess(facts).next_question
    if q is None:
        return
    if q.finding is None:
        assert not facts.age_asked
    elif q.rephrased:
        assert facts.answers.get(q.finding) is U
    else:
        assert not facts.is_answered(q.finding)


@given(facts_strategy)
def test_emergency_ambulance_always_stops_the_interview(facts: Facts) -> None:
    result = assess(facts)
    if result.level is CareLevel.EMERGENCY_AMBULANCE:
        assert result.complete and result.questions_left == 0
    result = assess(facts.with_answer(F.COLD_PALE_LEG, P))
    assert result.level is CareLevel.EMERGENCY_AMBULANCE
    assert result.complete and result.questions_left == 0


@given(facts_strategy)
def test_the_fast_question_search_picks_the_most_informative_question(facts: Facts) -> None:
    from triage import evidence
    from triage.interview import _POOL, IN_PLAY, MECHANISMS, MIN_GAIN_BITS, best_discriminating

    post = evidence.posterior(facts.present, facts.absent, facts.age)
    best, _ = best_discriminating(facts, post)
    order = sorted(range(len(post)), key=post.__getitem__, reverse=True)[:IN_PLAY]
    total = sum(post[i] for i in order)
    weights = [(i, post[i] / total) for i in order]
    injury_possible = facts.answer(F.RECENT_INJURY) is not A
    candidates = _POOL if injury_possible else _POOL[len(MECHANISMS) :]
    pool = [f for f in candidates if not facts.is_answered(f)]
    gains = {f: evidence.information_gain(f, weights) for f in pool}
    if best is None:
        assert all(g <= MIN_GAIN_BITS + 0.01 for g in gains.values())
    else:
        assert gains[best] >= max(gains.values()) - 0.01


# --- length and the "about N more to go" estimate --------------------------------------------------


def _realistic(seed: int, p_yes: float) -> Callable[[Question], tuple[Answer, int]]:
    """Answers as real users give them: mostly "no", some "yes", a few "I don't know"."""
    rng = random.Random(seed)

    def choose(_: Question) -> tuple[Answer, int]:
        x = rng.random()
        answer = P if x < p_yes else U if x < p_yes + 0.05 else A
        return answer, rng.randint(18, 90)

    return choose


def _walk(facts: Facts, choose: Callable[[Question], tuple[Answer, int]]) -> tuple[list[int], Assessment]:
    """questions_left before each question, and the final assessment."""
    lefts: list[int] = []
    seen: set[str] = set()
    result = assess(facts)
    while result.next_question is not None:
        question = result.next_question
        assert question.id not in seen or question.rephrased
        seen.add(question.id)
        lefts.append(result.questions_left)
        answer, years = choose(question)
        facts = answer_question(facts, question, answer, years)
        result = assess(facts)
    return lefts, result


def test_the_opening_estimate_is_honest_and_at_most_fourteen() -> None:
    first = assess(Facts.empty())
    assert first.questions_left <= 14
    lefts, _ = _walk(Facts.empty(), lambda q: (A, 40))
    assert lefts[0] == first.questions_left
    # "about N": all-"no" answers take N give or take three (the estimate assumes 60 or over, where new
    # sudden pain and an injury are asked too; it drops once a younger age is given, never rises)
    assert abs(len(lefts) - lefts[0]) <= 3


def test_answering_no_never_raises_the_estimate_and_it_ends_at_zero() -> None:
    lefts, result = _walk(Facts.empty(), lambda q: (A, 40))
    assert all(b <= a for a, b in itertools.pairwise(lefts))
    assert all(n >= 1 for n in lefts)
    assert result.questions_left == 0
    assert len(lefts) <= 14


@pytest.mark.parametrize("p_yes", [0.1, 0.2, 0.3])
def test_a_typical_interview_is_short_and_never_over_the_cap(p_yes: float) -> None:
    lengths: list[int] = []
    for seed in range(300):
        lefts, result = _walk(Facts.empty(), _realistic(seed, p_yes))
        assert len(lefts) <= 2 * HARD_CAP
        # The estimate never jumps up by much (a "yes" to a screen adds the follow-ups that find which
        # of its findings it was) ...
        assert all(b - a <= 6 for a, b in itertools.pairwise(lefts)), lefts
        # ... and never promises more than the interview can still ask.
        assert all(n <= HARD_CAP - i for i, n in enumerate(lefts))
        if result.level < CareLevel.EMERGENCY:
            lengths.append(len(lefts))
    # Ten screens for everyone (issue 14's target of 7 is not met: see the xfail in test_interview_length),
    # then the follow-ups of each "yes" (blood thinners after any hot or swollen knee that may have
    # had a knock), and up to three cause questions while no cause has a reason yet.
    assert statistics.median(lengths) <= 13
    assert statistics.mean(lengths) <= 14.5


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_estimate_never_exceeds_the_questions_the_cap_allows(data: st.DataObject) -> None:
    facts = Facts.empty()
    result = assess(facts)
    asked = 0
    while result.next_question is not None:
        assert 1 <= result.questions_left <= HARD_CAP - asked
        facts = answer_question(
            facts, result.next_question, data.draw(answers, label="a"), data.draw(ages, label="y")
        )
        asked += 1
        result = assess(facts)
    assert result.questions_left == 0
