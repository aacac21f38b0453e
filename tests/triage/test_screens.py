"""Grouped screening questions: every finding that can set the level is reachable in the interview.

A simulated person with some findings true answers each question "yes" when the question's finding is
true for them (a group when any of its findings is, a broader finding when a narrower one is), "no"
otherwise, and gives their age. The interview must end at least at the level of all their facts
given at once (everything else "no"): the interview never misses a finding that would raise the
level on its own or together with what is already known. (The usual-care floors of a well supported
cause, which need several findings of its own, are sought with at most MAX_FLOOR_QUESTIONS questions:
the rules that name a finding are compared here, and the golden vignettes check the floors.)
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from triage import Answer, Facts, Finding, QuestionKind, answer_question, assess
from triage.facts import IMPLIED_PRESENT, SCREENS
from triage.interview import _level
from triage.rules import fired_rules, level_and_flags
from triage.vocabulary import FINDING_GROUPS, GROUP_OF

P, A = Answer.PRESENT, Answer.ABSENT
F = Finding
#: Findings that are not asked about as such: screening groups' ids and a summary finding; and the
#: bladder question, which by design follows only back pain or leg nerve signs (review hazard 22: a urine
#: infection is not cauda equina); sitting still for long is volunteered (asked as a long journey).
_NOT_ON_ITS_OWN = frozenset(
    {*FINDING_GROUPS, F.KNEE_SWOLLEN_OR_HOT, F.BLADDER_BOWEL_CHANGE, F.MECH_LONG_SITTING_OR_TRAVEL}
)
SYMPTOMS = sorted(f for f in Finding if f not in _NOT_ON_ITS_OWN)
#: What else is true for a person with a finding: a knee that swelled within hours of an injury was injured.
_ALSO_TRUE: dict[Finding, tuple[Finding, ...]] = {F.RAPID_SWELLING: (F.RECENT_INJURY,)}
AGES = (10, 30, 58, 70)


def _true(findings: frozenset[Finding]) -> frozenset[Finding]:
    found = {*findings, *(b for f in findings for b in _ALSO_TRUE.get(f, ()))}
    return frozenset({*found, *(b for f in found for b in IMPLIED_PRESENT[f])})


def _all_at_once(true: frozenset[Finding], age: int) -> Facts:
    return Facts({f: P if f in true else A for f in Finding}).with_age(age)


def _rule_level(facts: Facts) -> int:
    """The level of the rules that name findings (without the causes' usual-care floors)."""
    return int(level_and_flags(fired_rules(facts, facts.escalating, False, False, False))[0])


def interview(true: frozenset[Finding], age: int) -> Facts:
    facts = Facts.empty()
    result = assess(facts)
    for _ in range(60):
        q = result.next_question
        if q is None:
            return facts
        if q.kind is QuestionKind.AGE:
            facts = answer_question(facts, q, P, age)
        else:
            assert q.finding is not None
            facts = answer_question(facts, q, P if q.finding in true else A)
        result = assess(facts)
    raise AssertionError("the interview does not end")


@pytest.mark.parametrize("age", AGES)
def test_a_finding_that_sets_the_level_on_its_own_is_always_found(age: int) -> None:
    """Each finding alone, at this age: the interview reaches the level of the finding said at once."""
    missed = {}
    for finding in SYMPTOMS:
        true = _true(frozenset({finding}))
        reached, due = _level(interview(true, age)), _level(_all_at_once(true, age))
        if reached < due:
            missed[finding.value] = (reached, due)
    assert not missed, missed


@settings(max_examples=300, deadline=None)
@given(st.frozensets(st.sampled_from(SYMPTOMS), min_size=2, max_size=4), st.sampled_from(AGES))
# a knock more than a week ago ("no" to an injury in the last week), blood thinners, a hot knee: a
# possible bleed into the joint, found once by a random run (the rule's three triggers gate the question)
@example(frozenset({F.MECH_BLOW_OR_FALL, F.BLOOD_THINNERS, F.KNEE_HOT}), 30)
def test_findings_that_set_the_level_together_are_found(findings: frozenset[Finding], age: int) -> None:
    true = _true(findings)
    assert _level(interview(true, age)) >= _rule_level(_all_at_once(true, age))


def test_every_atom_belongs_to_one_group_and_groups_do_not_nest() -> None:
    atoms = [a for group in FINDING_GROUPS.values() for a in group]
    assert len(atoms) == len(set(atoms))
    assert not set(atoms) & set(FINDING_GROUPS)
    assert all(GROUP_OF[a] in IMPLIED_PRESENT[a] for a in atoms)


def test_a_screen_answered_no_rules_out_every_finding_it_screens() -> None:
    for group in FINDING_GROUPS:
        facts = Facts({group: A})
        assert all(facts.answer(x) is A for x in SCREENS[group]), group


def test_a_narrower_finding_makes_its_broader_finding_and_their_group_present() -> None:
    facts = Facts({F.LOCKED_NOW: P, F.RAPID_SWELLING: P, F.PULSATING_LUMP: P, F.SEVERE_WEAKNESS: P})
    for f in (F.LOCKING, F.KNEE_SIGNS, F.SWELLING_KNEE, F.LUMP_BEHIND_KNEE, F.OTHER_SIGNS, F.SEVERITY_SIGNS):
        assert facts.answer(f) is P, f
