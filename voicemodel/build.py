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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import content
from content import LocaleContent

ROOT = Path(__file__).resolve().parent.parent
INTENTS_FILE = ROOT / "voicemodel" / "intents.yaml"
MODELS_DIR = ROOT / "skill" / "interactionModels" / "custom"
_TERM = re.compile(r"<([a-z_]+)>")
_SLOT_SAFE = re.compile(r"^[a-z][a-z.' ]*$")


@dataclass(frozen=True)
class SlotValue:
    id: str
    name: str
    synonyms: tuple[str, ...]


def spoken_form(text: str) -> str:
    """A name as Alexa slot text: lower case, hyphens as spaces, no other punctuation."""
    text = text.lower().replace("-", " ").replace("’", "'")
    text = re.sub(r"[^a-z.' ]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def catalogues(c: LocaleContent) -> dict[str, list[SlotValue]]:
    """Every slot catalogue of one locale, by catalogue name (see ``slot_types`` in intents.yaml)."""
    causes = []
    for condition, cause in c.conditions.items():
        synonyms = [
            *cause.synonyms,
            *(s for part in cause.parts.values() for s in (part.name, *part.synonyms)),
        ]
        causes.append(_value(condition.value, cause.name, synonyms))
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
            _value(test.value, item.name, item.synonyms) for test, item in c.diagnostic_tests.tests.items()
        ],
        "price_steps": [
            _value(step.value, c.treatment.price.steps[step].name, words)
            for step, words in c.vocab.price_steps.items()
        ],
        "medicines": [
            _value(relief.value, words[0], words[1:]) for relief, words in c.vocab.medicines.items()
        ],
        "answers": [_value(answer.value, words[0], words[1:]) for answer, words in c.vocab.answers.items()],
    }


def _value(ident: str, name: str, synonyms: Any) -> SlotValue:
    spoken = spoken_form(name)
    others = tuple(dict.fromkeys(s for s in (spoken_form(x) for x in synonyms) if s and s != spoken))
    return SlotValue(ident, spoken, others)


def build_model(locale: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The interaction model of one locale."""
    c = content.load(locale)
    terms = {
        "emergency_number_spoken": c.terms.emergency_number_spoken,
        "paracetamol": spoken_form(c.terms.paracetamol),
    }
    cats = catalogues(c)
    intents: list[dict[str, Any]] = []
    for name in spec["builtin_intents"]:
        intents.append({"name": name, "samples": []})
    for name, intent in spec["intents"].items():
        entry: dict[str, Any] = {"name": name}
        slots = intent.get("slots") or {}
        if slots:
            entry["slots"] = [{"name": slot, "type": kind} for slot, kind in slots.items()]
        samples = [_fill_terms(sample, terms) for sample in intent["samples"]]
        entry["samples"] = list(dict.fromkeys(samples))
        intents.append(entry)
    types = [
        {
            "name": type_name,
            "values": [
                {
                    "id": v.id,
                    "name": {"value": v.name, **({"synonyms": list(v.synonyms)} if v.synonyms else {})},
                }
                for v in cats[catalogue]
            ],
        }
        for type_name, catalogue in spec["slot_types"].items()
    ]
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": spec["invocation_name"],
                "modelConfiguration": {"fallbackIntentSensitivity": {"level": "LOW"}},
                "intents": intents,
                "types": types,
            }
        },
        "version": "1",
    }


def _fill_terms(sample: str, terms: dict[str, str]) -> str:
    return _TERM.sub(lambda m: terms[m.group(1)], sample)


def load_spec() -> dict[str, Any]:
    with INTENTS_FILE.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def render_model(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a model on disk is stale")
    args = parser.parse_args(argv)
    spec = load_spec()
    stale = []
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    for locale in content.SUPPORTED_LOCALES:
        path = MODELS_DIR / f"{locale}.json"
        text = render_model(build_model(locale, spec))
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(
            f"stale interaction models: {', '.join(stale)}; run: python -m voicemodel.build", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
