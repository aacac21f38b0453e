"""Bare answers work the way they would on a device: the skill elicits the pending question's slot
with Dialog.ElicitSlot, and the simulator's NLU knows only that directive, never the skill's state."""

from __future__ import annotations

from typing import Any

import pytest

import content
from kneeskill.slots import elicitation
from simulator.engine import Simulator, TurnResult
from simulator.nlu import ElicitedSlot, Source
from voicemodel.measure import corpus_locales, measure

#: Answers that keep an interview going without raising an emergency, by elicited slot.
CALM = {"age": "forty two", "answer": "no", "symptom": "no", "bodyPlace": "no"}


def _elicited(turn: TurnResult) -> list[dict[str, Any]]:
    return [d for d in turn.body.get("directives") or [] if d.get("type") == "Dialog.ElicitSlot"]


def _interview(simulator: Simulator, locale: str, turns: int = 14) -> list[TurnResult]:
    session = simulator.store.create(locale)
    simulator.turn(session, "why does the back of my knee hurt")  # answered, then "shall I ask ...?"
    results = [simulator.turn(session, "yes")]
    for _ in range(turns):
        last = results[-1]
        if last.state.get("mode") != "interview":
            break
        slot = _elicited(last)[0]["slotToElicit"]
        results.append(simulator.turn(session, CALM[slot]))
    return results


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-IN"])
def test_every_pending_question_elicits_its_answer_slot_and_nothing_else_does(
    simulator: Simulator, locale: str
) -> None:
    c = content.load(locale)
    turns = _interview(simulator, locale)
    asked = [t for t in turns if t.state.get("mode") == "interview" and t.state.get("question")]
    assert len(asked) >= 3
    for turn in turns:
        pending = turn.state.get("question") if turn.state.get("mode") == "interview" else None
        directives = _elicited(turn)
        if pending is None:
            assert directives == [], "no question pending, so nothing is elicited"
            continue
        assert len(directives) == 1
        intent, slot = elicitation(pending, c) or ("", "")
        assert directives[0]["updatedIntent"]["name"] == intent
        assert directives[0]["slotToElicit"] == slot
        assert turn.body.get("shouldEndSession") is False


def test_a_bare_age_is_understood_from_the_directive_and_answers_the_question(simulator: Simulator) -> None:
    turns = _interview(simulator, "en-US")
    age_turn = next(t for t in turns if t.resolution.utterance == "forty two")
    assert age_turn.resolution.intent == "AgeIntent"
    assert age_turn.request["request"]["dialogState"] == "IN_PROGRESS"
    assert age_turn.state.get("question") != "age", "the age question is answered, not asked again"


def test_i_m_in_my_sixties_answers_the_age_question_as_a_decade(simulator: Simulator) -> None:
    session = simulator.store.create("en-GB")
    simulator.turn(session, "why does the back of my knee hurt")  # answered, then "shall I ask ...?"
    turn = simulator.turn(session, "yes")
    for _ in range(14):
        slot = _elicited(turn)[0]["slotToElicit"] if _elicited(turn) else None
        if slot == "age" or slot is None:
            break
        turn = simulator.turn(session, CALM[slot])
    assert slot == "age"
    answered = simulator.turn(session, "I'm in my sixties")
    assert answered.resolution.intent == "AgeIntent"
    decade = answered.resolution.slot("decade")
    assert decade is not None and decade.ids == ("65",)
    assert answered.state.get("question") != "age"


def test_the_nlu_ignores_the_skill_s_session_attributes(simulator: Simulator) -> None:
    session = simulator.store.create("en-US")
    simulator.turn(session, "why does the back of my knee hurt")
    session.dialog = None  # as if the response had carried no ElicitSlot: the state alone says nothing
    assert session.attributes, "the skill's state is still carried back to it"
    turn = simulator.turn(session, "my calf")
    assert turn.resolution.source is not Source.CONTEXT
    session.dialog = ElicitedSlot("SymptomIntent", "bodyPlace")
    turn = simulator.turn(session, "calf")
    assert turn.resolution.intent == "SymptomIntent"


@pytest.mark.parametrize("locale", corpus_locales())
def test_the_paraphrase_corpus_routes_right_at_least_nine_times_in_ten_in_the_simulator(locale: str) -> None:
    """The first corpus: 95-99% per locale measured (README), held at 95%."""
    (figures,) = measure([locale], with_virtual_alexa=False, batch="first")
    missed = [case.say for _, _, case, _ in figures.misses]
    assert figures.simulator >= 0.95 * figures.total, missed


@pytest.mark.parametrize("locale", corpus_locales())
def test_the_fresh_held_out_paraphrases_route_right_at_least_three_times_in_five_in_the_simulator(
    locale: str,
) -> None:
    """The fresh batch was written before the grammar and never tuned against: its figure is the
    honest one for phrasings nobody wrote a sample for (76-98% per locale, see the README; the
    issue's nine in ten is NOT met in en-AU, en-IN and en-US); it must not fall below the measured
    76%."""
    (figures,) = measure([locale], with_virtual_alexa=False, batch="fresh")
    missed = [case.say for _, _, case, _ in figures.misses]
    assert figures.simulator >= 0.76 * figures.total, missed


@pytest.mark.parametrize("locale", corpus_locales())
def test_the_probe3_paraphrases_route_right_at_least_as_often_as_measured_in_the_simulator(
    locale: str,
) -> None:
    """The probe3 batch (an independent probe's 200 phrasings, 2026-11-30) was SEEN while the
    grammar and this NLU were fixed, so its figure (85-95% per locale, README) is no measure of
    generalisation; it is held so the mechanisms fixed stay fixed."""
    (figures,) = measure([locale], with_virtual_alexa=False, batch="probe3")
    missed = [case.say for _, _, case, _ in figures.misses]
    assert figures.simulator >= 0.85 * figures.total, missed


@pytest.mark.parametrize("locale", corpus_locales())
def test_the_emergency_signs_batch_routes_right_at_least_three_times_in_four_in_the_simulator(
    locale: str,
) -> None:
    """The signs batch (22 phrasings of a faint, a cold or numb leg, the bladder and a call for help,
    hazard H28) was written before the new intents were measured: 16 of 22 routed right as first
    written; three classes were then fixed (an ambulance asked for "right away", a faint with when
    or where, retention and "peed myself") and one case given the symptom reading it also has: 20 of
    22 now (75-100% per locale, README). So it is seen, and held as a floor, not a measure."""
    (figures,) = measure([locale], with_virtual_alexa=False, batch="signs")
    missed = [case.say for _, _, case, _ in figures.misses]
    assert figures.simulator >= 0.75 * figures.total, missed
