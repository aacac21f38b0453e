"""Run the golden vignettes through the skill and score them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from evaluate.device import Handler, real_handler
from evaluate.play import play
from evaluate.scoring import Outcome, score
from evaluate.vignettes import Vignette


def evaluate(vignettes: Iterable[Vignette], handler: Handler | None = None) -> list[Outcome]:
    handler = handler or real_handler()
    return [score(play(v, handler)) for v in vignettes]


def subset(vignettes: Sequence[Vignette], every: int) -> list[Vignette]:
    """Every ``every``-th vignette (a quick, spread-out sample)."""
    return list(vignettes[:: max(1, every)])
