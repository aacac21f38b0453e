"""Build the Alexa interaction models from ``voicemodel/intents.yaml`` and each locale's content.

    python -m voicemodel.build          # rewrite skill/interactionModels/custom/<locale>.json
    python -m voicemodel.build --check  # exit 1 when a model on disk is stale

Slot values come from content, so every cause, symptom, test, step, medicine and activity the
skill can talk about is something Alexa can hear, by the same ids the handlers read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import content
from content import yaml_source
from kneeskill.slots import SlotValue, catalogues, spoken_form, variants
from voicemodel.grammar import best

__all__ = [
    "BUDGET",
    "ModelError",
    "SlotValue",
    "build_model",
    "catalogues",
    "conflicts",
    "held_out_paraphrases",
    "load_spec",
    "load_words",
    "locale_rules",
    "main",
    "spoken_form",
]

ROOT = Path(__file__).resolve().parent.parent
INTENTS_FILE = ROOT / "voicemodel" / "intents.yaml"
WORDS_FILE = ROOT / "voicemodel" / "words.yaml"
#: The first model's hand-written samples, each intent's first templates (nothing understood before is lost).
FIRST_SAMPLES_FILE = ROOT / "voicemodel" / "samples_v1.yaml"
#: Written with the models: the recognition words the skill matches unresolved list items against.
RECOGNITION_FILE = ROOT / "kneeskill" / "recognition_words.json"
RECOGNITION_TYPES = ("SYMPTOM", "BODY_PLACE")
#: Recognition-only types the skill also reads its words of at run time (``kneeskill.slots._places``).
RECOGNITION_ONLY_TYPES = ("PLACE",)
MODELS_DIR = ROOT / "skill" / "interactionModels" / "custom"
_ADJACENT_SLOTS = re.compile(r"\}\s*\{")
_SLOT = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Budget:
    """What one locale's model may hold: well within Alexa's limits (the SMAPI model definition
    must stay under 1,000,000 characters, alexa/ask-cli#9; at most 50,000 custom slot values per
    skill, Alexa's custom slot type documentation). Alexa documents no sample count limit; the
    quotas in intents.yaml keep about 8,300 samples a locale (about 460,000 characters, under half
    the ceiling): the emergencies said every everyday way, the words around a symptom and the
    short replies of the phrasings3 probe needed room the earlier 5,300 did not leave (README,
    "Understanding"). Raised from 460,000 for the PLACE slot ("my {place} is {symptom}"), whose
    values the carriers name instead of spelling each place out. The characters are nearly all
    used: a larger quota now means a smaller one elsewhere, or a budget raised towards (never
    past) half the ceiling."""

    samples: int = 9_000
    characters: int = 470_000
    slot_values: int = 10_000


BUDGET = Budget()


class ModelError(ValueError):
    """A model the builder refuses to write: a sample on two intents, adjacent slots, over budget."""


#: The ``dialog`` prompts: what Alexa would say if it had to ask for a slot itself (the skill
#: always speaks its own question with ``Dialog.ElicitSlot``). Content keys, by prompt name.
_PROMPTS = {"age": ("interview", "age"), "answer": ("skill", "answer_choices")}


def _words_values(words: dict[str, Any], type_name: str, base: list[SlotValue]) -> list[SlotValue]:
    """A content catalogue with the recognition-only words of ``words.yaml`` added to its values."""
    extra: dict[str, list[str]] = (words.get("extra_values") or {}).get(type_name) or {}
    unknown = set(extra) - {v.id for v in base}
    if unknown:
        raise ValueError(f"words.yaml: {type_name} has no values {sorted(unknown)}")
    out = []
    for value in base:
        more = [w for raw in extra.get(value.id, []) for w in (spoken_form(raw), *variants(raw))]
        synonyms = tuple(dict.fromkeys(s for s in (*value.synonyms, *more) if s and s != value.name))
        out.append(SlotValue(value.id, value.name, synonyms))
    return out


def _recognition_type(values: dict[str, list[str]]) -> list[SlotValue]:
    out = []
    for ident, raw in values.items():
        spoken = [spoken_form(w) for w in raw]
        out.append(SlotValue(str(ident), spoken[0], tuple(dict.fromkeys(spoken[1:]))))
    return out


def locale_rules(
    locale: str, spec: Mapping[str, Any], words: Mapping[str, Any], terms: Mapping[str, str]
) -> dict[str, list[str]]:
    """The grammar's expansion rules for one locale: the shared rules, the locale's own words
    (``grammar`` in ``words.yaml``: ``all`` and the locale, each rule's templates added to the
    shared ones) and the locale terms (``<paracetamol>``, ``<emergency_number_spoken>``)."""
    rules: dict[str, list[str]] = {
        name: list(_as_list(body)) for name, body in (spec.get("rules") or {}).items()
    }
    extra = words.get("grammar") or {}
    for scope in ("all", locale):
        for name, body in (extra.get(scope) or {}).items():
            rules.setdefault(name, []).extend(_as_list(body))
    for name, value in terms.items():
        rules[name] = [value]
    return rules


def _as_list(body: Any) -> list[str]:
    return [str(body)] if isinstance(body, str) else [str(b) for b in body]


def held_out_paraphrases(locale: str) -> Callable[[str], bool]:
    """Whether a sentence is one of ``locale``'s paraphrase corpus (``tests/golden/paraphrases``),
    compared as ``tests/skill/test_voice_model.py`` compares them (``simulator.nlu.core``: case,
    punctuation and filler words left out). The corpus measures generalisation, so the grammar's
    expansions leave those sentences out (the next likeliest take their place); a sentence written
    out as it is in the grammar is never dropped (the test fails on it instead)."""
    from simulator.nlu import core
    from voicemodel.measure import CORPUS_DIR, load_corpus

    if not (CORPUS_DIR / f"{locale}.yaml").exists():
        return lambda sentence: False
    keys = frozenset(core(case.say) for case in load_corpus(locale))
    return lambda sentence: "{" not in sentence and core(sentence) in keys


def _samples(
    templates: Sequence[str],
    rules: Mapping[str, Sequence[str]],
    quota: int,
    held_out: Callable[[str], bool] | None = None,
    *,
    cover: bool = False,
) -> list[str]:
    return best(list(templates), rules, quota, held_out, cover=cover)


def build_model(locale: str, spec: dict[str, Any], words: dict[str, Any] | None = None) -> dict[str, Any]:
    """The interaction model of one locale, its samples expanded from the grammar."""
    words = words if words is not None else load_words()
    c = content.load(locale)
    terms = {
        "emergency_number_spoken": c.terms.emergency_number_spoken,
        "paracetamol": spoken_form(c.terms.paracetamol),
    }
    rules = locale_rules(locale, spec, words, terms)
    held_out = held_out_paraphrases(locale)
    first = spec.get("first_samples") or {"builtin_intents": {}, "intents": {}}
    cats = catalogues(c)
    intents: list[dict[str, Any]] = []
    for builtin in spec["builtin_intents"]:
        # a built-in intent, or {name: [templates]}: extra samples for what Alexa already knows
        (name, extra), *_ = builtin.items() if isinstance(builtin, dict) else [(builtin, [])]
        old = first["builtin_intents"].get(name) or []
        intents.append(
            {
                "name": name,
                "samples": _samples([*old, *extra], rules, spec["quotas"]["builtin"] + len(old), held_out),
            }
        )
    for name, intent in spec["intents"].items():
        entry: dict[str, Any] = {"name": name}
        slots = intent.get("slots") or {}
        slot_samples = intent.get("slot_samples") or {}
        if slots:
            entry["slots"] = [
                {
                    "name": slot,
                    "type": kind,
                    **(
                        {"samples": _samples(slot_samples[slot], rules, spec["quotas"]["slot"])}
                        if slot in slot_samples
                        else {}
                    ),
                }
                for slot, kind in slots.items()
            ]
        old = first["intents"].get(name) or []
        quota = intent.get("quota", spec["quotas"]["intent"]) + len(old)
        entry["samples"] = _samples(
            [*old, *intent["samples"]], rules, quota, held_out, cover=bool(intent.get("cover"))
        )
        intents.append(entry)
    values: dict[str, list[SlotValue]] = {
        type_name: _words_values(words, type_name, cats[catalogue])
        for type_name, catalogue in spec["slot_types"].items()
    }
    for type_name, raw in (words.get("types") or {}).items():
        values[type_name] = _recognition_type(raw)
    types = [
        {
            "name": type_name,
            "values": [
                {
                    "id": v.id,
                    "name": {"value": v.name, **({"synonyms": list(v.synonyms)} if v.synonyms else {})},
                }
                for v in type_values
            ],
        }
        for type_name, type_values in values.items()
    ]
    dialog, prompts = _dialog(spec, c)
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": spec["invocation_name"],
                "modelConfiguration": {"fallbackIntentSensitivity": {"level": "LOW"}},
                "intents": intents,
                "types": types,
            },
            "dialog": dialog,
            "prompts": prompts,
        },
        "version": "1",
    }
    _check(locale, model, frozenset((a, b) for a, b in spec.get("allowed_overlaps") or ()))
    return model


def _check(locale: str, model: dict[str, Any], allowed: frozenset[tuple[str, str]]) -> None:
    """Refuse a model Alexa would reject or mis-route: a sentence on two intents (also through a
    slot value: "what is ice" is PriceStepIntent's, never PriceIntent's too), two slots side by
    side, an undeclared slot, or a model over the budget."""
    lm = model["interactionModel"]["languageModel"]
    problems = [f"{locale}: {c}" for c in conflicts(lm, allowed)]
    for intent in lm["intents"]:
        declared = {slot["name"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            if _ADJACENT_SLOTS.search(sample):
                problems.append(f"{locale}: two slots side by side in {intent['name']}: {sample!r}")
            used = _SLOT.findall(sample)
            if len(used) != len(set(used)) or not set(used) <= declared:
                problems.append(f"{locale}: {intent['name']}: bad slots in {sample!r}")
    samples = sum(len(i["samples"]) for i in lm["intents"])
    size = len(render_model(model))
    values = sum(len(v["name"].get("synonyms", [])) + 1 for t in lm["types"] for v in t["values"])
    if samples > BUDGET.samples or size > BUDGET.characters or values > BUDGET.slot_values:
        problems.append(
            f"{locale}: over budget: {samples} samples, {size} characters, {values} slot values ({BUDGET})"
        )
    if problems:
        raise ModelError(
            "\n".join(problems[:40]) + (f"\n... {len(problems) - 40} more" if len(problems) > 40 else "")
        )


def _slot_values(lm: Mapping[str, Any]) -> dict[str, list[str]]:
    return {
        t["name"]: [w for v in t["values"] for w in (v["name"]["value"], *v["name"].get("synonyms", []))]
        for t in lm["types"]
    }


def conflicts(lm: Mapping[str, Any], allowed: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """Sentences two intents would both claim: a sample on two intents, or a plain sample of one
    intent that another intent's sample spells with one of its slot values. ``allowed`` pairs
    (plain intent, slot intent) mean the same thing either way (a red-flag symptom said as an
    emergency or as a symptom raises the same emergency)."""
    owner: dict[str, str] = {}
    found: list[str] = []
    for intent in lm["intents"]:
        for sample in intent["samples"]:
            key = sample.lower()
            if key in owner and owner[key] != intent["name"]:
                found.append(f"{sample!r} is on {owner[key]} and {intent['name']}")
            owner.setdefault(key, intent["name"])
    by_first: dict[str, list[str]] = {}
    by_last: dict[str, list[str]] = {}
    for text in owner:
        if "{" not in text:
            by_first.setdefault(text.split(" ", 1)[0], []).append(text)
            by_last.setdefault(text.rsplit(" ", 1)[-1], []).append(text)
    values = _slot_values(lm)
    lowered = {kind: frozenset(w.lower() for w in words) for kind, words in values.items()}
    plain_values = {kind: [w for w in words if w in owner] for kind, words in lowered.items()}
    for intent in lm["intents"]:
        kinds = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            if "{" not in sample:
                continue
            first, last = sample.split(" ", 1)[0], sample.rsplit(" ", 1)[-1]
            if "{" not in first:
                candidates = by_first.get(first, [])
            elif "{" not in last:
                candidates = by_last.get(last, [])
            else:  # a slot alone, or slots at both ends: only its values can collide
                single = _SLOT.fullmatch(sample)
                candidates = plain_values.get(kinds.get(single.group(1), ""), []) if single else []
            # the literal words before the first slot and after the last one must begin and end it
            head, tail = sample[: sample.index("{")], sample[sample.rindex("}") + 1 :]
            candidates = [
                t
                for t in candidates
                if t.startswith(head)
                and t.endswith(tail)
                and owner[t] != intent["name"]
                and (owner[t], intent["name"]) not in allowed
            ]
            if not candidates:
                continue
            matcher = _sample_regex(sample, kinds)
            for text in candidates:
                if matcher.fullmatch(text, lowered):
                    found.append(f"{text!r} ({owner[text]}) is also {intent['name']}'s {sample!r}")
    return found


def _sample_regex(sample: str, kinds: Mapping[str, str]) -> _SampleMatcher:
    pieces = re.split(r"(\{[A-Za-z0-9_]+\})", sample)
    pattern = "".join("(.+?)" if piece.startswith("{") else re.escape(piece) for piece in pieces)
    slots = [kinds.get(piece[1:-1], "") for piece in pieces if piece.startswith("{")]
    return _SampleMatcher(re.compile(pattern), re.compile(pattern.replace("(.+?)", "(.+)")), tuple(slots))


_NUMBER_WORDS = frozenset({
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "and",
    "a",
})  # fmt: skip


@dataclass(frozen=True)
class _SampleMatcher:
    """A sample with its slots: a sentence matches when a split of it puts a value of each slot's
    type in each slot (a number for AMAZON.NUMBER)."""

    lazy: re.Pattern[str]
    greedy: re.Pattern[str]
    kinds: tuple[str, ...]

    def fullmatch(self, text: str, values: Mapping[str, frozenset[str]] = {}) -> bool:
        for pattern in (self.lazy, self.greedy):
            match = pattern.fullmatch(text)
            if match and all(
                self._fits(kind, heard, values)
                for kind, heard in zip(self.kinds, match.groups(), strict=True)
            ):
                return True
        return False

    @staticmethod
    def _fits(kind: str, heard: str, values: Mapping[str, frozenset[str]]) -> bool:
        if kind == "AMAZON.NUMBER":
            return heard.isdigit() or set(heard.split()) <= _NUMBER_WORDS
        return heard in values.get(kind, frozenset())


def prompt_id(intent: str, slot: str) -> str:
    return f"Elicit.Intent-{intent}.IntentSlot-{slot}"


def _dialog(spec: dict[str, Any], c: content.LocaleContent) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The dialog model: the intents whose slots the skill elicits with ``Dialog.ElicitSlot``
    (bare answers to interview questions), each slot with an elicitation prompt. The skill keeps
    the dialog (``SKILL_RESPONSE``): Alexa never elicits or confirms on its own."""
    intents = []
    prompts = []
    for intent_name, slot_prompts in spec["dialog"].items():
        kinds = spec["intents"][intent_name]["slots"]
        slots = []
        for slot, prompt in slot_prompts.items():
            section, key = _PROMPTS[prompt]
            text = c.interview.age.question if section == "interview" else c.skill[key]
            pid = prompt_id(intent_name, slot)
            slots.append(
                {
                    "name": slot,
                    "type": kinds[slot],
                    "elicitationRequired": False,
                    "confirmationRequired": False,
                    "prompts": {"elicitation": pid},
                }
            )
            prompts.append({"id": pid, "variations": [{"type": "PlainText", "value": text}]})
        intents.append({"name": intent_name, "confirmationRequired": False, "prompts": {}, "slots": slots})
    return {"intents": intents, "delegationStrategy": "SKILL_RESPONSE"}, prompts


def load_spec() -> dict[str, Any]:
    with INTENTS_FILE.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml_source.load(handle)
    with FIRST_SAMPLES_FILE.open(encoding="utf-8") as handle:
        spec["first_samples"] = yaml_source.load(handle)
    return spec


def load_words() -> dict[str, Any]:
    with WORDS_FILE.open(encoding="utf-8") as handle:
        words: dict[str, Any] = yaml_source.load(handle)
    return words


def render_recognition_words(words: dict[str, Any]) -> str:
    """The symptom, body-place and place words of ``words.yaml`` for the skill's own matching at run
    time (``kneeskill.slots.read_slot_list``: a list said in one breath is matched item by item, a
    symptom read for the place said with it; PyYAML is no run-time dependency)."""
    extra = words.get("extra_values") or {}
    kept = {name: extra.get(name) or {} for name in RECOGNITION_TYPES}
    kept.update({name: (words.get("types") or {}).get(name) or {} for name in RECOGNITION_ONLY_TYPES})
    return json.dumps(kept, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def render_model(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a model on disk is stale")
    args = parser.parse_args(argv)
    spec = load_spec()
    words = load_words()
    stale = []
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    outputs = [
        *(
            (MODELS_DIR / f"{locale}.json", render_model(build_model(locale, spec, words)))
            for locale in content.SUPPORTED_LOCALES
        ),
        (RECOGNITION_FILE, render_recognition_words(words)),
    ]
    for path, text in outputs:
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale generated files: {', '.join(stale)}; run: python -m voicemodel.build", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
