"""Run-time loading of the compiled bundles: stdlib ``json`` only, never YAML."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Final

from content.schema import LocaleContent, from_dict

SUPPORTED_LOCALES: Final[tuple[str, ...]] = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
DEFAULT_LOCALE: Final = "en-US"
COMPILED_DIR: Final = Path(__file__).resolve().parent / "compiled"

_BY_LOWER: Final = {loc.lower(): loc for loc in SUPPORTED_LOCALES}


def resolve_locale(locale: str | None) -> str:
    """The supported locale to use for ``locale`` (``en_gb`` and ``EN-GB`` work; unknown gives en-US)."""
    if not locale:
        return DEFAULT_LOCALE
    return _BY_LOWER.get(locale.replace("_", "-").lower(), DEFAULT_LOCALE)


def compiled_path(locale: str) -> Path:
    return COMPILED_DIR / f"{locale}.json"


@functools.cache
def _load_exact(locale: str) -> LocaleContent:
    path = compiled_path(locale)
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    return from_dict(LocaleContent, data, where=f"content/compiled/{locale}.json")


def load(locale: str | None) -> LocaleContent:
    """The content bundle for ``locale``, cached (immutable data, no user state). Unknown -> en-US."""
    return _load_exact(resolve_locale(locale))
