"""The results table (terminal and Markdown) and the JSON file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from evaluate.scoring import (
    FLOOR_CORRECT,
    FLOOR_EMERGENCY,
    FLOOR_SAFE,
    LONG_RESPONSE_WORDS,
    TARGET_MAX_QUESTIONS,
    TARGET_MEDIAN_QUESTIONS,
    TARGET_SHORT_SHARE,
    Outcome,
    Summary,
    Verdict,
)
from evaluate.vignettes import LEVEL_NAMES

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _f(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{unit}"


def rows(s: Summary) -> list[tuple[str, str, str]]:
    """(measure, value, floor or target) rows of the headline table."""
    short = None if s.over_40_other is None else round(100.0 - s.over_40_other, 1)
    return [
        ("Vignettes", _f(s.vignettes), ""),
        ("Correct care level", _f(s.correct, "%"), f">= {FLOOR_CORRECT:g}% (floor)"),
        ("Safe care level (Gilbert 2020)", _f(s.safe, "%"), f">= {FLOOR_SAFE:g}% (floor)"),
        (
            f"Emergency escalation (n={s.emergency_n})",
            _f(s.emergency, "%"),
            f">= {FLOOR_EMERGENCY:g}% (floor)",
        ),
        (f"Clot guidance first (n={s.clot_n})", _f(s.clot_first, "%"), "100%"),
        (
            f"Expected cause in the top 3 (n={s.cause_n})",
            _f(s.cause_top3, "%"),
            "> 82.1% (GPs, Gilbert 2020)",
        ),
        ("Questions asked: median", _f(s.questions_median), f"<= {TARGET_MEDIAN_QUESTIONS:g} (issue 14)"),
        ("Questions asked: max", _f(s.questions_max), f"<= {TARGET_MAX_QUESTIONS} (issue 14)"),
        (
            f"'About N more' said (n={s.countdowns_said}): went up / short by more than one",
            f"{s.countdown_rises} / {s.countdown_short}",
            "0 / 0 (floor, issue 14)",
        ),
        (
            f"Words per response, non-emergency: median (n={s.responses_other})",
            _f(s.words_median_other),
            "",
        ),
        (
            f"Non-emergency responses over {LONG_RESPONSE_WORDS} words",
            _f(s.over_40_other, "%"),
            f"<= {100 - TARGET_SHORT_SHARE:g}% (issue 14; {_f(short, '%')} within)",
        ),
        (
            f"Words per response, emergency turns: median (n={s.responses_emergency})",
            _f(s.words_median_emergency),
            "",
        ),
        (f"Emergency turns over {LONG_RESPONSE_WORDS} words", _f(s.over_40_emergency, "%"), ""),
    ]


def extra_rows(s: Summary) -> list[tuple[str, str]]:
    return [
        (
            "Openings understood (all / volunteered findings)",
            f"{_f(s.openings_understood, '%')} / {_f(s.volunteered_openings_understood, '%')}",
        ),
        ("Disclaimer heard", _f(s.disclaimer_heard, "%")),
        (
            "Home care offered under a clot/ischaemia/compartment/infection flag (vignettes)",
            _f(s.self_care_offered_under_unsafe_flag),
        ),
        ("Doses spoken to a child under 16 (vignettes)", _f(s.child_dose_spoken)),
        (
            f"Warning still first when home care is asked for after an urgent result (n={s.warning_kept_n})",
            _f(s.warning_kept_after_result, "%"),
        ),
        (
            f"Self-care results whose safety net names the emergency number (n={s.self_care_n})",
            _f(s.self_care_safety_net_number, "%"),
        ),
        (
            f"Same-day results naming the local same-day route (n={s.same_day_n})",
            _f(s.same_day_route_named, "%"),
        ),
        (
            "Corrections made / skipped (the voice model cannot route them)",
            f"{s.corrections_made} / {s.corrections_skipped}",
        ),
        ("No care level heard (vignettes)", _f(s.no_level_heard)),
        (
            f"Core cross-check: triage.assess on the facts (n={s.core_checked})",
            f"correct {_f(s.core_correct, '%')}, safe {_f(s.core_safe, '%')}, "
            f"cause top 3 {_f(s.core_cause_top3, '%')}",
        ),
        (
            "Heard vs core disagreements (level / cause in top 3)",
            f"{s.heard_vs_core_level_disagreements} / {s.heard_vs_core_cause_disagreements}",
        ),
    ]


def table(s: Summary) -> str:
    r = rows(s)
    width = max(len(a) for a, _, _ in r)
    lines = [f"{'measure':<{width}}  {'value':>8}  floor / target", "-" * (width + 40)]
    lines += [f"{a:<{width}}  {b:>8}  {c}" for a, b, c in r]
    lines.append("")
    lines += [f"{a}: {b}" for a, b in extra_rows(s)]
    return "\n".join(lines)


def failing_lines(outcomes: Sequence[Outcome], limit: int = 200) -> list[str]:
    lines = []
    for o in outcomes:
        if o.passed:
            continue
        heard = LEVEL_NAMES.get(o.heard_level or 0, "none")
        why = []
        if not o.correct:
            why.append(
                f"level {heard} (expected {LEVEL_NAMES[o.expected_level]}{'' if o.safe else ', UNSAFE'})"
            )
        if o.clot_first is False:
            why.append("clot guidance not first")
        if o.cause_hit is False:
            why.append(f"causes {o.heard_causes or '-'} (expected one of {o.expected_causes})")
        if o.self_care_offered_under_unsafe_flag:
            why.append("home care offered under an unsafe flag")
        lines.append(f"{o.id} [{o.locale}]: " + "; ".join(why))
    return lines[:limit]


def markdown(s: Summary, v: Verdict, outcomes: Sequence[Outcome], strict: bool, label: str) -> str:
    out = [f"# make evaluate: {label}", ""]
    out.append("| measure | value | floor / target |")
    out.append("|---|---|---|")
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows(s)]
    out += ["", "| other measure | value |", "|---|---|"]
    out += [f"| {a} | {b} |" for a, b in extra_rows(s)]
    out += ["", "## By expected level", "", "| level | n | correct | safe |", "|---|---|---|---|"]
    out += [
        f"| {k} | {_f(g['n'])} | {_f(g['correct'], '%')} | {_f(g['safe'], '%')} |"
        for k, g in s.by_level.items()
    ]
    out += ["", "## By locale", "", "| locale | n | correct | safe |", "|---|---|---|---|"]
    out += [
        f"| {k} | {_f(g['n'])} | {_f(g['correct'], '%')} | {_f(g['safe'], '%')} |"
        for k, g in s.by_locale.items()
    ]
    out += ["", "## By answer style", "", "| style | n | correct | safe |", "|---|---|---|---|"]
    out += [
        f"| {k} | {_f(g['n'])} | {_f(g['correct'], '%')} | {_f(g['safe'], '%')} |"
        for k, g in s.by_style.items()
    ]
    out += ["", "## Verdict", ""]
    out += [f"- FLOOR MISSED: {f}" for f in v.failures] or ["- every floor met"]
    tag = "enforced" if strict else "reported (enforced with --strict-conversation)"
    out += [f"- conversation target missed ({tag}): {m}" for m in v.conversation_misses]
    failing = failing_lines(outcomes)
    if failing:
        out += ["", f"## Vignettes not fully right ({len(failing)})", ""]
        out += [f"- {line}" for line in failing]
    out.append("")
    return "\n".join(out)


def write(
    s: Summary, v: Verdict, outcomes: Sequence[Outcome], *, strict: bool, label: str, directory: Path
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "latest.md").write_text(markdown(s, v, outcomes, strict, label), encoding="utf-8")
    data = {
        "label": label,
        "summary": asdict(s),
        "floors_missed": list(v.failures),
        "conversation_targets_missed": list(v.conversation_misses),
        "vignettes": [o.to_json(with_transcript=not o.passed) for o in outcomes],
    }
    (directory / "latest.json").write_text(
        json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )
