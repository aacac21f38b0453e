"""Content items of the November 2026 clinical safety review that live in the medical text itself."""

from __future__ import annotations

import pytest

from content.schema import LocaleContent
from triage import Facts, assess
from triage.vocabulary import Answer, CareLevel, Condition, Finding


def test_paracetamol_is_not_the_first_choice_for_knee_arthritis(bundles: dict[str, LocaleContent]) -> None:
    # NICE NG226: a topical NSAID first for knee osteoarthritis; paracetamol not routinely (item 3).
    for bundle in bundles.values():
        summary = bundle.treatment.pain_relief[next(iter(bundle.treatment.pain_relief))].summary
        every = " ".join(item.summary for item in bundle.treatment.pain_relief.values()).lower()
        assert "first choice" not in every, summary
        assert "gel" in every and "arthritis" in every


def test_nsaid_cautions_name_pregnancy_and_uncontrolled_blood_pressure(
    bundles: dict[str, LocaleContent],
) -> None:
    # Review content items 4 and 5: pregnancy for the gel too, and uncontrolled blood pressure.
    for bundle in bundles.values():
        cautions = bundle.treatment.medicine_cautions
        nsaid = " ".join(cautions.nsaid).lower()
        assert "pregnan" in nsaid and "blood pressure" in nsaid
        for relief in bundle.treatment.pain_relief.values():
            text = " ".join((relief.summary, *relief.cautions)).lower()
            if "anti-inflammatory" in text or "ibuprofen" in relief.summary.lower():
                assert "pregnan" in text, relief.summary


@pytest.mark.parametrize("locale", ["en-US", "en-CA"])
def test_north_american_text_cites_no_older_nhs_advice(
    locale: str, bundles: dict[str, LocaleContent]
) -> None:
    timing = bundles[locale].treatment.medicine_cautions.ibuprofen_timing.lower()
    assert "nhs" not in timing


def test_the_dvt_explainer_says_a_clot_can_be_silent_and_when_to_phone_now(
    bundles: dict[str, LocaleContent],
) -> None:
    # Review content item 9.
    for bundle in bundles.values():
        dvt = bundle.conditions[Condition.DEEP_VEIN_THROMBOSIS].explanation.lower()
        assert "few or no symptoms" in dvt
        assert f"phone {bundle.emergency_number_spoken} now".lower() in dvt


def test_the_doctor_explainer_gives_a_changed_shape_the_level_triage_gives_it(
    bundles: dict[str, LocaleContent],
) -> None:
    # Review content item 7: the explainer and triage agree that a changed shape is an emergency.
    facts = Facts({Finding.DEFORMITY: Answer.PRESENT}).with_age(40)
    assert assess(facts).level >= CareLevel.EMERGENCY
    for bundle in bundles.values():
        explanation = bundle.when_to_see_a_doctor.explanation.lower()
        assert "changed shape" in explanation and "emergency department" in explanation


def test_a_simpler_re_ask_keeps_yes_meaning_the_sign_is_there(bundles: dict[str, LocaleContent]) -> None:
    # A re-ask after "not sure" must keep the question's polarity: "are you able to pee normally?"
    # turned a "no" into a missed cauda equina. A yes to every simpler question means the sign is there.
    inverted = ("able to", "normally", "can you still", "is everything fine", "is it ok")
    for bundle in bundles.values():
        for finding, text in bundle.interview.findings.items():
            simpler = (getattr(text, "simpler", "") or "").lower()
            assert not any(phrase in simpler for phrase in inverted), (bundle.locale, finding, simpler)
