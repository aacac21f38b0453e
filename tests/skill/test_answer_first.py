""" "What is X" answers X in its first sentence, and one topic per turn (issue 14 item 1), for every
cause, test and medicine in every locale, through the real ``lambda_handler``: the first sentence
heard names what was asked about; "will I need surgery" talks about surgery and "what about
physio" about physio, and neither about painkillers."""

from __future__ import annotations

import re

import pytest

import content
import lambda_function
from content import DiagnosticTest, PainRelief
from tests.support.envelopes import Session, speech_of
from tests.support.scripts import plain
from triage.vocabulary import Condition

#: The intent and slot asking about each kind of topic.
ASKED = (
    [("ExplainCauseIntent", "cause", c.value) for c in Condition]
    + [("DiagnosticTestIntent", "test", t.value) for t in DiagnosticTest]
    + [("PainReliefIntent", "medicine", m.value) for m in PainRelief]
)


def _first_sentence(locale: str, intent: str, **slots: str) -> str:
    session = Session(locale=locale)
    session.new = False  # mid-conversation: no first-time disclaimer in front of the answer
    response = lambda_function.lambda_handler(session.intent(intent, **slots), None)
    said = plain(speech_of(response))
    return re.split(r"(?<=[.!?])\s+", said, maxsplit=1)[0].lower()


def _name(c: content.LocaleContent, slot: str, ident: str) -> str:
    if slot == "cause":
        name = c.conditions[Condition(ident)].name
    elif slot == "test":
        name = c.diagnostic_tests.tests[DiagnosticTest(ident)].name
    else:
        name = c.treatment.pain_relief[PainRelief(ident)].name.split(",")[0]
    name = name.lower()
    return name.split(" ", 1)[1] if name.startswith(("a ", "an ")) else name


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_what_is_x_names_x_in_the_first_sentence(locale: str) -> None:
    """Every cause, test and medicine asked about (every one failing is reported)."""
    c = content.load(locale)
    wrong = {
        ident: first
        for intent, slot, ident in ASKED
        if _name(c, slot, ident) not in (first := _first_sentence(locale, intent, **{slot: ident}))
    }
    assert not wrong, wrong


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_will_i_need_surgery_is_about_surgery_alone(locale: str) -> None:
    session = Session(locale=locale)
    session.new = False
    said = plain(
        speech_of(
            lambda_function.lambda_handler(session.intent("TreatmentIntent", treatment="surgery"), None)
        )
    )
    first = re.split(r"(?<=[.!?])\s+", said, maxsplit=1)[0].lower()
    assert "operation" in first or "surgery" in first
    c = content.load(locale)
    for other in ("ibuprofen", c.terms.paracetamol.lower(), "pharmacist", c.terms.physio.lower()):
        assert other not in said.lower()


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_what_about_physio_is_about_physio_alone(locale: str) -> None:
    c = content.load(locale)
    first = _first_sentence(locale, "TreatmentIntent", treatment="physical_therapy")
    assert c.terms.physio.lower() in first
    session = Session(locale=locale)
    session.new = False
    said = plain(
        speech_of(
            lambda_function.lambda_handler(
                session.intent("TreatmentIntent", treatment="physical_therapy"), None
            )
        )
    ).lower()
    assert "surgery" not in said and "ibuprofen" not in said
