"""Conversation state kept in Alexa session attributes (never in module globals).

The state is a frozen msgspec Struct with a tolerant JSON round-trip: whatever arrives in the session
attributes (stale, hostile or from an older version) turns into a valid state or a fresh one.
Symptom answers live here only for the session; they are never persisted.

Two readers, one result. :meth:`SessionState.decode` reads the string the skill itself wrote in
one typed pass (msgspec, in C, against the bounds declared on the fields below); anything else
(damaged, hostile, out of bounds, an older session's dict) takes the tolerant
:meth:`SessionState.from_json`, which keeps every field it can. Wherever the typed pass succeeds it
gives exactly what the tolerant reader gives (``tests/skill/test_state_codec.py`` holds that on
generated and mutated states).
"""

import json
from enum import Enum, StrEnum
from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import Meta
from msgspec.structs import replace

from dialogue.acts import Act
from dialogue.icing_state import IcingState
from dialogue.modes import STATE_KEY, Mode, state_data
from dialogue.urgency import EmergencyKind, assessed, kind_from_facts, self_care_unsafe, stronger
from triage import Facts
from triage.facts import FrozenAnswers

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
_escaped = json.encoder.encode_basestring_ascii  # the exact escaped form json.dumps writes (C)

# The bounds the tolerant reader clamps or drops to, declared for the typed reader: a value outside
# them fails the typed pass, and the tolerant reader then decides (the same way it always has).
_Id = Annotated[str, Meta(max_length=63)]  # a content id (question, topic, guess)
_Title = Annotated[str, Meta(max_length=199)]
_Text = Annotated[str, Meta(max_length=_MAX_TEXT)]
_Priority = Annotated[int, Meta(ge=1, le=4)]
_Count = Annotated[int, Meta(ge=0, le=100)]  # questions asked or promised
_Misses = Annotated[int, Meta(ge=0, le=10)]
_Page = Annotated[int, Meta(ge=0, le=50)]
_PriceStep = Annotated[int, Meta(ge=0, le=4)]
_TimerMinutes = Annotated[int, Meta(ge=0, le=60)]
_Words = Annotated[tuple[tuple[_Priority, _Text], ...], Meta(max_length=_MAX_MORE)]
_More = Annotated[tuple[_Text, ...], Meta(max_length=_MAX_MORE)]


class SaidKind(StrEnum):
    """Where the last reply came from, so Repeat can render it again."""

    NOTHING = "nothing"  # nothing said yet in this session
    QUESTION = "question"  # an interview question (``Said.question``)
    PAGE = "page"  # an explainer page (``Said.topic``, ``Said.page``)
    PRICE_STEP = "price_step"  # a PRICE step (``Said.page``; ``Said.variant`` "detail" or "intro")
    RESULT = "result"  # the result, from this session's facts (``Said.variant`` "offer")
    WORDS = "words"  # a reply with no address (an icing outcome, a correction): ``Said.words``


class Said(msgspec.Struct, frozen=True, omit_defaults=True):
    """What the last reply said, so Repeat says it again (per session, never persisted): the act
    it answered and where it was (topic, page, question), which the presenter renders again from
    the content and this session's facts; or, for a reply with no such address, its sentences as
    plain text (each block's priority and words), which the speech model renders again. Never SSML:
    "say that slower" is the same reply rendered slowly."""

    kind: SaidKind = SaidKind.NOTHING
    act: Act | None = None
    topic: _Id | None = None
    page: _Page = 0
    question: _Id | None = None
    variant: _Id = ""
    #: the turn opened with the full emergency guidance (a repeat opens with the same form)
    full: bool = False
    words: _Words = ()  # (priority, plain text) per block, for WORDS
    reprompt: _Text = ""  # for WORDS: what the reprompt said
    title: _Title = ""  # for WORDS: the card title
    end: bool = False  # for WORDS: the reply ended the session

    @classmethod
    def from_json(cls, data: object) -> "Said":
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
    question: _Id | None = None
    asked: _Count = 0
    mode: Mode = Mode.IDLE
    emergency: EmergencyKind | None = None

    @classmethod
    def from_json(cls, data: object) -> "Undo | None":
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


class SessionState(msgspec.Struct, frozen=True, tag_field="v", tag=STATE_VERSION):
    """Everything the skill remembers during one Alexa session (on the wire: ``"v"``, the format's
    version, then the fields in this order)."""

    mode: Mode = Mode.IDLE
    facts: Facts = msgspec.field(default_factory=Facts.empty)
    question: _Id | None = None  # id of the interview question awaiting an answer
    asked: _Count = 0  # questions asked so far in this interview
    promised: _Count = 0  # the last "about N more" said in this interview (0: none yet); never goes up
    misses: _Misses = 0  # consecutive misunderstandings
    emergency: EmergencyKind | None = None  # sticky; a cache of what the facts call for
    topic: _Id | None = None  # explainer topic id, e.g. "cause:bakers_cyst"
    page: _Page = 0  # explainer page within the topic
    price_step: _PriceStep = 0  # PRICE walk-through position (0..4)
    more: _More = ()  # plain sentences waiting behind "say more"
    said: Said = msgspec.field(default_factory=Said)  # what the last reply said (for Repeat)
    offered_timer_minutes: _TimerMinutes = msgspec.field(default=0, name="timer_minutes")
    icing: IcingState = msgspec.field(default_factory=IcingState)
    #: the last few answers' "before", newest last (session only)
    undo: Annotated[tuple[Undo, ...], Meta(max_length=MAX_UNDO)] = ()
    guess: _Id | None = None  # "did you mean ...?" asked about this content id ("finding:x", "cause:y")
    someone_else: bool = False  # the questions are answered for someone else ("my son's knee")

    def snapshot(self) -> "Undo":
        """This state as the "before" of the next answer."""
        return Undo(self.facts, self.question, self.asked, self.mode, self.emergency)

    def remembering(self, before: "Undo") -> "SessionState":
        """The state with ``before`` on its undo trail (the oldest dropped past ``MAX_UNDO``)."""
        return replace(self, undo=(*self.undo, before)[-MAX_UNDO:])

    def with_emergency(self, kind: EmergencyKind | None) -> "SessionState":
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
        try:
            return _ENCODER.encode(self).decode()
        except UnicodeEncodeError:  # a lone surrogate (which a JSON escape can carry in): escaped
            return json.dumps(self.to_json(), separators=(",", ":"))

    def to_json(self) -> dict[str, Any]:
        """The state as the JSON object ``encode`` writes (built-in types only)."""
        data = msgspec.to_builtins(self, enc_hook=_enc_hook, order="deterministic")
        assert isinstance(data, dict)
        return data

    @classmethod
    def decode(cls, value: object) -> "SessionState":
        """The state from its session attribute: the string ``encode`` wrote, in one typed pass;
        anything else (damaged, hostile, out of bounds, an older dict) through :meth:`from_json`."""
        if not isinstance(value, str):
            return cls.from_json(value)
        try:
            state = _DECODER.decode(value)
        except (msgspec.DecodeError, RecursionError):
            return cls.from_json(value)
        return state._settled()

    def _settled(self) -> "SessionState":
        """A state the typed pass read, with what ``from_json`` works out after reading the fields:
        words with no sentences are nothing said, an oversized memory is dropped, and the
        emergency marker is derived again from the facts (the stronger of the two wins)."""
        said, more = self.said, self.more
        if said.kind is SaidKind.WORDS and not said.words:
            said = replace(said, kind=SaidKind.NOTHING)
        if (said.words or said.reprompt or more) and _remembered_size(said, more) > _MAX_REMEMBERED_JSON:
            said, more = Said(), ()
        emergency = stronger(self.emergency, kind_from_facts(self.facts))
        if said is self.said and more is self.more and emergency is self.emergency:
            return self
        return replace(self, said=said, more=more, emergency=emergency)

    @classmethod
    def from_json(cls, data: object) -> "SessionState":
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
        if _remembered_size(said, more) > _MAX_REMEMBERED_JSON:
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
            someone_else=data.get("someone_else") is True,
        )


def _remembered_size(said: Said, more: tuple[str, ...]) -> int:
    """The JSON size of what a state remembers to say again (its last words and the overflow)."""
    return said.size() + sum(len(_escaped(text)) for text in more)


def _enc_hook(value: object) -> object:
    if isinstance(value, FrozenAnswers):
        return dict(value)
    raise NotImplementedError(type(value).__name__)


#: Sets and mappings written in a fixed order: equal states always encode to the same string.
_ENCODER = msgspec.json.Encoder(enc_hook=_enc_hook, order="deterministic")
_DECODER = msgspec.json.Decoder(SessionState)


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
