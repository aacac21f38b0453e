"""Run-time loading of the compiled bundles: msgspec decodes the JSON straight into the Structs of
``content.schema`` (types checked as it decodes); never YAML, never the build-time validator."""

from __future__ import annotations

import functools
import os
from typing import Final

import msgspec

from content.schema import LocaleContent

SUPPORTED_LOCALES: Final[tuple[str, ...]] = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
DEFAULT_LOCALE: Final = "en-US"
#: Plain paths: pathlib (with fnmatch and ntpath) is ~2 ms of a cold start, and nothing else needs it.
COMPILED_DIR: Final = os.path.join(os.path.dirname(os.path.realpath(__file__)), "compiled")

_BY_LOWER: Final = {loc.lower(): loc for loc in SUPPORTED_LOCALES}
_DECODER: Final = msgspec.json.Decoder(LocaleContent)


def resolve_locale(locale: str | None) -> str:
    """The supported locale to use for ``locale`` (``en_gb`` and ``EN-GB`` work; unknown gives en-US)."""
    if not locale:
        return DEFAULT_LOCALE
    return _BY_LOWER.get(locale.replace("_", "-").lower(), DEFAULT_LOCALE)


def compiled_path(locale: str) -> str:
    return os.path.join(COMPILED_DIR, f"{locale}.json")


@functools.cache
def _load_exact(locale: str) -> LocaleContent:
    with open(compiled_path(locale), "rb") as file:
        bundle: LocaleContent = _DECODER.decode(file.read())
    return bundle


def load(locale: str | None) -> LocaleContent:
    """The content bundle for ``locale``, cached (immutable data, no user state). Unknown -> en-US."""
    return _load_exact(resolve_locale(locale))
