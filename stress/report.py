"""Figures from a reliability run: the tests record them, ``python -m stress`` prints the table.

The form (short or long) comes from ``KNEE_HELPER_STRESS`` (``long`` for the long form); figures are
written only when ``KNEE_HELPER_STRESS_REPORT`` names a JSON file (``make stress`` sets it).
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

FORM_ENV = "KNEE_HELPER_STRESS"
REPORT_ENV = "KNEE_HELPER_STRESS_REPORT"


def long_form() -> bool:
    return os.environ.get(FORM_ENV, "").strip().lower() == "long"


def pick(short: int, long: int) -> int:
    """``short`` in the test suite, ``long`` under ``make stress``."""
    return long if long_form() else short


def record(section: str, figures: dict[str, Any]) -> None:
    """Merge ``figures`` into ``section`` of the report file (when one is configured)."""
    target = os.environ.get(REPORT_ENV, "").strip()
    if not target:
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        text = handle.read()
        data: dict[str, Any] = json.loads(text) if text.strip() else {}
        merged = dict(data.get(section) or {})
        for key, value in figures.items():
            counted = ("cases", "failures", "requests", "errors", "duplicates")
            if isinstance(value, int | float) and key.endswith(counted):
                merged[key] = merged.get(key, 0) + value  # counts add up across tests
            else:
                merged[key] = value
        data[section] = merged
        handle.seek(0)
        handle.truncate()
        json.dump(data, handle, indent=2, sort_keys=True)


def load(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    data: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


COLUMNS = (
    ("cases", "cases tried"),
    ("failures", "failures"),
    ("requests", "requests served"),
    ("errors", "errors"),
    ("rps", "req/s"),
    ("p99_ms", "p99 ms"),
    ("records_written", "records written"),
    ("records_read", "records read back"),
    ("duplicates", "records stored twice"),
)


def table(data: dict[str, dict[str, Any]]) -> str:
    """A Markdown table: one row per section, the columns of :data:`COLUMNS`."""
    head = "| check | " + " | ".join(title for _, title in COLUMNS) + " |"
    rule = "|---|" + "---:|" * len(COLUMNS)
    rows = [head, rule]
    for section in sorted(data):
        figures = data[section]
        cells = [str(figures.get(key, "–")) for key, _ in COLUMNS]
        rows.append(f"| {section} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
