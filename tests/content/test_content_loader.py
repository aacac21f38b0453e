"""Loading at run time: msgspec straight into frozen Structs, cached, immutable, with an en-US fallback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

import content
from content.loader import compiled_path
from content.schema import LocaleContent
from triage.vocabulary import Finding

REPO = Path(__file__).resolve().parents[2]


def test_supported_locales_are_the_five_english_markets() -> None:
    assert content.SUPPORTED_LOCALES == ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_each_supported_locale_loads_as_its_own_bundle(locale: str) -> None:
    bundle = content.load(locale)
    assert isinstance(bundle, LocaleContent)
    assert bundle.locale == locale


@pytest.mark.parametrize("locale", ["fr-FR", "en-NZ", "", None, "xx"])
def test_an_unknown_locale_falls_back_to_en_us(locale: str | None) -> None:
    assert content.load(locale).locale == "en-US"


def test_locale_names_are_matched_loosely() -> None:
    assert content.load("en_gb").locale == "en-GB"
    assert content.load("EN-AU").locale == "en-AU"


def test_loading_twice_returns_the_same_cached_object() -> None:
    assert content.load("en-IN") is content.load("en-IN")


def test_the_bundle_cannot_be_changed(bundles: dict[str, LocaleContent]) -> None:
    bundle = bundles["en-US"]
    with pytest.raises(AttributeError):
        bundle.locale = "en-GB"  # type: ignore[misc]
    with pytest.raises(TypeError):
        bundle.skill["help"] = "changed"  # type: ignore[index]


def test_loading_never_imports_yaml_or_the_build_time_validator_in_a_fresh_process() -> None:
    code = (
        "import sys, content; content.load('en-GB'); "
        "print([m for m in ('yaml', 'jsonschema', 'content.validation', 'content.compile') "
        "if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_run_time_decoder_refuses_a_bundle_that_does_not_match_the_schema() -> None:
    with open(compiled_path("en-US"), encoding="utf-8") as file:
        data = json.load(file)
    data["conditions"]["bakers_cyst"]["summery"] = "a typo"
    with pytest.raises(msgspec.ValidationError, match="summery"):
        msgspec.json.decode(json.dumps(data), type=LocaleContent)
    del data["conditions"]["bakers_cyst"]["summery"]
    data["interview"]["findings"]["swelling_calf"]["question"] = ["two", "sentences"]
    with pytest.raises(msgspec.ValidationError, match="Expected `str`"):
        msgspec.json.decode(json.dumps(data), type=LocaleContent)


def test_the_emergency_number_is_available_in_structured_form(bundles: dict[str, LocaleContent]) -> None:
    expected = {
        "en-US": ("911", "nine one one"),
        "en-CA": ("911", "nine one one"),
        "en-GB": ("999", "nine nine nine"),
        "en-AU": ("000", "triple zero"),
        "en-IN": ("112", "one one two"),
    }
    got = {loc: (b.emergency_number, b.emergency_number_spoken) for loc, b in bundles.items()}
    assert got == expected


def test_interview_text_is_found_by_question_id(bundles: dict[str, LocaleContent]) -> None:
    interview = bundles["en-US"].interview
    assert interview.question("age").question == "How old are you?"
    assert interview.question("swelling_calf") is interview.findings[Finding.SWELLING_CALF]
    with pytest.raises(ValueError):
        interview.question("not_a_question")
