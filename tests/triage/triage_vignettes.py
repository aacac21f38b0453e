"""The golden triage vignettes (tests/golden/triage/vignettes.yaml), loaded by the evaluation harness.

One loader for both uses: this facts-level test runs ``triage.assess`` on each vignette's facts,
and ``make evaluate`` plays the same vignettes as patients through the whole skill.
"""

from __future__ import annotations

from evaluate.vignettes import (
    LEVELS,
    VIGNETTES_PATH,
    Vignette,
    build_facts,
    load,
    skip_reason,
    v2_available,
)

__all__ = [
    "LEVELS",
    "VIGNETTES_PATH",
    "Vignette",
    "build_facts",
    "load_vignettes",
    "skip_reason",
    "v2_available",
]


def load_vignettes() -> list[Vignette]:
    return load(VIGNETTES_PATH)
