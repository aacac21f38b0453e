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
from pathlib import Path
from typing import Any

import yaml

import content
from kneeskill.slots import SlotValue, catalogues, spoken_form, variants

__all__ = ["SlotValue", "build_model", "catalogues", "load_spec", "load_words", "main", "spoken_form"]

ROOT = Path(__file__).resolve().parent.parent
INTENTS_FILE = ROOT / "voicemodel" / "intents.yaml"
WORDS_FILE = ROOT / "voicemodel" / "words.yaml"
#: Written with the models: the recognition words the skill matches unresolved list items against.
RECOGNITION_FILE = ROOT / "kneeskill" / "recognition_words.json"
RECOGNITION_TYPES = ("SYMPTOM", "BODY_PLACE")
MODELS_DIR = ROOT / "skill" / "interactionModels" / "custom"
_TERM = re.compile(r"<([a-z_]+)>")
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


def build_model(locale: str, spec: dict[str, Any], words: dict[str, Any] | None = None) -> dict[str, Any]:
    """The interaction model of one locale."""
    words = words if words is not None else load_words()
    c = content.load(locale)
    terms = {
        "emergency_number_spoken": c.terms.emergency_number_spoken,
        "paracetamol": spoken_form(c.terms.paracetamol),
    }
    cats = catalogues(c)
    intents: list[dict[str, Any]] = []
    for builtin in spec["builtin_intents"]:
        # a built-in intent, or {name: [samples]}: extra samples for what Alexa already knows
        (name, extra), *_ = builtin.items() if isinstance(builtin, dict) else [(builtin, [])]
        intents.append({"name": name, "samples": list(dict.fromkeys(extra))})
    for name, intent in spec["intents"].items():
        entry: dict[str, Any] = {"name": name}
        slots = intent.get("slots") or {}
        slot_samples = intent.get("slot_samples") or {}
        if slots:
            entry["slots"] = [
                {
                    "name": slot,
                    "type": kind,
                    **({"samples": list(dict.fromkeys(slot_samples[slot]))} if slot in slot_samples else {}),
                }
                for slot, kind in slots.items()
            ]
        samples = [_fill_terms(sample, terms) for sample in intent["samples"]]
        entry["samples"] = list(dict.fromkeys(samples))
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
    return {
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


def _fill_terms(sample: str, terms: dict[str, str]) -> str:
    return _TERM.sub(lambda m: terms[m.group(1)], sample)


def load_spec() -> dict[str, Any]:
    with INTENTS_FILE.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def load_words() -> dict[str, Any]:
    with WORDS_FILE.open(encoding="utf-8") as handle:
        words: dict[str, Any] = yaml.safe_load(handle)
    return words


def render_recognition_words(words: dict[str, Any]) -> str:
    """The symptom and body-place words of ``words.yaml`` for the skill's own matching at run time
    (``kneeskill.slots.read_slot_list``: a list said in one breath is matched item by item, and
    PyYAML is no run-time dependency)."""
    extra = words.get("extra_values") or {}
    kept = {name: extra.get(name) or {} for name in RECOGNITION_TYPES}
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
