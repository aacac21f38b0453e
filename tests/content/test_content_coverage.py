"""Traceability: every section of the source article, and every vocabulary value, is covered."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from content.checks import (
    ARTICLE_SECTIONS,
    REQUIRED_RULE_IDS,
    REQUIRED_SKILL_IDS,
    check_source_ref,
    iter_strings,
)
from content.schema import DiagnosticTest, LocaleContent, PriceStep
from triage.vocabulary import CareLevel, Condition, Finding, Flag

_NUMBERED = re.compile(r"^(\d+)\.\s+(.+?):?$")
_BULLET = re.compile(r"^\s*•\s*(.+)$")


def slug(text: str) -> str:
    """'Deep Vein Thrombosis (DVT)' -> 'deep_vein_thrombosis'; "Jumper’s Knee" -> 'jumpers_knee'."""
    text = re.sub(r"\(.*?\)", "", text).lower().replace("’", "").replace("'", "")
    return "_".join(re.findall(r"[a-z]+", text))


def parse_article(text: str) -> dict[str, str]:
    """Split the article into ``{section id: text}`` using its own structure.

    Numbered headings are the causes; the diagnostic tests and PRICE steps are bullet lists under their
    headings; treatment, pain relief and prevention are the paragraphs the article leaves unheaded.
    """
    sections: dict[str, list[str]] = {}
    current = "intro"
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("Latest posts by"):
            break
        numbered = _NUMBERED.match(line)
        bullet = _BULLET.match(raw)
        if line.startswith("What Causes Pain Behind"):
            current = "causes"
        elif numbered:
            current = f"causes/{slug(numbered.group(2))}"
        elif line == "When To See A Doctor":
            current = "when_to_see_a_doctor"
        elif line == "Diagnostic Tests":
            current = "tests"
        elif current.startswith("tests") and bullet:
            first = bullet.group(1).split()[0]
            name = {"x_rays": "x_ray", "d_dimer": "d_dimer"}.get(slug(first.replace("-", " ")), slug(first))
            sections.setdefault(f"tests/{name}", []).append(line)
            continue
        elif current.startswith("tests") and line.startswith("Treatment"):
            current = "treatment"
        elif current == "treatment" and "NSAID" in line:
            current = "treatment/pain_relief"
        elif line == "The PRICE Principle":
            current = "treatment/price"
        elif current.startswith("treatment/price") and bullet and "–" in line:
            step = slug(bullet.group(1).split("–")[0])
            sections.setdefault(f"treatment/price/{step}", []).append(line)
            continue
        elif line == "Physical Therapy":
            current = "treatment/physical_therapy"
        elif line == "Surgical Management":
            current = "treatment/surgery"
        elif current == "treatment/surgery" and line.startswith("Warming up"):
            current = "prevention"
        sections.setdefault(current, []).append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


EXPECTED_SECTIONS = (
    {f"causes/{c.value}" for c in Condition}
    | {"when_to_see_a_doctor", "tests", "treatment", "treatment/pain_relief", "treatment/price"}
    | {f"tests/{t.value}" for t in DiagnosticTest}
    | {f"treatment/price/{s.value}" for s in PriceStep}
    | {"treatment/physical_therapy", "treatment/surgery", "prevention"}
)


def referenced_sections(bundle: LocaleContent) -> set[str]:
    return {
        value.removeprefix("article:")
        for path, value in iter_strings(bundle)
        if "source" in path and value.startswith("article:")
    }


def sources_of(bundle: LocaleContent) -> Iterator[str]:
    for path, value in iter_strings(bundle):
        if "source" in path:
            yield value


def test_the_article_parses_into_every_expected_section(article_text: str) -> None:
    sections = parse_article(article_text)
    assert set(sections) >= EXPECTED_SECTIONS, sorted(EXPECTED_SECTIONS - set(sections))
    assert "causes" in sections and "intro" in sections


def test_the_parsed_sections_hold_the_expected_text(article_text: str) -> None:
    sections = parse_article(article_text)
    assert "Baker" in sections["causes/bakers_cyst"]
    assert "sciatic" in sections["causes/referred_pain"]
    assert "Tetanus" in sections["causes/leg_cramps"]
    assert "15 to 20 minutes" in sections["treatment/price/ice"]
    assert "Warming up" in sections["prevention"]
    assert "ibuprofen" in sections["treatment/pain_relief"]


def test_every_article_section_is_a_known_source_id(article_text: str) -> None:
    assert set(parse_article(article_text)) <= ARTICLE_SECTIONS


def test_every_article_section_is_referenced_by_content(
    article_text: str, bundles: dict[str, LocaleContent]
) -> None:
    wanted = set(parse_article(article_text)) - {"intro", "causes"}
    for locale, bundle in bundles.items():
        missing = wanted - referenced_sections(bundle)
        assert not missing, f"{locale} has no content citing {sorted(missing)}"


def test_every_source_reference_names_a_known_section(bundles: dict[str, LocaleContent]) -> None:
    problems = [p for ref in sources_of(bundles["en-US"]) if (p := check_source_ref(ref))]
    assert problems == []


def test_every_cause_has_its_own_article_section(bundles: dict[str, LocaleContent]) -> None:
    for cond, item in bundles["en-US"].conditions.items():
        assert f"article:causes/{cond.value}" in item.source


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_every_vocabulary_value_has_content(bundles: dict[str, LocaleContent], locale: str) -> None:
    bundle = bundles[locale]
    assert set(bundle.conditions) == set(Condition)
    assert set(bundle.interview.findings) == set(Finding)
    assert set(bundle.care_levels) == set(CareLevel)
    assert set(bundle.flags) == set(Flag)
    assert set(bundle.diagnostic_tests.tests) == set(DiagnosticTest)
    assert set(bundle.treatment.price.steps) == set(PriceStep)


def test_the_likely_rule_ids_and_skill_texts_are_all_present(bundles: dict[str, LocaleContent]) -> None:
    for bundle in bundles.values():
        assert set(bundle.rules) >= REQUIRED_RULE_IDS
        assert set(bundle.skill) >= REQUIRED_SKILL_IDS


def test_every_cause_is_fully_described(bundles: dict[str, LocaleContent]) -> None:
    for cond, item in bundles["en-US"].conditions.items():
        assert item.name and item.summary and item.explanation, cond
        assert item.signs and item.triggers and item.at_risk and item.what_helps, cond
        assert len(item.synonyms) >= 3, cond
        assert item.related_findings, cond


def test_the_cruciate_injury_has_acl_and_pcl_parts_with_their_own_mechanism(
    bundles: dict[str, LocaleContent],
) -> None:
    parts = bundles["en-US"].conditions[Condition.CRUCIATE_LIGAMENT_INJURY].parts
    assert set(parts) == {"acl", "pcl"}
    assert "change" in parts["acl"].mechanism or "turning" in parts["acl"].mechanism
    assert "knock" in parts["pcl"].mechanism
    assert "ACL" in parts["acl"].synonyms and "PCL" in parts["pcl"].synonyms


def test_leg_cramps_list_the_articles_other_causes(bundles: dict[str, LocaleContent]) -> None:
    others = " ".join(bundles["en-US"].conditions[Condition.LEG_CRAMPS].other_causes).lower()
    for cause in ("pregnancy", "dehydration", "nerve", "tetanus", "lead or mercury", "liver disease"):
        assert cause in others


def test_dvt_mentions_pulmonary_embolism_blood_thinners_and_a_vein_filter(
    bundles: dict[str, LocaleContent],
) -> None:
    dvt = bundles["en-US"].conditions[Condition.DEEP_VEIN_THROMBOSIS]
    text = f"{dvt.explanation} {' '.join(dvt.what_helps)}".lower()
    for phrase in ("pulmonary embolism", "blood thinning", "filter"):
        assert phrase in text


def test_when_to_see_a_doctor_covers_the_six_warning_signs_and_ties_breathing_and_shape_to_emergency(
    bundles: dict[str, LocaleContent],
) -> None:
    # A changed knee shape is an emergency, as triage's deformity rule says (review content item 7).
    for bundle in bundles.values():
        when = bundle.when_to_see_a_doctor
        assert len(when.warning_signs) == 6
        emergency = [sign for sign, item in when.warning_signs.items() if item.emergency]
        assert sorted(s.value for s in emergency) == ["appearance_change", "difficulty_breathing"]
        assert bundle.emergency_number_spoken in when.breathing_emergency
        assert "severe" in when.summary and "settle" in when.summary


def test_price_has_five_ordered_steps_each_with_spoken_text_and_detail(
    bundles: dict[str, LocaleContent],
) -> None:
    steps = bundles["en-US"].treatment.price.steps
    assert [steps[s].order for s in PriceStep] == [1, 2, 3, 4, 5]
    for item in steps.values():
        assert item.spoken and len(item.detail) > len(item.spoken)


def test_the_ice_step_carries_the_articles_timings_and_safety_points(
    bundles: dict[str, LocaleContent],
) -> None:
    for bundle in bundles.values():
        price = bundle.treatment.price
        ice = price.steps[PriceStep.ICE].detail
        assert "15 to 20 minutes" in ice and "every 2 to 3 hours during the day" in ice
        assert bundle.terms.towel in ice and "never straight on the skin" in ice
        safety = " ".join(price.safety)
        assert "after 5 minutes" in safety and "asleep" in safety and "can't feel cold" in safety
        assert "bandage off" in safety
        assert all(word in price.avoid for word in ("heat", "alcohol", "running", "massage"))
        assert "POLICE" in price.newer_guidance and "PEACE and LOVE" in price.newer_guidance


def test_the_numbers_match_the_guidance(bundles: dict[str, LocaleContent]) -> None:
    n = bundles["en-US"].numbers
    assert (n.ice_minutes_min, n.ice_minutes_max, n.ice_every_hours_min, n.ice_every_hours_max) == (
        15,
        20,
        2,
        3,
    )
    assert (n.skin_check_minutes, n.price_days_min, n.price_days_max) == (5, 2, 3)
    assert (n.paracetamol_max_grams_per_day, n.paracetamol_min_hours_between, n.ibuprofen_wait_hours) == (
        4,
        4,
        48,
    )


def test_medicine_cautions_cover_nsaids_paracetamol_and_blood_thinners(
    bundles: dict[str, LocaleContent],
) -> None:
    cautions = bundles["en-GB"].treatment.medicine_cautions
    nsaid = " ".join(cautions.nsaid).lower()
    for topic in (
        "allergic",
        "asthma",
        "pregnancy",
        "65",
        "ulcer",
        "heart",
        "kidney",
        "liver",
        "blood thinners",
    ):
        assert topic in nsaid, topic
    para = " ".join(cautions.paracetamol)
    assert "4 grams in 24 hours" in para and "4 hours between doses" in para and "cold and flu" in para
    assert "bleeding" in cautions.blood_thinners
    assert "pharmacist" in cautions.ask_pharmacist and "can't tell you what dose" in cautions.ask_pharmacist
    assert "48 hours" in cautions.ibuprofen_timing


def test_physical_therapy_surgery_and_prevention_are_covered(bundles: dict[str, LocaleContent]) -> None:
    t = bundles["en-US"].treatment
    assert "electrotherapy" in t.physical_therapy.detail and "exercises" in t.physical_therapy.detail
    assert "ligament or tendon" in t.surgery.summary and "athletes" in t.surgery.detail
    tips = " ".join(bundles["en-US"].prevention.tips).lower()
    for tip in ("warm up", "healthy weight", "eat", "active"):
        assert tip in tips


def test_each_diagnostic_test_says_what_it_looks_for_and_when_it_is_used(
    bundles: dict[str, LocaleContent],
) -> None:
    tests = bundles["en-US"].diagnostic_tests.tests
    assert "break" in tests[DiagnosticTest.X_RAY].looks_for
    assert "ligament" in tests[DiagnosticTest.MRI].looks_for
    assert "clot" in tests[DiagnosticTest.D_DIMER].looks_for
    assert "clot" in tests[DiagnosticTest.ULTRASOUND].when_used
    for item in tests.values():
        assert item.when_used and item.synonyms
