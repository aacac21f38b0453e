"""Safety rules: the most urgent rule wins, flags are never lost, and nothing ever reassures."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from triage_strategies import ages, facts_strategy, findings

from triage import (
    FINDING_GROUPS,
    RED_FLAG_FINDINGS,
    Answer,
    CareLevel,
    Facts,
    Finding,
    Flag,
    RuleId,
    assess,
)
from triage.rules import CLOT_RISK_FACTORS, DVT_LEG_SIGNS, RULE_LEVEL

P, A, U = Answer.PRESENT, Answer.ABSENT, Answer.UNKNOWN
F = Finding
PE_SIGNS_ANY = (F.PE_SIGNS, *FINDING_GROUPS[F.PE_SIGNS])
LEG_PAIN = (F.PAIN_CALF, F.PAIN_BEHIND_KNEE)


def level(facts: Facts) -> CareLevel:
    return assess(facts).level


@given(facts_strategy, st.sampled_from(PE_SIGNS_ANY))
def test_chest_pain_or_any_pe_sign_means_call_now_whatever_the_leg_shows(facts: Facts, sign: Finding) -> None:
    result = assess(facts.with_answer(sign, P))
    assert result.level is CareLevel.EMERGENCY_AMBULANCE
    assert Flag.SUSPECTED_PE in result.flags
    assert result.emergency_guidance_required
    assert result.complete


@given(facts_strategy, st.sampled_from(LEG_PAIN), st.sampled_from(CLOT_RISK_FACTORS))
def test_calf_or_back_of_knee_pain_plus_any_clot_risk_factor_means_suspected_dvt(
    facts: Facts, pain: Finding, risk: Finding
) -> None:
    result = assess(facts.with_answer(pain, P).with_answer(risk, P))
    assert Flag.SUSPECTED_DVT in result.flags
    assert result.level >= CareLevel.CONSULTATION_24
    assert result.emergency_guidance_required


@given(facts_strategy, st.sampled_from(LEG_PAIN), st.sampled_from(DVT_LEG_SIGNS))
def test_calf_or_back_of_knee_pain_plus_any_clot_sign_means_suspected_dvt(
    facts: Facts, pain: Finding, sign: Finding
) -> None:
    result = assess(facts.with_answer(pain, P).with_answer(sign, P))
    assert Flag.SUSPECTED_DVT in result.flags
    assert result.level >= CareLevel.CONSULTATION_24


@given(st.sampled_from(LEG_PAIN), st.integers(min_value=60, max_value=110))
def test_age_alone_never_raises_the_clot_flag(pain: Finding, years: int) -> None:
    """Changed (review hazard 16): 60 or over with back-of-knee pain used to mean a suspected clot."""
    facts = Facts({pain: P, F.GRADUAL_ONSET: P, F.PERSISTENT_WEEKS: P}).with_age(years)
    assert Flag.SUSPECTED_DVT not in assess(facts).flags


@given(st.sampled_from(LEG_PAIN), st.integers(min_value=60, max_value=110))
def test_age_adds_to_new_sudden_calf_or_back_of_knee_pain(pain: Finding, years: int) -> None:
    facts = Facts({pain: P, F.SUDDEN_ONSET: P}).with_age(years)
    assert Flag.SUSPECTED_DVT in assess(facts).flags


@given(facts_strategy, st.sampled_from(sorted(RED_FLAG_FINDINGS)))
def test_adding_a_red_flag_finding_never_lowers_the_level(facts: Facts, red_flag: Finding) -> None:
    before = assess(facts)
    after = assess(facts.with_answer(red_flag, P))
    assert after.level >= before.level
    assert before.flags <= after.flags


@given(facts_strategy, findings)
def test_any_finding_turning_present_never_lowers_the_level(facts: Facts, finding: Finding) -> None:
    assert level(facts.with_answer(finding, P)) >= level(facts)


@given(facts_strategy, findings)
def test_an_unknown_answer_never_gives_a_lower_level_than_absent(facts: Facts, finding: Finding) -> None:
    unknown = assess(facts.with_answer(finding, U))
    absent = assess(facts.with_answer(finding, A))
    assert unknown.level >= absent.level
    assert absent.flags <= unknown.flags


@given(facts_strategy, ages, ages)
def test_being_older_never_lowers_the_level_for_adults(facts: Facts, a: int | None, b: int | None) -> None:
    """Changed: a child (under 16) is now at least a same-day doctor, so the ages compared are adults."""
    young, old = sorted((max(16, a or 0), max(16, b or 0)))
    assert level(facts.with_age(old)) >= level(facts.with_age(young))


@given(facts_strategy)
def test_rules_are_listed_most_urgent_first_and_the_first_sets_the_level(facts: Facts) -> None:
    result = assess(facts)
    levels = [RULE_LEVEL[r] for r in result.rules]
    assert levels == sorted(levels, reverse=True)
    assert levels[0] is result.level


def test_the_dvt_flag_is_raised_even_when_a_more_urgent_rule_fires() -> None:
    facts = Facts({F.PAIN_CALF: P, F.SWELLING_CALF: P, F.LOCKED_NOW: P})
    result = assess(facts)
    assert result.level is CareLevel.EMERGENCY
    assert {Flag.SUSPECTED_DVT, Flag.LOCKED_KNEE} <= result.flags
    assert result.rules[0] is RuleId.LOCKED_KNEE
    assert RuleId.DVT_SIGNS in result.rules


def test_a_known_bakers_cyst_never_lowers_dvt_urgency() -> None:
    clot = Facts({F.PAIN_BEHIND_KNEE: P, F.SWELLING_CALF: P})
    with_cyst = clot.with_answer(F.LUMP_BEHIND_KNEE, P)
    assert Flag.SUSPECTED_DVT in assess(with_cyst).flags
    assert level(with_cyst) >= level(clot)


def test_a_muscle_strain_story_never_removes_the_dvt_flag() -> None:
    strain = Facts(
        {F.PAIN_CALF: P, F.SWELLING_CALF: P, F.RECENT_INJURY: P, F.MECH_SPRINT: P, F.SUDDEN_ONSET: P}
    )
    assert Flag.SUSPECTED_DVT in assess(strain).flags


def test_pain_in_both_legs_alone_does_not_clear_a_suspected_clot() -> None:
    facts = Facts({F.PAIN_CALF: P, F.WARMTH: P, F.BOTH_LEGS: P, F.ONE_LEG: A})
    assert Flag.SUSPECTED_DVT in assess(facts).flags


def test_ruling_out_calf_and_back_of_knee_pain_is_the_only_way_leg_signs_do_not_mean_clot() -> None:
    facts = Facts({F.PAIN_CALF: A, F.PAIN_BEHIND_KNEE: A, F.SWELLING_KNEE: P, F.WARMTH: P})
    assert Flag.SUSPECTED_DVT not in assess(facts).flags


def test_a_negative_ottawa_rule_never_lowers_the_level() -> None:
    injured = Facts({F.RECENT_INJURY: P, F.GIVING_WAY: P})
    negative = injured.with_answer(F.CANNOT_BEAR_WEIGHT, A).with_answer(F.CANNOT_BEND_90, A).with_age(30)
    assert level(negative) >= level(injured)
    assert Flag.POSSIBLE_FRACTURE not in assess(negative).flags


def test_ottawa_age_of_fifty_five_after_an_injury_means_an_x_ray_today() -> None:
    result = assess(Facts({F.RECENT_INJURY: P}).with_age(55))
    assert Flag.POSSIBLE_FRACTURE in result.flags
    assert result.level >= CareLevel.CONSULTATION_24


def test_a_hot_swollen_knee_with_fever_means_the_emergency_department() -> None:
    result = assess(Facts({F.SWELLING_KNEE: P, F.FEVER_UNWELL: P}))
    assert result.level is CareLevel.EMERGENCY
    assert Flag.SEPTIC_ARTHRITIS in result.flags


def test_fever_alone_is_not_septic_arthritis() -> None:
    assert Flag.SEPTIC_ARTHRITIS not in assess(Facts({F.FEVER_UNWELL: P})).flags


def test_nothing_reported_is_self_care_with_the_no_warning_signs_rule() -> None:
    result = assess(Facts.empty())
    assert result.level is CareLevel.SELF_CARE
    assert result.rules == (RuleId.NO_WARNING_SIGNS,)
    assert not result.emergency_guidance_required


def test_the_safety_net_lists_pe_signs_first_and_never_a_sign_already_reported() -> None:
    result = assess(Facts({F.WARMTH: P}))
    assert result.safety_net[:3] == FINDING_GROUPS[F.PE_SIGNS]
    assert F.WARMTH not in result.safety_net


def test_every_rule_has_a_level_and_rule_ids_are_stable_strings() -> None:
    assert set(RULE_LEVEL) == set(RuleId)
    assert all(r.value == r.name.lower() for r in RuleId)


def test_causes_are_ranked_best_first_with_scores_between_zero_and_one() -> None:
    result = assess(Facts({F.PAIN_KNEECAP: P, F.PAIN_ON_STAIRS_OR_SITTING: P, F.GRINDING: P}))
    scores = [c.score for c in result.causes]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert 1 <= len(result.causes) <= 4
    top = result.causes[0]
    assert F.GRINDING in top.supporting


def test_an_absent_key_finding_argues_against_a_cause() -> None:
    result = assess(Facts({F.PAIN_THIGH: P, F.MECH_SPRINT: P, F.SUDDEN_ONSET: A}))
    hamstring = next(c for c in result.causes if c.condition.value == "hamstring_injury")
    assert F.SUDDEN_ONSET in hamstring.against
    assert F.PAIN_THIGH in hamstring.supporting
