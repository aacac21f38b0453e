"""Facts: immutable answers, group implications and robust JSON for session attributes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from triage_strategies import facts_strategy

from triage import FINDING_GROUPS, Answer, Facts, Finding

P, A, U = Answer.PRESENT, Answer.ABSENT, Answer.UNKNOWN
PE_ATOMS = FINDING_GROUPS[Finding.PE_SIGNS]


def test_a_finding_never_asked_is_unknown() -> None:
    assert Facts.empty().answer(Finding.PAIN_CALF) is U
    assert not Facts.empty().is_answered(Finding.PAIN_CALF)


def test_i_dont_know_counts_as_answered_but_stays_unknown() -> None:
    facts = Facts.empty().with_answer(Finding.WARMTH, U)
    assert facts.answer(Finding.WARMTH) is U
    assert facts.is_answered(Finding.WARMTH)


def test_any_pe_sign_present_makes_the_pe_group_present() -> None:
    for atom in PE_ATOMS:
        assert Facts({atom: P}).answer(Finding.PE_SIGNS) is P


def test_a_present_pe_sign_overrides_a_no_to_the_screening_question() -> None:
    facts = Facts({Finding.PE_SIGNS: A, Finding.CHEST_PAIN: P})
    assert facts.answer(Finding.PE_SIGNS) is P


def test_no_to_the_pe_screening_question_rules_out_each_sign() -> None:
    facts = Facts({Finding.PE_SIGNS: A})
    assert all(facts.answer(atom) is A for atom in PE_ATOMS)


def test_all_pe_signs_absent_means_the_group_is_absent() -> None:
    facts = Facts(dict.fromkeys(PE_ATOMS, A))
    assert facts.answer(Finding.PE_SIGNS) is A


def test_a_locked_knee_implies_locking_and_no_locking_rules_out_locked_now() -> None:
    assert Facts({Finding.LOCKED_NOW: P}).answer(Finding.LOCKING) is P
    assert Facts({Finding.LOCKING: A}).answer(Finding.LOCKED_NOW) is A


def test_one_leg_rules_out_both_legs_but_not_the_other_way_round_from_a_no() -> None:
    assert Facts({Finding.ONE_LEG: P}).answer(Finding.BOTH_LEGS) is A
    assert Facts({Finding.ONE_LEG: A}).answer(Finding.BOTH_LEGS) is U


def test_facts_are_immutable_values() -> None:
    base = Facts.empty()
    changed = base.with_answer(Finding.PAIN_CALF, P)
    assert base.answer(Finding.PAIN_CALF) is U
    assert changed != base
    assert Facts({Finding.PAIN_CALF: P, Finding.WARMTH: A}) == Facts(
        {Finding.WARMTH: A, Finding.PAIN_CALF: P}
    )
    assert hash(Facts({Finding.PAIN_CALF: P}).with_age(40)) == hash(Facts({Finding.PAIN_CALF: P}, age=40))


def test_age_is_recorded_and_out_of_range_ages_are_dropped() -> None:
    assert Facts.empty().with_age(47).age == 47
    assert Facts.empty().with_age(47).age_asked
    dont_know = Facts.empty().with_age(None)
    assert dont_know.age is None and dont_know.age_asked
    assert Facts.empty().with_age(400).age is None


def test_json_round_trip_keeps_answers_and_age() -> None:
    facts = Facts({Finding.PAIN_CALF: P, Finding.PE_SIGNS: A, Finding.WARMTH: U}).with_age(61)
    data = json.loads(json.dumps(facts.to_json()))
    assert Facts.from_json(data) == facts


def test_from_json_ignores_unknown_keys_and_values() -> None:
    data = {
        "answers": {"pain_calf": "present", "nonsense": "present", "warmth": "maybe", "fever_unwell": 3},
        "age": "sixty",
        "extra": [1, 2],
    }
    facts = Facts.from_json(data)
    assert facts == Facts({Finding.PAIN_CALF: P})


def test_from_json_rejects_booleans_and_absurd_ages() -> None:
    assert Facts.from_json({"age": True}).age is None
    assert Facts.from_json({"age": -3}).age is None
    assert Facts.from_json({"age": 10**100}).age is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=30,
)
answers_like = st.dictionaries(
    st.sampled_from([f.value for f in Finding]) | st.text(max_size=10),
    st.sampled_from([a.value for a in Answer]) | json_values,
    max_size=10,
)


@given(json_values)
def test_from_json_never_raises_on_arbitrary_json(data: object) -> None:
    assert isinstance(Facts.from_json(data), Facts)


@given(answers_like, json_values, json_values)
def test_from_json_never_raises_on_almost_valid_session_attributes(
    answers: object, age: object, asked: object
) -> None:
    assert isinstance(Facts.from_json({"answers": answers, "age": age, "age_asked": asked}), Facts)


@given(facts_strategy)
def test_every_facts_value_survives_a_json_round_trip(facts: Facts) -> None:
    assert Facts.from_json(json.loads(json.dumps(facts.to_json()))) == facts


@pytest.mark.parametrize("group", list(FINDING_GROUPS))
def test_every_group_follows_the_same_rules(group: Finding) -> None:
    atoms = FINDING_GROUPS[group]
    assert all(Facts({a: P}).answer(group) is P for a in atoms)
    assert all(Facts({group: A}).answer(a) is A for a in atoms)
    assert Facts({group: A, atoms[0]: P}).answer(group) is P
    assert Facts({group: P}).answer(atoms[0]) is U
    assert Facts(dict.fromkeys(atoms, A)).answer(group) is A


def test_a_group_is_evidence_only_while_none_of_its_atoms_is_present() -> None:
    bare = Facts({Finding.RECENT_IMMOBILITY: P})
    assert Finding.RECENT_IMMOBILITY in bare.evidence_present
    with_atom = Facts({Finding.RECENT_IMMOBILITY: P, Finding.LONG_JOURNEY: P})
    assert Finding.RECENT_IMMOBILITY not in with_atom.evidence_present
    assert Finding.LONG_JOURNEY in with_atom.evidence_present
    denied = Facts({Finding.RECENT_IMMOBILITY: A})
    assert Finding.LONG_JOURNEY in denied.absent
    # The group stands for its four absent atoms: the same evidence, one vector.
    assert Finding.RECENT_IMMOBILITY in denied.evidence_absent
    assert Finding.LONG_JOURNEY not in denied.evidence_absent
    unsure = Facts({Finding.RECENT_IMMOBILITY: A, Finding.LONG_JOURNEY: U})
    assert Finding.RECENT_IMMOBILITY not in unsure.evidence_absent
    assert Finding.RECENT_SURGERY in unsure.evidence_absent


@given(facts_strategy)
def test_grouped_evidence_gives_the_same_ranking_as_the_atoms(facts: Facts) -> None:
    from triage import evidence

    atoms_only = [f for f in facts.absent if f not in FINDING_GROUPS]
    by_atoms = evidence.posterior(facts.evidence_present, atoms_only, facts.age)
    grouped = evidence.posterior(facts.evidence_present, facts.evidence_absent, facts.age)
    assert grouped == pytest.approx(by_atoms, rel=1e-9, abs=1e-12)
