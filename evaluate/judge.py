"""Reading the outcome back from what the skill SAYS, by locale text.

- The care level: the sentences of a locale's care-level actions and emergency scripts (from the
  compiled content) found in the speech, else time-frame patterns ("phone 999 now" -> 5, "A and E
  now" -> 4, "today" / "same day" -> 3, "book an appointment" -> 2, "at home" -> 1), in sentences
  that are not conditional safety nets ("if you get ..."). The most urgent level said wins.
- The causes: condition names and synonyms from the content, in the order spoken, outside the
  emergency guidance and conditional sentences.
- Whether a text leads with the emergency guidance (speech, card, reprompt).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from evaluate.text import normalise, sentences, words

COMPILED = Path(__file__).resolve().parents[1] / "content" / "compiled"
_CONDITIONAL = re.compile(r"\b(?:if|unless|in case)\b", re.IGNORECASE)
#: Synonyms too generic to name a cause on their own in a reply.
_GENERIC_SYNONYMS = frozenset(
    {"clot", "cramp", "cramps", "meniscus", "hamstrings", "popliteus", "cruciate ligament"}
)
_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)? ?(?:mg|milligrams?|grams?|g)\b|\b(?:one|two|1|2) tablets?\b", re.IGNORECASE
)
_SELF_CARE_OFFER = re.compile(
    r"\b(?:price|home care|self care|self-care|ice|icing|bandage|compression)\b", re.IGNORECASE
)
_NEGATED = re.compile(r"\b(?:no|not|don't|do not|avoid|without|never|isn't|aren't)\b", re.IGNORECASE)


def _fill(text: str, terms: dict[str, Any]) -> str:
    return text.replace("{emergency_number}", str(terms.get("emergency_number", "")))


@dataclass(frozen=True)
class LocaleText:
    locale: str
    number: str
    number_spoken: str
    emergency_department: str
    level_phrases: tuple[tuple[int, str], ...]  # (level, normalised sentence)
    guidance_sentences: tuple[str, ...]  # every sentence of every emergency script, normalised
    guidance_openings: tuple[str, ...]  # the first sentence of each script, normalised
    causes: tuple[tuple[str, str], ...]  # (condition id, normalised name or synonym)
    disclaimer: str
    countdown: str = ""  # the "about [count] more" sentence as a regex with one number group
    #: the sticky guidance's own sentences besides the scripts (the go-now line), normalised
    go_now: tuple[str, ...] = ()
    #: the skill's "sorry, I didn't catch that" sentences, normalised
    not_understood: tuple[str, ...] = ()

    def norm(self, text: str) -> str:
        """Normalised, with the spoken emergency number as digits ("nine nine nine" -> "999")."""
        out = normalise(text)
        if self.number_spoken:
            out = out.replace(normalise(self.number_spoken), self.number)
        return out.replace("triple zero", self.number) if self.number == "000" else out


@cache
def locale_text(locale: str) -> LocaleText:
    data = json.loads((COMPILED / f"{locale}.json").read_text(encoding="utf-8"))
    terms = data.get("terms", {})
    number = str(terms.get("emergency_number", ""))
    spoken = str(terms.get("emergency_number_spoken", ""))
    partial = LocaleText(
        locale, number, spoken, str(terms.get("emergency_department", "")), (), (), (), (), ""
    )
    norm = partial.norm
    levels = {
        "self_care": 1,
        "consultation": 2,
        "consultation_24": 3,
        "emergency": 4,
        "emergency_ambulance": 5,
    }
    level_phrases: list[tuple[int, str]] = []
    for key, level in levels.items():
        action = (data.get("care_levels", {}).get(key) or {}).get("action", "")
        first = sentences(str(action))[:1]
        level_phrases += [(level, norm(s)) for s in first if norm(s)]
    templates: dict[str, Any] = (data.get("emergency") or {}).get("templates") or {}
    guidance: list[str] = []
    openings: list[str] = []
    for name, raw in templates.items():
        lines = [raw] if isinstance(raw, str) else raw
        if not isinstance(lines, list) or not lines:
            continue
        texts = [norm(_fill(str(line), terms)) for line in lines]
        guidance += [t for t in texts if t]
        if texts and texts[0]:
            openings.append(texts[0])
        if name == "call_now":
            level_phrases.append((5, texts[0]))
        if name in ("dvt_see_today", "see_today"):
            level_phrases.append((3, texts[0]))
    causes: list[tuple[str, str]] = []
    for cid, cond in (data.get("conditions") or {}).items():
        names = [cond.get("name", ""), *(cond.get("synonyms") or [])]
        for name in names:
            n = norm(str(name))
            if n and n not in _GENERIC_SYNONYMS:
                causes.append((cid, n if not n.startswith(("a ", "an ")) else n.split(" ", 1)[1]))
    skill = data.get("skill") or {}
    disclaimer = norm(str(skill.get("disclaimer", "")))
    left_template = norm(str(skill.get("questions_left", "")).replace("[count]", _COUNT))
    countdown = re.escape(left_template).replace(_COUNT, r"(\d+)") if _COUNT in left_template else ""
    go_now = tuple(norm(s) for s in sentences(str(skill.get("guidance_ed_go", ""))) if norm(s))
    not_understood = tuple(norm(str(skill[k])) for k in _NOT_UNDERSTOOD_KEYS if skill.get(k))
    return LocaleText(
        locale,
        number,
        spoken,
        partial.emergency_department,
        tuple(level_phrases),
        tuple(dict.fromkeys(guidance)),
        tuple(dict.fromkeys(openings)),
        tuple(causes),
        disclaimer,
        countdown,
        go_now,
        not_understood,
    )


_COUNT = "zzcountzz"
#: The skill's "I didn't catch that" sentences (content keys).
_NOT_UNDERSTOOD_KEYS = ("fallback", "fallback_interview", "symptom_unclear")


def countdown_of(text: str, t: LocaleText) -> int | None:
    """The number in an "about N more to go" sentence of ``text``, if it has one."""
    if not t.countdown:
        return None
    found = re.search(t.countdown, t.norm(text))
    return int(found.group(1)) if found else None


# ------------------------------------------------------------------------------ care level


def _patterns(t: LocaleText) -> tuple[tuple[int, re.Pattern[str]], ...]:
    number = re.escape(t.number) if t.number else "999"
    ed = re.escape(normalise(t.emergency_department)) if t.emergency_department else "emergency department"
    places = "|".join(
        (
            ed,
            "emergency department",
            "emergency room",
            "the er",
            "a and e",
            "a e",
            "accident and emergency",
            "hospital",
        )
    )
    places = f"(?:{places})"
    return (
        (5, re.compile(rf"\b(?:phone|call|dial|ring)\b(?: \w+){{0,3}} (?:{number}|an ambulance)\b.*\bnow\b")),
        (5, re.compile(r"\bcall (?:for )?an ambulance now\b")),
        (4, re.compile(rf"\b(?:go|get|head|going) (?:straight )?to {places}\b.*\bnow\b")),
        (4, re.compile(rf"\b{places} now\b")),
        (3, re.compile(r"\b(?:today|same day|this morning|this afternoon|this evening|within 24 hours)\b")),
        (3, re.compile(r"\burgent care\b")),
        (
            2,
            re.compile(
                r"\b(?:book|make) an appointment\b|\b(?:in the next|within a) few days\b"
                r"|\bdoctor or (?:a )?physio"
            ),
        ),
        (
            1,
            re.compile(
                r"\b(?:at home|self care|look after (?:it|yourself)|manage(?:able)?(?: it)? at home)\b"
            ),
        ),
    )


def sentence_levels(text: str, t: LocaleText) -> list[int]:
    """Every care level the non-conditional sentences of ``text`` state."""
    found: list[int] = []
    for sentence in sentences(text):
        n = t.norm(sentence)
        if _CONDITIONAL.search(n):
            continue  # "if your calf gets swollen, see a doctor today" is a safety net, not the advice
        exact = [level for level, phrase in t.level_phrases if phrase and phrase in n]
        if exact:
            found += exact
            continue
        for level, pattern in _patterns(t):
            if pattern.search(n):
                found.append(level)
                break
    return found


def level_of(text: str, t: LocaleText) -> int | None:
    """The most urgent care level ``text`` tells the person to seek, or None if it states none."""
    levels = sentence_levels(text, t)
    return max(levels) if levels else None


# ------------------------------------------------------------------------------ guidance


def is_guidance(sentence: str, t: LocaleText) -> bool:
    n = t.norm(sentence)
    return bool(n) and any(n in g or g in n for g in t.guidance_sentences)


def words_apart_from_guidance(text: str, t: LocaleText) -> int:
    """The words of ``text`` outside the emergency guidance's sentences (the go-now line included)."""
    return sum(words(s) for s in sentences(text) if not is_guidance(s, t) and t.norm(s) not in t.go_now)


def has_guidance(text: str, t: LocaleText) -> bool:
    return any(is_guidance(s, t) for s in sentences(text))


def leads_with_guidance(text: str, t: LocaleText) -> bool:
    """Whether ``text`` opens with (the start of) one of the locale's emergency scripts."""
    first = sentences(text)[:1]
    return bool(first) and is_guidance(first[0], t)


# ------------------------------------------------------------------------------ causes


def causes_of(text: str, t: LocaleText) -> list[str]:
    """Condition ids named in ``text``, in the order first spoken (guidance and conditional
    sentences left out)."""
    kept = " . ".join(
        t.norm(s) for s in sentences(text) if not is_guidance(s, t) and not _CONDITIONAL.search(t.norm(s))
    )
    first: dict[str, int] = {}
    for cid, name in t.causes:
        m = re.search(rf"\b{re.escape(name)}\b", kept)
        if m and (cid not in first or m.start() < first[cid]):
            first[cid] = m.start()
    return sorted(first, key=first.__getitem__)


# ------------------------------------------------------------------------------ other checks


def heard_disclaimer(text: str, t: LocaleText) -> bool:
    n = t.norm(text)
    first = t.disclaimer.split(" ")[:8]
    return (bool(first) and " ".join(first) in n) or bool(
        re.search(r"not a substitute|not a diagnosis|isnt a diagnosis|not medical advice", n)
    )


def speaks_dose(text: str) -> bool:
    return bool(_DOSE.search(text))


def offers_self_care(text: str, t: LocaleText) -> bool:
    """A non-guidance sentence offering PRICE / ice / bandage / home care, not as a "don't"."""
    for sentence in sentences(text):
        if is_guidance(sentence, t):
            continue
        if _SELF_CARE_OFFER.search(sentence) and not _NEGATED.search(sentence):
            return True
    return False


def leads_with_warning(text: str, t: LocaleText, level: int) -> bool:
    """The first sentence is an emergency script, or itself states a care level of ``level`` or more."""
    first = sentences(text)[:1]
    if not first:
        return False
    return is_guidance(first[0], t) or (level_of(first[0], t) or 0) >= level


def names_emergency_number(text: str, t: LocaleText) -> bool:
    return bool(t.number) and re.search(rf"\b{re.escape(t.number)}\b", t.norm(text)) is not None


#: The same-day route each locale should name (review row 19; issue 13 item 2).
SAME_DAY_ROUTES: dict[str, str] = {
    "en-US": r"urgent care|\bthe er\b|emergency room",
    "en-CA": r"\b811\b|eight one one|emergency department",
    "en-AU": r"healthdirect|1800 022 222|one eight hundred",
    "en-GB": r"\b111\b|one one one",
    "en-IN": r"\b(?:doctor|clinic|hospital)\b",
}


def names_same_day_route(text: str, t: LocaleText) -> bool:
    pattern = SAME_DAY_ROUTES.get(t.locale)
    return pattern is not None and re.search(pattern, normalise(text)) is not None
