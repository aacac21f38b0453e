"""Conversation state kept in Alexa session attributes (never in module globals).

The state is a frozen msgspec Struct with a tolerant JSON round-trip: whatever arrives in the session
attributes (stale, hostile or from an older version) turns into a valid state or a fresh one.
Symptom answers live here only for the session; they are never persisted.
"""

from __future__ import annotations

import json
from enum import Enum, StrEnum
from typing import Any, TypeVar

import msgspec
from msgspec.structs import replace

from dialogue.acts import Act
from dialogue.icing_state import IcingState
from dialogue.modes import STATE_KEY, Mode, state_data
from dialogue.urgency import EmergencyKind, assessed, kind_from_facts, self_care_unsafe, stronger
from triage import Facts

__all__ = [
    "STATE_KEY",
    "EmergencyKind",
    "Mode",
    "Said",
    "SaidKind",
    "SessionState",
    "Undo",
]

_E = TypeVar("_E", bound=Enum)

STATE_VERSION = 1
_MAX_TEXT = 9000
_MAX_MORE = 40
# What the skill itself remembers (last speech + overflow) always fits in a 24 KB response; more is hostile.
_MAX_REMEMBERED_JSON = 20_000
_ENCODER = json.JSONEncoder(separators=(",", ":"))  # built once: json.dumps builds one per call
_escaped = json.encoder.encode_basestring_ascii  # the exact escaped form json.dumps writes (C)


class SaidKind(StrEnum):
    """Where the last reply came from, so Repeat can render it again."""

    NOTHING = "nothing"  # nothing said yet in this session
    QUESTION = "question"  # an interview question (``Said.question``)
    PAGE = "page"  # an explainer page (``Said.topic``, ``Said.page``)
    PRICE_STEP = "price_step"  # a PRICE step (``Said.page``; ``Said.variant`` "detail" or "intro")
    RESULT = "result"  # the result, from this session's facts (``Said.variant`` "offer")
    WORDS = "words"  # a reply with no address (an icing outcome, a correction): ``Said.words``


class Said(msgspec.Struct, frozen=True):
    """What the last reply said, so Repeat says it again (per session, never persisted): the act
    it answered and where it was (topic, page, question), which the presenter renders again from
    the content and this session's facts; or, for a reply with no such address, its sentences as
    plain text (each block's priority and words), which the speech model renders again. Never SSML:
    "say that slower" is the same reply rendered slowly."""

    kind: SaidKind = SaidKind.NOTHING
    act: Act | None = None
    topic: str | None = None
    page: int = 0
    question: str | None = None
    variant: str = ""
    #: the turn opened with the full emergency guidance (a repeat opens with the same form)
    full: bool = False
    words: tuple[tuple[int, str], ...] = ()  # (priority, plain text) per block, for WORDS
    reprompt: str = ""  # for WORDS: what the reprompt said
    title: str = ""  # for WORDS: the card title
    end: bool = False  # for WORDS: the reply ended the session

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.act is not None:
            data["act"] = self.act.value
        for name in ("topic", "question"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.page:
            data["page"] = self.page
        if self.variant:
            data["variant"] = self.variant
        if self.full:
            data["full"] = True
        if self.kind is SaidKind.WORDS:
            data.update(words=[list(w) for w in self.words], reprompt=self.reprompt, title=self.title)
            if self.end:
                data["end"] = True
        return data

    @classmethod
    def from_json(cls, data: object) -> Said:
        """Tolerant: anything malformed is "nothing said" (Repeat then says so)."""
        if not isinstance(data, dict):
            return cls()
        kind = _enum(SaidKind, data.get("kind"), SaidKind.NOTHING) or SaidKind.NOTHING
        words_raw = data.get("words")
        words = (
            tuple(
                (_small_int(w[0], 1, 4), _text(w[1]))
                for w in words_raw[:_MAX_MORE]
                if isinstance(w, list) and len(w) == 2 and isinstance(w[1], str)
            )
            if isinstance(words_raw, list)
            else ()
        )
        if kind is SaidKind.WORDS and not words:
            kind = SaidKind.NOTHING
        return cls(
            kind=kind,
            act=_enum(Act, data.get("act"), None),
            topic=_short(data.get("topic")),
            page=_small_int(data.get("page"), 0, 50),
            question=_short(data.get("question")),
            variant=_short(data.get("variant")) or "",
            full=data.get("full") is True,
            words=words,
            reprompt=_text(data.get("reprompt")),
            title=_short(data.get("title"), 200) or "",
            end=data.get("end") is True,
        )

    def size(self) -> int:
        """The JSON size of the remembered words, escapes included."""
        return sum(len(_escaped(text)) for _, text in self.words) + len(_escaped(self.reprompt))


class Undo(msgspec.Struct, frozen=True):
    """What the conversation was just before one answer: enough to take that answer back ("go
    back", "I meant no"). Kept in the session only, a few deep, never persisted."""

    facts: Facts = msgspec.field(default_factory=Facts.empty)
    question: str | None = None
    asked: int = 0
    mode: Mode = Mode.IDLE
    emergency: EmergencyKind | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "facts": self.facts.to_json(),
            "question": self.question,
            "asked": self.asked,
            "mode": self.mode.value,
            "emergency": self.emergency.value if self.emergency else None,
        }

    @classmethod
    def from_json(cls, data: object) -> Undo | None:
        if not isinstance(data, dict):
            return None
        question = data.get("question")
        return cls(
            facts=Facts.from_json(data.get("facts")),
            question=question if isinstance(question, str) and len(question) < 64 else None,
            asked=_small_int(data.get("asked"), 0, 100),
            mode=_enum(Mode, data.get("mode"), Mode.IDLE) or Mode.IDLE,
            emergency=_enum(EmergencyKind, data.get("emergency"), None),
        )


#: How many answers can be taken back in a row.
MAX_UNDO = 3


class SessionState(msgspec.Struct, frozen=True):
    """Everything the skill remembers during one Alexa session."""

    mode: Mode = Mode.IDLE
    facts: Facts = msgspec.field(default_factory=Facts.empty)
    question: str | None = None  # id of the interview question awaiting an answer
    asked: int = 0  # questions asked so far in this interview
    promised: int = 0  # the last "about N more" said in this interview (0: none yet); never goes up
    misses: int = 0  # consecutive misunderstandings
    emergency: EmergencyKind | None = None  # sticky; a cache of what the facts call for
    topic: str | None = None  # explainer topic id, e.g. "cause:bakers_cyst"
    page: int = 0  # explainer page within the topic
    price_step: int = 0  # PRICE walk-through position (0..4)
    more: tuple[str, ...] = ()  # plain sentences waiting behind "say more"
    said: Said = msgspec.field(default_factory=Said)  # what the last reply said (for Repeat)
    offered_timer_minutes: int = 0
    icing: IcingState = msgspec.field(default_factory=IcingState)
    undo: tuple[Undo, ...] = ()  # the last few answers' "before", newest last (session only)
    guess: str | None = None  # "did you mean ...?" asked about this content id ("finding:x", "cause:y")

    def snapshot(self) -> Undo:
        """This state as the "before" of the next answer."""
        return Undo(self.facts, self.question, self.asked, self.mode, self.emergency)

    def remembering(self, before: Undo) -> SessionState:
        """The state with ``before`` on its undo trail (the oldest dropped past ``MAX_UNDO``)."""
        return replace(self, undo=(*self.undo, before)[-MAX_UNDO:])

    def with_emergency(self, kind: EmergencyKind | None) -> SessionState:
        """Make the emergency guidance sticky; a stronger kind is never replaced by a weaker one."""
        chosen = stronger(self.emergency, kind)
        return self if chosen is self.emergency else replace(self, emergency=chosen)

    @property
    def self_care_unsafe(self) -> bool:
        """True when PRICE, ice, a bandage, massage or stretching must not be offered: any sticky
        emergency guidance, or facts with a clot, ischaemia, compartment or infection flag."""
        if self.emergency is not None:
            return True
        return self.facts != Facts.empty() and self_care_unsafe(assessed(self.facts))

    def encode(self) -> str:
        """The state as the compact JSON string stored in the session attributes."""
        return _ENCODER.encode(self.to_json())

    def to_json(self) -> dict[str, Any]:
        return {
            "v": STATE_VERSION,
            "mode": self.mode.value,
            "facts": self.facts.to_json(),
            "question": self.question,
            "asked": self.asked,
            "promised": self.promised,
            "misses": self.misses,
            "emergency": self.emergency.value if self.emergency else None,
            "topic": self.topic,
            "page": self.page,
            "price_step": self.price_step,
            "more": list(self.more),
            "said": self.said.to_json(),
            "timer_minutes": self.offered_timer_minutes,
            "icing": self.icing.to_json(),
            "undo": [step.to_json() for step in self.undo],
            "guess": self.guess,
        }

    @classmethod
    def from_json(cls, data: object) -> SessionState:
        """Read state from session attributes (the ``encode`` string, or its dict); anything
        malformed falls back to safe defaults.

        The emergency marker is read first and kept even when the rest is damaged, so a corrupted
        session can never silence the guidance. The marker is only a cache: it is derived again
        from the facts, so facts that assess as a clot, a call-now or a go-now emergency speak the
        guidance even when the marker is missing or damaged (the stronger of the two wins).
        """
        data = state_data(data)
        if data is None:
            return cls()
        emergency = _enum(EmergencyKind, data.get("emergency"), None)
        facts = Facts.from_json(data.get("facts"))
        emergency = stronger(emergency, kind_from_facts(facts))
        said = Said.from_json(data.get("said"))
        more_raw = data.get("more")
        more = (
            tuple(_text(item) for item in more_raw[:_MAX_MORE] if isinstance(item, str))
            if isinstance(more_raw, list)
            else ()
        )
        if said.size() + sum(len(_escaped(text)) for text in more) > _MAX_REMEMBERED_JSON:
            said, more = Said(), ()
        question = data.get("question")
        topic = data.get("topic")
        guess = data.get("guess")
        undo_raw = data.get("undo")
        undo = (
            tuple(step for step in map(Undo.from_json, undo_raw[-MAX_UNDO:]) if step is not None)
            if isinstance(undo_raw, list)
            else ()
        )
        return cls(
            mode=_enum(Mode, data.get("mode"), Mode.IDLE) or Mode.IDLE,
            facts=facts,
            question=question if isinstance(question, str) and len(question) < 64 else None,
            asked=_small_int(data.get("asked"), 0, 100),
            promised=_small_int(data.get("promised"), 0, 100),
            misses=_small_int(data.get("misses"), 0, 10),
            emergency=emergency,
            topic=topic if isinstance(topic, str) and len(topic) < 64 else None,
            page=_small_int(data.get("page"), 0, 50),
            price_step=_small_int(data.get("price_step"), 0, 4),
            more=more,
            said=said,
            offered_timer_minutes=_small_int(data.get("timer_minutes"), 0, 60),
            icing=IcingState.from_json(data.get("icing")),
            undo=undo,
            guess=guess if isinstance(guess, str) and len(guess) < 64 else None,
        )


def _enum(kind: type[_E], value: object, default: _E | None) -> _E | None:
    """``kind(value)``, or ``default`` when ``value`` is none of its values."""
    members = _MEMBERS.get(kind)
    if members is None:
        # Each member by its value and by itself (what ``kind(value)`` accepts), built once per enum.
        members = _MEMBERS[kind] = {**{m.value: m for m in kind}, **{m: m for m in kind}}
    try:
        return members.get(value, default)  # type: ignore[return-value]
    except TypeError:  # unhashable: no member's value
        return default


_MEMBERS: dict[type[Enum], dict[object, Enum]] = {}


def _text(value: object) -> str:
    return value[:_MAX_TEXT] if isinstance(value, str) else ""


def _short(value: object, limit: int = 64) -> str | None:
    return value if isinstance(value, str) and len(value) < limit else None


def _small_int(value: object, low: int, high: int) -> int:
    if type(value) is int:  # the usual case, decided in one comparison or two
        return low if value < low else high if value > high else value
    if isinstance(value, bool) or not isinstance(value, int):
        return low
    return max(low, min(high, value))
