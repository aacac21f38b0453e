"""Checks on a resolved bundle that a type schema cannot express (safety wording, synonyms, sources)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any, Final

import msgspec

from content.schema import Content, DiagnosticTest, LocaleContent, PriceStep
from content.validation import enum_key
from triage.interview import REPHRASE_FINDINGS  # the red-flag questions that are re-asked simply
from triage.vocabulary import Condition, Finding

#: Sections of the source article; ``article:<id>`` source references must name one of these.
ARTICLE_SECTIONS: Final[frozenset[str]] = frozenset(
    {"intro", "causes", "when_to_see_a_doctor", "tests", "treatment", "prevention"}
    | {f"causes/{c.value}" for c in Condition}
    | {f"tests/{t.value}" for t in DiagnosticTest}
    | {"treatment/pain_relief", "treatment/price", "treatment/physical_therapy", "treatment/surgery"}
    | {f"treatment/price/{s.value}" for s in PriceStep}
)

#: Numbered sections of the reference documents: clinical-facts.md (2.x), voice-ux-lessons.md (3.x).
CLINICAL_SECTIONS: Final[frozenset[str]] = frozenset(f"2.{n}" for n in range(1, 14))
UX_SECTIONS: Final[frozenset[str]] = frozenset(f"3.{n}" for n in range(1, 4))

#: Rule ids the content must explain (the triage RuleId enum will be reconciled with this list).
REQUIRED_RULE_IDS: Final[frozenset[str]] = frozenset(
    {
        "pe_signs",
        "limb_ischaemia",
        "cauda_equina",
        "septic_arthritis",
        "deformity",
        "locked_knee",
        "severe_injury_cannot_bear_weight",
        "dvt_signs",
        "dvt_risk_factor",
        "bakers_cyst_complication",
        "ottawa_positive",
        "badly_swollen_knee",
        "giving_way",
        "prolonged_cramp",
        "severe_hamstring_tear",
        "persistent_pain",
        "troublesome_cramps",
        "lump_behind_knee",
        "mechanical_symptoms",
        "suspected_osteoarthritis",
        "suspected_chondromalacia",
        "cauda_equina_both_legs",
        "cannot_bear_weight",
        "no_warning_signs",
        "faint_or_racing_heart",
        "compartment_syndrome",
        "sciatica_both_legs",
        "severe_weakness_both_legs",
        "child",
        "cellulitis",
        "popliteal_aneurysm",
        "prosthetic_joint_hot_or_swollen",
        "severe_weakness",
        "knee_bleed",
        "injury_swelling_on_blood_thinners",
        "severe_pain",
        "swollen_knee",
        "weak_leg",
        "typical_care",
    }
)

#: Skill-level text ids every locale must provide (more may be added freely).
REQUIRED_SKILL_IDS: Final[frozenset[str]] = frozenset(
    {
        "launch",
        "launch_returning",
        "disclaimer",
        "what_you_can_ask",
        "help",
        "goodbye",
        "fallback",
        "error",
        "say_more",
        "delete_data_done",
        "reprompt",
    }
)

_SOURCE_RE: Final = re.compile(r"^(article|clinical|ux):([a-z0-9_./]+)$")
_SLOT_SAFE_RE: Final = re.compile(r"^[A-Za-z](?:[A-Za-z.' ]*[A-Za-z.])?$")


def check_source_ref(ref: str) -> str | None:
    """Return a problem description for a malformed source reference, or ``None``."""
    m = _SOURCE_RE.match(ref)
    if m is None:
        return f"bad source reference {ref!r} (want article:<section>, clinical:2.N or ux:3.N)"
    kind, section = m.group(1), m.group(2)
    known = {"article": ARTICLE_SECTIONS, "clinical": CLINICAL_SECTIONS, "ux": UX_SECTIONS}[kind]
    if section not in known:
        return f"unknown {kind} section {section!r} in {ref!r}"
    return None


def is_slot_safe(synonym: str) -> bool:
    """Letters, spaces, apostrophes and periods only; no double spaces (Alexa slot synonyms)."""
    return bool(_SLOT_SAFE_RE.match(synonym)) and "  " not in synonym


#: "you have" (or "you've") is a diagnosis; the content says "may" instead.
YOU_HAVE_RE: Final = re.compile(r"\byou\s*(?:have|'ve|’ve)\b", re.IGNORECASE)
_MARKUP_RE: Final = re.compile(r"[<>{}]|&")
#: Not spoken: sources, ids, templates, and the vocabulary (words Alexa hears, never says).
_NOT_SPOKEN: Final = frozenset({"source", "locale", "templates", "emergency_number", "vocab"})


def iter_strings(obj: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every string leaf of a schema object with its path (``source`` lists included)."""
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, msgspec.Struct):
        for name in obj.__struct_fields__:
            yield from iter_strings(getattr(obj, name), (*path, name))
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            yield from iter_strings(v, (*path, enum_key(k) if isinstance(k, Enum) else str(k)))
    elif isinstance(obj, tuple):
        for i, v in enumerate(obj):
            yield from iter_strings(v, (*path, str(i)))


def spoken_strings(content: LocaleContent) -> Iterator[tuple[tuple[str, ...], str]]:
    """Strings that may be spoken or shown: everything but sources, ids and the templates."""
    for path, value in iter_strings(content):
        if not _NOT_SPOKEN.intersection(path):
            yield path, value


def topic_synonyms(content: LocaleContent) -> list[tuple[str, str]]:
    """(owner, synonym) for the topic slot: causes, their parts, and the diagnostic tests."""
    out: list[tuple[str, str]] = []
    for cond, c in content.conditions.items():
        out += [(cond.value, s) for s in c.synonyms]
        for part_id, part in c.parts.items():
            out += [(f"{cond.value}.{part_id}", s) for s in part.synonyms]
    for test, t in content.diagnostic_tests.tests.items():
        out += [(test.value, s) for s in t.synonyms]
    return out


def finding_synonyms(content: LocaleContent) -> list[tuple[str, str]]:
    """(finding id, synonym) for the symptom slot."""
    out = [(f.value, s) for f, q in content.interview.findings.items() for s in q.synonyms]
    return out + [("age", s) for s in content.interview.age.synonyms]


def vocab_synonyms(content: LocaleContent) -> dict[str, list[tuple[str, str]]]:
    """(owner, word) per catalogue of the voice model's vocabulary."""
    v = content.vocab
    return {
        "body place": [(place, s) for place, words in v.body_places.items() for s in words],
        "activity": [(ident, s) for ident, a in v.activities.items() for s in a.synonyms],
        "price step": [(step.value, s) for step, words in v.price_steps.items() for s in words],
        "medicine": [(med.value, s) for med, words in v.medicines.items() for s in words],
        "answer": [(answer.value, s) for answer, words in v.answers.items() for s in words],
    }


def _synonym_problems(kind: str, pairs: list[tuple[str, str]]) -> list[str]:
    problems: list[str] = []
    seen: dict[str, str] = {}
    for owner, syn in pairs:
        if not is_slot_safe(syn):
            problems.append(f"{kind} synonym {syn!r} of {owner}: only letters, spaces, apostrophes, periods")
        key = " ".join(syn.lower().split())
        if key in seen and seen[key] != owner:
            problems.append(f"{kind} synonym {syn!r} used by both {seen[key]} and {owner}")
        elif key in seen:
            problems.append(f"{kind} synonym {syn!r} repeated in {owner}")
        seen[key] = owner
    return problems


def check_bundle(content: LocaleContent) -> list[str]:
    """Problems with a resolved bundle; an empty list means it is fit to ship."""
    problems: list[str] = []
    for path, value in iter_strings(content):
        where = ".".join(path)
        if "source" in path:
            problem = check_source_ref(value)
            if problem:
                problems.append(f"{where}: {problem}")
            continue
        if "templates" in path:
            if _MARKUP_RE.search(value.replace("{emergency_number}", "")):
                problems.append(f"{where}: unexpected placeholder or markup in {value!r}")
            continue
        if not value.strip() and path[-1] not in ("advice_line", "simpler"):
            problems.append(f"{where}: empty text")
        if _MARKUP_RE.search(value):
            problems.append(f"{where}: placeholder left or markup in {value!r}")
        if YOU_HAVE_RE.search(value):
            problems.append(f"{where}: says 'you have' (use 'may'): {value!r}")
        if "  " in value or value != value.strip():
            problems.append(f"{where}: stray whitespace in {value!r}")
    problems += _sources_present(content)
    problems += _synonym_problems("topic", topic_synonyms(content))
    problems += _synonym_problems("symptom", finding_synonyms(content))
    for kind, pairs in vocab_synonyms(content).items():
        problems += _synonym_problems(kind, pairs)
    finding_ids = {finding.value for finding in Finding}
    for place in content.vocab.body_places:
        if place not in finding_ids:
            problems.append(f"vocab.body_places: {place!r} is not a Finding")
    for ident, activity in content.vocab.activities.items():
        if not activity.synonyms:
            problems.append(f"vocab.activities.{ident}: needs at least one word")
    for finding in sorted(REPHRASE_FINDINGS):
        item = content.interview.findings[finding]
        if not item.simpler.strip() or "?" not in item.simpler:
            problems.append(
                f"interview.findings.{finding.value}.simpler: a red-flag question needs a simpler wording"
            )
    missing_rules = REQUIRED_RULE_IDS - set(content.rules)
    if missing_rules:
        problems.append(f"rules: missing {', '.join(sorted(missing_rules))}")
    missing_skill = REQUIRED_SKILL_IDS - set(content.skill)
    if missing_skill:
        problems.append(f"skill: missing {', '.join(sorted(missing_skill))}")
    spoken = content.emergency_number_spoken
    em = content.emergency
    for name in ("call_now", "pe_warning", "short"):
        if not any(spoken in s for s in getattr(em, name)):
            problems.append(f"emergency.{name}: does not name {spoken!r}")
        if not any("{emergency_number}" in s for s in getattr(em.templates, name)):
            problems.append(f"emergency.templates.{name}: lacks the {{emergency_number}} placeholder")
    orders = [content.treatment.price.steps[s].order for s in PriceStep]
    if orders != list(range(1, len(PriceStep) + 1)):
        problems.append(f"treatment.price.steps: order must be 1..5 in PRICE order, got {orders}")
    return problems


def _sources_present(obj: Any, path: tuple[str, ...] = ()) -> list[str]:
    """Every content Struct with a ``source`` field names at least one source."""
    problems: list[str] = []
    if isinstance(obj, Content):
        names = obj.__struct_fields__
        if "source" in names and not getattr(obj, "source"):  # noqa: B009
            problems.append(f"{'.'.join(path) or '<top>'}: no source given")
        for name in names:
            problems += _sources_present(getattr(obj, name), (*path, name))
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            problems += _sources_present(v, (*path, enum_key(k) if isinstance(k, Enum) else str(k)))
    return problems
