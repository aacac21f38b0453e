"""The few helpers every reply is worded with: skill texts with their markers filled, a reply from
blocks, lists joined the locale's way, and numbers said as numbers.

Shared by the reply catalogue (``dialogue.catalogue``), the replies built from answers
(``dialogue.answers``) and the presenter (``dialogue.presenter``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from content import LocaleContent
from dialogue.say import helplines, para, sentences
from speech import Block, Inline, Paragraph, PhoneNumber, Priority, Reply, Sentence

CARD_TITLE = "Knee Helper"
_MARKER = re.compile(r"\[(count|step|cause|reasons|topic|time|until|number)\]")


def fill(text: str, **values: str) -> str:
    """Fill the run-time markers of a skill text."""
    return _MARKER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def skill(c: LocaleContent, key: str, **values: str) -> str:
    return fill(c.skill[key], **values)


def reply(
    c: LocaleContent,
    *blocks: Block,
    reprompt: str | None = None,
    end: bool = False,
    title: str = CARD_TITLE,
) -> Reply:
    """A reply of the blocks that say something. A reprompt only repeats what the turn asked: a
    turn that asked nothing has none (the session stays open for one listen, see
    ``kneeskill.turns.send``)."""
    prompt = None if end or not reprompt else (para(reprompt),)
    return Reply(
        blocks=tuple(b for b in blocks if b.text()), reprompt=prompt, card_title=title, end_session=end
    )


def joined(c: LocaleContent, words: Sequence[str], *, joiner: str | None = None) -> str:
    """ "a, b and c" (or ``joiner`` instead of "and"), in the locale's words."""
    joiner = joiner or c.skill["and_word"]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def numbered(c: LocaleContent, text: str, priority: Priority = Priority.NORMAL) -> Paragraph:
    """A skill text whose emergency number (resolved to words by the compiler) is said as a number
    and shown as digits on the card."""
    spoken = c.terms.emergency_number_spoken
    found: list[Sentence] = []
    for one in sentences(text):
        parts: list[Inline] = []
        for part in one.parts:
            if isinstance(part, str) and spoken in part:
                pieces = part.split(spoken)
                for i, piece in enumerate(pieces):
                    if i:
                        parts.append(PhoneNumber(c.terms.emergency_number, spoken))
                    if piece:
                        parts.append(piece)
            else:
                parts.append(part)
        found.append(Sentence(tuple(parts)))
    return Paragraph(tuple(found), priority)


def with_numbers(c: LocaleContent, text: str, priority: Priority) -> Paragraph:
    """Plain text whose phone numbers (digits) are said as numbers: the emergency number the
    locale's way ("triple zero"), helplines group by group."""
    digits, spoken = c.terms.emergency_number, c.terms.emergency_number_spoken
    found: list[Sentence] = []
    for one in sentences(text):
        parts: list[Inline] = [
            PhoneNumber(digits, spoken) if isinstance(part, PhoneNumber) and part.digits == digits else part
            for part in helplines(one.text())
        ]
        found.append(Sentence(tuple(parts)))
    return Paragraph(tuple(found), priority)


_T = TypeVar("_T")
_MISSING = object()
_ITSELF = object()  # stands for the reply itself, never stored on it (no reference cycle)


def kept(reply: Reply, name: str, key: Hashable, build: Callable[[], _T]) -> _T:
    """``build()``, remembered on ``reply`` itself, as ``speech.render`` remembers renderings.

    ``build`` must depend on nothing but ``reply`` and ``key`` (content, never answers). A reply
    of the catalogue (content only, built once per locale) then computes it once; a reply built
    from someone's answers is new each turn and takes what it kept with it: nothing outlives it.
    """
    memo: dict[Hashable, Any] = reply.__dict__.setdefault(name, {})
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        if len(memo) >= 8:
            memo.clear()
        found = build()
        memo[key] = _ITSELF if found is reply else found
        return found
    return reply if found is _ITSELF else found  # type: ignore[return-value]
