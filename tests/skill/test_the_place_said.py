"""A symptom is read for the body place said with it, as Alexa sends it: "swollen" resolves to the
knee, the calf and the whole leg at once, so "my knee is swollen" must be the knee. It was read as the
calf (the first id), and the skill answered a swollen knee with the clot guidance and "You told me
about swelling in your calf". The place reaches the skill as the carrier's PLACE slot ("my {place} is
{symptom}"), or as the intent's own place ("the back of my knee is {symptom}"); a place said on its
own as the subject ("my calf is swollen") is where the symptom is, never pain there.

Through the real ``lambda_handler``, with envelopes shaped as Alexa resolves shared words.
"""

from __future__ import annotations

from typing import Any

import pytest

import content
from dialogue.modes import state_data
from kneeskill.slots import _PLACE_IDS, _places
from tests.support.envelopes import TEST_SKILL_ID, Session, slot, speech_of
from tests.support.scripts import emergency_opening, plain
from tests.support.transports import lambda_transport

SWOLLEN = ("swelling_calf", "swelling_knee", "swelling_whole_leg")  # Alexa's order for "swollen"


def shared(name: str, words: str, ids: tuple[str, ...]) -> dict[str, Any]:
    """A slot whose words Alexa resolved to several values (a word the catalogue shares)."""
    return {
        "name": name,
        "value": words,
        "confirmationStatus": "NONE",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": f"amzn1.er-authority.echo-sdk.{TEST_SKILL_ID}.{name.upper()}",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": words, "id": i}} for i in ids],
                }
            ]
        },
    }


def said(locale: str, intent: str, **slots: dict[str, Any] | str) -> tuple[set[str], str]:
    """What the skill counted (the findings said present) and what it said, for one opening."""
    session = Session(locale=locale)
    response = lambda_transport()(session.intent(intent, **slots))
    state = state_data(response.get("sessionAttributes", {}).get("kh")) or {}
    answers = (state.get("facts") or {}).get("answers") or {}
    return {f for f, a in answers.items() if a == "present"}, plain(speech_of(response))


def guidance_first(locale: str, speech: str) -> bool:
    return any(speech.lower().startswith(o.lower()) for o in emergency_opening(locale))


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_my_knee_is_swollen_is_a_swollen_knee_never_a_clot_sign(locale: str) -> None:
    counted, speech = said(
        locale, "SymptomIntent", symptom=shared("symptom", "swollen", SWOLLEN), place=slot("place", "knee")
    )
    assert counted == {"swelling_knee"}
    assert not guidance_first(locale, speech)
    assert "calf" not in speech.lower()


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_my_calf_is_swollen_is_a_swollen_calf_and_raises_the_clot_guidance(locale: str) -> None:
    counted, speech = said(
        locale, "SymptomIntent", symptom=shared("symptom", "swollen", SWOLLEN), place=slot("place", "calf")
    )
    assert counted == {"swelling_calf"}
    assert guidance_first(locale, speech)


def test_my_foot_is_swollen_is_the_leg() -> None:
    counted, _ = said(
        "en-GB",
        "SymptomIntent",
        symptom=shared("symptom", "swollen", SWOLLEN),
        place=slot("place", "leg", heard="foot"),
    )
    assert counted == {"swelling_whole_leg"}


def test_a_place_word_resolved_as_warm_skin_is_read_as_that_place_own_value() -> None:
    # "my knee is hot and swollen": Alexa resolved the words as warm skin (a clot sign of the calf)
    counted, speech = said(
        "en-GB",
        "SymptomIntent",
        symptom=shared("symptom", "hot and swollen", ("warmth",)),
        place=slot("place", "knee"),
    )
    assert counted == {"knee_hot", "swelling_knee"}
    assert not guidance_first("en-GB", speech)


def test_the_back_of_my_knee_is_swollen_is_the_knee() -> None:
    counted, _ = said("en-GB", "KneePainIntent", symptom=shared("symptom", "swollen", SWOLLEN))
    assert "swelling_knee" in counted
    assert "swelling_calf" not in counted


def test_a_place_named_in_the_words_is_kept_over_the_intents_own() -> None:
    # "I have pain behind my knee and my calf is swollen" (KneePainIntent, the place in the words)
    counted, _ = said("en-GB", "KneePainIntent", symptom=shared("symptom", "my calf is swollen", SWOLLEN))
    assert "swelling_calf" in counted
    assert "swelling_knee" not in counted


def test_a_place_said_as_the_subject_of_a_symptom_is_not_pain_there() -> None:
    # "my calf is swollen" matched as "my {bodyPlace} is {symptom}"
    counted, speech = said(
        "en-GB",
        "SymptomIntent",
        symptom=shared("symptom", "swollen", SWOLLEN),
        bodyPlace=slot("bodyPlace", "pain_calf", heard="calf"),
    )
    assert counted == {"swelling_calf"}
    assert "pain in your calf" not in speech.lower()


def test_a_body_place_said_alone_is_still_pain_there() -> None:
    counted, _ = said("en-GB", "SymptomIntent", bodyPlace=slot("bodyPlace", "pain_calf", heard="my calf"))
    assert counted == {"pain_calf"}


def test_every_place_word_of_the_model_names_a_place_finding_ids_are_named_with() -> None:
    # The skill reads the PLACE slot type's own words (voicemodel/words.yaml, recognition_words.json)
    places = _places()
    assert {"knee", "calf", "leg"} <= set(places.values()) <= _PLACE_IDS
    assert places["calf muscle"] == "calf" and places["foot"] == "leg" and places["kneecap"] == "knee"
