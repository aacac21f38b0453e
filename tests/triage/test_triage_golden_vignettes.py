"""The golden vignettes in tests/golden/triage/vignettes.yaml, run through triage.assess().

Each vignette's facts (present findings yes, "not sure" ones unknown or unclear, everything else
no) must give the expected care level, raise the expected flags and none of the excluded ones, and
put one of the expected causes in the top three. Vignettes that need the triage v2 vocabulary or
behaviour (SPEC.md) would be skipped on a core without it; triage v2 has landed, so a skipped
vignette is a failure (``test_no_vignette_is_skipped``).
"""

from __future__ import annotations

import pytest
from triage_vignettes import LEVELS, Vignette, build_facts, load_vignettes, skip_reason, v2_available

from evaluate.vignettes import LOCALES, V2_FLAGS, Style
from triage import Condition, Flag, assess

VIGNETTES = load_vignettes()
HAZARD_ROWS = range(1, 26)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v.id for v in VIGNETTES])
def test_vignette_facts_give_the_expected_level_flags_and_causes(vignette: Vignette) -> None:
    reason = skip_reason(vignette)
    if reason is not None:
        pytest.skip(reason)
    result = assess(build_facts(vignette))
    flags = {f.value for f in result.flags}
    assert int(result.level) == vignette.expect.level, (result.level, result.rules)
    assert vignette.expect.flags <= flags, sorted(flags)
    assert not (vignette.expect.flags_absent & flags), sorted(flags)
    if vignette.expect.causes:
        top = {c.condition.value for c in result.causes[:3]}
        assert top & vignette.expect.causes, [(c.condition.value, c.score) for c in result.causes]


def test_no_vignette_is_skipped() -> None:
    assert v2_available(), "the triage core lacks the v2 vocabulary of SPEC.md"
    skipped = {v.id: skip_reason(v) for v in VIGNETTES if skip_reason(v) is not None}
    assert not skipped, skipped


def test_there_are_at_least_150_vignettes_each_with_a_one_line_rationale() -> None:
    assert len(VIGNETTES) >= 150
    assert len({v.id for v in VIGNETTES}) == len(VIGNETTES)
    assert all(v.rationale and "\n" not in v.rationale for v in VIGNETTES)


def test_every_hazard_row_of_the_clinical_review_has_a_vignette() -> None:
    covered = {row for v in VIGNETTES for row in v.hazards}
    assert covered >= set(HAZARD_ROWS), sorted(set(HAZARD_ROWS) - covered)


def test_every_one_of_the_twelve_causes_is_expected_somewhere() -> None:
    covered = {c for v in VIGNETTES for c in v.expect.causes}
    assert covered >= {c.value for c in Condition}


def test_every_care_level_locale_and_answer_style_is_covered() -> None:
    assert {v.expect.level for v in VIGNETTES} == set(LEVELS.values())
    assert {v.locale for v in VIGNETTES} == set(LOCALES)
    assert {v.style for v in VIGNETTES} == set(Style)


def test_every_flag_including_the_v2_flags_is_expected_somewhere() -> None:
    covered = {f for v in VIGNETTES for f in v.expect.flags}
    assert covered >= {f.value for f in Flag} | V2_FLAGS


def test_children_and_over_60s_with_benign_long_standing_pain_are_covered() -> None:
    children = [v for v in VIGNETTES if v.child]
    assert len(children) >= 5
    assert all(v.expect.level >= LEVELS["consultation_24"] for v in children)
    benign_older = [
        v
        for v in VIGNETTES
        if (v.age or 0) >= 60
        and v.expect.level <= LEVELS["consultation"]
        and "suspected_dvt" in v.expect.flags_absent
    ]
    assert len(benign_older) >= 5


def test_each_answer_style_has_several_vignettes_and_not_sure_hits_red_flags() -> None:
    for style in Style:
        assert sum(v.style is style for v in VIGNETTES) >= 5, style
    red_flag_unsure = [
        v for v in VIGNETTES if v.unsure & {"pe_signs", "cold_pale_leg", "bladder_bowel_change"}
    ]
    assert len(red_flag_unsure) >= 3
