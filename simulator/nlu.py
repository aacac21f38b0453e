"""A small offline NLU built from the skill's own interaction models.

``resolve(utterance, locale, dialog)`` turns typed words into what Alexa would send: an intent
with slots, each custom slot entity-resolved against the model's slot types (``ER_SUCCESS_MATCH``
with every value whose name or synonym was said, or ``ER_SUCCESS_NO_MATCH``), ``AMAZON.NUMBER``
slots as digits, and ``AMAZON.FallbackIntent`` when nothing fits well enough.

It knows only what a device knows: the interaction model, and the dialog the last response opened
(``dialog``: the ``Dialog.ElicitSlot`` directive's intent and slot, see :class:`ElicitedSlot`).
Never the skill's session attributes.

How it decides, in order:

1. a launch phrase ("open knee helper", "launch") or a one-shot ("ask knee helper why ...");
2. an exact carrier-phrase match: every sample utterance is compiled to an anchored regex at load,
   ``{slot}`` becoming a capture; the captured words are resolved against the slot type
   (exactly, then with rapidfuzz for near matches such as "bakers sist", then a value inside the
   captured words: "keeps buckling" holds "buckling", as Alexa tags carrier words around a value);
   a carrier whose slot holds words that name no value is a weak reading: it is kept only when
   the unknown words are no more than the carrier's own ("tell me about purple elephants"), and it
   loses to any reading with a resolved value or a near match of a whole sample;
   an emergency said inside a longer sentence ("my calf is swollen and I can't breathe") is read
   as the emergency, unless a negation comes just before it;
3. dialog: while the last response elicits a slot (``Dialog.ElicitSlot``), a bare answer ("forty
   two", "my calf", "yeah a bit") is matched against that intent's slot samples, as Alexa does;
4. the same, with filler words left out on both sides ("okay so ...", "... please", "thanks a lot"),
   with plurals as singulars, and with one word more or less than a sample at either end;
5. near matches: of the whole utterance or of a carrier phrase (rapidfuzz), or every meaningful
   word of the utterance within one sample that has at most three more;
6. ``AMAZON.FallbackIntent``.

Everything expensive (regexes, lookup tables) is built once per locale and cached.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

__all__ = [
    "BUILTIN_SAMPLES",
    "FALLBACK_INTENT",
    "MODELS_DIR",
    "ElicitedSlot",
    "MatchStatus",
    "Resolution",
    "SlotResult",
    "Source",
    "VoiceModel",
    "load_model",
    "normalise",
    "parse_number",
    "resolve",
    "supported_locales",
]

MODELS_DIR = Path(__file__).resolve().parent.parent / "skill" / "interactionModels" / "custom"
FALLBACK_INTENT = "AMAZON.FallbackIntent"
NUMBER_TYPE = "AMAZON.NUMBER"

#: A small sample list for the built-in intents (Alexa trains these itself; the model lists none).
BUILTIN_SAMPLES: Mapping[str, tuple[str, ...]] = {
    "AMAZON.YesIntent": (
        "yes", "yeah", "yep", "yup", "yes please", "sure", "okay", "ok", "of course", "definitely",
        "yes i do", "yes it is", "yes there is", "uh huh", "correct", "that's right", "i do", "it is",
    ),
    "AMAZON.NoIntent": (
        "no", "nope", "nah", "no thanks", "no thank you", "not really", "no i don't", "no it isn't",
        "no there isn't", "i don't", "it isn't", "there isn't", "negative", "not at all",
    ),
    "AMAZON.HelpIntent": (
        "help", "help me", "what can i say", "what can you do", "i need help", "how does this work",
    ),
    "AMAZON.StopIntent": (
        "stop", "quit", "exit", "goodbye", "bye", "that's all", "i'm done", "shut up", "be quiet",
    ),
    "AMAZON.CancelIntent": ("cancel", "never mind", "nevermind", "forget it", "cancel that"),
    "AMAZON.RepeatIntent": (
        "repeat", "repeat that", "say that again", "say it again", "pardon", "come again", "what did you say",
    ),
    "AMAZON.NextIntent": ("next", "next one", "go on", "next step"),
    "AMAZON.PreviousIntent": ("go back", "previous", "back", "last one", "the one before"),
    "AMAZON.StartOverIntent": ("start over", "start again", "restart", "begin again", "from the beginning"),
    "AMAZON.PauseIntent": ("pause", "hold on", "wait"),
    "AMAZON.ResumeIntent": ("resume", "pick up where we left off", "keep going", "continue", "carry on"),
    "AMAZON.NavigateHomeIntent": ("home", "go home", "main menu"),
}  # fmt: skip

#: Lowest score (0..1) an intent needs before the fallback intent is preferred.
THRESHOLD = 0.78
#: rapidfuzz ``ratio`` (0..100) a slot value needs to resolve to a near match.
SLOT_CUTOFF = 80.0
#: rapidfuzz ``ratio`` (0..100) the whole utterance, or a carrier phrase, needs against a sample.
UTTERANCE_CUTOFF = 85.0

_INVOCATION_VERBS = r"(?:open|launch|start|begin|load|run|play|use)"
_ONE_SHOT_VERBS = r"(?:ask|tell|use)"
_LEADING_WORDS = frozenset({"a", "an", "the", "my", "some"})
#: Words people add that change nothing (step 3): left out of the utterance and of every sample.
_FILLERS = frozenset({
    "please", "so", "very", "really", "honestly", "genuinely", "just", "okay", "ok", "um", "uh", "er",
    "erm", "well", "mate", "then", "now", "actually", "alexa", "kindly", "oh", "hey", "hmm", "like",
    "quite", "pretty", "ever",
})  # fmt: skip
_FILLER_PHRASES = re.compile(
    r"\b(?:a lot|for now|for that|for me|to be honest|you know|i think|i guess)\b"
    r"|^(?:i want to|i'd like to|i would like to|can we|can you|could you|will you|let's) "
)
_POLITE_TAIL = re.compile(r"^(?P<rest>.+?) (?:thanks|thank you|cheers|ta)$")
_SLOT_TOKEN = re.compile(r"^\{([A-Za-z][A-Za-z0-9_]*)\}$")
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")


class MatchStatus(StrEnum):
    """Entity-resolution status codes, as Alexa sends them."""

    MATCH = "ER_SUCCESS_MATCH"
    NO_MATCH = "ER_SUCCESS_NO_MATCH"


class Source(StrEnum):
    """Which rule produced the resolution (shown by the simulator; Alexa does not send it)."""

    LAUNCH = "launch"
    SAMPLE = "sample"
    CONTEXT = "context"
    FUZZY = "fuzzy"
    FALLBACK = "fallback"


@functools.lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """Lower case, plain apostrophes, words and digits only, single spaces."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("-", " ").replace(".", " ")
    text = _NOT_WORD.sub(" ", text)
    text = " ".join(word.strip("'") for word in text.split())
    return _SPACES.sub(" ", text).strip()


def core(text: str) -> str:
    """The utterance without filler words and a trailing thanks ("that's all thanks" -> "that's all")."""
    text = _FILLER_PHRASES.sub(" ", normalise(text))
    polite = _POLITE_TAIL.match(" ".join(text.split()))
    if polite and polite.group("rest") not in ("no", "yes"):
        text = polite.group("rest")
    words = [w for w in text.split() if w not in _FILLERS]
    return " ".join(words) if words else " ".join(text.split())


_ANSWER_INTENTS = frozenset({"AMAZON.YesIntent", "AMAZON.NoIntent"})
_CONTRACTIONS = {
    "what's": "what is", "it's": "it is", "i'm": "i am", "i've": "i have", "that's": "that is",
    "there's": "there is", "can't": "can not", "cannot": "can not", "don't": "do not",
    "doesn't": "does not", "isn't": "is not", "i'd": "i would", "you're": "you are", "won't": "will not",
    "haven't": "have not", "i'll": "i will", "he's": "he is", "she's": "she is", "let's": "let us",
}  # fmt: skip
_STOP = frozenset({
    "i", "me", "my", "the", "a", "an", "it", "is", "am", "are", "to", "of", "and", "this", "that",
    "for", "on", "in", "you", "your", "some", "any", "be", "do", "does", "did", "have", "got", "us",
    "much",
})  # fmt: skip
#: A sample with one of these words the utterance lacks means something else ("skip this question").
_REVERSING = frozenset({"no", "not", "skip", "stop", "cancel", "never", "without", "nope", "nothing"})
#: Most words a sample may have that the utterance lacks, for a bag-of-words match (step 5).
MAX_EXTRA_WORDS = 3
#: Intents that end the session: a bag-of-words match of a denial never reaches them ("nothing like
#: that", said to a question, shares "nothing" with "nothing else" but must never end the session).
_ENDING_INTENTS = frozenset({"AMAZON.StopIntent", "AMAZON.CancelIntent"})
#: Words that deny what follows them: a value found after one of them inside a slot's words is not
#: the value ("not swollen"), and an emergency phrase right after one is not said ("not short of breath").
_NEGATIONS = frozenset({
    "no", "not", "never", "without", "nothing", "none", "nope", "nah", "isn't", "doesn't", "don't",
    "didn't", "hasn't", "haven't", "wasn't", "aren't", "won't", "hardly", "neither", "nor",
})  # fmt: skip
#: The emergency intents, one per class of sign (handlers/acts.py gives each its finding; a test ties
#: the two): a red-flag phrase inside a longer sentence goes to the intent whose sample it is. And
#: the fewest words such a phrase has.
EMERGENCY_INTENTS = frozenset(
    {"EmergencyIntent", "FaintingIntent", "LegCirculationIntent", "BladderBowelIntent", "AmbulanceIntent"}
)
_EMERGENCY_PHRASE_WORDS = 3
#: Score of a carrier whose slot words name no value (above THRESHOLD: a known carrier with an
#: unknown value is still that intent), used only when those words are no more than the carrier's.
UNRESOLVED_SCORE = 0.79


def content_words(text: str) -> frozenset[str]:
    """The words that carry meaning: contractions opened, stop words out, each word singular."""
    words = " ".join(_CONTRACTIONS.get(w, w) for w in core(text).split()).split()
    return frozenset(_singular_words(w) for w in words if w not in _STOP and w not in _FILLERS)


def _near_words(model: VoiceModel, text: str) -> _Candidate | None:
    """Every meaningful word of the utterance in one slotless sample that has at most a few more:
    "treatment" in "treatment options", "start a timer" in "start a timer for my ice"."""
    said = content_words(text)
    if not said:
        return None
    denial = bool(said & _NEGATIONS)
    allowed = MAX_EXTRA_WORDS if len(said) >= 2 else 1  # one word alone ("swollen") is weak evidence
    best: tuple[int, int, str] | None = None
    sets, having = model.word_sets, model.samples_with_word
    # Only the samples that have every word said: those with its rarest word, checked for the rest.
    rarest = min(said, key=lambda w: len(having.get(w, ())))
    for index in having.get(rarest, ()):
        words, length, intent = sets[index]
        extra = words - said
        if intent in _ANSWER_INTENTS or extra & _REVERSING or (intent in _ENDING_INTENTS and denial):
            continue
        if extra and intent in EMERGENCY_INTENTS:
            continue  # a word the user did not say never makes an emergency ("it might" + "faint")
        if said <= words and len(extra) <= allowed:
            rank = (len(words - said), length, intent)
            if best is None or rank < best:
                best = rank
    if best is None:
        return None
    return _Candidate(best[2], {}, 0.86 - 0.02 * best[0], Source.FUZZY)


#: Plain yes and no words: a short reply that opens (or ends) with one, and matches nothing
#: better, is that answer ("yeah righto", "nah I'm good", "sometimes yeah"), as Alexa's built-in
#: YesIntent and NoIntent hear it.
_YES_WORDS = frozenset({"yes", "yeah", "yep", "yup", "sure", "aye", "yea", "definitely", "absolutely"})
_NO_WORDS = frozenset({"no", "nope", "nah"})
#: Most words such a reply has.
_ANSWER_WORDS = 5


#: Words that make a yes or no a correction of an earlier answer ("no wait, I meant yes").
_CORRECTING = frozenset(
    {"meant", "mean", "said", "say", "answer", "answered", "told", "wrong", "change", "instead"}
)


def _plain_answer(text: str) -> _Candidate | None:
    words = core(text).split()
    if not 2 <= len(words) <= _ANSWER_WORDS or _CORRECTING.intersection(words):
        return None
    if _YES_WORDS.intersection(words) and _NO_WORDS.intersection(words):
        return None
    for word in (words[0], words[-1]):
        rest = [w for w in words if w != word]
        if word in _NO_WORDS:
            return _Candidate("AMAZON.NoIntent", {}, 0.785, Source.FUZZY)
        if word in _YES_WORDS and not any(w in _NEGATIONS or w.endswith("n't") for w in rest):
            return _Candidate("AMAZON.YesIntent", {}, 0.785, Source.FUZZY)
    return None


#: Most words the utterance may have that a sample lacks, for a bag-of-words match the other way
#: round: a hedge or an intensifier said inside a sample ("I can't SEEM TO catch my breath").
MAX_INSERTED_WORDS = 2


def _words_within(model: VoiceModel, text: str) -> _Candidate | None:
    """Every meaningful word of a slotless sample (two or more) in the utterance, which has at most
    two more, none of them a negation: "i can't seem to catch my breath" holds "i can't catch my
    breath". The sample with the most words wins."""
    said = content_words(text)
    if len(said) < 2:
        return None
    best: tuple[int, int, str] | None = None
    sets, having = model.word_sets, model.samples_with_word
    # Only the samples with a word said can have all their words said.
    for index in sorted({i for w in said for i in having.get(w, ())}):
        words, _length, intent = sets[index]
        if len(words) < 2 or not words <= said or intent in _ANSWER_INTENTS or intent in _ENDING_INTENTS:
            continue
        extra = said - words
        if len(extra) > MAX_INSERTED_WORDS or extra & _NEGATIONS:
            continue
        rank = (len(extra), -len(words), intent)
        if best is None or rank < (best[0], best[1], best[2]):
            best = (len(extra), -len(words), intent)
    if best is None:
        return None
    return _Candidate(best[2], {}, 0.84 - 0.02 * best[0], Source.FUZZY)


@functools.lru_cache(maxsize=1 << 16)
def _singular_words(text: str) -> str:
    from kneeskill.slots import match_key

    return match_key(text)


def _core_sample(text: str) -> str:
    """:func:`core` for a sample's text, whose ``{slot}`` tokens stay as they are."""
    words = [w for w in _FILLER_PHRASES.sub(" ", text).split() if w not in _FILLERS]
    return " ".join(words) or text


def _key(text: str) -> str:
    """A looser form for slot values: no apostrophes, no leading article or "my"."""
    words = normalise(text).replace("'", "").split()
    while len(words) > 1 and words[0] in _LEADING_WORDS:
        words = words[1:]
    return " ".join(words)


# --------------------------------------------------------------------------------- numbers

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip


def parse_number(text: str) -> int | None:
    """Digits, or English number words up to 999 ("forty two", "a hundred and five"), or None."""
    words = normalise(text).split()
    if len(words) == 1 and words[0].isdigit() and len(words[0]) <= 6:
        return int(words[0])
    if not words or words in (["a"], ["oh"]):
        return None
    total = 0
    current = 0
    seen_any = False
    for word in words:
        if word == "and" and seen_any:
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            if current % 100 != 0:
                return None
            current += _TENS[word]
        elif word == "hundred":
            if current == 0 and not seen_any:
                return None
            current = (current or 1) * 100
        elif word.isdigit() and not seen_any and len(word) <= 3:
            current = int(word)
        else:
            return None
        seen_any = True
    total += current
    return total if seen_any else None


# ---------------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Entry:
    id: str
    canonical: str


@dataclass(frozen=True)
class SlotType:
    """One custom slot type: exact keys and the choices for near matches."""

    name: str
    by_key: Mapping[str, tuple[_Entry, ...]]
    keys: tuple[str, ...]
    keys_by_id: Mapping[str, tuple[str, ...]]
    first: _Entry | None


@dataclass(frozen=True)
class _Sample:
    intent: str
    text: str
    regex: str
    slot_names: tuple[str, ...]
    literal_words: int
    prefix: str  # literal words before a single slot ("" if none or not single-slot)
    suffix: str  # literal words after a single slot

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled when first matched: most samples never are (a carrier is tried only when its
        first word is the utterance's, see ``_Carriers``), and compiling all of them made loading
        a model take seconds."""
        return re.compile(self.regex)


@dataclass(frozen=True)
class _Carriers:
    """Carrier phrases (samples with slots), in model order, indexed by their first word: an
    utterance can only match a carrier that starts with its first word or with a slot, and whose
    literal words before its first slot and after its last slot begin and end the utterance."""

    samples: tuple[_Sample, ...]
    by_first: Mapping[str, tuple[int, ...]]  # carriers that start with a word
    by_last: Mapping[str, tuple[int, ...]]  # carriers that start with a slot and end with a word
    slots_only: tuple[int, ...]  # carriers that start and end with a slot
    ends: tuple[tuple[str, str], ...]  # per sample: the literal words before and after the slots

    @classmethod
    def of(cls, samples: tuple[_Sample, ...]) -> _Carriers:
        by_first: dict[str, list[int]] = {}
        by_last: dict[str, list[int]] = {}
        slots_only: list[int] = []
        ends: list[tuple[str, str]] = []
        for index, sample in enumerate(samples):
            words = sample.text.split(" ")
            slots = [i for i, w in enumerate(words) if _SLOT_TOKEN.match(w)]
            if not slots:
                ends.append(("", ""))
                continue
            head = " ".join(words[: slots[0]])
            tail = " ".join(words[slots[-1] + 1 :])
            ends.append((head + " " if head else "", " " + tail if tail else ""))
            if head:
                by_first.setdefault(words[0], []).append(index)
            elif tail:
                by_last.setdefault(words[-1], []).append(index)
            else:
                slots_only.append(index)
        return cls(
            samples,
            {k: tuple(v) for k, v in by_first.items()},
            {k: tuple(v) for k, v in by_last.items()},
            tuple(slots_only),
            tuple(ends),
        )

    def for_text(self, text: str) -> tuple[_Sample, ...]:
        first = self.by_first.get(text.split(" ", 1)[0], ())
        last = self.by_last.get(text.rsplit(" ", 1)[-1], ())
        ends = self.ends
        return tuple(
            self.samples[i]
            for i in sorted((*first, *last, *self.slots_only))
            if text.startswith(ends[i][0]) and text.endswith(ends[i][1])
        )


@dataclass(frozen=True)
class _NearCarriers:
    """The carrier phrases around one slot ("tell me about {cause}"), for near matches of misspelt
    carriers, grouped by how many words come before and after the slot: in a group, the words an
    utterance has in those places are compared with every carrier's in one rapidfuzz call."""

    #: (words before, words after, the carriers' "<before>|<after>" texts, their model order)
    groups: tuple[tuple[int, int, tuple[str, ...], tuple[int, ...]], ...]
    samples: tuple[_Sample, ...]  # in model order
    denials: tuple[bool, ...]  # per sample: whether its carrier words deny ("there's no {symptom}")

    @classmethod
    def of(cls, samples: tuple[_Sample, ...]) -> _NearCarriers:
        grouped: dict[tuple[int, int], tuple[list[str], list[int]]] = {}
        for index, sample in enumerate(samples):
            before = len(sample.prefix.split()) if sample.prefix else 0
            after = len(sample.suffix.split()) if sample.suffix else 0
            texts, order = grouped.setdefault((before, after), ([], []))
            texts.append(f"{sample.prefix}|{sample.suffix}")
            order.append(index)
        return cls(
            tuple((b, a, tuple(texts), tuple(order)) for (b, a), (texts, order) in grouped.items()),
            samples,
            tuple(_denials(f"{s.prefix} {s.suffix}") for s in samples),
        )


@dataclass(frozen=True)
class VoiceModel:
    """One locale's interaction model, compiled for matching."""

    locale: str
    invocation: str
    intents: frozenset[str]
    slot_types_of: Mapping[str, Mapping[str, str]]  # intent -> slot name -> type name
    types: Mapping[str, SlotType]
    samples: tuple[_Sample, ...]
    exact: Mapping[str, str]  # slotless sample text -> intent
    plain_texts: tuple[str, ...]  # slotless samples (custom and built-in) for near matches
    near_carriers: _NearCarriers  # samples with one slot and words around it
    slot_samples: Mapping[str, tuple[_Sample, ...]]  # intent -> its slots' samples (dialog model)
    core_exact: Mapping[str, str]  # slotless samples without fillers -> intent
    singular_exact: Mapping[str, str]  # slotless samples, each word singular -> intent
    by_shorter: Mapping[str, str]  # slotless samples of 3+ words less their first or last word -> intent
    word_sets: tuple[
        tuple[frozenset[str], int, str], ...
    ]  # (content words, length, intent) of slotless samples
    samples_with_word: Mapping[str, tuple[int, ...]]  # content word -> the word_sets that have it
    core_samples: tuple[_Sample, ...]  # carrier phrases without fillers
    carriers: _Carriers  # ``samples``' carrier phrases, indexed
    core_carriers: _Carriers  # ``core_samples``, indexed
    launch: re.Pattern[str]
    one_shot: re.Pattern[str]
    #: The emergency intents' slotless samples of three words or more, filler words left out, each
    #: with its intent, longest first: a red flag said inside a longer sentence
    emergency_phrases: tuple[tuple[str, str], ...] = ()

    def samples_of(self, intent: str) -> list[str]:
        """The model's own sample utterances of ``intent`` (not the built-in lists)."""
        return [s.text for s in self.samples if s.intent == intent]


def supported_locales() -> list[str]:
    """Every locale with an interaction model, sorted."""
    return sorted(p.stem for p in MODELS_DIR.glob("*.json"))


@functools.cache
def load_model(locale: str) -> VoiceModel:
    """Read and compile ``skill/interactionModels/custom/<locale>.json`` (cached)."""
    if locale not in supported_locales():
        raise ValueError(f"no interaction model for locale {locale!r}")
    data = json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    language_model = data["interactionModel"]["languageModel"]
    import rapidfuzz.process  # noqa: F401  # imported here so the first turn is not slower

    return _compile(locale, language_model)


def _compile(locale: str, language_model: Mapping[str, Any]) -> VoiceModel:
    types = {t["name"]: _slot_type(t) for t in language_model.get("types", [])}
    intents: set[str] = set()
    slot_types_of: dict[str, dict[str, str]] = {}
    samples: list[_Sample] = []
    exact: dict[str, str] = {}
    slot_samples: dict[str, list[_Sample]] = {}
    for intent in language_model.get("intents", []):
        name = intent["name"]
        intents.add(name)
        slot_types_of[name] = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for text in intent.get("samples", []):
            sample = _sample(name, text)
            samples.append(sample)
            if not sample.slot_names:
                exact.setdefault(sample.text, name)
        for slot in intent.get("slots", []):
            for text in slot.get("samples", []):
                slot_samples.setdefault(name, []).append(_sample(name, text))
    for name, builtin in BUILTIN_SAMPLES.items():
        if name in intents:
            for text in builtin:
                exact.setdefault(normalise(text), name)  # the model's own samples win
    core_exact: dict[str, str] = {}
    for text, name in exact.items():
        core_exact.setdefault(core(text), name)
    singular_exact: dict[str, str] = {}
    by_shorter: dict[str, str] = {}
    for text, name in exact.items():
        singular_exact.setdefault(_singular_words(core(text)), name)
        words = text.split()
        if len(words) >= 3 and name not in _ANSWER_INTENTS:  # "no thank you" less "no" is not "no"
            by_shorter.setdefault(" ".join(words[1:]), name)
            by_shorter.setdefault(" ".join(words[:-1]), name)
    core_samples = tuple(_sample(s.intent, _core_sample(s.text)) for s in samples if s.slot_names)
    invocation = normalise(language_model.get("invocationName", "knee helper"))
    name_pattern = re.escape(invocation)
    launch = re.compile(
        rf"^(?:alexa )?(?:(?:{_INVOCATION_VERBS}) (?:the )?{name_pattern}(?: skill)?(?: please)?|"
        rf"{_INVOCATION_VERBS}|{name_pattern})$"
    )
    one_shot = re.compile(
        rf"^(?:alexa )?(?:{_ONE_SHOT_VERBS} {name_pattern}|(?:{_INVOCATION_VERBS}) {name_pattern} and)"
        rf" (?:(?:to|about|for|if|whether) )?(?P<rest>.+)$"
    )
    word_sets = tuple((content_words(text), len(text.split()), name) for text, name in exact.items())
    samples_with_word: dict[str, list[int]] = {}
    for index, (content, _, _) in enumerate(word_sets):
        for word in content:
            samples_with_word.setdefault(word, []).append(index)
    return VoiceModel(
        locale=locale,
        invocation=invocation,
        intents=frozenset(intents),
        slot_types_of=slot_types_of,
        types=types,
        samples=tuple(samples),
        exact=exact,
        plain_texts=tuple(exact),
        near_carriers=_NearCarriers.of(
            tuple(s for s in samples if len(s.slot_names) == 1 and (s.prefix or s.suffix))
        ),
        slot_samples={k: tuple(v) for k, v in slot_samples.items()},
        core_exact=core_exact,
        singular_exact=singular_exact,
        by_shorter=by_shorter,
        word_sets=word_sets,
        samples_with_word={w: tuple(v) for w, v in samples_with_word.items()},
        core_samples=core_samples,
        carriers=_Carriers.of(tuple(samples)),
        core_carriers=_Carriers.of(core_samples),
        launch=launch,
        one_shot=one_shot,
        emergency_phrases=tuple(
            sorted(
                {
                    (core(text), name)
                    for text, name in exact.items()
                    if name in EMERGENCY_INTENTS and len(core(text).split()) >= _EMERGENCY_PHRASE_WORDS
                },
                key=lambda entry: (-len(entry[0]), entry),
            )
        ),
    )


def _slot_type(data: Mapping[str, Any]) -> SlotType:
    by_key: dict[str, list[_Entry]] = {}
    keys_by_id: dict[str, list[str]] = {}
    first: _Entry | None = None
    for value in data.get("values", []):
        name = value["name"]
        entry = _Entry(id=value.get("id") or name["value"], canonical=name["value"])
        first = first or entry
        for phrase in (name["value"], *name.get("synonyms", [])):
            key = _key(phrase)
            if not key:
                continue
            bucket = by_key.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            keys_by_id.setdefault(entry.id, []).append(key)
    return SlotType(
        name=data["name"],
        by_key={k: tuple(v) for k, v in by_key.items()},
        keys=tuple(by_key),
        keys_by_id={k: tuple(v) for k, v in keys_by_id.items()},
        first=first,
    )


@functools.lru_cache(maxsize=1 << 16)
def _sample(intent: str, text: str) -> _Sample:
    tokens: list[str] = []
    words: list[str] = []  # literal words since the last slot, normalised together
    for raw in text.split():
        if _SLOT_TOKEN.match(raw):
            tokens.extend(normalise(" ".join(words)).split())
            tokens.append(raw)
            words = []
        else:
            words.append(raw)
    tokens.extend(normalise(" ".join(words)).split())
    parts: list[str] = []
    slot_names: list[str] = []
    literal = 0
    for token in tokens:
        found = _SLOT_TOKEN.match(token)
        if found:
            slot_names.append(found.group(1))
            parts.append(f"(?P<{found.group(1)}>.+?)")
        else:
            literal += 1
            parts.append(re.escape(token))
    prefix = suffix = ""
    if len(slot_names) == 1:
        at = next(i for i, t in enumerate(tokens) if _SLOT_TOKEN.match(t))
        prefix, suffix = " ".join(tokens[:at]), " ".join(tokens[at + 1 :])
    return _Sample(
        intent=intent,
        text=" ".join(tokens),
        regex="^" + " ".join(parts) + "$",
        slot_names=tuple(slot_names),
        literal_words=literal,
        prefix=prefix,
        suffix=suffix,
    )


# ------------------------------------------------------------------------------ resolutions


@dataclass(frozen=True)
class SlotResult:
    """One slot as resolved: the heard words and, for custom types, the entity resolution."""

    name: str
    slot_type: str
    value: str | None = None
    status: MatchStatus | None = None  # None for built-in types and empty slots
    id: str | None = None
    canonical: str | None = None
    score: float = 0.0  # 0..100: how close the heard words were to the value
    others: tuple[tuple[str, str], ...] = ()  # more (id, canonical) values the same words name

    @property
    def ids(self) -> tuple[str, ...]:
        """Every resolved id, as Alexa lists them (a word shared by several values names each)."""
        return ((self.id,) if self.id else ()) + tuple(ident for ident, _ in self.others)

    def to_alexa(self, skill_id: str) -> dict[str, Any]:
        """The slot as it appears in ``request.intent.slots`` of a real envelope."""
        slot: dict[str, Any] = {"name": self.name, "confirmationStatus": "NONE"}
        if self.value is None:
            return slot
        slot["value"] = self.value
        slot["source"] = "USER"
        if self.status is not None:
            authority: dict[str, Any] = {
                "authority": f"amzn1.er-authority.echo-sdk.{skill_id}.{self.slot_type}",
                "status": {"code": self.status.value},
            }
            if self.status is MatchStatus.MATCH and self.id is not None:
                authority["values"] = [
                    {"value": {"name": name, "id": ident}}
                    for ident, name in ((self.id, self.canonical), *self.others)
                ]
            slot["resolutions"] = {"resolutionsPerAuthority": [authority]}
        return slot

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.slot_type,
            "value": self.value,
            "status": self.status.value if self.status else None,
            "id": self.id,
            "ids": list(self.ids),
            "canonical": self.canonical,
            "score": round(self.score, 1),
        }


@dataclass(frozen=True)
class Resolution:
    """What the simulator's NLU made of one utterance."""

    utterance: str
    request_type: str  # "LaunchRequest" or "IntentRequest"
    intent: str | None = None
    slots: tuple[SlotResult, ...] = ()
    confidence: float = 0.0
    source: Source = Source.FALLBACK
    sample: str | None = None  # the sample utterance that matched, if any
    new_session: bool = False  # a launch phrase or a one-shot ("ask knee helper ...")

    def slot(self, name: str) -> SlotResult | None:
        return next((s for s in self.slots if s.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "utterance": self.utterance,
            "request_type": self.request_type,
            "intent": self.intent,
            "slots": [s.to_json() for s in self.slots if s.value is not None],
            "confidence": round(self.confidence, 3),
            "source": self.source.value,
            "sample": self.sample,
            "new_session": self.new_session,
        }


@dataclass
class _Candidate:
    intent: str
    filled: dict[str, SlotResult] = field(default_factory=dict)
    score: float = 0.0
    source: Source = Source.SAMPLE
    sample: str | None = None


@dataclass(frozen=True)
class ElicitedSlot:
    """What a device knows of the dialog: the last response asked for this slot of this intent
    (a ``Dialog.ElicitSlot`` directive). The next utterance is read against its slot samples."""

    intent: str
    slot: str

    @classmethod
    def from_response(cls, response: Mapping[str, Any] | None) -> ElicitedSlot | None:
        """The ``Dialog.ElicitSlot`` of a response envelope (or of its ``response``), if any."""
        body = (response or {}).get("response", response) or {}
        for directive in body.get("directives") or () if isinstance(body, Mapping) else ():
            if not isinstance(directive, Mapping) or directive.get("type") != "Dialog.ElicitSlot":
                continue
            intent = directive.get("updatedIntent")
            name = intent.get("name") if isinstance(intent, Mapping) else None
            slot = directive.get("slotToElicit")
            if isinstance(name, str) and isinstance(slot, str):
                return cls(name, slot)
        return None


def resolve(utterance: str, locale: str, dialog: ElicitedSlot | None = None) -> Resolution:
    """Resolve ``utterance`` against ``locale``'s model, inside the dialog the device is in."""
    model = load_model(locale)
    text = normalise(utterance)
    if not text:
        return _fallback(model, utterance)
    if model.launch.match(text):
        return Resolution(utterance, "LaunchRequest", confidence=1.0, source=Source.LAUNCH, new_session=True)
    one_shot = model.one_shot.match(text)
    if one_shot:
        inner = _resolve_text(model, one_shot.group("rest"), utterance, dialog=None)
        return Resolution(
            utterance,
            inner.request_type,
            inner.intent,
            inner.slots,
            inner.confidence,
            inner.source,
            inner.sample,
            new_session=True,
        )
    if dialog is not None and dialog.intent not in model.intents:
        dialog = None
    return _resolve_text(model, text, utterance, dialog=dialog)


def _resolve_text(model: VoiceModel, text: str, utterance: str, dialog: ElicitedSlot | None) -> Resolution:
    # 1. exact: a slotless sample (plurals as singulars), or a carrier phrase whose slots resolve.
    intent = model.exact.get(text)
    if intent is not None:
        return _finish(model, utterance, _Candidate(intent, score=1.0, sample=text))
    best = _best_carrier(model, model.carriers.for_text(text), text)
    if best is not None and best.score >= 1.0:
        return _finish(model, utterance, best)
    intent = model.singular_exact.get(_singular_words(text))
    if intent is not None:
        return _finish(model, utterance, _Candidate(intent, score=0.98, sample=text))
    if best is not None and best.score >= 0.95:
        return _finish(model, utterance, best)
    # a red flag inside a longer sentence: "my calf's all swollen and tonight I'm short of breath"
    emergency = _contained_emergency(model, text)
    if emergency is not None:
        return _finish(model, utterance, emergency)
    # 2. dialog: a bare answer to the slot the last response elicited.
    if dialog is not None:
        bare = _bare_answer(model, text, dialog)
        if bare is not None:
            return _finish(model, utterance, bare)
    # 3. the same without filler words.
    plain = core(text)
    intent = model.exact.get(plain) or model.core_exact.get(plain)
    if intent is not None:
        return _finish(model, utterance, _Candidate(intent, score=0.97, source=Source.FUZZY, sample=plain))
    loose: _Candidate | None = None
    if plain != text or best is None:
        loose = _best_carrier(model, model.core_carriers.for_text(plain), plain)
        if loose is not None and loose.score >= 0.95 and (best is None or loose.score > best.score):
            return _finish(model, utterance, replace(loose, score=loose.score * 0.97, source=Source.FUZZY))
        if loose is not None:  # a weaker reading without the filler words: one candidate among the near ones
            loose = replace(loose, score=loose.score * 0.99, source=Source.FUZZY)
    if dialog is not None and plain != text:
        bare = _bare_answer(model, plain, dialog)
        if bare is not None:
            return _finish(model, utterance, bare)
    # 4. plurals ("chest pains"), and one word more or less than a sample at either end.
    intent = model.singular_exact.get(_singular_words(plain))
    if intent is None:
        words = plain.split()
        shorter = [" ".join(words[1:]), " ".join(words[:-1])] if len(words) >= 3 else []
        intent = model.by_shorter.get(plain) or next(
            (model.exact[s] for s in shorter if s in model.exact and len(s.split()) >= 2), None
        )
    if intent is not None:
        return _finish(model, utterance, _Candidate(intent, score=0.9, source=Source.FUZZY, sample=plain))
    # 5. near matches.
    candidates = [
        c
        for c in (
            best,
            loose,
            _near_plain(model, text),
            _near_carrier(model, text),
            _near_words(model, text),
            _words_within(model, text),
            _plain_answer(text) if "AMAZON.YesIntent" in model.intents else None,
        )
        if c
    ]
    if plain != text:
        candidates += [c for c in (_near_plain(model, plain), _near_carrier(model, plain)) if c]
    if candidates:
        top = max(candidates, key=lambda c: c.score)
        if top.score >= THRESHOLD:
            return _finish(model, utterance, top)
    return _fallback(model, utterance)


def _best_carrier(model: VoiceModel, samples: tuple[_Sample, ...], text: str) -> _Candidate | None:
    """The best reading of ``text`` by a carrier phrase: every slot's words resolved (score 0.85-1),
    a value found inside a slot's words (0.80-0.90, the more of the words it is the better), or a
    known carrier around words that name nothing (``UNRESOLVED_SCORE``, only when those words are no
    more than the carrier's own); the most literal words break a tie."""
    best: _Candidate | None = None
    best_rank = (-1.0, -1)
    for sample in samples:
        if not sample.slot_names:
            continue
        found = sample.pattern.match(text)
        if not found:
            continue
        filled: dict[str, SlotResult] = {}
        scores: list[float] = []
        inside: list[float] = []  # for a value found inside its slot's words: the share of them it is
        unknown_words = 0
        unresolved = False
        types = model.slot_types_of.get(sample.intent, {})
        for name in sample.slot_names:
            heard = found.group(name)
            result = _resolve_value(model, name, types.get(name, ""), heard)
            if result is None:  # e.g. not a number
                unresolved = True
                break
            if result.status is MatchStatus.NO_MATCH and sample.literal_words >= 2:
                within = _value_inside(model, name, types.get(name, ""), heard)
                if within is not None:
                    result, share = within
                    inside.append(share)
            filled[name] = result
            if result.status is MatchStatus.NO_MATCH:
                unresolved = True
                unknown_words += len(heard.split())
            scores.append(result.score / 100.0)
        if unresolved:
            if sample.literal_words < 2 or len(filled) < len(sample.slot_names):
                continue  # "{cause}" alone must not swallow every sentence
            if unknown_words > sample.literal_words:
                continue  # mostly words the carrier does not know: not a reading of this carrier
            if any(
                _names_another_value(model, r) for r in filled.values() if r.status is MatchStatus.NO_MATCH
            ):
                continue  # "is {treatment} needed" with an x ray: the words name a test, not a treatment
            score = UNRESOLVED_SCORE  # an unknown value in a known carrier: a near match of a sample wins
        elif inside:
            score = 0.80 + 0.10 * min(inside)
        else:
            score = 0.85 + 0.15 * min(scores) if scores else 1.0
            if min(scores) >= 1.0:
                score = 1.0
        rank = (score, sample.literal_words)
        if rank > best_rank:
            best_rank = rank
            best = _Candidate(sample.intent, filled, score, Source.SAMPLE, sample.text)
    return best


def _names_another_value(model: VoiceModel, result: SlotResult) -> bool:
    """Whether the words a slot could not resolve are a value of another slot type."""
    key = _key(result.value or "")
    return any(key in kind.by_key for name, kind in model.types.items() if name != result.slot_type)


def _value_inside(
    model: VoiceModel, name: str, type_name: str, heard: str
) -> tuple[SlotResult, float] | None:
    """A value of the slot type said inside the slot's words, with carrier words around it
    ("keeps buckling", "sort of catches", "swollen and it's hot to touch"): the longest run of
    words that is a value, the first of equals, and the share of the words it is. Never a value
    after a negation ("not swollen", "no swelling")."""
    slot_type = model.types.get(type_name)
    words = heard.split()
    if slot_type is None or len(words) < 2:
        return None
    for length in range(len(words) - 1, 0, -1):
        for start in range(len(words) - length + 1):
            if _NEGATIONS.intersection(words[:start]):
                break
            span = " ".join(words[start : start + length])
            entries = slot_type.by_key.get(_key(span))
            if entries:
                # As Alexa does, the slot's value is the words heard; the resolution is the value
                # found in them (the skill reads any other value the words name itself).
                return _matched(name, slot_type, heard, entries, 100.0), length / len(words)
    return None


def _contained_emergency(model: VoiceModel, text: str) -> _Candidate | None:
    """A red flag inside a longer sentence: one of the emergency intents' samples of three words or
    more, filler words left out, said as a run of the utterance's words and not right after a
    negation; the intent is that sample's."""
    said = f" {core(text)} "
    for phrase, intent in model.emergency_phrases:
        at = said.find(f" {phrase} ")
        if at < 0:
            continue
        before = said[:at].split()[-3:]
        if _NEGATIONS.intersection(before) or any(w.endswith("n't") for w in before):
            continue
        return _Candidate(intent, {}, 0.93, Source.FUZZY, phrase)
    return None


def _resolve_value(model: VoiceModel, name: str, type_name: str, heard: str) -> SlotResult | None:
    if type_name == NUMBER_TYPE:
        number = parse_number(heard)
        if number is None:
            return None
        return SlotResult(name, type_name, str(number), score=100.0)
    slot_type = model.types.get(type_name)
    if slot_type is None:  # another built-in type: pass the words through
        return SlotResult(name, type_name, heard, score=90.0)
    key = _key(heard)
    entries = slot_type.by_key.get(key)
    if entries:
        return _matched(name, slot_type, heard, entries, 100.0)
    from rapidfuzz import fuzz, process

    for value, score, _ in process.extract(
        key, slot_type.keys, scorer=fuzz.ratio, score_cutoff=SLOT_CUTOFF, limit=3
    ):
        if _misspelt(key, value):
            return _matched(name, slot_type, heard, slot_type.by_key[value], float(score))
    return SlotResult(name, type_name, heard, MatchStatus.NO_MATCH, score=0.0)


def _misspelt(heard: str, value: str) -> bool:
    """Whether ``heard`` may be ``value`` misspelt or misheard, not another word: a short word alone
    must be exact ("rice" is not "ice"), and a differing word of one or two letters is another
    word, added, left out or changed ("keep it on" and "keep it" are not "keep it up")."""
    from difflib import SequenceMatcher

    said, known = heard.split(), value.split()
    if _negated(said) != _negated(known):
        return False  # "can walk on it" is not "can't walk on it"
    if len(said) == 1 and len(known) == 1 and min(len(said[0]), len(known[0])) <= 4:
        return False
    for op, a1, a2, b1, b2 in SequenceMatcher(None, said, known, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if any(len(w) <= 2 for w in (*said[a1:a2], *known[b1:b2])):
            return False
        if (
            op == "replace"
            and SequenceMatcher(None, " ".join(said[a1:a2]), " ".join(known[b1:b2])).ratio() < 0.5
        ):
            return False  # "ibuprofen all" is not "ibuprofen gel"
    return True


def _matched(
    name: str, slot_type: SlotType, heard: str, entries: tuple[_Entry, ...], score: float
) -> SlotResult:
    first, *more = entries
    others = tuple((e.id, e.canonical) for e in more)
    return SlotResult(
        name, slot_type.name, heard, MatchStatus.MATCH, first.id, first.canonical, score, others
    )


def _bare_answer(model: VoiceModel, text: str, dialog: ElicitedSlot) -> _Candidate | None:
    """A bare answer to the elicited slot: the intent's slot samples, the elicited slot's first."""
    samples = model.slot_samples.get(dialog.intent, ())
    ordered = tuple(s for s in samples if dialog.slot in s.slot_names) + tuple(
        s for s in samples if dialog.slot not in s.slot_names
    )
    found = _best_carrier(model, ordered, text)
    if found is None or found.score < 0.9:
        found = None
        kind = model.slot_types_of.get(dialog.intent, {}).get(dialog.slot)
        if kind is not None:  # the whole utterance as the value of the elicited slot
            result = _resolve_value(model, dialog.slot, kind, text)
            if result is not None and (result.status is None or result.status is MatchStatus.MATCH):
                found = _Candidate(dialog.intent, {dialog.slot: result}, 0.85 + 0.15 * result.score / 100.0)
    if found is None:
        return None
    return replace(found, intent=dialog.intent, source=Source.CONTEXT)


def _near_plain(model: VoiceModel, text: str) -> _Candidate | None:
    from rapidfuzz import fuzz, process

    denied = _denials(text)
    for sample, score, _ in process.extract(
        text, model.plain_texts, scorer=fuzz.ratio, score_cutoff=UTTERANCE_CUTOFF, limit=5
    ):
        if _denials(sample) == denied:  # "i'm not short of breath" is no near "i'm short of breath"
            return _Candidate(model.exact[sample], {}, float(score) / 100.0, Source.FUZZY, sample)
    return None


def _denials(text: str) -> bool:
    return any(w in _NEGATIONS or w.endswith("n't") or w == "cannot" for w in text.split())


#: Negations as slot value keys spell them (``_key`` drops apostrophes).
_KEY_NEGATIONS = frozenset(
    {w.replace("'", "") for w in _NEGATIONS}
    | {"cant", "cannot", "couldnt", "wouldnt", "shouldnt", "hadnt", "aint", "wont", "dont", "doesnt"}
)


def _negated(words: list[str]) -> bool:
    """Whether slot value words (``_key``'s form) hold a negation."""
    return any(w in _KEY_NEGATIONS for w in words)


def _near_carrier(model: VoiceModel, text: str) -> _Candidate | None:
    """A misspelt carrier phrase around one slot: "tel me abut bakers cyst". The best in model order
    (the first of equal scores)."""
    from rapidfuzz import fuzz, process

    words = text.split()
    near = model.near_carriers
    hits: list[tuple[int, float, int, int]] = []  # (model order, carrier score, words before, after)
    for before, after, carriers, order in near.groups:
        if len(words) <= before + after:
            continue
        head = " ".join(words[:before])
        tail = " ".join(words[len(words) - after :]) if after else ""
        denied = _denials(f"{head} {tail}")
        found = process.extract(
            f"{head}|{tail}", carriers, scorer=fuzz.ratio, score_cutoff=UTTERANCE_CUTOFF, limit=None
        )
        for _, carrier, at in found:
            if near.denials[order[at]] == denied:  # "there's no {symptom}" is no near "there's a {symptom}"
                hits.append((order[at], carrier, before, after))
    best: _Candidate | None = None
    for index, carrier, before, after in sorted(hits):
        sample = near.samples[index]
        value = " ".join(words[before : len(words) - after])
        name = sample.slot_names[0]
        type_name = model.slot_types_of.get(sample.intent, {}).get(name, "")
        result = _resolve_value(model, name, type_name, value)
        if result is None or result.status is not MatchStatus.MATCH:
            continue
        score = (carrier / 100.0) * (0.85 + 0.15 * result.score / 100.0)
        if best is None or score > best.score:
            best = _Candidate(sample.intent, {name: result}, score, Source.FUZZY, sample.text)
    return best


def _finish(model: VoiceModel, utterance: str, candidate: _Candidate) -> Resolution:
    """Every slot the intent declares appears, filled or empty, as in a real request."""
    declared = model.slot_types_of.get(candidate.intent, {})
    slots = tuple(
        candidate.filled.get(name) or SlotResult(name, type_name) for name, type_name in declared.items()
    )
    return Resolution(
        utterance,
        "IntentRequest",
        candidate.intent,
        slots,
        min(candidate.score, 1.0),
        candidate.source,
        candidate.sample,
    )


def _fallback(model: VoiceModel, utterance: str) -> Resolution:
    return Resolution(utterance, "IntentRequest", FALLBACK_INTENT, (), 0.0, Source.FALLBACK)
