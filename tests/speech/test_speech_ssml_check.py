"""A real SSML validator no one here wrote: the npm package ``ssml-check`` (platform amazon).

Known gaps of ssml-check 0.4.6, covered by ``speech_testing.disallowed_markup`` and the limit
properties instead: it accepts any ``say-as interpret-as`` value, has no length limit, and lets
XML-invalid control characters through.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from speech_golden_cases import CASES
from speech_strategies import replies
from speech_testing import node_checker_available, run_ssml_check

from speech import (
    Duration,
    EmergencyGuidance,
    Emphasis,
    EmphasisLevel,
    InterpretAs,
    ListStyle,
    Paragraph,
    Pause,
    PhoneNumber,
    Priority,
    Reply,
    SayAs,
    Sentence,
    SpokenList,
    render,
)


@pytest.fixture(autouse=True)
def _ssml_check_is_installed() -> None:
    """A missing tool fails, as virtual-alexa's tests do: `make test` installs it (npm ci)."""
    assert node_checker_available(), "node or node_modules/ssml-check missing: run `npm ci` (make test does)"


NASTY = "&<>\"' ]]> <!-- </s><speak> \x00\x01\x0b\x1f\x7f\ud800\udfff\ufffe 😀👍🏽\u202e\n\t"


def _random_text(rng: random.Random, longest: int) -> str:
    alphabet = NASTY + "abcdefghij KLM .,?!0123456789"
    return "".join(rng.choices(alphabet, k=rng.randint(0, longest)))


def _random_reply(rng: random.Random) -> Reply:
    """A deterministic stand-in for the hypothesis strategies, so one node process checks them all."""

    def inline() -> object:
        kind = rng.randrange(7)
        text = _random_text(rng, rng.choice([10, 60, 3_000]))
        if kind == 0:
            return Emphasis(text, rng.choice(list(EmphasisLevel)))
        if kind == 1:
            return SayAs(text, rng.choice(list(InterpretAs)))
        if kind == 2:
            return Duration(minutes=rng.randint(0, 90))
        if kind == 3:
            return PhoneNumber(rng.choice(["000", "911", "999", "112"]), rng.choice([None, "triple zero"]))
        if kind == 4:
            return Pause(rng.randint(-100, 20_000))
        return text

    def sentence() -> Sentence:
        return Sentence(tuple(inline() for _ in range(rng.randint(0, 4))), rng.choice(list(Priority)))  # type: ignore[misc]

    def block() -> Sentence | Paragraph | SpokenList:
        kind = rng.randrange(3)
        if kind == 0:
            return sentence()
        if kind == 1:
            return Paragraph(tuple(sentence() for _ in range(rng.randint(0, 5))), rng.choice(list(Priority)))
        return SpokenList(
            tuple(inline() for _ in range(rng.randint(0, 5))),  # type: ignore[misc]
            rng.choice(list(ListStyle)),
            rng.choice(list(Priority)),
        )

    emergency = None
    if rng.random() < 0.5:
        number = PhoneNumber(rng.choice(["000", "911"]), rng.choice([None, "triple zero"]))
        emergency = EmergencyGuidance(
            full=(Sentence(("Call", number, _random_text(rng, 40))),),
            short=(Sentence(("Call", number)),),
            card_title="Call " + number.digits,
        )
    return Reply(
        tuple(block() for _ in range(rng.randint(0, 8))),
        reprompt=tuple(block() for _ in range(rng.randint(0, 2))) if rng.random() < 0.7 else None,
        card_title=_random_text(rng, 30),
        emergency=emergency,
        end_session=rng.random() < 0.3,
        slow=rng.random() < 0.3,
    )


def _all_ssml(reply: Reply) -> list[str]:
    rendered = render(reply)
    return [rendered.ssml] + ([rendered.reprompt_ssml] if rendered.reprompt_ssml else [])


def test_ssml_check_is_live_and_flags_a_bare_ampersand() -> None:
    results = run_ssml_check(["<speak>ice &amp; rest</speak>", "<speak>ice & rest</speak>"])
    assert results[0] is None
    assert results[1] is not None


def test_ssml_check_finds_no_error_in_the_golden_replies() -> None:
    ssml = [s for case in CASES.values() for s in _all_ssml(case.reply)]
    for locale in ("en-US", "en-AU", "en-GB"):
        assert run_ssml_check(ssml, locale) == [None] * len(ssml)


def test_ssml_check_finds_no_error_in_hundreds_of_awkward_replies() -> None:
    rng = random.Random(20261124)
    ssml = [s for _ in range(300) for s in _all_ssml(_random_reply(rng))]
    results = run_ssml_check(ssml)
    failures = [(s[:200], r) for s, r in zip(ssml, results, strict=True) if r is not None]
    assert failures == []


def test_ssml_check_finds_no_error_in_hypothesis_generated_replies() -> None:
    collected: list[str] = []

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(reply=replies)
    def collect(reply: Reply) -> None:
        collected.extend(_all_ssml(reply))

    collect()
    results = run_ssml_check(collected)
    failures = [(s[:200], r) for s, r in zip(collected, results, strict=True) if r is not None]
    assert failures == []
