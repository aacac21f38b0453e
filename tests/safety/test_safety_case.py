"""The clinical safety case (docs/safety/hazard-log.yaml) is complete, consistent and proven by tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load_script() -> ModuleType:
    """scripts/ is a folder of commands, not a package: load the safety-case command by path."""
    spec = importlib.util.spec_from_file_location("safety_case", REPO / "scripts" / "safety_case.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


safety_case = _load_script()

#: Every row of the clinical safety review's hazard log, and its content items, has a hazard.
REVIEW_HAZARDS = {f"H{row:02d}" for row in range(1, 26)}
REVIEW_CONTENT = {"C01", "C02", "C03", "C04", "C06", "C07", "C08", "C09", "C11", "C12", "C13", "C14"}
#: The reliability review's defects that can cost someone the emergency guidance.
RELIABILITY_SAFETY = {"R01", "R02", "R06"}


@pytest.fixture(scope="module")
def case() -> Any:
    return safety_case.load()


def test_every_review_row_and_content_item_is_in_the_hazard_log(case: Any) -> None:
    ids = {hazard.id for hazard in case.hazards}
    assert ids >= REVIEW_HAZARDS | REVIEW_CONTENT | RELIABILITY_SAFETY


def test_every_hazard_has_controls_and_every_control_names_a_test(case: Any) -> None:
    for hazard in case.hazards:
        assert hazard.controls, hazard.id
        assert all(control.tests for control in hazard.controls), hazard.id


def test_every_named_test_exists(case: Any) -> None:
    assert safety_case.missing_tests(case) == []


def test_controls_never_raise_a_risk_and_leave_nothing_unacceptable(case: Any) -> None:
    for hazard in case.hazards:
        assert hazard.risk_after <= hazard.risk_before, hazard.id
        assert hazard.risk_after <= 3, f"{hazard.id} stays unacceptable after its controls"


def test_the_risk_matrix_is_dcb0129s() -> None:
    risk = safety_case.RISK
    L, S = safety_case.Likelihood, safety_case.Severity
    assert risk[L.LOW][S.CATASTROPHIC] == 4
    assert risk[L.VERY_HIGH][S.MINOR] == 3
    assert risk[L.VERY_LOW][S.MAJOR] == 2
    # Monotone in both directions: more likely or more severe is never less risky.
    for likelihood in L:
        row = [risk[likelihood][severity] for severity in S]
        assert row == sorted(row)
    for severity in S:
        column = [risk[likelihood][severity] for likelihood in L]
        assert column == sorted(column)


def test_a_reference_to_a_missing_test_is_caught(tmp_path: Path) -> None:
    test_file = tmp_path / "tests" / "test_here.py"
    test_file.parent.mkdir()
    test_file.write_text(
        "def test_real():\n    pass\n\nclass TestBox:\n    def test_inner(self):\n        pass\n"
    )
    golden = tmp_path / "tests" / "cases.yaml"
    golden.write_text("- id: known_case\n")
    exists = safety_case.test_exists
    assert exists("tests/test_here.py::test_real", tmp_path)
    assert exists("tests/test_here.py::test_real[en-US]", tmp_path)
    assert exists("tests/test_here.py::TestBox::test_inner", tmp_path)
    assert exists("tests/cases.yaml#known_case", tmp_path)
    assert not exists("tests/test_here.py::test_gone", tmp_path)
    assert not exists("tests/test_missing.py::test_real", tmp_path)
    assert not exists("tests/cases.yaml#unknown_case", tmp_path)
    assert not exists("docs/anything.yaml", tmp_path)


def test_a_hazard_without_a_test_is_refused(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(
        "title: t\nscope: s\nstandard: d\nhazards:\n"
        "  - {id: X1, title: t, source: s, cause: c, harm: h, severity: minor,\n"
        "     likelihood: {before: low, after: low}, controls: [{text: c, tests: []}]}\n"
    )
    with pytest.raises(safety_case.SafetyCaseError, match="names at least one test"):
        safety_case.load(log)


def test_the_rendered_markdown_is_up_to_date(case: Any) -> None:
    assert safety_case.RENDERED.read_text(encoding="utf-8") == safety_case.render(case), (
        "docs/safety/hazard-log.md is stale: run make safety-case"
    )
