"""The evaluation harness checked on itself: the patient, the keyword table, the scoring, the floors.

A harness that could not fail would prove nothing: a skill that always says "self care" (or always
"phone now") must miss the floors, a patient must not be able to read the skill's state, and every
question the interview can ask must be understood by keywords in every locale.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from evaluate import judge, keywords, vignettes
from evaluate.device import Heard
from evaluate.patient import Patient
from evaluate.play import play
from evaluate.run import evaluate
from evaluate.scoring import score, summarise, verdict
from evaluate.text import question_part

COMPILED = Path(__file__).resolve().parents[2] / "content" / "compiled"
ALL = vignettes.load()
BY_ID = {v.id: v for v in ALL}


def _vignette(**changes: Any) -> vignettes.Vignette:
    base = BY_ID["dvt_swollen_calf_after_flight"]
    return dataclasses.replace(base, **changes)


def _response(
    speech: str, attributes: Mapping[str, Any] | None = None, *, ends: bool = False
) -> dict[str, Any]:
    return {
        "version": "1.0",
        "sessionAttributes": dict(attributes or {}),
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{speech}</speak>"},
            "reprompt": {"outputSpeech": {"type": "SSML", "ssml": f"<speak>{speech}</speak>"}},
            "shouldEndSession": ends,
        },
    }


# ------------------------------------------------------------------------------ the patient


def test_what_the_patient_hears_carries_no_session_attributes() -> None:
    fields = {f.name for f in dataclasses.fields(Heard)}
    assert fields == {"speech", "card", "reprompt", "directives", "ends"}
    heard = Heard.of(_response("Is your calf swollen?", {"kh": '{"question": "pe_signs"}'}))
    assert "pe_signs" not in repr(heard)


def test_the_patient_answers_the_spoken_question_whatever_the_state_says() -> None:
    patient = Patient(_vignette(present=frozenset({"pain_calf", "swelling_calf"})))
    state_says_breathing = {"kh": json.dumps({"mode": "interview", "question": "pe_signs"})}
    say = patient.reply(Heard.of(_response("Is your calf swollen?", state_says_breathing)))
    assert say is not None and say.intent == "AMAZON.YesIntent"
    say = patient.reply(
        Heard.of(_response("Are you short of breath?", {"kh": '{"question": "swelling_calf"}'}))
    )
    assert say is not None and say.intent == "AMAZON.NoIntent"


def test_the_patient_ignores_emergency_guidance_and_answers_the_question_after_it() -> None:
    guidance = (
        "A possible blood clot in the leg needs to be checked by a doctor today. If you get sudden "
        "shortness of breath or chest pain, phone 999 straight away. How old are you?"
    )
    assert question_part(guidance) == "How old are you?"
    say = Patient(_vignette(age=45)).reply(Heard.of(_response(guidance)))
    assert say is not None and say.intent == "AgeIntent" and say.number == 45


def test_not_sure_past_and_inverted_questions_are_answered_as_the_vignette_says() -> None:
    unsure = Patient(_vignette(unsure=frozenset({"pe_signs"}), style=vignettes.Style.NOT_SURE))
    q = "Right now, are you short of breath, is there chest pain, are you coughing blood, or do you feel faint?"  # noqa: E501
    for _ in range(2):
        say = unsure.reply(Heard.of(_response(q)))
        assert say is not None and say.intent == "DontKnowIntent"
    fainted_yesterday = Patient(_vignette(past=frozenset({"fainting"})))
    say = fainted_yesterday.reply(Heard.of(_response(q)))
    assert say is not None and say.intent == "AMAZON.NoIntent"
    recent = "Now or in the last few days, have you fainted or felt faint?"
    say = Patient(_vignette(past=frozenset({"fainting"}))).reply(Heard.of(_response(recent)))
    assert say is not None and say.intent == "AMAZON.YesIntent"
    walks = Patient(_vignette(present=frozenset({"pain_calf"})))
    say = walks.reply(Heard.of(_response("Can you take 4 steps on that leg?")))
    assert say is not None and say.intent == "AMAZON.YesIntent"  # can walk: cannot_bear_weight absent


def test_a_corrected_answer_is_first_wrong_then_taken_back() -> None:
    patient = Patient(
        _vignette(corrected=("swelling_calf",), style=vignettes.Style.CORRECTED), corrections_routable=True
    )
    first = patient.reply(Heard.of(_response("Is your calf swollen?")))
    assert first is not None and first.intent == "AMAZON.NoIntent"  # misheard
    second = patient.reply(Heard.of(_response("Does your calf hurt?")))
    assert second is not None and second.intent is None and "meant yes" in second.words
    skipped = Patient(
        _vignette(corrected=("swelling_calf",), style=vignettes.Style.CORRECTED), corrections_routable=False
    )
    say = skipped.reply(Heard.of(_response("Is your calf swollen?")))
    assert say is not None and say.intent == "AMAZON.YesIntent" and skipped.corrections_skipped == 1


def test_the_conversation_ends_when_the_session_ends_or_nothing_known_is_asked() -> None:
    assert Patient(_vignette()).reply(Heard.of(_response("Goodbye.", ends=True))) is None
    patient = Patient(_vignette())
    assert patient.reply(Heard.of(_response("Is your calf swollen?"))) is not None
    assert patient.reply(Heard.of(_response("See a doctor today. Would you like to hear a joke?"))) is None


# ------------------------------------------------------------------------------ the keyword table


def _interview_questions(locale: str) -> list[tuple[str, str]]:
    data = json.loads((COMPILED / f"{locale}.json").read_text(encoding="utf-8"))["interview"]
    found = [(keywords.AGE, data["age"]["question"])]
    for key, item in data["findings"].items():
        found.append((key, item["question"]))
        if item.get("simpler"):  # triage v2: the simpler re-ask of a red-flag question
            found.append((key, item["simpler"]))
    return found


@pytest.mark.parametrize("locale", vignettes.LOCALES)
def test_every_interview_question_maps_to_exactly_one_finding_or_age(locale: str) -> None:
    wrong = {
        question: keywords.matches(question)
        for key, question in _interview_questions(locale)
        if keywords.matches(question) != [key]
    }
    assert not wrong, wrong
    assert not [q for _, q in _interview_questions(locale) if keywords.is_start_offer(q)]


def test_the_keyword_table_knows_every_finding_the_vignettes_use() -> None:
    used = {f for v in ALL for f in v.vocabulary} - set(vignettes.PATIENT_GROUPS)
    groups = {a for atoms in vignettes.PATIENT_GROUPS.values() for a in atoms}
    assert used - groups <= set(keywords.KEYWORDS), sorted(used - groups - set(keywords.KEYWORDS))


# ------------------------------------------------------------------------------ reading the outcome


@pytest.mark.parametrize(
    ("locale", "speech", "level"),
    [
        ("en-GB", "Please phone 999 now, or ask someone near you to phone for you.", 5),
        ("en-US", "Please phone nine one one now, or ask someone near you to phone.", 5),
        ("en-GB", "Go to A and E now. If you can't get there safely, phone 999.", 4),
        ("en-US", "Go to the emergency room now.", 4),
        ("en-AU", "See a doctor today. Please don't wait until tomorrow.", 3),
        ("en-IN", "Book an appointment with a doctor or physiotherapist in the next few days.", 2),
        ("en-CA", "This may be manageable at home with PRICE.", 1),
        ("en-GB", "If you get chest pain, phone 999 now. Is your calf swollen?", None),
    ],
)
def test_the_level_is_read_from_the_locale_text_and_safety_nets_do_not_count(
    locale: str, speech: str, level: int | None
) -> None:
    assert judge.level_of(speech, judge.locale_text(locale)) == level


def test_causes_are_read_in_spoken_order_outside_the_guidance() -> None:
    t = judge.locale_text("en-GB")
    said = "A deep vein thrombosis may fit. It may also be a popliteus strain or a Baker's cyst."
    assert judge.causes_of(said, t) == ["deep_vein_thrombosis", "popliteus_strain", "bakers_cyst"]


def _fake_skill(say: str) -> Any:
    """A deliberately wrong skill: it gives the same result to every request ({number}: the
    locale's emergency number)."""

    def handler(envelope: dict[str, Any], context: Any) -> dict[str, Any]:
        number = judge.locale_text(envelope["request"]["locale"]).number
        return _response(say.format(number=number) + " Is there anything else?", ends=False)

    return handler


SAMPLE = [
    BY_ID[i]
    for i in (
        "pe_breathless_with_calf_pain",
        "dvt_swollen_calf_after_flight",
        "hamstring_strain_sprinting",
        "septic_fever_hot_swollen_knee",
        "bakers_cyst_soft_lump",
    )
]


def test_a_skill_that_always_says_self_care_misses_the_floors() -> None:
    outcomes = evaluate(SAMPLE, _fake_skill("This may be manageable at home with PRICE."))
    result = verdict(summarise(outcomes))
    assert any("emergency escalation" in f for f in result.failures)
    assert any("safe care level" in f for f in result.failures)
    assert [o.heard_level for o in outcomes] == [1] * len(SAMPLE)


def test_a_skill_that_always_says_phone_now_is_safe_but_not_correct() -> None:
    outcomes = evaluate(
        SAMPLE, _fake_skill("Please phone {number} now, or ask someone near you to phone for you.")
    )
    summary = summarise(outcomes)
    assert summary.safe == 100.0 and summary.emergency == 100.0
    assert any("correct care level" in f for f in verdict(summary).failures)


# ------------------------------------------------------------------------------ end to end


def test_a_small_subset_plays_through_lambda_handler_and_reads_back_clear_cases() -> None:
    import lambda_function

    # The harness's own mechanics: a call-now case, a self-care strain whose cause the person names
    # (the causes are read back from speech), a same-day clot. How often the interview finds the
    # cause unaided is the evaluation's "cause in the top 3" figure, not this test's concern.
    cases = [
        BY_ID["pe_breathless_with_calf_pain"],
        BY_ID["calf_strain_tennis_volunteered"],
        BY_ID["dvt_warm_red_calf"],
    ]
    outcomes = [score(play(v, lambda_function.lambda_handler)) for v in cases]
    pe, strain, dvt = outcomes
    assert pe.heard_level == 5 and pe.questions >= 1
    assert strain.heard_level == 1 and strain.cause_hit
    assert dvt.heard_level == 3 and dvt.clot_first
    assert all(o.transcript and o.words_other + o.words_emergency for o in outcomes)


def test_result_words_count_what_is_heard_before_more_without_the_guidance() -> None:
    """The result's words before "more" leave the emergency guidance out (it is never cut), and a
    result over the target shows in the summary."""
    t = judge.locale_text("en-GB")
    guidance = "A possible blood clot in the leg needs a doctor's check today."
    result = "Please see a doctor today. This isn't a diagnosis. Say more for detail."
    assert judge.words_apart_from_guidance(f"{guidance} {result}", t) == 13
    long_result = "Book an appointment with a doctor in the next few days. " + "Word " * 70
    outcomes = evaluate(SAMPLE[:2], _fake_skill(long_result))
    summary = summarise(outcomes)
    assert summary.result_words_max is not None and summary.result_words_max > 60
    assert summary.results_over_target == 2
