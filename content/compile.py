"""Compile the YAML content sources into one resolved JSON bundle per locale.

    python -m content.compile            # validate content/source/ and rewrite content/compiled/
    python -m content.compile --check    # exit 1 if a compiled bundle is missing or stale

Sources: ``source/facts/*.yaml`` (language-neutral facts), ``source/locales/en.yaml`` (base English
with ``{placeholders}``) and ``source/locales/<locale>.yaml`` (terms and optional ``overrides``).
Build-time only: this is the one module that imports YAML. Every source is validated against the
JSON Schema of its kind derived from ``content.schema`` (``content.validation``, jsonschema), and
every bundle again as a whole, before the checks that a type cannot express (``content.checks``).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import yaml

from content import yaml_source
from content.checks import check_bundle
from content.loader import SUPPORTED_LOCALES
from content.schema import LocaleContent
from content.validation import SchemaError, from_dict, to_dict, validate_source

CONTENT_DIR: Final = Path(__file__).resolve().parent
SOURCE_DIR: Final = CONTENT_DIR / "source"
COMPILED_DIR: Final = CONTENT_DIR / "compiled"  # where content.loader reads the bundles
PLACEHOLDER_RE: Final = re.compile(r"\{([a-z_]+)\}")
_LOCALE_FILE_KEYS: Final = frozenset({"locale", "terms", "overrides"})
#: Kept as a placeholder in the emergency templates so speech can render the number with say-as/sub.
NUMBER_PLACEHOLDER: Final = "emergency_number"


class ContentError(Exception):
    """The sources are invalid; the message says which file and where."""


def _read_yaml(path: Path, label: str) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml_source.load(fh)
    except OSError as err:
        raise ContentError(f"{label}: cannot read ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise ContentError(f"{label}: not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{label}: expected a mapping at the top")
    return data


def load_facts(source_dir: Path = SOURCE_DIR) -> dict[str, Any]:
    """All facts files merged (each top-level section lives in exactly one file), validated."""
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    files = sorted((source_dir / "facts").glob("*.yaml"))
    if not files:
        raise ContentError(f"{source_dir / 'facts'}: no facts files")
    for path in files:
        label = f"facts/{path.name}"
        for key, value in _read_yaml(path, label).items():
            if key in merged:
                raise ContentError(f"{label}: {key}: already defined in {origin[key]}")
            merged[key] = value
            origin[key] = label
    try:
        validate_source(LocaleContent, merged, "facts")
    except SchemaError as err:
        where = origin.get(err.path[0], "facts") if err.path else "facts"
        if err.problem == "missing key" and len(err.path) == 1:
            where = "facts/*.yaml"
        raise ContentError(str(err.located(where))) from None
    return merged


def load_base_text(source_dir: Path = SOURCE_DIR) -> dict[str, Any]:
    label = "locales/en.yaml"
    data = _read_yaml(source_dir / "locales" / "en.yaml", label)
    try:
        validate_source(LocaleContent, data, "text", label)
    except SchemaError as err:
        raise ContentError(str(err)) from None
    return data


def check_locale_source(data: dict[str, Any], label: str, base_text: dict[str, Any]) -> None:
    """A locale file: ``locale``, ``terms`` and optional ``overrides`` of existing English text."""
    for key in data:
        if key not in _LOCALE_FILE_KEYS:
            raise ContentError(f"{label}: {key}: unknown key")
    try:
        validate_source(LocaleContent, {k: data.get(k) for k in ("locale", "terms")}, "locale", label)
        overrides = data.get("overrides") or {}
        validate_source(LocaleContent, overrides, "text", f"{label} overrides", partial=True)
    except SchemaError as err:
        raise ContentError(str(err)) from None
    _check_override_paths(overrides, base_text, ("overrides",), label)


def _check_override_paths(over: Any, base: Any, path: tuple[str, ...], label: str) -> None:
    if not isinstance(over, dict):
        return
    for key, value in over.items():
        if not isinstance(base, dict) or key not in base:
            raise ContentError(
                f"{label}: {'.'.join((*path, str(key)))}: overrides nothing in locales/en.yaml"
            )
        _check_override_paths(value, base[key], (*path, str(key)), label)


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` laid on ``base``: mappings merge, anything else (lists too) is replaced."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def resolve(
    obj: Any, values: dict[str, str], keep: frozenset[str], label: str, path: tuple[str, ...] = ()
) -> Any:
    """Fill ``{name}`` placeholders in every string (except names in ``keep``); tidy the spaces."""
    if isinstance(obj, str):

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name in keep:
                return m.group(0)
            if name not in values:
                raise ContentError(f"{label}: {'.'.join(path)}: unknown placeholder {{{name}}}")
            return values[name]

        return " ".join(PLACEHOLDER_RE.sub(sub, obj).split())
    if isinstance(obj, dict):
        return {k: resolve(v, values, keep, label, (*path, str(k))) for k, v in obj.items()}
    if isinstance(obj, list):
        return [resolve(v, values, keep, label, (*path, str(i))) for i, v in enumerate(obj)]
    return obj


def build_locale(
    locale: str, facts: dict[str, Any], base_text: dict[str, Any], source_dir: Path = SOURCE_DIR
) -> LocaleContent:
    label = f"locales/{locale}.yaml"
    data = _read_yaml(source_dir / "locales" / f"{locale}.yaml", label)
    check_locale_source(data, label, base_text)
    if data["locale"] != locale:
        raise ContentError(f"{label}: locale: says {data['locale']!r}, file is for {locale!r}")
    text_tree = deep_merge(base_text, data.get("overrides") or {})
    terms: dict[str, str] = data["terms"]
    numbers = {k: str(v) for k, v in facts["numbers"].items()}
    clash = set(terms) & set(numbers)
    if clash:
        raise ContentError(f"{label}: terms and numbers share names: {', '.join(sorted(clash))}")
    values = {**numbers, **terms, NUMBER_PLACEHOLDER: terms["emergency_number_spoken"]}
    resolved = resolve(text_tree, values, frozenset(), label)
    templates = resolve(
        text_tree["emergency"], values, frozenset({NUMBER_PLACEHOLDER}), label, ("emergency",)
    )
    merged = deep_merge(facts, resolved)
    merged["locale"] = locale
    merged["terms"] = terms
    merged["emergency"]["templates"] = {
        k: templates[k] for k in merged["emergency"] if k not in {"source", "templates"}
    }
    try:
        content = from_dict(LocaleContent, merged, where=f"{locale} (facts + locales/en.yaml + {label})")
    except SchemaError as err:
        raise ContentError(str(err)) from None
    problems = check_bundle(content)
    if problems:
        raise ContentError(f"{locale}:\n  " + "\n  ".join(problems))
    return content


def render(content: LocaleContent) -> str:
    """The deterministic JSON text of a bundle."""
    return json.dumps(to_dict(content), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def build_all(source_dir: Path = SOURCE_DIR) -> dict[str, str]:
    """Validate every source and return ``{locale: json text}``."""
    facts = load_facts(source_dir)
    base_text = load_base_text(source_dir)
    return {loc: render(build_locale(loc, facts, base_text, source_dir)) for loc in SUPPORTED_LOCALES}


def stale_files(outputs: dict[str, str], compiled_dir: Path = COMPILED_DIR) -> list[str]:
    """Compiled files that are missing, differ from ``outputs``, or belong to no supported locale."""
    stale = []
    for loc, text_out in outputs.items():
        path = compiled_dir / f"{loc}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != text_out:
            stale.append(path.name)
    expected = {f"{loc}.json" for loc in outputs}
    stale += sorted(p.name for p in compiled_dir.glob("*.json") if p.name not in expected)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m content.compile", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if content/compiled/ is stale")
    args = parser.parse_args(argv)
    try:
        outputs = build_all()
    except ContentError as err:
        print(f"content error: {err}", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files(outputs)
        if stale:
            print(
                f"stale compiled content: {', '.join(stale)}; run: python -m content.compile", file=sys.stderr
            )
            return 1
        print(f"content up to date ({len(outputs)} locales)")
        return 0
    COMPILED_DIR.mkdir(exist_ok=True)
    for loc, text_out in outputs.items():
        path = COMPILED_DIR / f"{loc}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != text_out:
            path.write_text(text_out, encoding="utf-8")
    for extra in stale_files(outputs):
        (COMPILED_DIR / extra).unlink(missing_ok=True)
    print(f"compiled {len(outputs)} locales into {COMPILED_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
