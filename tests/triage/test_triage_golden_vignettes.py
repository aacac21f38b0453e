"""The golden vignettes in tests/golden/triage/vignettes.yaml, run through assess()."""

from __future__ import annotations

import pytest
from triage_vignettes import Vignette, load_vignettes

from triage import Condition, Flag, RuleId, assess

VIGNETTES = load_vignettes()


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v.id for v in VIGNETTES])
def test_vignette_gets_the_expected_level_flags_rules_and_causes(vignette: Vignette) -> None:
    result = assess(vignette.facts)
    assert result.level is vignette.level, (result.level, result.rules)
    if vignette.flags_exact is not None:
        assert result.flags == vignette.flags_exact
    assert vignette.flags_include <= result.flags
    assert not (vignette.flags_exclude & result.flags)
    assert vignette.rules_include <= set(result.rules), result.rules
    if vignette.top_causes:
        top = {c.condition for c in result.causes[: vignette.top_n]}
        assert top & vignette.top_causes, [(c.condition.value, c.score) for c in result.causes]
    if vignette.complete is not None:
        assert result.complete is vignette.complete


def test_there_are_at_least_sixty_vignettes_with_unique_ids() -> None:
    assert len(VIGNETTES) >= 60
    assert len({v.id for v in VIGNETTES}) == len(VIGNETTES)


def test_every_one_of_the_twelve_causes_is_expected_on_top_somewhere() -> None:
    covered = {c for v in VIGNETTES for c in v.top_causes}
    assert covered == set(Condition)


def test_every_rule_id_fires_in_some_vignette() -> None:
    covered = {r for v in VIGNETTES for r in v.rules_include}
    assert covered == set(RuleId)


def test_every_flag_is_expected_in_some_vignette() -> None:
    covered = {f for v in VIGNETTES for f in (v.flags_exact or frozenset()) | v.flags_include}
    assert covered == set(Flag)
