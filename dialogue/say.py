"""Small constructors over the speech model, so the dialogue reads like what it says."""

from __future__ import annotations

import re

from speech import EmergencyGuidance, ListStyle, Paragraph, PhoneNumber, Priority, Sentence, SpokenList

_PLACEHOLDER = "{emergency_number}"
#: A helpline number written in the text, such as "111", "811" or "1800 022 222".
_HELPLINE = re.compile(r"(?<![\w.,])\d{3,4}(?: \d{3}){0,2}(?![\w.,]\d)")
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
#: Number groups people say as words rather than digit by digit.
_GROUP_WORDS = {"1800": "one eight hundred", "1300": "thirteen hundred"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Za-z\"'])")


def sentences(text: str) -> tuple[Sentence, ...]:
    """Split plain text into sentences, each starting with a capital (terms such as
    "acetaminophen" may open a sentence in the content)."""
    return tuple(
        Sentence((_capital(part.strip()),)) for part in _SENTENCE_END.split(text.strip()) if part.strip()
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def para(*texts: str, priority: Priority = Priority.NORMAL) -> Paragraph:
    """A paragraph from one or more plain texts (each may hold several sentences)."""
    found: list[Sentence] = []
    for text in texts:
        if text:
            found.extend(sentences(text))
    return Paragraph(tuple(found), priority=priority)


def essential(*texts: str) -> Paragraph:
    return para(*texts, priority=Priority.ESSENTIAL)


def items(
    intro: str,
    entries: tuple[str, ...] | list[str],
    *,
    style: ListStyle = ListStyle.AND,
    priority: Priority = Priority.NORMAL,
) -> SpokenList:
    """A list read naturally after an introduction ("a, b, and c", or first/then/finally steps)."""
    return SpokenList(tuple(entries), style, priority, (intro,) if intro else ())


def with_number(template: str, digits: str, spoken: str) -> Sentence:
    """A sentence whose ``{emergency_number}`` placeholder becomes a phone number said right, and
    whose helpline numbers ("NHS 111", "healthdirect on 1800 022 222") are said as numbers too."""
    parts: list[str | PhoneNumber] = []
    rest = template
    while _PLACEHOLDER in rest:
        before, rest = rest.split(_PLACEHOLDER, 1)
        if before:
            parts.extend(helplines(before))
        parts.append(PhoneNumber(digits=digits, spoken=spoken))
    if rest:
        parts.extend(helplines(rest))
    return Sentence(tuple(parts))


def helplines(text: str) -> list[str | PhoneNumber]:
    """Plain text with each helpline number in it made a ``PhoneNumber`` (said group by group)."""
    parts: list[str | PhoneNumber] = []
    position = 0
    for match in _HELPLINE.finditer(text):
        if match.start() > position:
            parts.append(text[position : match.start()])
        number = match.group(0)
        parts.append(PhoneNumber(digits=number, spoken=helpline_words(number)))
        position = match.end()
    if position < len(text):
        parts.append(text[position:])
    return parts


def helpline_words(number: str) -> str:
    """How a helpline number is said: "one one one", "one eight hundred, zero two two, two two two"."""
    groups = number.split()
    return ", ".join(
        _GROUP_WORDS.get(group) or " ".join(_DIGIT_WORDS[int(d)] for d in group) for group in groups
    )


def guidance(
    templates: tuple[str, ...], short_templates: tuple[str, ...], digits: str, spoken: str, title: str
) -> EmergencyGuidance:
    """Emergency guidance with the number rendered per locale."""
    return EmergencyGuidance(
        full=tuple(with_number(t, digits, spoken) for t in templates),
        short=tuple(with_number(t, digits, spoken) for t in short_templates),
        card_title=title,
    )
