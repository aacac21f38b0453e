"""Golden SSML: representative replies render exactly as reviewed. Regenerate with UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from speech_golden_cases import CASES
from speech_testing import REPO, disallowed_markup

from speech import render

GOLDEN_DIR = REPO / "tests" / "golden" / "ssml"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _outputs() -> dict[str, str]:
    outputs: dict[str, str] = {}
    for stem, case in CASES.items():
        rendered = render(case.reply, **case.options)
        outputs[f"{stem}.ssml"] = rendered.ssml
        if case.reprompt:
            assert rendered.reprompt_ssml is not None
            outputs[f"{stem}.reprompt.ssml"] = rendered.reprompt_ssml
    return outputs


OUTPUTS = _outputs()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_rendered_ssml_matches_the_golden_file(name: str) -> None:
    path = GOLDEN_DIR / name
    expected = OUTPUTS[name] + "\n"
    if UPDATE:
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(expected, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert path.read_text(encoding="utf-8") == expected
    assert disallowed_markup(OUTPUTS[name]) == []


def test_every_golden_file_belongs_to_a_case() -> None:
    on_disk = {p.name for p in Path(GOLDEN_DIR).glob("*.ssml")}
    assert on_disk == set(OUTPUTS)


def test_the_trimmed_golden_reply_offers_to_say_more_and_keeps_the_rest() -> None:
    case = CASES["trimmed_long_reply_say_more"]
    rendered = render(case.reply, **case.options)
    assert rendered.trimmed
    assert "say more" in rendered.plain_text
    assert rendered.plain_text.startswith("Pain behind the knee has many causes")


def test_the_australian_emergency_says_triple_zero_and_the_card_shows_000() -> None:
    case = CASES["dvt_emergency_en_au"]
    rendered = render(case.reply)
    assert '<sub alias="triple zero">000</sub>' in rendered.ssml
    assert "phone 000 yourself" in rendered.card_text
    assert rendered.card_title == "Possible blood clot: phone 000 now"
