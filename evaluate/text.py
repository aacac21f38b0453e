"""Speech as a listener hears it: SSML tags stripped, sentences, the question part, word counts."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
#: A sentence ends at . ! or ? followed by a space (or the end); "e.g." style abbreviations do not
#: occur in the skill's speech.
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_NORMALISE = re.compile(r"[^a-z0-9 ]+")


def plain(ssml: str) -> str:
    """What a listener hears, as text: tags removed, entities decoded, spaces collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", ssml or ""))).strip()


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (plain words), in order, stripped."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip(" .!?")]


def question_part(text: str) -> str:
    """The question the turn asks: its last sentence ending in "?" ("" when nothing is asked).

    Emergency guidance, read-backs and "about N more" lead-ins come before the question, so the
    keyword matcher never sees them.
    """
    for sentence in reversed(sentences(text)):
        if sentence.endswith("?"):
            return sentence
    return ""


def words(text: str) -> int:
    """How many words a listener hears."""
    return len(_WORD.findall(text))


def normalise(text: str) -> str:
    """Lower case, punctuation dropped, spaces collapsed: for phrase look-ups."""
    return _SPACE.sub(" ", _NORMALISE.sub(" ", text.lower().replace("’", "'").replace("'", ""))).strip()
