"""The pure layers (triage/, content/, speech/, dialogue/) never import the ASK SDK, Flask or boto3."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PURE_PACKAGES = ("triage", "content", "speech", "dialogue")
FORBIDDEN = (
    "ask_sdk",
    "ask_sdk_core",
    "ask_sdk_model",
    "ask_sdk_runtime",
    "flask",
    "flask_ask_sdk",
    "boto3",
    "botocore",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
            "import_module",
            "__import__",
        }:
            names.update(
                a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            )
    return names


def python_files(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def is_forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f"{f}.") or module.startswith(f"{f}_") for f in FORBIDDEN)


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_package_never_imports_ask_sdk_flask_or_boto3(package: str) -> None:
    offenders = [
        f"{path.relative_to(REPO)} imports {module}"
        for path in python_files(package)
        for module in sorted(imported_modules(path))
        if is_forbidden(module)
    ]
    assert offenders == []


def test_the_content_package_is_scanned_at_all() -> None:
    assert python_files("content"), "content/ has no Python files to scan"


def test_the_import_scanner_spots_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import boto3\nfrom flask import Flask\nfrom ask_sdk_core.skill_builder import SkillBuilder\n"
    )
    found = {m for m in imported_modules(bad) if is_forbidden(m)}
    assert found == {"boto3", "flask", "ask_sdk_core.skill_builder"}


def test_the_runtime_content_modules_never_import_yaml() -> None:
    for name in ("__init__.py", "loader.py", "schema.py", "checks.py"):
        modules = imported_modules(REPO / "content" / name)
        assert not any(m == "yaml" or m.startswith("yaml.") for m in modules), name
