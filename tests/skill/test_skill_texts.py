"""Every skill text the code asks for exists in every locale, and its run-time markers are known."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import content
from dialogue.presenter import fill

ROOT = Path(__file__).resolve().parents[2]
_KEY_USES = re.compile(r"""(?:skill\[|skill\(c,\s*|skill_text\()\s*["']([a-z_]+)["']""")
_MARKER = re.compile(r"\[([a-z_]+)\]")


def keys_used_in_code() -> set[str]:
    found: set[str] = set()
    for folder in ("dialogue", "handlers", "kneeskill"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(_KEY_USES.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_code_asks_for_a_good_number_of_skill_texts() -> None:
    assert len(keys_used_in_code()) > 60


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_every_skill_text_the_code_uses_exists(locale: str) -> None:
    missing = keys_used_in_code() - set(content.load(locale).skill)
    assert not missing, f"{locale}: no text for {sorted(missing)}"


@pytest.mark.parametrize("locale", content.SUPPORTED_LOCALES)
def test_every_run_time_marker_in_a_skill_text_is_one_the_presenter_fills(locale: str) -> None:
    values = dict.fromkeys(("count", "step", "cause", "reasons", "topic", "time", "until", "number"), "x")
    for key, text in content.load(locale).skill.items():
        assert not _MARKER.search(fill(text, **values)), f"{locale}: {key} has an unknown marker"
