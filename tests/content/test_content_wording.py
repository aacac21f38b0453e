"""Safety wording: own words, no diagnosis, local numbers and medicine names, slot-safe synonyms."""

from __future__ import annotations

import re

import pytest

from content.checks import (
    YOU_HAVE_RE,
    check_bundle,
    finding_synonyms,
    is_slot_safe,
    spoken_strings,
    topic_synonyms,
)
from content.schema import LocaleContent, PainRelief
from triage.vocabulary import CareLevel

RUN = 8


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def all_text(bundle: LocaleContent) -> str:
    return " ".join(value for _, value in spoken_strings(bundle))


def test_the_run_finder_catches_a_copied_sentence() -> None:
    article = "The knee is the largest joint in your body, said the author."
    assert runs("Fun fact: the KNEE is the largest joint in your body!") & runs(article)


def test_no_run_of_eight_words_is_copied_from_the_article(
    article_text: str, bundles: dict[str, LocaleContent]
) -> None:
    article_runs = runs(article_text)
    for locale, bundle in bundles.items():
        copied = [
            (".".join(path), " ".join(run))
            for path, value in spoken_strings(bundle)
            for run in runs(value) & article_runs
        ]
        assert copied == [], f"{locale} copies the article: {copied[:5]}"


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_no_text_says_you_have(bundles: dict[str, LocaleContent], locale: str) -> None:
    offenders = [".".join(p) for p, v in spoken_strings(bundles[locale]) if YOU_HAVE_RE.search(v)]
    assert offenders == []


def test_the_you_have_check_catches_both_spellings() -> None:
    assert YOU_HAVE_RE.search("You have a clot") and YOU_HAVE_RE.search("you've torn it")
    assert not YOU_HAVE_RE.search("Have you had surgery?")


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_every_bundle_passes_the_shipping_checks(bundles: dict[str, LocaleContent], locale: str) -> None:
    assert check_bundle(bundles[locale]) == []


def test_text_is_plain_with_no_ssml_markup_or_leftover_placeholders(
    bundles: dict[str, LocaleContent],
) -> None:
    for bundle in bundles.values():
        for path, value in spoken_strings(bundle):
            assert not re.search(r"[<>{}&]", value), ".".join(path)


def test_every_locales_emergency_guidance_names_its_own_number(bundles: dict[str, LocaleContent]) -> None:
    for bundle in bundles.values():
        em = bundle.emergency
        spoken = bundle.emergency_number_spoken
        for part in (em.call_now, em.pe_warning, em.short):
            assert any(spoken in s for s in part)
        assert any("ask someone" in s for s in em.call_now)
        assert any("can't call" in s for s in em.cannot_call)
        assert any("drive" in s for s in em.do_not_drive)
        assert any("today" in s for s in em.dvt_see_today)
        pe = " ".join(em.pe_warning)
        assert "If you get" in pe
        for sign in ("breath", "chest pain", "breathe in", "cough up blood", "faint"):
            assert sign in pe
        assert len(em.short) == 1


def test_no_locale_speaks_another_locales_emergency_number(bundles: dict[str, LocaleContent]) -> None:
    numbers = {b.emergency_number_spoken for b in bundles.values()}
    for bundle in bundles.values():
        text = all_text(bundle)
        for other in numbers - {bundle.emergency_number_spoken}:
            assert other not in text, (bundle.locale, other)


def test_the_emergency_ambulance_action_tells_people_to_phone_themselves(
    bundles: dict[str, LocaleContent],
) -> None:
    for bundle in bundles.values():
        action = bundle.care_levels[CareLevel.EMERGENCY_AMBULANCE].action
        assert action.startswith(f"Please phone {bundle.emergency_number_spoken} now")
        assert "can't call" in action


def test_each_care_level_states_a_time_frame(bundles: dict[str, LocaleContent]) -> None:
    levels = bundles["en-US"].care_levels
    assert levels[CareLevel.EMERGENCY].action.startswith("Go to the ER now")  # en-US words (issue 14)
    assert levels[CareLevel.CONSULTATION_24].action.startswith("See a doctor today")
    consultation = levels[CareLevel.CONSULTATION]
    assert consultation.time_frame in consultation.action
    assert "within a few days" in consultation.action
    assert levels[CareLevel.SELF_CARE].action.startswith("This may be manageable at home with PRICE")


def test_paracetamol_is_called_by_its_local_name(bundles: dict[str, LocaleContent]) -> None:
    us, ca = all_text(bundles["en-US"]).lower(), all_text(bundles["en-CA"]).lower()
    assert "acetaminophen" in us and "paracetamol" not in us
    assert "acetaminophen" in ca and "paracetamol" in ca
    for locale in ("en-GB", "en-AU", "en-IN"):
        text = all_text(bundles[locale]).lower()
        assert "paracetamol" in text and "acetaminophen" not in text, locale


def test_canada_names_both_forms_of_the_painkiller(bundles: dict[str, LocaleContent]) -> None:
    item = bundles["en-CA"].treatment.pain_relief[PainRelief.PARACETAMOL]
    assert item.name == "acetaminophen, also called paracetamol"


def test_the_ice_step_uses_the_local_word_for_a_towel(bundles: dict[str, LocaleContent]) -> None:
    expected = {
        "en-US": "thin towel",
        "en-CA": "thin towel",
        "en-GB": "tea towel",
        "en-AU": "tea towel",
        "en-IN": "tea towel",
    }
    for locale, towel in expected.items():
        assert towel in bundles[locale].treatment.price.steps["ice"].spoken  # type: ignore[index]


def test_national_advice_lines_appear_only_where_they_exist(bundles: dict[str, LocaleContent]) -> None:
    assert "NHS one one one" in bundles["en-GB"].care_levels[CareLevel.CONSULTATION_24].action
    assert "healthdirect" in bundles["en-AU"].care_levels[CareLevel.CONSULTATION_24].action
    for locale in ("en-US", "en-CA", "en-IN"):
        text = all_text(bundles[locale])
        assert "NHS one one one" not in text and "healthdirect" not in text


def test_medicine_text_asks_a_pharmacist_and_never_gives_a_personal_dose(
    bundles: dict[str, LocaleContent],
) -> None:
    for bundle in bundles.values():
        relief = bundle.treatment.pain_relief
        assert all("pharmacist" in (item.summary + " ".join(item.cautions)) for item in relief.values())
        assert not re.search(r"\btake \d+ (?:mg|milligrams|grams|tablets|pills)", all_text(bundle).lower())


def test_summaries_are_short_enough_to_speak(bundles: dict[str, LocaleContent]) -> None:
    for bundle in bundles.values():
        for cond, item in bundle.conditions.items():
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", item.summary) if s]
            assert 1 <= len(sentences) <= 2, cond
            assert len(item.signs) <= 5 and len(item.what_helps) <= 5, cond
        for step in bundle.treatment.price.steps.values():
            assert len(step.spoken.split()) <= 25


def test_every_interview_question_is_a_question(bundles: dict[str, LocaleContent]) -> None:
    interview = bundles["en-US"].interview
    for finding, item in interview.findings.items():
        assert "?" in item.question, finding
        assert item.why.endswith("."), finding
        assert item.phrase and not item.phrase.endswith("."), finding
    assert interview.age.question == "How old are you?"


def test_topic_synonyms_are_unique_and_slot_safe(bundles: dict[str, LocaleContent]) -> None:
    pairs = topic_synonyms(bundles["en-US"])
    keys = [" ".join(s.lower().split()) for _, s in pairs]
    assert len(keys) == len(set(keys))
    assert all(is_slot_safe(s) for _, s in pairs)
    for wanted in (
        "runner's knee",
        "patellar tendinitis",
        "jumper's knee",
        "torn ligament",
        "ACL",
        "PCL",
        "blood clot",
        "DVT",
        "sciatica",
        "popliteal cyst",
        "Baker's cyst",
        "torn cartilage",
        "torn meniscus",
        "pulled hamstring",
        "calf strain",
        "pulled calf",
        "charley horse",
        "cramp",
        "arthritis",
        "wear and tear arthritis",
        "chondromalacia patellae",
        "popliteus",
        "x ray",
        "m. r. i.",
        "magnetic resonance",
        "d dimer",
        "blood clot blood test",
        "ultrasound scan",
        "doppler",
    ):
        assert wanted in {s for _, s in pairs}, wanted


def test_symptom_synonyms_are_unique_and_slot_safe(bundles: dict[str, LocaleContent]) -> None:
    pairs = finding_synonyms(bundles["en-US"])
    keys = [" ".join(s.lower().split()) for _, s in pairs]
    assert len(keys) == len(set(keys))
    assert all(is_slot_safe(s) for _, s in pairs)
    owner = {s: f for f, s in pairs}
    assert owner["my calf is swollen"] == "swelling_calf"
    assert owner["it's red"] == "redness"
    assert owner["it's warm"] == "warmth"
    assert owner["I can't breathe"] == "breathlessness"
    assert owner["chest pain"] == "chest_pain"
    assert owner["coughing blood"] == "coughing_blood"
    assert owner["it popped"] == "popping"
    assert owner["it clicks"] == "grinding"
    assert owner["it locks"] == "locking"
    assert owner["it gives way"] == "giving_way"
    assert owner["pins and needles"] == "numbness_tingling"


@pytest.mark.parametrize(
    ("synonym", "safe"),
    [
        ("Baker's cyst", True),
        ("m. r. i.", True),
        ("x-ray", False),
        ("covid 19", False),
        ("pain!", False),
        ("", False),
    ],
)
def test_the_slot_safety_rule(synonym: str, safe: bool) -> None:
    assert is_slot_safe(synonym) is safe


def test_a_yes_always_means_the_finding_is_present(bundles: dict[str, LocaleContent]) -> None:
    """Questions about an inability ("cannot_…") must ask about the inability, so yes means present."""
    for locale, bundle in bundles.items():
        for finding, text in bundle.interview.findings.items():
            if finding.value.startswith("cannot_"):
                question = text.question.lower()
                assert "unable" in question or "can't" in question or "cannot" in question, (locale, finding)
