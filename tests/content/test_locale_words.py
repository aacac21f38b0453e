"""Words follow the locale (issue 14 item 6): every text the skill can speak or show, in the compiled
content of each locale, uses that locale's words and none of another's.

Checked over the loaded content (what the skill says), not the sources: an override that is lost,
or new English text with a British or American word in it, fails here. Recognition words
(``synonyms``, ``vocab``) are left out: people may say either word, and the skill understands both.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping

import pytest

import content

#: Spoken-text fields that are only ever heard, never recognition words.
_RECOGNITION_FIELDS = frozenset({"synonyms", "vocab"})

#: Words each locale must never say (a regular expression, matched case-insensitively on words).
WRONG: dict[str, tuple[str, ...]] = {
    "en-US": (
        r"travelled",
        r"in plaster",
        r"combined pill",
        r"H R T",
        r"oestrogen",
        r"colour",
        r"discoloured",
        r"in hospital",
        r"A and E",
        r"tea towel",
        r"physiotherapist",
        r"ageing",
        r"paracetamol",
        r"NHS",
    ),
    # Canadian English spells "travelled" and "colour" the British way, and uses the North
    # American words for medicines and hospitals.
    "en-CA": (
        r"traveled",
        r"in plaster",
        r"combined pill",
        r"H R T",
        r"oestrogen",
        r"in hospital",
        r"A and E",
        r"tea towel",
        r"the ER",
        r"NHS",
    ),
    "en-GB": (r"traveled", r"the ER", r"emergency room", r"birth control pill", r"estrogen", r"color"),
    "en-AU": (r"traveled", r"the ER", r"A and E", r"NHS", r"color", r"acetaminophen"),
    "en-IN": (r"traveled", r"the ER", r"A and E", r"NHS", r"color", r"acetaminophen"),
}

#: Words each locale must say somewhere (what its people expect to hear).
RIGHT: dict[str, tuple[str, ...]] = {
    "en-US": (r"traveled", r"cast", r"birth control pill", r"the ER", r"hormone therapy", r"estrogen"),
    "en-CA": (r"travelled", r"cast", r"birth control pill", r"hormone therapy", r"estrogen"),
    "en-GB": (r"travelled", r"A and E", r"NHS 111", r"combined pill", r"oestrogen"),
    "en-AU": (r"travelled", r"healthdirect", r"triple zero"),
    "en-IN": (r"travelled", r"one one two"),
}


def _texts(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in the content, with where it is, leaving out recognition words."""
    if isinstance(value, str):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in _RECOGNITION_FIELDS:
                yield from _texts(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if str(key) not in _RECOGNITION_FIELDS:
                yield from _texts(item, f"{path}.{key}")
    elif isinstance(value, (tuple, list)):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}.{index}")
    elif hasattr(value, "__struct_fields__"):  # a msgspec Struct, should the content become one
        for name in value.__struct_fields__:
            if name not in _RECOGNITION_FIELDS:
                yield from _texts(getattr(value, name), f"{path}.{name}")


def _said(locale: str) -> list[tuple[str, str]]:
    return list(_texts(content.load(locale)))


def _found(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){word}(?![\w-])", text, re.IGNORECASE) is not None


def test_every_locale_is_checked() -> None:
    assert set(WRONG) == set(RIGHT) == set(content.SUPPORTED_LOCALES)


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_no_locale_says_another_locales_words(locale: str) -> None:
    texts = _said(locale)
    assert len(texts) > 300  # the walk reaches the content, not an empty shell
    wrong = [
        f"{word!r} in {path}: {text[:80]}"
        for word in WRONG[locale]
        for path, text in texts
        if _found(word, text)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_each_locale_says_its_own_words(locale: str) -> None:
    texts = " | ".join(text for _, text in _said(locale))
    missing = [word for word in RIGHT[locale] if not _found(word, texts)]
    assert not missing, f"{locale} never says {missing}"


def test_the_check_fails_on_a_wrong_locale_word() -> None:
    """The walk finds a British word in American text (a check that cannot fail proves nothing)."""
    assert any(_found(word, "or travelled for over 3 hours") for word in WRONG["en-US"])
    assert not any(_found(word, "or traveled for over 3 hours") for word in WRONG["en-US"])
