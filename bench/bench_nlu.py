"""Resolution time of the simulator's NLU, per utterance, on every locale's model.

    .venv/bin/python bench/bench_nlu.py

Resolves every sample utterance of the model (slots filled with a value), plus misspellings,
bare interview answers, numbers and nonsense that falls back, many times each, and prints the
median and p99 time of one resolution. The models are compiled once first (that load time is
printed too). Target: p99 under 5 ms.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 5.0
ROUNDS = 5
_SLOT = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")

#: Extra utterances, each with the slot a device would be eliciting (intent, slot) when it is heard.
EXTRA: list[tuple[str, tuple[str, str] | None]] = [
    ("purple elephants dance", None),
    ("why does the bak of my kne hurt", None),
    ("tel me abut bakers cyst", None),
    ("tell me about bakers sist", None),
    ("ask knee helper why does the back of my knee hurt", None),
    ("open knee helper", None),
    ("set an ice timer for twenty five minutes", None),
    ("nope", ("SymptomIntent", "answer")),
    ("my calf", ("SymptomIntent", "bodyPlace")),
    ("it's swollen", ("SymptomIntent", "symptom")),
    ("forty two", ("AgeIntent", "age")),
    ("the quick brown fox jumps over the lazy dog again and again", None),
]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from simulator.nlu import ElicitedSlot, load_model, resolve, supported_locales  # noqa: PLC0415  # after sys.path

    worst_p99 = 0.0
    for locale in supported_locales():
        started = time.perf_counter()
        model = load_model(locale)
        load_ms = (time.perf_counter() - started) * 1e3
        cases: list[tuple[str, ElicitedSlot | None]] = [
            (text, ElicitedSlot(*slot) if slot else None) for text, slot in EXTRA
        ]
        for sample in model.samples:
            text = sample.text
            for name in sample.slot_names:
                type_name = model.slot_types_of[sample.intent][name]
                slot_type = model.types.get(type_name)
                value = slot_type.first.canonical if slot_type and slot_type.first else "twenty"
                text = text.replace("{" + name + "}", value, 1)
            cases.append((text, None))
        timings: list[float] = []
        for _ in range(ROUNDS):
            for utterance, dialog in cases:
                t0 = time.perf_counter()
                resolve(utterance, locale, dialog)
                timings.append((time.perf_counter() - t0) * 1e3)
        timings.sort()
        median = statistics.median(timings)
        p99 = timings[int(len(timings) * 0.99) - 1]
        worst_p99 = max(worst_p99, p99)
        print(
            f"{locale}: compile {load_ms:6.1f} ms; {len(timings)} resolutions: median {median:6.3f} ms, "
            f"p99 {p99:6.3f} ms, max {timings[-1]:6.3f} ms"
        )
    print(f"worst p99: {worst_p99:.3f} ms (target < {TARGET_MS} ms)")
    return 0 if worst_p99 < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
