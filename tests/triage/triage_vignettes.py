"""Load the golden triage vignettes (YAML data) into typed cases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from triage import Answer, CareLevel, Condition, Facts, Finding, Flag, RuleId
from triage.interview import CLOT_FINDINGS, CLOT_RISK_QUESTIONS, LIFE_THREAT_FINDINGS

VIGNETTES_PATH = Path(__file__).resolve().parents[1] / "golden" / "triage" / "vignettes.yaml"

#: What "screened: true" answers ABSENT unless the vignette says otherwise: the fixed screening
#: questions (groups answered "no" imply their atoms absent unless the vignette lists them).
SCREEN_ABSENT: tuple[Finding, ...] = (
    *LIFE_THREAT_FINDINGS,
    *CLOT_FINDINGS,
    *CLOT_RISK_QUESTIONS,
    Finding.BLOOD_THINNERS,
)


@dataclass(frozen=True)
class Vignette:
    id: str
    story: str
    facts: Facts
    level: CareLevel
    flags_exact: frozenset[Flag] | None
    flags_include: frozenset[Flag]
    flags_exclude: frozenset[Flag]
    rules_include: frozenset[RuleId]
    top_causes: frozenset[Condition]
    top_n: int
    complete: bool | None


def _findings(raw: object) -> list[Finding]:
    assert raw is None or isinstance(raw, list), raw
    return [Finding(v) for v in raw or []]


def _build(entry: dict[str, object]) -> Vignette:
    present = _findings(entry.get("present"))
    absent = _findings(entry.get("absent"))
    unknown = _findings(entry.get("unknown"))
    listed = {*present, *absent, *unknown}
    assert len(listed) == len(present) + len(absent) + len(unknown), (
        f"{entry['id']}: a finding is listed twice"
    )
    answers: dict[Finding, Answer] = {}
    if entry.get("screened", True):
        answers.update({f: Answer.ABSENT for f in SCREEN_ABSENT if f not in listed})
    answers.update({f: Answer.PRESENT for f in present})
    answers.update({f: Answer.ABSENT for f in absent})
    answers.update({f: Answer.UNKNOWN for f in unknown})
    age = entry.get("age")
    assert age is None or isinstance(age, int)
    facts = Facts(answers)
    if age is not None:
        facts = facts.with_age(age)
    expect = entry["expect"]
    assert isinstance(expect, dict)
    flags = expect.get("flags")
    assert (flags is None) != (expect.get("flags_include") is None), (
        f"{entry['id']}: use flags or flags_include"
    )
    complete = expect.get("complete")
    assert complete is None or isinstance(complete, bool)
    return Vignette(
        id=str(entry["id"]),
        story=str(entry.get("story", "")),
        facts=facts,
        level=CareLevel[str(expect["level"]).upper()],
        flags_exact=None if flags is None else frozenset(Flag(v) for v in flags),
        flags_include=frozenset(Flag(v) for v in expect.get("flags_include") or []),
        flags_exclude=frozenset(Flag(v) for v in expect.get("flags_exclude") or []),
        rules_include=frozenset(RuleId(v) for v in expect.get("rules_include") or []),
        top_causes=frozenset(Condition(v) for v in expect.get("top_causes") or []),
        top_n=int(expect.get("top_n", 2)),
        complete=complete,
    )


def load_vignettes() -> list[Vignette]:
    data = yaml.safe_load(VIGNETTES_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return [_build(entry) for entry in data]
