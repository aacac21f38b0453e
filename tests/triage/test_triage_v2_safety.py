"""Triage v2: the clinical safety review's hazards and content items, one test per rule or hazard.

Each test fails on the rules of main at 7ce063a. Sources: clinical-facts 2.1-2.13 (see content).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from triage_strategies import facts_strategy

from triage import Answer, CareLevel, Condition, Facts, Finding, Flag, RuleId, answer_question, assess
from triage.evidence import TYPICAL_CARE
from triage.interview import LIFE_THREAT_FINDINGS, QUESTION_BY_ID, REPHRASE_FINDINGS, Stage, question_for
from triage.vocabulary import FINDING_GROUPS, SELF_CARE_UNSAFE_FLAGS

P, A, U, X = Answer.PRESENT, Answer.ABSENT, Answer.UNKNOWN, Answer.UNCLEAR
F = Finding
ROOT = Path(__file__).resolve().parents[2]
#: The fixed screens answered "no" (as a user would before the finding under test).
SCREENED = {**dict.fromkeys(LIFE_THREAT_FINDINGS, A), F.SKIN_CHANGES: A}


def facts(**answers: Answer) -> Facts:
    return Facts({F(k): v for k, v in answers.items()})


def level(f: Facts) -> CareLevel:
    return assess(f).level


# --- hazard 1: "not sure" to a red-flag question ----------------------------------------------------


@pytest.mark.parametrize("finding", sorted(set(LIFE_THREAT_FINDINGS) | {F.SKIN_CHANGES}))
def test_a_first_not_sure_to_a_red_flag_screen_is_asked_again_in_simpler_words(finding: Finding) -> None:
    question = QUESTION_BY_ID[finding.value]
    after = answer_question(Facts(SCREENED).with_answer(finding, U), question, U)
    first = answer_question(Facts({k: v for k, v in SCREENED.items() if k is not finding}), question, U)
    nxt = assess(first).next_question
    assert nxt is not None and nxt.finding is finding and nxt.rephrased
    assert after.answer(finding) is X


def test_not_sure_twice_to_the_breathing_screen_means_call_now() -> None:
    q = QUESTION_BY_ID["pe_signs"]
    f = answer_question(Facts({F.PAIN_CALF: P}), q, U)
    f = answer_question(f, assess(f).next_question or q, U)
    result = assess(f)
    assert f.answer(F.PE_SIGNS) is X
    assert result.level is CareLevel.EMERGENCY_AMBULANCE


def test_not_sure_to_every_question_never_ends_in_self_care() -> None:
    f = Facts({F.PAIN_BEHIND_KNEE: P})
    result = assess(f)
    while result.next_question is not None:
        f = answer_question(f, result.next_question, U, None)
        result = assess(f)
    assert result.level >= CareLevel.CONSULTATION_24


@pytest.mark.parametrize("group", [F.RECENT_IMMOBILITY, F.CLOT_HISTORY])
def test_not_sure_twice_to_a_clot_risk_group_with_calf_pain_suspects_a_clot(group: Finding) -> None:
    assert Flag.SUSPECTED_DVT in assess(Facts({F.PAIN_CALF: P, group: X})).flags


def test_a_rephrased_question_has_its_own_simpler_text_in_every_locale() -> None:
    from content.loader import load as load_content

    for locale in ("en-US", "en-GB", "en-CA", "en-AU", "en-IN"):
        bundle = load_content(locale)
        for finding in REPHRASE_FINDINGS:
            item = bundle.interview.findings[finding]
            assert item.simpler and item.simpler != item.question, finding


@given(facts_strategy, st.sampled_from(sorted(REPHRASE_FINDINGS)))
def test_unclear_never_gives_a_lower_level_than_unknown_or_absent(f: Facts, finding: Finding) -> None:
    unclear, unknown = assess(f.with_answer(finding, X)), assess(f.with_answer(finding, U))
    assert unclear.level >= unknown.level
    assert unknown.flags <= unclear.flags


# --- hazard 2: PE screen now or in the last days, fainting on its own -------------------------------


def test_no_to_breathing_and_chest_pain_no_longer_rules_out_fainting() -> None:
    f = Facts({F.PE_SIGNS: A})
    assert f.answer(F.FAINTING) is U
    nxt = assess(f).next_question
    assert nxt is not None and nxt.finding is F.FAINT_OR_RACING_HEART


@pytest.mark.parametrize("sign", [F.FAINTING, F.RACING_HEART, F.FAINT_OR_RACING_HEART])
def test_fainting_or_a_racing_heart_means_call_now(sign: Finding) -> None:
    result = assess(Facts({sign: P}))
    assert result.level is CareLevel.EMERGENCY_AMBULANCE and Flag.SUSPECTED_PE in result.flags


def test_the_breathing_screen_asks_about_the_last_few_days() -> None:
    from content.loader import load as load_content

    question = load_content("en-GB").interview.findings[F.PE_SIGNS].question
    assert "last few days" in question and "faint" not in question


# --- hazard 4: limb ischaemia without pallor; pulsating lump -----------------------------------------


def test_sudden_severe_pain_with_numbness_or_weakness_means_call_now_without_a_pale_leg() -> None:
    result = assess(Facts({F.SUDDEN_NUMB_WEAK_LEG: P, F.COLD_PALE_LEG: A}).with_age(45))
    assert result.level is CareLevel.EMERGENCY_AMBULANCE and Flag.LIMB_ISCHAEMIA in result.flags


def test_a_lump_that_throbs_is_a_possible_aneurysm_to_see_today() -> None:
    result = assess(Facts({**SCREENED, F.PULSATING_LUMP: P}))
    assert result.level >= CareLevel.CONSULTATION_24 and Flag.POPLITEAL_ANEURYSM in result.flags


# --- hazard 5: compartment syndrome -----------------------------------------------------------------


@pytest.mark.parametrize("cause", [F.PLASTER_CAST, F.FRACTURE_OR_CRUSH])
@pytest.mark.parametrize("sign", [F.SEVERE_PAIN, F.NUMBNESS_TINGLING, F.TIGHT_CALF, F.SUDDEN_WORSENING])
def test_a_cast_or_fracture_with_severe_pain_numbness_or_a_tight_calf_means_the_emergency_department(
    cause: Finding, sign: Finding
) -> None:
    result = assess(Facts({**SCREENED, cause: P, sign: P}))
    assert result.level >= CareLevel.EMERGENCY and Flag.COMPARTMENT_SYNDROME in result.flags
    assert RuleId.COMPARTMENT_SYNDROME in result.rules


# --- hazard 6: every urgent flag, fracture included ----------------------------------------------------


def test_an_older_person_after_a_knock_hears_the_fracture_reason_beside_the_clot() -> None:
    result = assess(Facts({F.RECENT_INJURY: P, F.PAIN_CALF: P, F.SWELLING_CALF: P}).with_age(62))
    assert Flag.POSSIBLE_FRACTURE in result.urgent_flags and Flag.SUSPECTED_DVT in result.urgent_flags


def test_urgent_flags_are_at_most_three_most_urgent_first_and_keep_a_possible_fracture() -> None:
    f = Facts(
        {
            F.FEVER_UNWELL: P,
            F.SWELLING_KNEE: P,
            F.LOCKED_NOW: P,
            F.DEFORMITY: P,
            F.PAIN_CALF: P,
            F.SWELLING_CALF: P,
            F.RECENT_INJURY: P,
            F.CANNOT_BEND_90: P,
        }
    )
    result = assess(f)
    assert len(result.urgent_flags) == 3
    assert Flag.POSSIBLE_FRACTURE in result.urgent_flags
    assert result.urgent_flags[0] in {Flag.SEPTIC_ARTHRITIS, Flag.DEFORMITY, Flag.LOCKED_KNEE}


# --- hazard 9: sciatica in both legs, severe weakness ---------------------------------------------------


@pytest.mark.parametrize("nerve", [F.NUMBNESS_TINGLING, F.WEAKNESS])
def test_sciatica_in_both_legs_with_numbness_or_weakness_means_call_now(nerve: Finding) -> None:
    # A cauda equina sign (clinical-facts 2.7): 2.12 level 1 puts every one at "call now".
    result = assess(Facts({F.BACK_PAIN: P, F.BOTH_LEGS: P, nerve: P}))
    assert result.level is CareLevel.EMERGENCY_AMBULANCE and Flag.CAUDA_EQUINA in result.flags


def test_severe_weakness_in_both_legs_means_call_now() -> None:
    result = assess(Facts({F.SEVERE_WEAKNESS: P, F.BOTH_LEGS: P}))
    assert result.level is CareLevel.EMERGENCY_AMBULANCE
    assert {Flag.SEVERE_WEAKNESS, Flag.CAUDA_EQUINA} <= result.flags


def test_severe_weakness_brings_the_both_legs_question_when_it_is_not_known() -> None:
    # One leg's severe weakness is the emergency department; both legs is call now, so the
    # interview asks which before it ends.
    asked = []
    facts = Facts({**SCREENED, F.SEVERE_WEAKNESS: P})
    result = assess(facts)
    while result.next_question is not None:
        q = result.next_question
        asked.append(q.id)
        facts = answer_question(facts, q, P if q.finding is F.BOTH_LEGS else A, 40)
        result = assess(facts)
    assert F.BOTH_LEGS.value in asked
    assert result.level is CareLevel.EMERGENCY_AMBULANCE


def test_severe_or_worsening_weakness_in_one_leg_means_the_emergency_department() -> None:
    # Review row 9: "severe or worsening weakness -> emergency department", whichever the side.
    result = assess(Facts({**SCREENED, F.SEVERE_WEAKNESS: P, F.ONE_LEG: P}))
    assert result.level >= CareLevel.EMERGENCY and Flag.SEVERE_WEAKNESS in result.flags


# --- hazard 10: septic arthritis ------------------------------------------------------------------------


@pytest.mark.parametrize("knee", [F.SWELLING_KNEE, F.KNEE_HOT, F.KNEE_SWOLLEN_OR_HOT])
def test_a_fever_with_a_hot_or_swollen_knee_means_the_emergency_department_without_skin_changes(
    knee: Finding,
) -> None:
    result = assess(Facts({**SCREENED, knee: P, F.FEVER_UNWELL: P}))
    assert result.level is CareLevel.EMERGENCY and Flag.SEPTIC_ARTHRITIS in result.flags


def test_fever_is_asked_of_everyone_with_a_swollen_or_hot_knee() -> None:
    f = Facts({**SCREENED, F.KNEE_SWOLLEN_OR_HOT: P}).with_age(40)
    asked = []
    result = assess(f)
    while result.next_question is not None:
        asked.append(result.next_question.finding)
        f = answer_question(f, result.next_question, A, 40)
        result = assess(f)
    assert F.FEVER_UNWELL in asked


def test_an_artificial_or_injected_knee_with_a_fever_means_the_emergency_department() -> None:
    result = assess(Facts({**SCREENED, F.JOINT_REPLACEMENT_OR_INJECTION: P, F.FEVER_UNWELL: P}))
    assert result.level is CareLevel.EMERGENCY and Flag.SEPTIC_ARTHRITIS in result.flags


def test_a_hot_swollen_artificial_knee_without_fever_needs_a_doctor_today() -> None:
    result = assess(Facts({**SCREENED, F.JOINT_REPLACEMENT_OR_INJECTION: P, F.SWELLING_KNEE: P}))
    assert result.level >= CareLevel.CONSULTATION_24


# --- hazard 11 (and content item 2): a long cramp may be a clot ----------------------------------------


def test_a_cramp_over_ten_minutes_raises_the_clot_flag() -> None:
    result = assess(Facts({**SCREENED, F.CRAMP_OVER_10_MIN: P}))
    assert Flag.SUSPECTED_DVT in result.flags and result.emergency_guidance_required


# --- hazard 13: knee injury levels --------------------------------------------------------------------


def test_a_pop_with_fast_swelling_after_an_injury_means_a_doctor_today() -> None:
    """Changed: the old vignette expected self care for a pop with swelling."""
    result = assess(Facts({**SCREENED, F.RECENT_INJURY: P, F.POPPING: P, F.RAPID_SWELLING: P}).with_age(25))
    assert result.level >= CareLevel.CONSULTATION_24 and Flag.KNEE_BLEED in result.flags


def test_a_pop_with_a_swollen_knee_means_a_doctor_today() -> None:
    result = assess(Facts({**SCREENED, F.POPPING: P, F.SWELLING_KNEE: P}).with_age(25))
    assert result.level >= CareLevel.CONSULTATION_24


def test_a_swollen_knee_after_an_injury_on_blood_thinners_means_a_doctor_today() -> None:
    result = assess(Facts({**SCREENED, F.RECENT_INJURY: P, F.SWELLING_KNEE: P, F.BLOOD_THINNERS: P}))
    assert result.level >= CareLevel.CONSULTATION_24
    assert RuleId.INJURY_SWELLING_ON_BLOOD_THINNERS in result.rules


def test_a_knee_that_gives_way_means_at_least_an_appointment() -> None:
    assert level(Facts({**SCREENED, F.GIVING_WAY: P})) >= CareLevel.CONSULTATION


def test_a_weak_leg_after_an_injury_means_at_least_a_doctor_today() -> None:
    injured = Facts({**SCREENED, F.WEAKNESS: P, F.RECENT_INJURY: P}).with_age(30)
    assert level(injured) >= CareLevel.CONSULTATION_24


def test_a_weak_leg_alone_means_at_least_a_doctor_today() -> None:
    # Review row 9: one-sided weakness -> at least same-day, with or without an injury.
    assert level(Facts({**SCREENED, F.WEAKNESS: P}).with_age(37)) >= CareLevel.CONSULTATION_24


def test_severe_pain_alone_means_at_least_an_appointment() -> None:
    assert level(Facts({**SCREENED, F.SEVERE_PAIN: P})) >= CareLevel.CONSULTATION


def test_a_swollen_knee_alone_means_at_least_an_appointment() -> None:
    assert level(Facts({**SCREENED, F.SWELLING_KNEE: P})) >= CareLevel.CONSULTATION


def test_a_confident_lead_cause_sets_its_usual_care_as_a_floor() -> None:
    meniscus = Facts({**SCREENED, F.MECH_TWIST: P, F.POPPING: P, F.STIFFNESS: P}).with_age(30)
    result = assess(meniscus)
    assert result.causes and result.causes[0].condition is Condition.MENISCUS_TEAR
    assert result.level >= CareLevel.CONSULTATION and RuleId.TYPICAL_CARE in result.rules


def test_the_typical_care_table_matches_the_content_facts() -> None:
    data = yaml.safe_load((ROOT / "content/source/facts/conditions.yaml").read_text(encoding="utf-8"))
    from_content = {Condition(k): CareLevel[v["typical_care"].upper()] for k, v in data["conditions"].items()}
    assert from_content == TYPICAL_CARE


# --- hazard 14 and content item 13: causes named only with evidence ------------------------------------


def test_with_a_clot_flagged_dvt_comes_first_and_no_strain_or_cramp_explains_the_signs() -> None:
    result = assess(Facts({F.PAIN_CALF: P, F.SWELLING_CALF: P, F.MECH_SPRINT: P, F.SUDDEN_ONSET: P}))
    assert result.causes[0].condition is Condition.DEEP_VEIN_THROMBOSIS
    benign = {Condition.CALF_STRAIN, Condition.LEG_CRAMPS, Condition.HAMSTRING_INJURY}
    benign.add(Condition.POPLITEUS_STRAIN)
    assert not benign & {c.condition for c in result.causes}


def test_no_to_everything_names_no_cause() -> None:
    f = Facts(dict.fromkeys([g for g in FINDING_GROUPS], A)).with_age(40)
    assert assess(f).causes == ()


def test_an_activity_counts_for_the_ranking_but_is_never_spoken_back_as_a_reason() -> None:
    f = Facts({F.PAIN_BEHIND_KNEE: P}).with_inferred(F.MECH_OVERUSE)
    result = assess(f)
    assert result.causes
    assert all(F.MECH_OVERUSE not in c.supporting for c in result.causes)
    assert any(c.condition is Condition.POPLITEUS_STRAIN for c in result.causes)


# --- hazard 15: children -------------------------------------------------------------------------------


@pytest.mark.parametrize("years", [3, 8, 15])
def test_under_sixteen_is_a_child_seen_by_a_doctor_with_no_triage_beyond_emergencies(years: int) -> None:
    f = Facts({**dict.fromkeys(LIFE_THREAT_FINDINGS, A), F.PAIN_BEHIND_KNEE: P}).with_age(years)
    result = assess(f)
    assert result.child and result.level >= CareLevel.CONSULTATION_24
    # Only what could make it an emergency is asked (a hot swollen knee with a fever, a locked knee,
    # a cast with severe pain), never the clot risks or the questions about the cause.
    asked: list[Finding] = []
    while (q := result.next_question) is not None:
        assert q.finding is not None
        asked.append(q.finding)
        f = answer_question(f, q, A)
        result = assess(f)
    assert F.CLOT_HISTORY not in asked
    stages = {question_for(x).stage for x in asked}  # type: ignore[union-attr]
    assert Stage.DISCRIMINATE not in stages
    assert result.child and result.level is CareLevel.CONSULTATION_24


def test_an_emergency_still_escalates_for_a_child() -> None:
    result = assess(Facts({F.PE_SIGNS: P}).with_age(10))
    assert result.child and result.level is CareLevel.EMERGENCY_AMBULANCE


# --- hazard 16: age is never a clot alarm on its own ----------------------------------------------------


def test_sixty_one_with_years_long_arthritis_is_not_a_clot_alarm() -> None:
    """Changed: the old vignette osteoarthritis_over_sixty_counts_as_clot_risk expected a clot flag."""
    f = Facts({**SCREENED, F.PAIN_BEHIND_KNEE: P, F.GRADUAL_ONSET: P, F.PERSISTENT_WEEKS: P, F.STIFFNESS: P})
    result = assess(f.with_age(61))
    assert Flag.SUSPECTED_DVT not in result.flags and not result.emergency_guidance_required
    assert result.level is CareLevel.CONSULTATION


# --- hazard 17: painless one-sided leg swelling ---------------------------------------------------------


@pytest.mark.parametrize("swelling", [F.SWELLING_CALF, F.SWELLING_WHOLE_LEG])
def test_painless_leg_swelling_with_redness_fires_the_clot_rule_whatever_the_pain_location(
    swelling: Finding,
) -> None:
    f = Facts({F.PAIN_CALF: A, F.PAIN_BEHIND_KNEE: A, F.PAIN_THIGH: P, swelling: P, F.REDNESS: P})
    assert Flag.SUSPECTED_DVT in assess(f).flags


# --- hazard 18: four steps asked of everyone -----------------------------------------------------------


def test_can_you_take_four_steps_is_asked_without_a_recent_injury() -> None:
    f = Facts({**SCREENED, F.RECENT_INJURY: A}).with_age(45)
    asked = []
    result = assess(f)
    while result.next_question is not None:
        asked.append(result.next_question.finding)
        f = answer_question(f, result.next_question, A, 45)
        result = assess(f)
    assert F.SEVERITY_SIGNS in asked and F.CANNOT_BEAR_WEIGHT in FINDING_GROUPS[F.SEVERITY_SIGNS]


def test_a_fall_ten_days_ago_and_unable_to_walk_means_a_doctor_today() -> None:
    result = assess(Facts({**SCREENED, F.RECENT_INJURY: A, F.MECH_BLOW_OR_FALL: P, F.CANNOT_BEAR_WEIGHT: P}))
    assert result.level >= CareLevel.CONSULTATION_24


def test_the_ottawa_age_rule_applies_only_within_seven_days() -> None:
    assert Flag.POSSIBLE_FRACTURE in assess(Facts({F.RECENT_INJURY: P}).with_age(55)).flags
    assert Flag.POSSIBLE_FRACTURE not in assess(Facts({F.RECENT_INJURY: A}).with_age(70)).flags


# --- hazard 22: bladder and bowel ---------------------------------------------------------------------


def test_the_bladder_question_asks_about_retention_incontinence_or_saddle_numbness_only() -> None:
    from content.loader import load as load_content

    item = load_content("en-GB").interview.findings[F.BLADDER_BOWEL_CHANGE]
    assert "unable to pee" in item.question and "lost control" in item.question and "numb" in item.question
    assert not {"bladder problems", "bowel problems"} & set(item.synonyms)


def test_the_bladder_question_is_not_a_screen_for_everyone_but_follows_back_pain() -> None:
    no_back = Facts({**SCREENED, F.BACK_PAIN: A}).with_age(40)
    back = Facts({**SCREENED, F.BACK_PAIN: P}).with_age(40)
    assert assess(back).next_question is not None
    assert assess(back).next_question.finding is F.BLADDER_BOWEL_CHANGE  # type: ignore[union-attr]
    nxt = assess(no_back).next_question
    assert nxt is None or nxt.finding is not F.BLADDER_BOWEL_CHANGE


# --- cellulitis (content item 11) ----------------------------------------------------------------------


def test_a_fever_with_red_hot_calf_skin_is_a_possible_cellulitis_to_see_today() -> None:
    result = assess(Facts({**SCREENED, F.FEVER_UNWELL: P, F.REDNESS: P, F.WARMTH: P}))
    assert Flag.CELLULITIS in result.flags and result.level >= CareLevel.CONSULTATION_24


def test_self_care_is_unsafe_with_a_clot_ischaemia_compartment_or_infection_flag() -> None:
    assert {
        Flag.SUSPECTED_DVT,
        Flag.SUSPECTED_PE,
        Flag.LIMB_ISCHAEMIA,
        Flag.COMPARTMENT_SYNDROME,
        Flag.SEPTIC_ARTHRITIS,
        Flag.CELLULITIS,
    } == SELF_CARE_UNSAFE_FLAGS


# --- content items 1, 6, 10, 14 -----------------------------------------------------------------------


def test_redness_never_supports_a_popliteus_strain() -> None:
    from content.loader import load as load_content

    result = assess(Facts({F.PAIN_BEHIND_KNEE: P, F.MECH_OVERUSE: P, F.REDNESS: P}))
    for c in result.causes:
        if c.condition is Condition.POPLITEUS_STRAIN:
            assert F.REDNESS not in c.supporting
    strain = load_content("en-US").conditions[Condition.POPLITEUS_STRAIN]
    assert "red" not in strain.summary and "redness" not in strain.signs


def test_rule_reasons_match_the_rules() -> None:
    from content.loader import load as load_content

    rules = load_content("en-US").rules
    assert "numb" in rules["limb_ischaemia"].reason  # numbness now triggers it
    assert "back of knee" in rules["dvt_risk_factor"].reason
    assert "bruising" not in rules["severe_hamstring_tear"].reason
    assert "clicks" not in rules["mechanical_symptoms"].reason


def test_the_dvt_risk_list_names_the_fuller_set_of_risks() -> None:
    from content.loader import load as load_content

    at_risk = " ".join(load_content("en-US").conditions[Condition.DEEP_VEIN_THROMBOSIS].at_risk)
    for risk in ("heart failure", "bowel disease", "family", "smoke", "extra weight", "cast"):
        assert risk in at_risk


def test_the_cramp_page_no_longer_gives_poor_blood_flow_as_a_trigger_or_massage_as_help() -> None:
    from content.loader import load as load_content

    cramps = load_content("en-US").conditions[Condition.LEG_CRAMPS]
    assert "poor blood flow" not in " ".join(cramps.triggers)
    assert "don't massage" in " ".join(cramps.what_helps)


def test_the_age_question_says_fifty_five_or_over_for_the_x_ray_rule() -> None:
    from content.loader import load as load_content

    assert "55 or over" in load_content("en-US").interview.age.why


def test_us_wording_says_traveled_cast_and_birth_control_pill() -> None:
    from content.loader import load as load_content

    findings = load_content("en-US").interview.findings
    assert "traveled" in findings[F.RECENT_IMMOBILITY].question
    assert "cast" in findings[F.RECENT_IMMOBILITY].question
    assert "birth control pill" in findings[F.CLOT_HISTORY].question
    gb = load_content("en-GB").interview.findings
    assert "travelled" in gb[F.RECENT_IMMOBILITY].question
