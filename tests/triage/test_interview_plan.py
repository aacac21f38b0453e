"""The fast question plan decides exactly as the plain definitions do.

``questions_left`` walks the rest of the interview without building a ``Facts`` per step: "what if
yes" checks read a view of the answers, and a monotone lower bound settles most of them. These
tests hold the fast checks to the plain definitions (a real ``Facts`` with the answer, the real
level), so a speed-up can never change a question or a care level.
"""

from __future__ import annotations

from hypothesis import given, settings
from triage_strategies import facts_strategy

from triage import Answer, Facts, evidence
from triage.interview import ALL_QUESTIONS, _level, _Plan, _raises, _ruled_out, _solo_level

P = Answer.PRESENT
ASKED_FINDINGS = [q.finding for q in ALL_QUESTIONS if q.finding is not None]


def _plan(facts: Facts) -> _Plan:
    post = evidence.posterior(facts.evidence_present, facts.evidence_absent, facts.age)
    return _Plan(facts, _level(facts), post, None)


@settings(max_examples=300, deadline=None)
@given(facts_strategy)
def test_the_plans_what_if_yes_equals_the_level_of_the_facts_with_that_yes(facts: Facts) -> None:
    plan = _plan(facts)
    level = _level(facts)
    for f in ASKED_FINDINGS:
        if not facts.is_answered(f) or facts.answers.get(f) is Answer.UNKNOWN:
            assert plan.raises(f) == _raises(facts, f, level), f


@settings(max_examples=300, deadline=None)
@given(facts_strategy)
def test_the_solo_level_never_exceeds_the_level_after_a_yes(facts: Facts) -> None:
    ruled_out = _ruled_out(facts.resolved)
    for f in ASKED_FINDINGS:
        if not facts.is_answered(f):
            assert _solo_level(f, facts.age, ruled_out) <= _level(facts.with_answer(f, P)), f


@settings(max_examples=200, deadline=None)
@given(facts_strategy)
def test_the_plans_level_is_the_level_of_the_facts(facts: Facts) -> None:
    plan = _plan(facts)
    plan.relevel()
    assert plan.level == _level(facts)
