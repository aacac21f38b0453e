"""The clinical safety case: a DCB0129-style hazard log kept as data, checked and rendered.

``docs/safety/hazard-log.yaml`` is the source. Every hazard names its cause, harm, severity and
likelihood before and after its controls, and every control names the tests that prove it. This
module loads it strictly, checks that the risk figures follow the DCB0129 5x5 matrix and that every
named test exists, and renders ``docs/safety/hazard-log.md``.

    python -m scripts.safety_case            # render docs/safety/hazard-log.md (from the repository)
    python -m scripts.safety_case --check    # exit 1 when the log is invalid or the Markdown is stale
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from pathlib import Path
from typing import Any

from content import yaml_source

REPO = Path(__file__).resolve().parents[1]
LOG = REPO / "docs" / "safety" / "hazard-log.yaml"
RENDERED = REPO / "docs" / "safety" / "hazard-log.md"


class Severity(IntEnum):
    MINOR = 1
    SIGNIFICANT = 2
    CONSIDERABLE = 3
    MAJOR = 4
    CATASTROPHIC = 5


class Likelihood(IntEnum):
    VERY_LOW = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    VERY_HIGH = 5


#: DCB0129 clinical risk matrix: RISK[likelihood][severity] -> risk rating 1 (acceptable) .. 5.
RISK: dict[Likelihood, dict[Severity, int]] = {
    Likelihood.VERY_HIGH: dict(zip(Severity, (3, 4, 4, 5, 5), strict=True)),
    Likelihood.HIGH: dict(zip(Severity, (2, 3, 3, 4, 5), strict=True)),
    Likelihood.MEDIUM: dict(zip(Severity, (2, 2, 3, 3, 4), strict=True)),
    Likelihood.LOW: dict(zip(Severity, (1, 2, 2, 3, 4), strict=True)),
    Likelihood.VERY_LOW: dict(zip(Severity, (1, 1, 2, 2, 3), strict=True)),
}
RISK_WORDS = {1: "acceptable", 2: "tolerable", 3: "undesirable", 4: "unacceptable", 5: "unacceptable"}


class SafetyCaseError(ValueError):
    """The hazard log does not follow its schema."""


@dataclass(frozen=True)
class Control:
    text: str
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Hazard:
    id: str
    title: str
    source: str  # where the hazard was found (a review row, an issue)
    cause: str
    harm: str
    severity: Severity
    likelihood_before: Likelihood
    likelihood_after: Likelihood
    controls: tuple[Control, ...]

    @property
    def risk_before(self) -> int:
        return RISK[self.likelihood_before][self.severity]

    @property
    def risk_after(self) -> int:
        return RISK[self.likelihood_after][self.severity]


@dataclass(frozen=True)
class SafetyCase:
    title: str
    scope: str
    standard: str
    hazards: tuple[Hazard, ...]


def _enum(kind: type[IntEnum], value: object, where: str) -> Any:
    if not isinstance(value, str) or value.upper().replace(" ", "_") not in kind.__members__:
        names = ", ".join(name.lower() for name in kind.__members__)
        raise SafetyCaseError(f"{where}: {value!r} is not one of {names}")
    return kind[value.upper().replace(" ", "_")]


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SafetyCaseError(f"{where}: '{key}' must be a non-empty string")
    return " ".join(value.split())


def _keys(data: object, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SafetyCaseError(f"{where}: expected a mapping")
    unknown = set(data) - allowed
    if unknown:
        raise SafetyCaseError(f"{where}: unknown keys {sorted(unknown)}")
    return data


_HAZARD_KEYS = {"id", "title", "source", "cause", "harm", "severity", "likelihood", "controls"}


def _hazard(data: object, index: int) -> Hazard:
    where = f"hazards[{index}]"
    raw = _keys(data, _HAZARD_KEYS, where)
    hazard_id = _text(raw, "id", where)
    where = f"hazard {hazard_id}"
    likelihood = _keys(raw.get("likelihood"), {"before", "after"}, f"{where}.likelihood")
    controls_raw = raw.get("controls")
    if not isinstance(controls_raw, list) or not controls_raw:
        raise SafetyCaseError(f"{where}: at least one control is needed")
    controls = []
    for n, item in enumerate(controls_raw):
        control = _keys(item, {"text", "tests"}, f"{where}.controls[{n}]")
        tests = control.get("tests")
        if not isinstance(tests, list) or not tests or not all(isinstance(t, str) and t for t in tests):
            raise SafetyCaseError(f"{where}.controls[{n}]: every control names at least one test")
        controls.append(Control(_text(control, "text", f"{where}.controls[{n}]"), tuple(tests)))
    return Hazard(
        id=hazard_id,
        title=_text(raw, "title", where),
        source=_text(raw, "source", where),
        cause=_text(raw, "cause", where),
        harm=_text(raw, "harm", where),
        severity=_enum(Severity, raw.get("severity"), f"{where}.severity"),
        likelihood_before=_enum(Likelihood, likelihood.get("before"), f"{where}.likelihood.before"),
        likelihood_after=_enum(Likelihood, likelihood.get("after"), f"{where}.likelihood.after"),
        controls=tuple(controls),
    )


def load(path: Path = LOG) -> SafetyCase:
    """The hazard log, strictly validated (unknown keys, bad enums and duplicate ids are errors)."""
    raw = _keys(
        yaml_source.load(path.read_text(encoding="utf-8")),
        {"title", "scope", "standard", "hazards"},
        str(path.name),
    )
    hazards_raw = raw.get("hazards")
    if not isinstance(hazards_raw, list) or not hazards_raw:
        raise SafetyCaseError("the log has no hazards")
    hazards = tuple(_hazard(item, i) for i, item in enumerate(hazards_raw))
    ids = [h.id for h in hazards]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SafetyCaseError(f"duplicate hazard ids: {duplicates}")
    return SafetyCase(
        title=_text(raw, "title", "log"),
        scope=_text(raw, "scope", "log"),
        standard=_text(raw, "standard", "log"),
        hazards=hazards,
    )


# --- tests named by the controls -------------------------------------------------------------


@cache
def _test_names(path: Path) -> frozenset[str]:
    """``func`` and ``Class::method`` names of the test functions defined in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}::{item.name}")
    return frozenset(names)


@cache
def _yaml_ids(path: Path) -> frozenset[str]:
    """The ``id`` values of the cases in a golden YAML file (a list, or a mapping holding one)."""
    data = yaml_source.load(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                found.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return frozenset(found)


def test_exists(reference: str, repo: Path = REPO) -> bool:
    """Whether a control's test reference names something real.

    - ``tests/x/test_y.py::test_name`` (optionally ``Class::method``, optionally ``[param]``): a test
      function defined in that file;
    - ``tests/golden/.../file.yaml#case_id``: a golden case with that id in that data file (played
      by the suite's data-driven tests);
    - ``tests/golden/.../file.yaml``: a whole golden script.
    """
    if "::" in reference:
        file_part, _, name = reference.partition("::")
        path = repo / file_part
        if not (path.suffix == ".py" and path.is_file() and path.name.startswith("test_")):
            return False
        name = name.split("[", 1)[0]
        return name in _test_names(path)
    file_part, _, case = reference.partition("#")
    path = repo / file_part
    if path.suffix not in {".yaml", ".yml"} or not path.is_file() or not file_part.startswith("tests/"):
        return False
    return not case or case in _yaml_ids(path)


def missing_tests(case: SafetyCase, repo: Path = REPO) -> list[str]:
    """``hazard id: reference`` for every named test that does not exist."""
    return [
        f"{hazard.id}: {reference}"
        for hazard in case.hazards
        for control in hazard.controls
        for reference in control.tests
        if not test_exists(reference, repo)
    ]


# --- rendering -------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _name(member: IntEnum) -> str:
    return member.name.lower().replace("_", " ")


def render(case: SafetyCase) -> str:
    """The hazard log as Markdown (a summary table, then one section per hazard)."""
    lines = [
        f"# {case.title}",
        "",
        "<!-- Generated by `make safety-case` from docs/safety/hazard-log.yaml: edit the YAML. -->",
        "",
        case.scope,
        "",
        f"Standard: {case.standard}",
        "",
        "Risk ratings follow the DCB0129 5x5 matrix (1 acceptable, 2 tolerable, 3 undesirable, "
        "4-5 unacceptable).",
        "",
        f"{len(case.hazards)} hazards; highest risk before controls "
        f"{max(h.risk_before for h in case.hazards)}, after {max(h.risk_after for h in case.hazards)}.",
        "",
        "| id | hazard | severity | risk before | risk after | controls | tests |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for h in sorted(case.hazards, key=lambda h: (-h.risk_before, h.id)):
        tests = sum(len(c.tests) for c in h.controls)
        lines.append(
            f"| {h.id} | {_cell(h.title)} | {_name(h.severity)} | {h.risk_before} | {h.risk_after} | "
            f"{len(h.controls)} | {tests} |"
        )
    for h in case.hazards:
        lines += [
            "",
            f"## {h.id}: {h.title}",
            "",
            f"- **Found by:** {h.source}",
            f"- **Cause:** {h.cause}",
            f"- **Potential harm:** {h.harm}",
            f"- **Severity:** {_name(h.severity)}; **likelihood** {_name(h.likelihood_before)} before, "
            f"{_name(h.likelihood_after)} after; **risk** {h.risk_before} ({RISK_WORDS[h.risk_before]}) "
            f"-> {h.risk_after} ({RISK_WORDS[h.risk_after]})",
            "- **Controls:**",
        ]
        for c in h.controls:
            lines.append(f"  - {c.text}")
            lines.extend(f"    - `{t}`" for t in c.tests)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="validate only; fail when the Markdown is stale")
    args = parser.parse_args(argv)
    try:
        case = load()
    except SafetyCaseError as error:
        print(f"hazard log invalid: {error}", file=sys.stderr)
        return 1
    missing = missing_tests(case)
    if missing:
        print("controls name tests that do not exist:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    text = render(case)
    if args.check:
        if not RENDERED.is_file() or RENDERED.read_text(encoding="utf-8") != text:
            print(f"{RENDERED.relative_to(REPO)} is stale: run make safety-case", file=sys.stderr)
            return 1
        return 0
    RENDERED.write_text(text, encoding="utf-8")
    print(f"wrote {RENDERED.relative_to(REPO)}: {len(case.hazards)} hazards")
    return 0


if __name__ == "__main__":
    sys.exit(main())
