"""Interview length and honesty over the golden vignettes (issue 14, "Ask little").

Each golden vignette is played through ``assess`` + ``answer_question`` as the ``make evaluate``
patient plays it through the skill (``bench/interview_lengths.py``): present findings "yes", unsure
ones "not sure", everything else "no", the age when asked, and the findings its opening names given
up front.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from triage_strategies import facts_strategy

from bench.interview_lengths import Played, play_all
from triage import Answer, CareLevel, Facts, Finding, Question, QuestionKind, answer_question, assess
from triage.engine import COUNTDOWN_MAX, COUNTDOWN_SLACK, countdown
from triage.interview import _CERTAIN_SCREENS as SCREEN_SET
from triage.interview import ALL_QUESTIONS, _level, certainly_left

P, A, U = Answer.PRESENT, Answer.ABSENT, Answer.UNKNOWN


@pytest.fixture(scope="session")
def played() -> list[Played]:
    """Every golden vignette played (computed once per test process, when a test needs it)."""
    return play_all()


#: The most the estimate rises after one "yes": the follow-ups of the largest screen and theirs.
MAX_RISE_AFTER_A_YES = 7
#: The age the "questions left" estimate assumes for a "no" walk (its longer path).
ESTIMATE_AGE = 60


def _no_to_everything_unasked(facts: Facts) -> Facts:
    """``facts`` with a "no" to every interview question not answered yet (the age left as it is)."""
    for q in ALL_QUESTIONS:
        if q.finding is not None and not facts.is_answered(q.finding):
            facts = facts.with_answer(q.finding, A)
    return facts


def _reply(facts: Facts, q: Question, answer: Answer) -> Facts:
    if q.kind is QuestionKind.AGE:
        return answer_question(facts, q, P, ESTIMATE_AGE)
    return answer_question(facts, q, answer)


# --- the golden vignettes ------------------------------------------------------------------------


def test_every_golden_vignette_interview_ends_and_asks_nothing_twice_but_a_simpler_re_ask(
    played: list[Played],
) -> None:
    assert len(played) >= 150
    for p in played:
        plain = [q for q in p.asked if not q.endswith("*")]
        assert len(plain) == len(set(plain)), p
        assert all(q.rstrip("*") in plain for q in p.asked if q.endswith("*")), p


@pytest.mark.xfail(
    strict=True,
    reason="not met yet: every finding that can set the level on its own takes ten screening turns "
    "(three red flags, the clot signs, the age, two clot-risk groups, severity, the knee, anything "
    'else), before any follow-up: see docs/ARCHITECTURE.md, "Interview length"',
)
def test_golden_vignette_interviews_take_a_median_of_at_most_7_and_at_most_10_questions(
    played: list[Played],
) -> None:
    counts = [p.questions for p in played]
    assert statistics.median(counts) <= 7
    assert max(counts) <= 10


def test_no_golden_vignette_interview_ends_below_its_expected_level(played: list[Played]) -> None:
    below = [(p.id, p.level, p.expected) for p in played if p.below]
    assert not below, below


def test_every_golden_interview_ends_at_or_above_the_level_of_its_answers_with_the_rest_no(
    played: list[Played],
) -> None:
    """Stopping early never lowers the level: what was not asked stays unknown, never below "no"."""
    for p in played:
        assert p.level >= _level(_no_to_everything_unasked(p.facts)), p.id
        assert p.level == assess(p.facts).level


# --- an unasked question stays UNKNOWN, which the rules never treat as lower than "no" -------------


@settings(max_examples=300, deadline=None)
@given(facts_strategy)
def test_an_unasked_question_never_counts_lower_than_a_no(facts: Facts) -> None:
    assert assess(facts).level >= _level(_no_to_everything_unasked(facts))


@settings(max_examples=200, deadline=None)
@given(facts_strategy, st.data())
def test_stopping_where_the_interview_stops_never_lowers_the_level(facts: Facts, data: st.DataObject) -> None:
    result = assess(facts)
    for _ in range(40):
        q = result.next_question
        if q is None:
            break
        facts = _reply(facts, q, data.draw(st.sampled_from([P, A, U]), label=q.id))
        result = assess(facts)
    assert result.complete
    assert result.level >= _level(_no_to_everything_unasked(facts))


# --- "about N more" is honest ---------------------------------------------------------------------


def _no_walk(facts: Facts) -> list[int]:
    """questions_left before each question when every answer is "no" (the age: 60)."""
    lefts: list[int] = []
    result = assess(facts)
    while (q := result.next_question) is not None:
        lefts.append(result.questions_left)
        facts = _reply(facts, q, A)
        result = assess(facts)
        assert len(lefts) <= 40
    assert result.questions_left == 0
    return lefts


@settings(max_examples=200, deadline=None)
@given(facts_strategy)
def test_with_no_answers_questions_left_is_exact_within_one_and_never_goes_up(facts: Facts) -> None:
    lefts = _no_walk(facts)
    for i, left in enumerate(lefts):
        assert abs(left - (len(lefts) - i)) <= 1, lefts
        assert left >= 1
    assert all(b <= a for a, b in itertools.pairwise(lefts)), lefts


def _opening(p: Played) -> Facts:
    """The findings the vignette's opening gives up front (as ``played`` worked them out)."""
    return Facts({f: P for f in frozenset(Finding(value) for value in p.volunteered)})


def test_with_no_answers_questions_left_is_exact_on_every_golden_opening(played: list[Played]) -> None:
    for p in played:
        lefts = _no_walk(_opening(p))
        assert lefts == list(range(len(lefts), 0, -1)), (p.id, lefts)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_after_a_yes_questions_left_rises_by_at_most_the_follow_ups_of_one_screen(
    data: st.DataObject,
) -> None:
    """A "yes" to a screen brings the follow-ups that find which of its findings it was (and what
    those bring: fever after a swollen knee, the bladder question after back pain); the estimate
    then rises by at most that many. The issue's target ("only goes down") is the xfail test below."""
    facts = Facts.empty()
    result = assess(facts)
    while (q := result.next_question) is not None:
        answer = data.draw(st.sampled_from([P, A, A, A, U]), label=q.id)
        before = result.questions_left
        facts = _reply(facts, q, answer)
        result = assess(facts)
        if result.next_question is not None and q.kind is not QuestionKind.AGE:
            assert result.questions_left <= before - 1 + MAX_RISE_AFTER_A_YES


def test_the_all_no_interview_is_fourteen_questions_at_most_and_ends_in_self_care() -> None:
    """Ten screens (three red flags, the clot signs, the age, two clot-risk groups, severity, the knee,
    anything else), at 60 or over new sudden pain and an injury (each alone a same-day reason), and
    up to two questions towards a cause's usual care, which "no" answers end."""
    lefts = _no_walk(Facts.empty())
    assert len(lefts) <= 14
    facts = Facts.empty()
    result = assess(facts)
    while (q := result.next_question) is not None:
        facts = _reply(facts, q, A)
        result = assess(facts)
    assert result.level is CareLevel.SELF_CARE


# --- the countdown the user hears ("about N more") --------------------------------------------------


def _broken_promises(facts: Facts, answer: Callable[[Facts, Question], Facts]) -> tuple[int, list[str]]:
    """Plays an interview from ``facts`` with ``answer``; (countdowns promised, the ones broken:
    followed by more than the promise plus COUNTDOWN_SLACK questions)."""
    result = assess(facts)
    promises: list[tuple[int, int]] = []
    asked = 0
    while (q := result.next_question) is not None:
        promised = countdown(facts, result)
        if promised is not None:
            promises.append((asked, promised))
        facts = answer(facts, q)
        asked += 1
        result = assess(facts)
        assert asked <= 40
    broken = [
        f"{n} more at question {at + 1} of {asked}" for at, n in promises if asked - at > n + COUNTDOWN_SLACK
    ]
    return len(promises), broken


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_promised_countdown_is_never_short_by_more_than_one_whatever_the_answers(
    data: st.DataObject,
) -> None:
    """``countdown`` promises a number only when no way of answering can take the interview past it
    by more than one question (review: "about 12 more" ran 12, 10, 7, 4, 5, 1, then 2 more)."""

    def answer(facts: Facts, q: Question) -> Facts:
        if q.kind is QuestionKind.AGE:
            return answer_question(facts, q, P, data.draw(st.integers(5, 95), label="age"))
        return answer_question(facts, q, data.draw(st.sampled_from([P, A, A, U]), label=q.id))

    assert _broken_promises(Facts.empty(), answer)[1] == []


def test_the_countdown_is_kept_on_every_golden_vignette_and_said_on_some(played: list[Played]) -> None:
    from evaluate.vignettes import Truth, Vignette, load

    truth = {Truth.YES: P, Truth.NO: A, Truth.UNSURE: U}

    def patient(v: Vignette) -> Callable[[Facts, Question], Facts]:
        def answer(facts: Facts, q: Question) -> Facts:
            if q.kind is QuestionKind.AGE:
                return answer_question(facts, q, P if v.age is not None else U, v.age)
            assert q.finding is not None
            return answer_question(facts, q, truth[v.truth(q.finding.value)])

        return answer

    said = 0
    openings = {p.id: _opening(p) for p in played}
    for v in load():
        promised, broken = _broken_promises(openings[v.id], patient(v))
        assert broken == [], v.id
        said += promised
    assert said >= 50  # the promise is made where it can be kept, not never


def test_no_countdown_is_promised_far_from_the_end() -> None:
    facts = Facts.empty()
    result = assess(facts)
    assert result.questions_left > COUNTDOWN_MAX
    assert countdown(facts, result) is None


def test_the_cheap_bound_alone_rules_out_a_countdown_at_the_start_of_an_interview() -> None:
    """``certainly_left`` (held never above ``questions_left`` on every case of the speed snapshot,
    ``test_speed_equivalence``) is more than is ever counted down while the screens and the age are
    ahead, so ``countdown`` can answer from it alone there."""
    for facts in (Facts.empty(), Facts({Finding.PE_SIGNS: A})):
        result = assess(facts)
        assert certainly_left(facts, result.level) > COUNTDOWN_MAX
        assert countdown(facts, result) is None


#: Facts near the end of an interview with some screens left open: everything but the screens and
#: the age answered at random, then the screens left open or answered at random.
_late_facts = st.builds(
    lambda rest, screens, age: (
        Facts({**rest, **screens}).with_age(age) if age is not None else Facts({**rest, **screens})
    ),
    st.dictionaries(
        st.sampled_from([f for f in Finding if f not in SCREEN_SET]),
        st.sampled_from([P, A, A, A, U]),
        min_size=10,
        max_size=60,
    ),
    st.dictionaries(st.sampled_from(sorted(SCREEN_SET)), st.sampled_from([P, A, U]), max_size=3),
    st.one_of(st.none(), st.integers(0, 100)),
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(facts_strategy, _late_facts))
def test_the_cheap_bound_holds_for_facts_late_in_an_interview(facts: Facts) -> None:
    result = assess(facts)
    if result.next_question is not None:
        assert certainly_left(facts, result.level) <= result.questions_left
