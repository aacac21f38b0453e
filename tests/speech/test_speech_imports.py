"""speech/ is pure: it imports only the standard library, msgspec (its frozen value types), itself and
triage (never ask_sdk, flask, boto3)."""

from __future__ import annotations

import ast
import sys

from speech_testing import REPO

ALLOWED_PROJECT_PACKAGES = {"speech", "triage"}
#: The value types are frozen msgspec Structs, like the content's (a runtime dependency, no I/O).
ALLOWED_LIBRARIES = {"msgspec"}


def _imported_top_level_names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_speech_imports_only_the_standard_library_msgspec_and_triage() -> None:
    files = sorted((REPO / "speech").rglob("*.py"))
    assert files
    for path in files:
        names = _imported_top_level_names(path.read_text(encoding="utf-8"))
        foreign = {
            n
            for n in names
            if n not in sys.stdlib_module_names and n not in ALLOWED_PROJECT_PACKAGES | ALLOWED_LIBRARIES
        }
        assert foreign == set(), f"{path.relative_to(REPO)} imports {sorted(foreign)}"
