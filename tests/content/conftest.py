"""Shared fixtures for the content tests: the compiled bundles and the source article."""

from __future__ import annotations

from pathlib import Path

import pytest

import content
from content.schema import LocaleContent

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / ".." / "shared" / "reference" / "pain-behind-knee.txt"


@pytest.fixture(scope="session")
def bundles() -> dict[str, LocaleContent]:
    return {loc: content.load(loc) for loc in content.SUPPORTED_LOCALES}


@pytest.fixture(scope="session")
def article_text() -> str:
    # Missing shared files fail, as the Amazon chain of tests/webapp does: the suite runs with
    # ../shared beside the clone (README, "Tests and CI").
    if not ARTICLE.exists():
        pytest.fail(f"source article not found at {ARTICLE}: put ../shared beside the clone")
    return ARTICLE.read_text(encoding="utf-8")
