"""The structured reply model: inline pieces, blocks, emergency guidance and the reply itself.

Everything here is a frozen msgspec Struct. Each piece knows how to say itself as SSML (``ssml()``), as
the plain words a listener hears (``text()``) and, for blocks, as card text (``card()``). Text is cleaned
(characters invalid in XML 1.0 removed, whitespace collapsed) and escaped when rendered, never when stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import TypeAlias

import msgspec

from speech._xml import attr, clean, escape

#: Alexa refuses a ``<break>`` longer than ten seconds.
MAX_BREAK_MS = 10_000
#: Size caps for emergency guidance, checked when it is built, so that it always fits in a response
#: with room to spare. The builder never shortens guidance, so it must be born small enough.
EMERGENCY_MAX_SPEECH_CHARS = 3_000
EMERGENCY_MAX_SHORT_CHARS = 1_000
EMERGENCY_MAX_TITLE_CHARS = 200
#: JSON-escaped bytes of full SSML + full card text + short SSML together (ASCII-escaped, worst case).
EMERGENCY_MAX_JSON_BYTES = 12_000
#: Caps on the few inline pieces that are never split when a reply is truncated.
MAX_PHONE_DIGITS = 20
MAX_ALIAS_CHARS = 100
MAX_DURATION_PART = 100_000


class Priority(IntEnum):
    """How much a block matters when a reply is too long. Higher values are kept longer."""

    DETAIL = 1
    NORMAL = 2
    HIGH = 3
    ESSENTIAL = 4


class EmphasisLevel(StrEnum):
    """Values Alexa accepts for ``<emphasis level>``."""

    STRONG = "strong"
    MODERATE = "moderate"
    REDUCED = "reduced"


class InterpretAs(StrEnum):
    """Values Alexa accepts for ``<say-as interpret-as>``."""

    CARDINAL = "cardinal"
    NUMBER = "number"
    ORDINAL = "ordinal"
    DIGITS = "digits"
    FRACTION = "fraction"
    UNIT = "unit"
    DATE = "date"
    TIME = "time"
    TELEPHONE = "telephone"
    CHARACTERS = "characters"
    SPELL_OUT = "spell-out"
    INTERJECTION = "interjection"
    EXPLETIVE = "expletive"
    ADDRESS = "address"


class DateFormat(StrEnum):
    """Values Alexa accepts for ``<say-as interpret-as="date" format>``."""

    MDY = "mdy"
    DMY = "dmy"
    YMD = "ymd"
    MD = "md"
    DM = "dm"
    YM = "ym"
    MY = "my"
    D = "d"
    M = "m"
    Y = "y"


class ListStyle(StrEnum):
    """How a spoken list is read: steps ("first …, then …, and finally …") or a plain list."""

    STEPS = "steps"
    AND = "and"  # "a, b, and c"
    OR = "or"  # "a, b, or c"


# --------------------------------------------------------------------------------------------------
# Inline pieces
# --------------------------------------------------------------------------------------------------


class Emphasis(msgspec.Struct, frozen=True):
    """Words said with emphasis."""

    text: str
    level: EmphasisLevel = EmphasisLevel.MODERATE

    def __post_init__(self) -> None:
        _require_str(self.text, "Emphasis.text")
        msgspec.structs.force_setattr(self, "level", EmphasisLevel(self.level))

    def text_plain(self) -> str:
        return clean(self.text).strip()

    def ssml(self) -> str:
        words = self.text_plain()
        return f"<emphasis {attr('level', self.level.value)}>{escape(words)}</emphasis>" if words else ""


class SayAs(msgspec.Struct, frozen=True):
    """Words read in a particular way (digits, a date, an ordinal…)."""

    text: str
    interpret_as: InterpretAs
    format: DateFormat | None = None

    def __post_init__(self) -> None:
        _require_str(self.text, "SayAs.text")
        msgspec.structs.force_setattr(self, "interpret_as", InterpretAs(self.interpret_as))
        if self.format is not None:
            msgspec.structs.force_setattr(self, "format", DateFormat(self.format))
            if self.interpret_as is not InterpretAs.DATE:
                raise ValueError("SayAs.format is only allowed with interpret_as=date")

    def text_plain(self) -> str:
        return clean(self.text).strip()

    def ssml(self) -> str:
        words = self.text_plain()
        if not words:
            return ""
        attrs = attr("interpret-as", self.interpret_as.value)
        if self.format is not None:
            attrs += " " + attr("format", self.format.value)
        return f"<say-as {attrs}>{escape(words)}</say-as>"


class Duration(msgspec.Struct, frozen=True, kw_only=True):
    """A length of time said in words, such as "20 minutes" or "1 hour and 30 minutes"."""

    hours: int = 0
    minutes: int = 0
    seconds: int = 0

    def __post_init__(self) -> None:
        for name in ("hours", "minutes", "seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"Duration.{name} must be an int")
            if not 0 <= value <= MAX_DURATION_PART:
                raise ValueError(f"Duration.{name} must be between 0 and {MAX_DURATION_PART}")

    def text_plain(self) -> str:
        pieces = [
            f"{value} {unit if value == 1 else unit + 's'}"
            for value, unit in ((self.hours, "hour"), (self.minutes, "minute"), (self.seconds, "second"))
            if value
        ]
        if not pieces:
            return "0 minutes"
        if len(pieces) == 1:
            return pieces[0]
        return ", ".join(pieces[:-1]) + " and " + pieces[-1]

    def ssml(self) -> str:
        return escape(self.text_plain())


_DIGITS = re.compile(r"[0-9]+(?: [0-9]+)*")  # digit groups may be spaced, as in "1800 022 222"


class PhoneNumber(msgspec.Struct, frozen=True):
    """An emergency or helpline number, said right for the locale.

    With ``spoken`` (for example "triple zero" for 000 in Australia) the SSML is
    ``<sub alias="triple zero">000</sub>``; without it the digits are read one by one
    (``<say-as interpret-as="digits">911</say-as>``). Cards and plain text show the digits, which
    may come in groups separated by single spaces ("1800 022 222").
    """

    digits: str
    spoken: str | None = None

    def __post_init__(self) -> None:
        _require_str(self.digits, "PhoneNumber.digits")
        if not _DIGITS.fullmatch(self.digits) or len(self.digits) > MAX_PHONE_DIGITS:
            raise ValueError(f"PhoneNumber.digits must be 1 to {MAX_PHONE_DIGITS} ASCII digits")
        if self.spoken is not None:
            _require_str(self.spoken, "PhoneNumber.spoken")
            alias = clean(self.spoken).strip()
            if not alias or len(alias) > MAX_ALIAS_CHARS:
                raise ValueError(f"PhoneNumber.spoken must be 1 to {MAX_ALIAS_CHARS} characters")

    def text_plain(self) -> str:
        return self.digits

    def ssml(self) -> str:
        if self.spoken is not None:
            return f"<sub {attr('alias', clean(self.spoken).strip())}>{self.digits}</sub>"
        return f'<say-as interpret-as="digits">{self.digits}</say-as>'


class Pause(msgspec.Struct, frozen=True):
    """A silence. Clamped to 0–10,000 ms, the most Alexa allows."""

    ms: int = 300

    def __post_init__(self) -> None:
        if isinstance(self.ms, bool) or not isinstance(self.ms, int):
            raise TypeError("Pause.ms must be an int")
        msgspec.structs.force_setattr(self, "ms", max(0, min(MAX_BREAK_MS, self.ms)))

    def text_plain(self) -> str:
        return ""

    def ssml(self) -> str:
        return f'<break time="{self.ms}ms"/>'


Inline: TypeAlias = str | Emphasis | SayAs | Duration | PhoneNumber | Pause
_INLINE_TYPES = (str, Emphasis, SayAs, Duration, PhoneNumber, Pause)
ListItem: TypeAlias = Inline | tuple[Inline, ...]

# A space is never put before these characters when two inline pieces are joined.
_NO_SPACE_BEFORE = frozenset(".,;:!?)]}%…")
_NO_SPACE_AFTER = frozenset("([{")
_TERMINAL = frozenset(".!?…")


class _Pieces(msgspec.Struct, frozen=True):
    ssml: str
    text: str
    card: str


def inline_text(part: Inline) -> str:
    """The plain words of one inline piece (cleaned, stripped; empty for a pause)."""
    if isinstance(part, str):
        return clean(part).strip()
    return part.text_plain()


def _inline_ssml(part: Inline) -> str:
    if isinstance(part, str):
        return escape(clean(part).strip())
    return part.ssml()


def join_inline(parts: Iterable[Inline]) -> tuple[str, str]:
    """Join inline pieces into (SSML fragment, plain text), one space between pieces.

    No space is put before closing punctuation (``. , ; : ! ? )``) or after an opening bracket;
    a ``Pause`` adds a break to the SSML and nothing to the plain text.
    """
    ssml: list[str] = []
    text: list[str] = []
    last_char = ""
    for part in parts:
        if isinstance(part, Pause):
            ssml.append(part.ssml())
            continue
        words = inline_text(part)
        if not words:
            continue
        if last_char and words[0] not in _NO_SPACE_BEFORE and last_char not in _NO_SPACE_AFTER:
            ssml.append(" ")
            text.append(" ")
        ssml.append(_inline_ssml(part))
        text.append(words)
        last_char = words[-1]
    return "".join(ssml), "".join(text)


def _as_parts(value: object, what: str) -> tuple[Inline, ...]:
    """Accept a single inline piece or an iterable of them; always return a tuple."""
    if isinstance(value, _INLINE_TYPES):
        return (value,)
    if isinstance(value, (tuple, list)):
        for part in value:
            if not isinstance(part, _INLINE_TYPES):
                raise TypeError(f"{what}: {type(part).__name__} is not an inline piece")
        return tuple(value)
    raise TypeError(f"{what}: expected inline pieces, got {type(value).__name__}")


# --------------------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------------------


class Sentence(msgspec.Struct, frozen=True, dict=True):
    """One sentence (``<s>``) made of inline pieces."""

    parts: tuple[Inline, ...]
    priority: Priority = Priority.NORMAL

    def __post_init__(self) -> None:
        msgspec.structs.force_setattr(self, "parts", _as_parts(self.parts, "Sentence.parts"))
        msgspec.structs.force_setattr(self, "priority", Priority(self.priority))

    @cached_property
    def _pieces(self) -> _Pieces:
        ssml, text = join_inline(self.parts)
        return _Pieces(f"<s>{ssml}</s>" if ssml else "", text, text)

    def ssml(self) -> str:
        return self._pieces.ssml

    def text(self) -> str:
        return self._pieces.text

    def card(self) -> str:
        return self._pieces.card

    def units(self) -> tuple[Sentence, ...]:
        return (self,)


class Paragraph(msgspec.Struct, frozen=True, dict=True):
    """Sentences said together (``<p>``)."""

    sentences: tuple[Sentence, ...]
    priority: Priority = Priority.NORMAL

    def __post_init__(self) -> None:
        msgspec.structs.force_setattr(self, "sentences", _as_sentences(self.sentences, "Paragraph.sentences"))
        msgspec.structs.force_setattr(self, "priority", Priority(self.priority))

    @cached_property
    def _pieces(self) -> _Pieces:
        inner = "".join(s.ssml() for s in self.sentences)
        text = " ".join(t for t in (s.text() for s in self.sentences) if t)
        return _Pieces(f"<p>{inner}</p>" if inner else "", text, text)

    def ssml(self) -> str:
        return self._pieces.ssml

    def text(self) -> str:
        return self._pieces.text

    def card(self) -> str:
        return self._pieces.card

    def units(self) -> tuple[Sentence, ...]:
        return self.sentences


class SpokenList(msgspec.Struct, frozen=True, dict=True):
    """A list read naturally.

    ``ListStyle.STEPS``: "First, … Then, … And finally, …" (one sentence per step; the card numbers them).
    Write step items in lower case ("rest the knee"): they follow "First," when spoken.
    ``ListStyle.AND`` / ``ListStyle.OR``: "a, b, and c" / "a, b, or c" in one sentence after ``intro``.
    """

    items: tuple[ListItem, ...]
    style: ListStyle = ListStyle.AND
    priority: Priority = Priority.NORMAL
    intro: tuple[Inline, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.items, (str, *_INLINE_TYPES)) or not isinstance(self.items, (tuple, list)):
            raise TypeError("SpokenList.items must be a tuple of items")
        msgspec.structs.force_setattr(
            self, "items", tuple(_as_parts(item, "SpokenList.items") for item in self.items)
        )
        msgspec.structs.force_setattr(self, "style", ListStyle(self.style))
        msgspec.structs.force_setattr(self, "priority", Priority(self.priority))
        msgspec.structs.force_setattr(self, "intro", _as_parts(self.intro, "SpokenList.intro"))

    def _item_parts(self) -> list[tuple[Inline, ...]]:
        """Items that say something, each as a tuple of inline pieces."""
        result: list[tuple[Inline, ...]] = []
        for item in self.items:
            parts = item if isinstance(item, tuple) else (item,)
            if join_inline(parts)[1]:
                result.append(parts)
        return result

    @cached_property
    def _sentences(self) -> tuple[Sentence, ...]:
        items = self._item_parts()
        if self.style is ListStyle.STEPS:
            out: list[Sentence] = []
            if join_inline(self.intro)[1]:
                out.append(Sentence(_terminated(self.intro), self.priority))
            for index, parts in enumerate(items):
                if len(items) == 1:
                    lead: tuple[Inline, ...] = ()
                elif index == 0:
                    lead = ("First,",)
                elif index == len(items) - 1 and len(items) > 2:
                    lead = ("And finally,",)
                else:
                    lead = ("Then,",)
                out.append(Sentence(_terminated(lead + parts), self.priority))
            return tuple(out)
        word = "and" if self.style is ListStyle.AND else "or"
        joined: list[Inline] = list(self.intro)
        for index, parts in enumerate(items):
            if index > 0 and len(items) > 2:
                joined.append(",")
            if index > 0 and index == len(items) - 1:
                joined.append(word)
            joined.extend(parts)
        if not join_inline(joined)[1]:
            return ()
        return (Sentence(_terminated(tuple(joined)), self.priority),)

    @cached_property
    def _pieces(self) -> _Pieces:
        sentences = self._sentences
        inner = "".join(s.ssml() for s in sentences)
        text = " ".join(t for t in (s.text() for s in sentences) if t)
        if self.style is ListStyle.STEPS:
            lines = []
            intro = join_inline(self.intro)[1]
            if intro:
                lines.append(intro if intro[-1] in _TERMINAL or intro[-1] == ":" else intro + ":")
            lines.extend(f"{n}. {join_inline(parts)[1]}" for n, parts in enumerate(self._item_parts(), 1))
            return _Pieces(f"<p>{inner}</p>" if inner else "", text, "\n".join(lines))
        return _Pieces(inner, text, text)

    def ssml(self) -> str:
        return self._pieces.ssml

    def text(self) -> str:
        return self._pieces.text

    def card(self) -> str:
        return self._pieces.card

    def units(self) -> tuple[Sentence, ...]:
        """The list as the sentences actually spoken (used when a long list must be split)."""
        return self._sentences


Block: TypeAlias = Sentence | Paragraph | SpokenList
_BLOCK_TYPES = (Sentence, Paragraph, SpokenList)


def _terminated(parts: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Add a full stop unless the spoken words already end a sentence."""
    text = join_inline(parts)[1]
    if text and text[-1] not in _TERMINAL:
        return (*parts, ".")
    return parts


def _as_sentences(value: object, what: str) -> tuple[Sentence, ...]:
    if isinstance(value, (Sentence, str)):
        value = (value,)
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{what}: expected a tuple of Sentence, got {type(value).__name__}")
    out: list[Sentence] = []
    for item in value:
        if isinstance(item, str):
            out.append(Sentence((item,)))
        elif isinstance(item, Sentence):
            out.append(item)
        else:
            raise TypeError(f"{what}: {type(item).__name__} is not a Sentence")
    return tuple(out)


def _as_blocks(value: object, what: str) -> tuple[Block, ...]:
    if isinstance(value, (*_BLOCK_TYPES, str)):
        value = (value,)
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{what}: expected a tuple of blocks, got {type(value).__name__}")
    out: list[Block] = []
    for item in value:
        if isinstance(item, str):
            out.append(Sentence((item,)))
        elif isinstance(item, _BLOCK_TYPES):
            out.append(item)
        else:
            raise TypeError(f"{what}: {type(item).__name__} is not a block")
    return tuple(out)


def _require_str(value: object, what: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")


# --------------------------------------------------------------------------------------------------
# Emergency guidance and the reply
# --------------------------------------------------------------------------------------------------


def _json_len(text: str) -> int:
    return len(json.dumps(text)) - 2


class EmergencyGuidance(msgspec.Struct, frozen=True, dict=True):
    """What to do in an emergency, from content. Said first and in full; never shortened or dropped.

    ``full`` opens every speech and card while guidance is active; ``short`` opens every reprompt.
    Construction fails if the guidance is empty or too large to always fit in a response.
    """

    full: tuple[Sentence, ...]
    short: tuple[Sentence, ...]
    card_title: str

    def __post_init__(self) -> None:
        msgspec.structs.force_setattr(self, "full", _as_sentences(self.full, "EmergencyGuidance.full"))
        msgspec.structs.force_setattr(self, "short", _as_sentences(self.short, "EmergencyGuidance.short"))
        _require_str(self.card_title, "EmergencyGuidance.card_title")
        if not self.full_text or not self.short_text:
            raise ValueError("EmergencyGuidance.full and .short must both say something")
        title = clean(self.card_title).strip()
        if not title or len(title) > EMERGENCY_MAX_TITLE_CHARS:
            raise ValueError(f"EmergencyGuidance.card_title must be 1 to {EMERGENCY_MAX_TITLE_CHARS} chars")
        if len(self.full_ssml) > EMERGENCY_MAX_SPEECH_CHARS:
            raise ValueError(f"EmergencyGuidance.full is over {EMERGENCY_MAX_SPEECH_CHARS} SSML characters")
        if len(self.short_ssml) > EMERGENCY_MAX_SHORT_CHARS:
            raise ValueError(f"EmergencyGuidance.short is over {EMERGENCY_MAX_SHORT_CHARS} SSML characters")
        size = _json_len(self.full_ssml) + _json_len(self.full_text) + _json_len(self.short_ssml)
        if size > EMERGENCY_MAX_JSON_BYTES:
            raise ValueError(f"EmergencyGuidance is over {EMERGENCY_MAX_JSON_BYTES} JSON bytes")

    @cached_property
    def full_ssml(self) -> str:
        """The full guidance as one SSML paragraph."""
        return "<p>" + "".join(s.ssml() for s in self.full) + "</p>"

    @cached_property
    def full_text(self) -> str:
        """The full guidance as plain words (also the opening of the card)."""
        return " ".join(t for t in (s.text() for s in self.full) if t)

    @cached_property
    def short_ssml(self) -> str:
        """The short guidance as one SSML paragraph (opens every reprompt)."""
        return "<p>" + "".join(s.ssml() for s in self.short) + "</p>"

    @cached_property
    def short_text(self) -> str:
        return " ".join(t for t in (s.text() for s in self.short) if t)

    @property
    def title(self) -> str:
        return clean(self.card_title).strip()


class Reply(msgspec.Struct, frozen=True, dict=True):  # dict: speech.render memoises on it
    """Everything the skill wants to say in one response, in the order it should be said.

    Put the answer or action first (``Reply.answer_first`` does that and marks it ESSENTIAL).
    When ``emergency`` is set the builder says it before anything else, in full.
    ``slow`` reads the whole response at a slow rate (for "say that again slowly").
    """

    blocks: tuple[Block, ...]
    reprompt: tuple[Block, ...] | None = None
    card_title: str | None = None
    emergency: EmergencyGuidance | None = None
    end_session: bool = False
    slow: bool = False
    #: Alexa speaks next (a Connections.SendRequest): no reprompt and no shouldEndSession at all.
    hand_over: bool = False

    def __post_init__(self) -> None:
        msgspec.structs.force_setattr(self, "blocks", _as_blocks(self.blocks, "Reply.blocks"))
        if self.reprompt is not None:
            msgspec.structs.force_setattr(self, "reprompt", _as_blocks(self.reprompt, "Reply.reprompt"))
        if self.card_title is not None:
            _require_str(self.card_title, "Reply.card_title")
        if self.emergency is not None and not isinstance(self.emergency, EmergencyGuidance):
            raise TypeError("Reply.emergency must be EmergencyGuidance or None")

    @classmethod
    def answer_first(
        cls,
        answer: Block | str,
        *more: Block | str,
        reprompt: tuple[Block, ...] | None = None,
        card_title: str | None = None,
        emergency: EmergencyGuidance | None = None,
        end_session: bool = False,
        slow: bool = False,
    ) -> Reply:
        """A reply that opens with ``answer`` marked ESSENTIAL, followed by ``more`` as given."""
        first = _as_blocks(answer, "Reply.answer_first")[0]
        first = msgspec.structs.replace(first, priority=Priority.ESSENTIAL)
        return cls(
            blocks=(first, *_as_blocks(more, "Reply.answer_first")),
            reprompt=reprompt,
            card_title=card_title,
            emergency=emergency,
            end_session=end_session,
            slow=slow,
        )

    @property
    def opens_with_essential(self) -> bool:
        """True when the first block is ESSENTIAL (the answer or action comes first)."""
        return bool(self.blocks) and self.blocks[0].priority is Priority.ESSENTIAL


def with_emergency(reply: Reply, guidance: EmergencyGuidance | None) -> Reply:
    """The same reply with ``guidance`` attached (a no-op for ``None``), so guidance stays sticky."""
    if guidance is None or reply.emergency == guidance:
        return reply
    return msgspec.structs.replace(reply, emergency=guidance)


# --------------------------------------------------------------------------------------------------
# Construction helpers
# --------------------------------------------------------------------------------------------------


def sentence(*parts: Inline, priority: Priority = Priority.NORMAL) -> Sentence:
    """``sentence("Call", PhoneNumber("911"), "now.")``."""
    return Sentence(parts, priority)


def paragraph(*sentences: Sentence | str, priority: Priority = Priority.NORMAL) -> Paragraph:
    return Paragraph(_as_sentences(sentences, "paragraph"), priority)


def steps(
    *items: ListItem, intro: tuple[Inline, ...] = (), priority: Priority = Priority.NORMAL
) -> SpokenList:
    return SpokenList(items, ListStyle.STEPS, priority, intro)


def spoken_list(
    *items: ListItem,
    intro: tuple[Inline, ...] = (),
    style: ListStyle = ListStyle.AND,
    priority: Priority = Priority.NORMAL,
) -> SpokenList:
    return SpokenList(items, style, priority, intro)
