"""`make capacity` prints its tables offline from the committed inputs, and the template follows it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from capacity import model
from capacity.__main__ import main
from capacity.inputs import load_assumptions, load_measured, load_prices

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_prints_cost_memory_peak_and_sources_in_a_second(
    capsys: pytest.CaptureFixture[str],
) -> None:
    start = time.monotonic()
    assert main(["--peak", "500"]) == 0
    assert time.monotonic() - start < 5
    out = capsys.readouterr().out
    for heading in (
        "Measured inputs per session",
        "Memory sizes",
        "Cost per million sessions",
        "At a peak of 500",
        "First limit reached",
        "Prices (capacity/prices.yaml)",
    ):
        assert heading in out


def test_a_bad_mix_is_refused_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--mix", "headline=0.3"]) == 2
    assert "add up" in capsys.readouterr().err


def test_the_cost_model_counts_backups_exactly_when_the_template_turns_them_on() -> None:
    template = (ROOT / "template.yaml").read_text(encoding="utf-8")
    match = re.search(r"PointInTimeRecoveryEnabled:\s*(true|false)", template)
    assert match is not None
    assert load_assumptions().point_in_time_recovery is (match.group(1) == "true")


def test_the_template_ships_the_recommended_memory_size() -> None:
    a, prices, m = load_assumptions(), load_prices(), load_measured()
    chosen = model.ship(model.memory_options(m, a, prices.regions["us-east-1"], "arm64", dict(a.default_mix)))
    template = (ROOT / "template.yaml").read_text(encoding="utf-8")
    match = re.search(r"^\s+MemorySize:\s*(\d+)", template, re.MULTILINE)
    assert match is not None
    assert int(match.group(1)) == int(chosen.memory_mb)
