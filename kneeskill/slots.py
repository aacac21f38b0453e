"""Read slots by their entity-resolution ids, never by raw text; match what Alexa could not resolve.

Alexa resolves a spoken slot value against the interaction model's values and synonyms
(``ER_SUCCESS_MATCH``). When it can't (``ER_SUCCESS_NO_MATCH``: a plural, a spelled abbreviation,
an ASR variant, a brand the model lacks), the skill matches the heard words itself, against the
same catalogues the model is built from (content names and synonyms, see :func:`catalogues`):
:func:`match_spoken` answers with the best id and whether it is sure. When it isn't (two close
candidates or a weak match) the act carries ``unresolved=True`` and the guess, so the conversation
can ask "did you mean ...?".

The word rules here (:func:`variants`, :func:`match_key`) are shared with ``voicemodel.build``,
which adds the generated variants to the model so Alexa resolves most of them itself.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import msgspec
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Intent, IntentConfirmationStatus, IntentRequest

from content import LocaleContent
from dialogue.conversation import QUESTIONS
from triage import QuestionKind

#: A heard value this close (0..1) to one catalogue word, and clearly closer than to any other id, is sure.
SURE = 0.88
#: ... this close is a guess worth asking about ("did you mean ...?"); below it, nothing is guessed.
GUESS = 0.72
#: Two ids closer than this to each other's score are a tie: the skill asks.
TIE = 0.06

# --------------------------------------------------------------------------- catalogues


class SlotValue(msgspec.Struct, frozen=True):
    id: str
    name: str
    synonyms: tuple[str, ...]


def spoken_form(text: str) -> str:
    """A name as Alexa slot text: lower case, hyphens as spaces, no other punctuation."""
    text = text.lower().replace("-", " ").replace("\u2019", "'")
    text = re.sub(r"[^a-z.' ]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def catalogues(c: LocaleContent) -> dict[str, list[SlotValue]]:
    """Every slot catalogue of one locale from content, by catalogue name (``slot_types`` in
    ``voicemodel/intents.yaml``). The ids are the content ids the handlers read."""
    causes = []
    for condition, cause in c.conditions.items():
        synonyms = [
            *cause.synonyms,
            *(s for part in cause.parts.values() for s in (part.name, *part.synonyms)),
        ]
        causes.append(_value(condition.value, cause.name, synonyms, plurals=True))
    symptoms = [
        _value(finding.value, text.synonyms[0], text.synonyms[1:])
        for finding, text in c.interview.findings.items()
        if text.synonyms
    ]
    return {
        "causes": causes,
        "symptoms": symptoms,
        "body_places": [
            _value(finding_id, words[0], words[1:]) for finding_id, words in c.vocab.body_places.items()
        ],
        "activities": [
            _value(ident, activity.synonyms[0], activity.synonyms[1:])
            for ident, activity in c.vocab.activities.items()
        ],
        "tests": [
            _value(test.value, item.name, item.synonyms, plurals=True)
            for test, item in c.diagnostic_tests.tests.items()
        ],
        "price_steps": [
            _value(step.value, c.treatment.price.steps[step].name, words)
            for step, words in c.vocab.price_steps.items()
        ],
        "medicines": [
            _value(relief.value, words[0], words[1:]) for relief, words in c.vocab.medicines.items()
        ],
        # An answer nobody says (triage's "unclear": a second "not sure") is no slot value.
        "answers": [
            _value(answer.value, words[0], words[1:]) for answer, words in c.vocab.answers.items() if words
        ],
    }


def _value(ident: str, name: str, synonyms: Any, *, plurals: bool = False) -> SlotValue:
    """One value: the spoken name, then its synonyms and their generated variants (spelled
    abbreviations; plurals for things people ask about in the plural, such as causes)."""
    spoken = spoken_form(name)
    words = [spoken_form(x) for x in synonyms]
    words += [v for raw in (name, *synonyms) for v in variants(raw, plurals=plurals)]
    others = tuple(dict.fromkeys(s for s in words if s and s != spoken))
    return SlotValue(ident, spoken, others)


#: Which catalogue each slot of the voice model reads (slot name -> catalogue name).
SLOT_CATALOGUES: Mapping[str, str] = {
    "cause": "causes",
    "symptom": "symptoms",
    "bodyPlace": "body_places",
    "activity": "activities",
    "test": "tests",
    "priceStep": "price_steps",
    "medicine": "medicines",
    "answer": "answers",
}

# ------------------------------------------------------------------------------ word rules

# The patterns of this module are kept as text, compiled by ``re`` (and cached there) on first use: only
# words Alexa could not resolve (and the voice-model build) need them, never a launch (~1 ms at import).
_ARTICLES = frozenset({"a", "an", "the", "my", "some", "any", "his", "her", "this", "that"})
_NOT_WORD = r"[^a-z' ]+"
_NEGATION = r" (?:no|not|never|nt|dont|doesnt|isnt|arent|wasnt|cant|without|hardly) |nt "
_NO_PLURAL = r"(?:s|ia|itis|osis|ing|ed|ful|ous|al|ic)$"
_PREPOSITIONS = frozenset({"in", "of", "from", "behind", "at", "on", "to", "with"})
_UNCOUNTED = frozenset({"pain", "damage", "resonance", "imaging", "patellae", "muscle"})
_IRREGULAR = {"calf": "calves", "foot": "feet", "knee": "knees"}


def spelled(word: str) -> str:
    """An abbreviation as ASR writes it when spelled out: "acl" -> "a. c. l."."""
    return " ".join(f"{letter}." for letter in word.lower())


def plural(phrase: str) -> str | None:
    """The phrase with its last word in the plural ("hamstring injury" -> "hamstring injuries"),
    or None when that would not be a plural noun phrase (already plural, a condition name, a
    phrase ending in a prepositional part)."""
    words = phrase.split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    if not words or any(w in _PREPOSITIONS or len(w) == 1 for w in words) or "." in phrase:
        return None
    last = words[-1]
    if len(last) < 3 or re.search(_NO_PLURAL, last) or "'" in last or last in _UNCOUNTED:
        return None
    if last in _IRREGULAR:
        last = _IRREGULAR[last]
    elif last.endswith("y") and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("x", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return " ".join([*words[:-1], last])


def variants(raw: str, *, plurals: bool = True) -> tuple[str, ...]:
    """Spoken variants of one content word or phrase, as written in content (case matters: an
    all-capitals word is an abbreviation): spelled abbreviations and, with ``plurals``, plurals."""
    base = spoken_form(raw)
    out: list[str] = []
    tokens = raw.replace("-", " ").split()
    if any(t.isupper() and 2 <= len(t) <= 4 and t.isalpha() for t in tokens):
        for style in (spelled, lambda w: " ".join(w.lower())):
            out.append(
                spoken_form(
                    " ".join(
                        style(t) if t.isupper() and 2 <= len(t) <= 4 and t.isalpha() else t for t in tokens
                    )
                )
            )
    last = tokens[-1] if tokens else ""
    if plurals and not (last.isupper() and len(last) > 1):
        many = plural(base)
        if many:
            out.append(many)
    return tuple(v for v in dict.fromkeys(out) if v and v != base)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 4 and word.endswith("lves"):  # calves, halves
        return word[:-3] + "f"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


def match_key(text: str) -> str:
    """The form both sides are compared in: lower case, spelled letters joined ("a. c. l." ->
    "acl"), no punctuation or apostrophes, no leading article, each word singular."""
    text = text.lower().replace("\u2019", "'").replace("-", " ")
    text = re.sub(r"\b([a-z])\.\s*", r"\1 ", text)  # "a. c. l." -> "a c l "
    text = re.sub(_NOT_WORD, " ", text).replace("'", "")
    words: list[str] = []
    run: list[str] = []
    for word in [*text.split(), ""]:  # runs of single letters are one spelled word: "a c l" -> "acl"
        if len(word) == 1:
            run.append(word)
            continue
        words.extend(["".join(run)] if len(run) > 1 else run)
        run = []
        if word:
            words.append(word)
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(_singular(w) for w in words)


# ------------------------------------------------------------------------------- matching


class ValueMatch(msgspec.Struct, frozen=True):
    """The skill's own reading of a heard value: the best id, and whether it is sure of it."""

    id: str | None = None
    sure: bool = False


_SOUNDS = (
    (r"ph", "f"),
    (r"ck|q", "k"),
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),
    (r"z", "s"),
    (r"(?<=.)y", "i"),
    (r"(.)\1", r"\1"),
    (r"(?<=[a-z])h", ""),
)


def sounds_like(key: str) -> str:
    """A rough sound-alike form for ASR variants: "krosin" and "crocin" both become "krosin"."""
    for pattern, replacement in _SOUNDS:
        key = re.sub(pattern, replacement, key)
    return key


@functools.cache
def _index(values: tuple[SlotValue, ...]) -> Mapping[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for value in values:
        for word in (value.name, *value.synonyms):
            for form in (word, *variants(word)):
                key = match_key(form)
                if key and value.id not in index.setdefault(key, []):
                    index[key].append(value.id)
    return {key: tuple(ids) for key, ids in index.items()}


def match_spoken(heard: str, values: Iterable[SlotValue]) -> ValueMatch:
    """Match words Alexa could not resolve against a catalogue's names, synonyms and variants."""
    catalogue = tuple(values)
    index = _index(catalogue)
    key = match_key(heard)
    if not key or re.search(_NEGATION, f" {key} "):
        return ValueMatch()  # nothing said, or a negation ("not stiff"): never guess a value
    exact = index.get(key)
    if exact:
        return ValueMatch(exact[0], sure=len(exact) == 1)
    contained = _contained(key, index)
    if contained is not None:
        return contained
    from difflib import SequenceMatcher  # noqa: PLC0415  # words Alexa could not resolve only: never a launch

    best: dict[str, float] = {}
    sound = sounds_like(key)
    letters, sound_letters = Counter(key), Counter(sound)
    for candidate, candidate_sound, candidate_letters, candidate_sound_letters, ids in _sounds(catalogue):
        # A ratio is at most twice the letters two strings share over their total length
        # (SequenceMatcher.quick_ratio). A candidate that cannot reach
        # GUESS - TIE can be neither the best match nor a runner-up within TIE of a best at or above
        # GUESS, so it cannot change the result: skip the costly comparison.
        if (
            _letters_bound(letters, candidate_letters) < _FLOOR
            and _letters_bound(sound_letters, candidate_sound_letters) - _SOUND_PENALTY < _FLOOR
        ):
            continue
        score = max(
            SequenceMatcher(None, key, candidate).ratio(),
            SequenceMatcher(None, sound, candidate_sound).ratio() - _SOUND_PENALTY,
        )
        for ident in ids:
            best[ident] = max(best.get(ident, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < GUESS:
        return ValueMatch()
    top_id, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return ValueMatch(top_id, sure=top >= SURE and top - runner_up >= TIE)


#: Below this score a candidate changes no match (see ``match_spoken``).
_FLOOR = GUESS - TIE
#: A sound-alike match counts for a little less than the same letters.
_SOUND_PENALTY = 0.02


def _letters_bound(a: Counter[str], b: Counter[str]) -> float:
    """The largest ratio two strings with these letters can have (SequenceMatcher.quick_ratio)."""
    total = a.total() + b.total()
    return 2.0 * (a & b).total() / total if total else 1.0


_Entry = tuple[str, str, Counter[str], Counter[str], tuple[str, ...]]


@functools.cache
def _sounds(values: tuple[SlotValue, ...]) -> tuple[_Entry, ...]:
    """Each catalogue key with its sound-alike form and their letters, worked out once per catalogue.
    Keys that hold a negation are left out: ``match_spoken`` never guesses for words with one, so a
    near spelling would only ever add it ("can walk on it" is never "can't walk on it")."""
    return tuple(
        (candidate, sound, Counter(candidate), Counter(sound), ids)
        for candidate, ids in _index(values).items()
        if not re.search(_NEGATION, f" {candidate} ")
        for sound in (sounds_like(candidate),)
    )


def _contained(key: str, index: Mapping[str, tuple[str, ...]]) -> ValueMatch | None:
    """A catalogue word said inside more words ("acl injury", "my torn meniscus thing"): the
    longest such word wins; sure only when it is most of what was said and names one value."""
    padded = f" {key} "
    found = [(len(k), ids) for k, ids in index.items() if len(k) >= 3 and f" {k} " in padded]
    if not found:
        return None
    length, ids = max(found, key=lambda item: item[0])
    rivals = {i for size, other in found if size == length for i in other}
    return ValueMatch(ids[0], sure=len(rivals) == 1 and length >= 0.6 * len(key))


# ------------------------------------------------------------------------------ reading slots


class SlotReading(msgspec.Struct, frozen=True):
    """One slot: the resolved ids (Alexa's, or the skill's own match), and whether words were heard.

    ``guessed`` means the id is the skill's unsure guess at words Alexa could not resolve.
    """

    ids: tuple[str, ...] = ()
    heard: bool = False
    guessed: bool = False

    @property
    def id(self) -> str | None:
        return self.ids[0] if self.ids and not self.guessed else None

    @property
    def guess(self) -> str | None:
        return self.ids[0] if self.ids and self.guessed else None

    @property
    def unresolved(self) -> bool:
        return self.heard and (not self.ids or self.guessed)

    def prefer(self, wanted: Iterable[str]) -> str | None:
        """The first of ``wanted`` among the resolved ids (a shared word such as "swollen"
        resolves to several values), else the first id."""
        if self.id is None:
            return None
        chosen = set(wanted)
        return next((i for i in self.ids if i in chosen), self.ids[0])


def read_slot(
    handler_input: HandlerInput, name: str, catalogue: Sequence[SlotValue] | None = None
) -> SlotReading:
    """Every ER_SUCCESS_MATCH id of a slot across its resolution authorities; for words Alexa
    could not resolve, the skill's own match against ``catalogue`` (when given)."""
    request = handler_input.request_envelope.request
    if not isinstance(request, IntentRequest) or request.intent is None or not request.intent.slots:
        return SlotReading()
    slot: Any = request.intent.slots.get(name)
    if slot is None:
        return SlotReading()
    value = getattr(slot, "value", None)
    heard = isinstance(value, str) and bool(value.strip())
    resolutions = getattr(slot, "resolutions", None)
    ids: list[str] = []
    for authority in getattr(resolutions, "resolutions_per_authority", None) or ():
        status = getattr(getattr(authority, "status", None), "code", None)
        # the SDK's StatusCode enum (its package is loaded by the deserializer with any resolution)
        if getattr(status, "value", status) != "ER_SUCCESS_MATCH":
            continue
        for wrapper in getattr(authority, "values", None) or ():
            value_id = getattr(getattr(wrapper, "value", None), "id", None)
            if isinstance(value_id, str) and value_id and value_id not in ids:
                ids.append(value_id)
    if ids:
        return SlotReading(ids=tuple(ids), heard=True)
    if heard and catalogue and isinstance(value, str):
        found = match_spoken(value, catalogue)
        if found.id is not None:
            return SlotReading(ids=(found.id,), heard=True, guessed=not found.sure)
    return SlotReading(heard=heard)


#: Between the items of a spoken list: "red and warm", "hot, swollen and stiff".
_LIST_SEPARATOR = r"\s*(?:,|\band\b|\bplus\b|&)\s*"


def read_slot_list(
    handler_input: HandlerInput,
    name: str,
    catalogue: Sequence[SlotValue],
    also: Mapping[str, Sequence[SlotValue]] | None = None,
    *,
    default_place: str = "",
) -> tuple[SlotReading, ...]:
    """``read_slot``, but words Alexa could not resolve as a whole are read for every value they
    name (``spot``: "red warm and really tender", "my knee has gone hot and red and swollen"), so
    several findings said at once all count; failing that, a spoken list ("red and warm") is read
    item by item. An item said exactly as a value's word is taken as that word's first value, as
    Alexa's own resolution does. ``also``: other slots' catalogues whose values may be said in
    these words too (body places said within a symptom: "it aches behind my knee").

    The body place said around the words (the ``bodyPlace`` slot, the ``place`` slot of a carrier
    such as "my {place} is {symptom}", else ``default_place``: the knee for "the back of my knee is
    {symptom}") reads a word several values share as that place's value only: "my knee is swollen"
    is a swollen knee, never a swollen calf, even when Alexa resolved "swollen" to all three."""
    whole = read_slot(handler_input, name, catalogue)
    value = slot_words(handler_input, name)
    if value is None:
        return (whole,)
    said_place = _place_words(handler_input, name)
    # The intent's own place ("the back of my knee is swollen") only when no place is said at all.
    context = said_place or ("" if _first_place(value) else default_place)
    spotted, coverage = spot(value, name, catalogue, context=context, also=also)
    place = _first_place(context)
    if place is not None and whole.ids and not whole.unresolved:
        if spotted and coverage >= _MOSTLY:
            return spotted  # each word read for the place said ("my knee is hot and swollen")
        words, known, _ = _spot_index(
            name, tuple(catalogue), tuple((k, tuple(v)) for k, v in (also or {}).items())
        )
        whole = SlotReading(ids=_placed(whole.ids, match_key(value), place, words, known), heard=whole.heard)
    if not whole.unresolved:
        # Alexa resolved one value; the words heard may name more ("red warm and really tender"
        # resolved as red): those count too.
        return (whole, *(r for r in spotted if whole.ids and not set(r.ids) & set(whole.ids)))
    if spotted:
        if len(spotted) > 1 or coverage >= _MOSTLY:
            return spotted
        # one value among many other words: a guess to ask about ("did you mean ...?")
        return (SlotReading(ids=spotted[0].ids, heard=True, guessed=True),)
    parts = re.split(_LIST_SEPARATOR, value)
    items = [item for item in parts if item.strip()]
    if len(items) < 2:
        return (whole,)
    index = _index(tuple(catalogue))
    recognition = _recognition_index(name)
    readings: list[SlotReading] = []
    for item in items:
        exact = index.get(match_key(item)) or recognition.get(match_key(item))
        if exact:
            readings.append(SlotReading(ids=(exact[0],), heard=True))
            continue
        found = match_spoken(item, catalogue)
        ids = (found.id,) if found.id is not None else ()
        readings.append(SlotReading(ids=ids, heard=True, guessed=bool(ids) and not found.sure))
    return tuple(readings)


def slot_words(handler_input: HandlerInput, name: str) -> str | None:
    """The words heard for slot ``name``, as Alexa sent them (None: not said)."""
    request = handler_input.request_envelope.request
    slots = getattr(getattr(request, "intent", None), "slots", None) or {}
    value = getattr(slots.get(name), "value", None)
    return value if isinstance(value, str) else None


def _place_words(handler_input: HandlerInput, name: str) -> str:
    """What says where, for reading ``name``: the words of the ``bodyPlace`` and ``place`` slots
    ("my calf muscle is ...", "my whole leg is ...")."""
    said = (slot_words(handler_input, other) for other in ("bodyPlace", "place") if other != name)
    return " ".join(words for words in said if words is not None)


#: Words that deny what follows them, within ``_NEGATION_REACH`` words ("no swelling or redness").
#: "can't" and "hardly" are not among them: they belong to what people report ("I can't bend it").
_NEGATORS = frozenset(
    {
        "no",
        "not",
        "never",
        "without",
        "nor",
        "dont",
        "doesnt",
        "isnt",
        "arent",
        "wasnt",
        "didnt",
        "hasnt",
        "havent",
    }
)
_NEGATION_REACH = 3
#: Words that end what a negator denies ("not swollen but red": red is said).
_CLAUSE_BREAKS = frozenset({"but", "though", "although", "just", "only", "yet", "and", "except"})


@functools.cache
def _places() -> dict[str, str]:
    """Words that name a body place, by match key, and the place finding ids are named with
    (``knee``, ``calf``, ``leg``, ``thigh``): the PLACE slot type's words, the same the interaction
    model gives Alexa ("calves", "calf muscle", "foot": the leg). They tell apart values sharing a
    word ("swollen": the knee, the calf or the whole leg)."""
    return {key: place for key, places in _recognition_index("place").items() for place in places[:1]}


def _first_place(text: str) -> str | None:
    """The place the first word of ``text`` that names one names."""
    places = _places()
    return next((places[w] for w in match_key(text).split() if w in places), None)


def only_a_place(words: str) -> bool:
    """``words`` name a body place and nothing else ("calf", "my calf muscle"): where a symptom is,
    not a pain there ("my calf is swollen" says nothing of pain in the calf)."""
    said = " ".join(w for w in match_key(words).split() if w not in _ARTICLES)
    return said in _places()


#: One value named by at least this share of the words said is what was said; less is a guess.
_MOSTLY = 0.6


def spot(
    text: str,
    name: str,
    catalogue: Sequence[SlotValue],
    *,
    context: str = "",
    also: Mapping[str, Sequence[SlotValue]] | None = None,
) -> tuple[tuple[SlotReading, ...], float]:
    """Every value whose name, synonym or recognition word is said in ``text``, longest phrase
    first and each word used once, skipping what a "no", "not" or "without" just before denies;
    and the share of the words said that name them (one value named by less than ``_MOSTLY`` of
    them is only a guess).

    A word several values share ("swollen") is read as the one of the body place said nearest
    before it (or after it, or in ``context``, the body-place slot's words): "my knee is swollen",
    "swollen calf". A place-free word said of a place is read as that place's value when the
    catalogue has one ("hot" of the knee: a hot knee, not warm skin on the calf)."""
    index, known, longest = _spot_index(
        name, tuple(catalogue), tuple((k, tuple(v)) for k, v in (also or {}).items())
    )
    words = match_key(text).split()
    if not words or not index:
        return (), 0.0
    naming = 0
    named = _places()
    places = [(i, named[w]) for i, w in enumerate(words) if w in named]
    default_place = _first_place(context)
    readings: list[SlotReading] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            key = " ".join(words[i : i + size])
            ids = index.get(key)
            if ids and not (size == 1 and key in named):
                break
        else:
            i += 1
            continue
        denied = _denied(words, i)
        if not denied:
            # a phrase that names its own place ("behind my knee", "swollen calf") is read as said
            own = any(w in named or w in _PLACE_IDS for w in key.split())
            place = None if own else _place_near(places, i) or default_place
            placed = _placed(ids, key, place, index, known)
            if placed:
                readings.append(SlotReading(ids=placed, heard=True))
                naming += size
        i += size
    unique: dict[tuple[str, ...], SlotReading] = {r.ids: r for r in readings}
    said = sum(w not in _ARTICLES for w in words) or len(words)
    return tuple(unique.values()), naming / said


@functools.cache
def _spot_index(
    name: str,
    catalogue: tuple[SlotValue, ...],
    also: tuple[tuple[str, Sequence[SlotValue]], ...],
) -> tuple[dict[str, tuple[str, ...]], frozenset[str], int]:
    """The words ``spot`` looks for (recognition words, then names, synonyms and variants, of
    ``also``'s slots and then this one), the ids they name and the longest phrase's length in
    words: worked out once per catalogue."""
    index: dict[str, tuple[str, ...]] = {}
    for slot_name, values in (*also, (name, catalogue)):
        index.update(_recognition_index(slot_name))
        index.update(_index(tuple(values)))
    known = frozenset(i for ids in index.values() for i in ids)
    longest = max((len(k.split()) for k in index), default=0)
    return index, known, longest


def _denied(words: list[str], at: int) -> bool:
    """A negator within reach before ``at``, with no "but" (or "and", "just"...) between."""
    for w in reversed(words[max(0, at - _NEGATION_REACH) : at]):
        if w in _CLAUSE_BREAKS:
            return False
        if w in _NEGATORS:
            return True
    return False


def _place_near(places: list[tuple[int, str]], at: int) -> str | None:
    before = [p for i, p in places if i < at]
    if before:
        return before[-1]
    after = [p for i, p in places if i > at]
    return after[0] if after else None


def _placed(
    ids: tuple[str, ...],
    key: str,
    place: str | None,
    index: Mapping[str, tuple[str, ...]],
    known: AbstractSet[str],
) -> tuple[str, ...]:
    """``ids`` read for the body place said with them: the ones of that place; else the same finding
    of that place ("swelled up" of the calf: swelling_calf, not swelling_knee); else the value the
    catalogue has for the word said with the place ("hot knee"). Only that place's own values, when
    it has any: "swollen" of the knee is the knee, not also the calf and the leg, so a pending
    question about the calf cannot take it as its answer."""
    if place is None:
        return ids
    of_place = tuple(i for i in ids if place in i.split("_"))
    if of_place:
        return of_place
    moved: list[str] = []
    for i in ids:
        parts = i.split("_")
        if any(p in _PLACE_IDS for p in parts):
            base = {p for p in parts if p not in _PLACE_IDS}
            moved += [k for k in sorted(known) if place in k.split("_") and base <= set(k.split("_"))]
    if moved:
        return tuple(dict.fromkeys(moved))
    for said in (f"{key} {place}", f"{place} {key}"):
        placed = index.get(said)
        if placed:
            return placed
    # A finding of one place said of another it is not part of ("it feels tight" of the knee is not
    # a tight calf): not that finding. The leg holds the calf and the thigh.
    elsewhere = [i for i in ids if _PLACE_IDS.intersection(i.split("_")) and place != "leg"]
    return tuple(i for i in ids if i not in elsewhere)


#: The place words finding ids are named with (``swelling_knee``, ``pain_calf``, ``swelling_whole_leg``).
_PLACE_IDS = frozenset({"knee", "calf", "leg", "thigh"})


_RECOGNITION_TYPE_OF_SLOT = {"symptom": "SYMPTOM", "bodyPlace": "BODY_PLACE", "place": "PLACE"}


@functools.cache
def _recognition_index(slot_name: str) -> dict[str, tuple[str, ...]]:
    """Recognition-only words ("red", "hot", "puffy") of a slot's type, by match key: the same words
    the interaction model gives Alexa (voicemodel/words.yaml, written to recognition_words.json by
    ``python -m voicemodel.build``)."""
    type_name = _RECOGNITION_TYPE_OF_SLOT.get(slot_name)
    if type_name is None:
        return {}
    path = os.path.join(os.path.dirname(__file__), "recognition_words.json")
    with open(path, encoding="utf-8") as file:
        values: dict[str, list[str]] = json.load(file).get(type_name) or {}
    index: dict[str, tuple[str, ...]] = {}
    for value_id, words in values.items():
        for word in words:
            key = match_key(word)
            if key and value_id not in index.get(key, ()):
                index[key] = (*index.get(key, ()), value_id)
    return index


def read_number(handler_input: HandlerInput, name: str, low: int, high: int) -> int | None:
    """A built-in AMAZON.NUMBER slot as an int within [low, high], or None."""
    request = handler_input.request_envelope.request
    if not isinstance(request, IntentRequest) or request.intent is None or not request.intent.slots:
        return None
    slot = request.intent.slots.get(name)
    text = getattr(slot, "value", None)
    digits = text.strip() if isinstance(text, str) else ""
    # ASCII digits only: "²", "⑤" or "¹⁰" pass isdigit() but are no number (heard, unresolved).
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 4:
        return None
    number = int(digits)
    return number if low <= number <= high else None


# ------------------------------------------------------------------------------ dialog model

#: The dialog-model intent and slot for each kind of pending answer (see ``dialog`` in intents.yaml).
AGE_SLOT = ("AgeIntent", "age")
ANSWER_SLOT = ("SymptomIntent", "answer")


def elicitation(question_id: str | None, locale: LocaleContent) -> tuple[str, str] | None:
    """Which slot a device should listen for while interview question ``question_id`` is pending:
    the age question wants a number; every other interview question is a yes-or-no question
    ("does it hurt in your calf?"), so it wants a yes, no or not sure. (Eliciting the symptom or
    body-place slot for them made a bare "no" fill that slot, where it is no answer at all.) A
    symptom said instead ("yes, it's swollen") still reaches SymptomIntent through its samples."""
    if question_id is None:
        return None
    question = QUESTIONS.get(question_id)
    if question is None:
        return None
    if question.kind is QuestionKind.AGE:
        return AGE_SLOT
    return ANSWER_SLOT


def elicit_slot_directive(question_id: str | None, locale: LocaleContent) -> Any | None:
    """A ``Dialog.ElicitSlot`` directive for the pending interview question, or None: with it, a
    real device reads a bare answer ("forty two", "my calf", "yeah a bit") against that slot's
    samples instead of sending it to the fallback intent."""
    target = elicitation(question_id, locale)
    if target is None:
        return None
    intent, slot = target
    # The SDK's dialog package (13 modules): only an interview question needs it, never a launch.
    from ask_sdk_model.dialog import ElicitSlotDirective  # noqa: PLC0415

    return ElicitSlotDirective(
        slot_to_elicit=slot,
        updated_intent=Intent(name=intent, slots={}, confirmation_status=IntentConfirmationStatus.NONE),
    )
