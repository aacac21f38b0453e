"""Self care fits the lead cause (clinical review content item 8): staying active or stretching where
that is the indicated self care, PRICE only for a fresh strain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.envelopes import speech_of
from tests.support.scripts import Script, plain, play
from tests.support.transports import lambda_transport

SEND = lambda_transport()


def _result(locale: str, *yes: str, age: int, volunteer: str | None = None) -> str:
    turns: list[dict[str, Any]] = [{"intent": "KneePainIntent"}]
    if volunteer:  # said in the person's own words ("I keep getting cramps")
        turns.append({"intent": "SymptomIntent", "slots": {"symptom": volunteer}})
    turns.append({"interview": {"yes_to": list(yes), "age": age}})
    response = play(Script("self care", Path("self-care"), [locale], turns), locale, SEND)[-1]
    return plain(speech_of(response)).lower()


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_night_cramps_hear_stretching_not_ice_and_a_bandage(locale: str) -> None:
    said = _result(locale, "pain_calf", "cramping", "sudden_onset", age=35, volunteer="cramping")
    assert "stretching" in said or "stretch" in said
    assert "with price" not in said


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_a_fresh_sprint_strain_hears_price(locale: str) -> None:
    said = _result(locale, "pain_behind_knee", "recent_injury", "mech_sprint", "pain_thigh", age=30)
    assert "price" in said
