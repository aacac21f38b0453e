"""With a clot, a clot in the lungs, a blocked blood supply or a joint infection possible, home care
that could harm (PRICE: ice, a firm bandage; massage; stretching) is never offered or read out.
Asked for, the skill says what to do instead. Medicines follow the answers; a child hears no doses."""

from __future__ import annotations

import re
from typing import Any

import pytest

import content
import lambda_function
from dialogue.modes import STATE_KEY, Mode
from dialogue.state import SessionState
from tests.support.envelopes import Session, speech_of
from tests.support.scripts import plain
from triage import Facts
from triage.vocabulary import Answer, Finding


def _facts(*present: Finding, age: int = 45) -> Facts:
    facts = Facts.empty().with_age(age)
    for finding in present:
        facts = facts.with_answer(finding, Answer.PRESENT)
    return facts


def _front_of_knee(*present: Finding, age: int) -> Facts:
    """Pain at the front of the knee only (no clot question arises)."""
    facts = _facts(Finding.PAIN_KNEECAP, *present, age=age)
    for finding in (Finding.PAIN_CALF, Finding.PAIN_BEHIND_KNEE):
        facts = facts.with_answer(finding, Answer.ABSENT)
    return facts


UNSAFE = {
    "clot": _facts(Finding.PAIN_CALF, Finding.SWELLING_CALF),
    "clot_in_the_lungs": _facts(Finding.PAIN_CALF, Finding.BREATHLESSNESS),
    "blocked_blood_supply": _facts(Finding.PAIN_CALF, Finding.COLD_PALE_LEG),
    "joint_infection": _facts(Finding.PAIN_BEHIND_KNEE, Finding.SWELLING_KNEE, Finding.FEVER_UNWELL),
}
HARMFUL = ("step 1 of five", "step 3 of five", "step 4 of five", "wrap a bandage", "ice pack")
INSTEAD = ("rest", "keep the leg level", "no massage", "no bandage", "no ice", "no stretching")


def _said(envelope: dict[str, Any]) -> str:
    response = lambda_function.lambda_handler(envelope, None)
    return plain(speech_of(response)).lower()


def _session(facts: Facts, mode: Mode = Mode.RESULT, **extra: Any) -> Session:
    session = Session(locale="en-GB")
    state = SessionState(mode=mode, facts=facts).to_json() | extra
    session.attributes = {STATE_KEY: state}
    session.new = False
    return session


@pytest.mark.parametrize("case", list(UNSAFE))
@pytest.mark.parametrize(
    ("intent", "slots", "mode"),
    [
        ("PriceIntent", {}, Mode.RESULT),
        ("PriceStepIntent", {"priceStep": "ice"}, Mode.IDLE),
        ("PriceStepIntent", {"priceStep": "compression"}, Mode.EXPLAINER),
        ("AMAZON.NextIntent", {}, Mode.PRICE),
        ("MoreIntent", {}, Mode.PRICE),
        ("AMAZON.ResumeIntent", {}, Mode.PRICE),
        ("AMAZON.YesIntent", {}, Mode.OFFER_PRICE),
    ],
)
def test_price_is_refused_with_what_to_do_instead(
    case: str, intent: str, slots: dict[str, str], mode: Mode
) -> None:
    said = _said(_session(UNSAFE[case], mode, price_step=1).intent(intent, **slots))
    assert not any(words in said for words in HARMFUL), said
    assert all(words in said for words in INSTEAD), said


@pytest.mark.parametrize("case", list(UNSAFE))
def test_icing_is_refused(case: str) -> None:
    said = _said(_session(UNSAFE[case]).intent("IcingIntent"))
    assert "timer" not in said and "ice isn't the answer" in said


def test_a_result_with_a_clot_offers_no_price() -> None:
    session = _session(UNSAFE["clot"], Mode.INTERVIEW, question="hard_tender_veins")
    for _ in range(40):
        response = lambda_function.lambda_handler(session.intent("AMAZON.NoIntent"), None)
        session.absorb(response)
        state = SessionState.from_json(session.attributes[STATE_KEY])
        if state.mode is not Mode.INTERVIEW:
            break
    assert state.mode is not Mode.OFFER_PRICE
    assert "price" not in plain(speech_of(response)).lower()


def test_without_a_flag_price_is_still_walked_through() -> None:
    # The clot-signs screen was answered "no" (an interview that skipped it asks first: see
    # test_price_after_an_unscreened_result.py).
    facts = _facts(Finding.PAIN_BEHIND_KNEE, Finding.MECH_SPRINT).with_answer(
        Finding.SKIN_CHANGES, Answer.ABSENT
    )
    said = _said(_session(facts).intent("PriceIntent"))
    assert "step 1 of five" in said


# --- medicines ------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_every_dose_line_says_it_is_for_adults(locale: str) -> None:
    c = content.load(locale)
    lines = [
        *(line for relief in c.treatment.pain_relief.values() for line in relief.cautions),
        *c.treatment.medicine_cautions.paracetamol,
    ]
    doses = [line for line in lines if re.search(r"\b\d+ (grams|mg)\b|leaflet.s dose", line)]
    assert doses
    for line in doses:
        assert "adult" in line.lower(), line


@pytest.mark.parametrize("medicine", ["ibuprofen", "nsaid_gel", "paracetamol"])
def test_a_child_hears_no_doses_and_is_sent_to_a_doctor_or_pharmacist(medicine: str) -> None:
    said = _said(
        _session(_facts(Finding.PAIN_BEHIND_KNEE, age=9)).intent("PainReliefIntent", medicine=medicine)
    )
    assert "under 16" in said and "grams" not in said and "dose" in said


def test_the_pregnancy_answer_changes_the_ibuprofen_page() -> None:
    facts = _front_of_knee(Finding.PREGNANT_OR_POSTPARTUM, age=30)
    said = _said(_session(facts).intent("PainReliefIntent", medicine="ibuprofen"))
    assert said.startswith("because you may be pregnant")


def test_over_65_hears_the_stomach_bleed_caution_first() -> None:
    said = _said(_session(_front_of_knee(age=70)).intent("PainReliefIntent", medicine="nsaid_gel"))
    assert "over 65" in said.split(".")[0]
