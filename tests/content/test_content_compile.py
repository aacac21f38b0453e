"""Compiling: every locale compiles, output is deterministic, and the committed bundles are up to date."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import content
from content import compile as compiler

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return compiler.build_all()


def test_every_supported_locale_compiles(outputs: dict[str, str]) -> None:
    assert set(outputs) == set(content.SUPPORTED_LOCALES)


def test_compiled_json_has_sorted_keys(outputs: dict[str, str]) -> None:
    for text in outputs.values():
        data = json.loads(text)
        assert json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n" == text


def test_the_committed_compiled_files_are_up_to_date(outputs: dict[str, str]) -> None:
    assert compiler.stale_files(outputs) == [], "run: python -m content.compile"


def test_the_check_mode_exits_zero_when_up_to_date_and_compiling_twice_gives_identical_bytes(
    outputs: dict[str, str],
) -> None:
    """The check mode compiles everything again, in a fresh process, and finds the committed files
    equal to it; this process's compile equals them too: two compiles, identical bytes."""
    done = subprocess.run(
        [sys.executable, "-m", "content.compile", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert compiler.stale_files(outputs) == [], "run: python -m content.compile"


def test_stale_detection_spots_changed_missing_and_extra_files(
    outputs: dict[str, str], tmp_path: Path
) -> None:
    for loc, text in outputs.items():
        (tmp_path / f"{loc}.json").write_text(text, encoding="utf-8")
    assert compiler.stale_files(outputs, tmp_path) == []
    (tmp_path / "en-GB.json").write_text("{}", encoding="utf-8")
    (tmp_path / "en-AU.json").unlink()
    (tmp_path / "en-NZ.json").write_text("{}", encoding="utf-8")
    assert sorted(compiler.stale_files(outputs, tmp_path)) == ["en-AU.json", "en-GB.json", "en-NZ.json"]


def test_the_emergency_templates_keep_the_number_placeholder(outputs: dict[str, str]) -> None:
    for text in outputs.values():
        templates = json.loads(text)["emergency"]["templates"]
        assert "{emergency_number}" in " ".join(templates["call_now"])
        assert "{emergency_number}" in " ".join(templates["pe_warning"])
        assert "{emergency_number}" in " ".join(templates["short"])
