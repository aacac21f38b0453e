"""How well the interaction models understand the paraphrase corpus, per locale.

    python -m voicemodel.measure            # a Markdown table: simulator NLU and virtual-alexa
    python -m voicemodel.measure --misses   # and every utterance that went wrong

The corpus (``tests/golden/paraphrases/<locale>.yaml``) is kept apart from the sample utterances,
so the figure measures generalisation. Two independent readers route each utterance:

- the simulator's NLU (``simulator.nlu``), given only what a device knows: for a bare answer, the
  ``Dialog.ElicitSlot`` the previous response carried;
- virtual-alexa (npm), whose matcher is literal: an utterance that no sample plus slot value spells
  out exactly does not match, as Alexa's own NLU would with far fewer samples than it generalises from.

An utterance is routed right when the intent is the expected one and every expected slot resolved
to the expected id (one of the ids, when a spoken value is shared by several slot values).
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content import yaml_source

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "tests" / "golden" / "paraphrases"
MODELS_DIR = ROOT / "skill" / "interactionModels" / "custom"
NLU_DRIVER = Path(__file__).with_name("virtual_alexa_nlu.js")
#: ``elicit`` in the corpus -> the (intent, slot) of the ``Dialog.ElicitSlot`` the device last heard.
ELICITED = {
    "age": ("AgeIntent", "age"),
    "answer": ("SymptomIntent", "answer"),
    "symptom": ("SymptomIntent", "symptom"),
    "bodyPlace": ("SymptomIntent", "bodyPlace"),
}


@dataclass(frozen=True)
class Case:
    locale: str
    say: str
    intent: str
    slots: Mapping[str, str] = field(default_factory=dict)
    elicit: str | None = None
    #: other readings that are just as right: (intent, slots), e.g. a red-flag symptom sentence
    #: understood as the finding itself ("there's blood when I cough" -> coughing_blood)
    also: tuple[tuple[str, Mapping[str, str]], ...] = ()
    #: "fresh": written before the sample grammar existed, from the intents' meanings only, and
    #: measured apart (a figure no sample was written for); "probe3": an independent probe's 200
    #: phrasings (2026-11-30), seen while the grammar was fixed, measured apart; None: the first corpus.
    batch: str | None = None


@dataclass(frozen=True)
class Outcome:
    intent: str | None
    slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name -> ids (or the number)


def corpus_locales() -> list[str]:
    return sorted(path.stem for path in CORPUS_DIR.glob("[a-z][a-z]-[A-Z][A-Z].yaml"))


def load_corpus(locale: str) -> list[Case]:
    data = yaml_source.load((CORPUS_DIR / f"{locale}.yaml").read_text(encoding="utf-8"))
    if data.get("locale") != locale:
        raise ValueError(f"{locale}.yaml says it is {data.get('locale')!r}")
    return [_case(locale, case) for case in data["cases"]]


REQUIRED_FILE = CORPUS_DIR / "required.yaml"
#: The parts of the corpus, measured apart: the first corpus, the fresh batch (never tuned against),
#: the probe3 batch (seen while fixing the grammar) and the signs batch (the emergency classes of
#: hazard H28, written before their grammar was measured, then seen while fixing three classes).
BATCHES = ("first", "fresh", "probe3", "signs")


def load_required(locale: str) -> list[Case]:
    """The phrasings the issue requires as samples (``required.yaml``), those for ``locale``."""
    data = yaml_source.load(REQUIRED_FILE.read_text(encoding="utf-8"))
    return [
        _case(locale, phrase) for phrase in data["phrases"] if locale in (phrase.get("locales") or (locale,))
    ]


def _case(locale: str, case: Mapping[str, Any]) -> Case:
    return Case(
        locale=locale,
        say=str(case["say"]),
        intent=str(case["intent"]),
        slots={str(k): str(v) for k, v in (case.get("slots") or {}).items()},
        elicit=case.get("elicit"),
        also=tuple(
            (str(alt["intent"]), {str(k): str(v) for k, v in (alt.get("slots") or {}).items()})
            for alt in case.get("also") or ()
        ),
        batch=case.get("batch"),
    )


def routed_right(case: Case, outcome: Outcome) -> bool:
    for intent, slots in ((case.intent, case.slots), *case.also):
        if outcome.intent == intent and all(
            expected in outcome.slots.get(name, ()) for name, expected in slots.items()
        ):
            return True
    return False


def simulator_outcome(case: Case) -> Outcome:
    from simulator.nlu import ElicitedSlot, MatchStatus, resolve

    elicit = ELICITED.get(case.elicit or "")
    dialog = ElicitedSlot(*elicit) if elicit else None
    resolution = resolve(case.say, case.locale, dialog=dialog)
    slots: dict[str, tuple[str, ...]] = {}
    for slot in resolution.slots:
        if slot.value is None:
            continue
        if slot.status is None:
            slots[slot.name] = (slot.value,)
        elif slot.status is MatchStatus.MATCH:
            slots[slot.name] = slot.ids
    return Outcome(resolution.intent, slots)


def virtual_alexa_outcomes(locale: str, cases: Sequence[Case]) -> list[Outcome]:
    """virtual-alexa's reading of each case (it has no dialog context: its matcher ignores it)."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "virtual-alexa").is_dir():
        raise RuntimeError("virtual-alexa needs Node.js and node_modules (npm ci)")
    run = subprocess.run(
        [node, str(NLU_DRIVER), str(MODELS_DIR / f"{locale}.json"), locale],
        input=json.dumps([case.say for case in cases]),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=ROOT,
    )
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    outcomes = []
    for line in lines:
        slots: dict[str, tuple[str, ...]] = {}
        for name, slot in (line.get("slots") or {}).items():
            ids = tuple(slot.get("ids") or ())
            slots[name] = ids or _number(slot.get("value"))
        outcomes.append(Outcome(line.get("intent"), slots))
    if len(outcomes) != len(cases):
        raise RuntimeError(f"virtual-alexa answered {len(outcomes)} of {len(cases)} utterances")
    return outcomes


@functools.cache
def virtual_alexa_reading(locale: str) -> Mapping[str, Outcome]:
    """virtual-alexa's reading of every utterance of ``locale``'s corpus and required phrasings, by
    utterance, from one run of the emulator (starting it on a model is most of the cost; cached
    for the process, as the models on disk do not change under a test run)."""
    says = list(dict.fromkeys(c.say for c in (*load_corpus(locale), *load_required(locale))))
    outcomes = virtual_alexa_outcomes(locale, [Case(locale, say, "") for say in says])
    return dict(zip(says, outcomes, strict=True))


def _number(value: Any) -> tuple[str, ...]:
    text = str(value or "").strip()
    if text.isdigit():
        return (text,)
    from simulator.nlu import parse_number

    number = parse_number(text)
    return (str(number),) if number is not None else ()


@dataclass(frozen=True)
class Figures:
    locale: str
    total: int
    simulator: int
    virtual_alexa: int | None
    misses: tuple[tuple[str, str, Case, Outcome], ...] = ()

    @staticmethod
    def percent(part: int | None, total: int) -> str:
        return "n/a" if part is None else f"{100 * part / total:.0f}% ({part}/{total})"


def measure(
    locales: Iterable[str] | None = None, *, with_virtual_alexa: bool = True, batch: str | None = None
) -> list[Figures]:
    """Figures per locale; ``batch`` ("first", "fresh", "probe3" or "signs") measures that part of the
    corpus only."""
    results = []
    for locale in locales or corpus_locales():
        cases = [c for c in load_corpus(locale) if batch is None or (c.batch or "first") == batch]
        misses: list[tuple[str, str, Case, Outcome]] = []
        simulator = 0
        for case in cases:
            outcome = simulator_outcome(case)
            if routed_right(case, outcome):
                simulator += 1
            else:
                misses.append(("simulator", locale, case, outcome))
        virtual: int | None = None
        if with_virtual_alexa:
            virtual = 0
            for case, outcome in zip(cases, virtual_alexa_outcomes(locale, cases), strict=True):
                if routed_right(case, outcome):
                    virtual += 1
                else:
                    misses.append(("virtual-alexa", locale, case, outcome))
        results.append(Figures(locale, len(cases), simulator, virtual, tuple(misses)))
    return results


def table(figures: Sequence[Figures]) -> str:
    lines = [
        "| Locale | Utterances | Simulator NLU | virtual-alexa |",
        "|---|---:|---:|---:|",
    ]
    for f in figures:
        lines.append(
            f"| {f.locale} | {f.total} | {Figures.percent(f.simulator, f.total)} | "
            f"{Figures.percent(f.virtual_alexa, f.total)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every utterance routed wrong")
    parser.add_argument("--no-virtual-alexa", action="store_true", help="measure the simulator only")
    parser.add_argument("--batch", choices=BATCHES, help="measure one part of the corpus only")
    parser.add_argument("locales", nargs="*")
    args = parser.parse_args(argv)
    figures = measure(args.locales or None, with_virtual_alexa=not args.no_virtual_alexa, batch=args.batch)
    print(table(figures))
    if args.misses:
        for f in figures:
            for reader, locale, case, outcome in f.misses:
                got = ", ".join(f"{k}={'/'.join(v)}" for k, v in outcome.slots.items())
                want = f"{case.intent} {dict(case.slots)}"
                print(f"{reader:13} {locale} {case.say!r}: want {want}, got {outcome.intent} {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
