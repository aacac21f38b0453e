"""A reply built from someone's answers is never kept: it is built afresh each turn (house privacy rule)."""

from __future__ import annotations

import content
from dialogue import presenter
from triage import Facts, assess
from triage.vocabulary import Answer, Finding


def test_a_reply_built_from_answers_is_new_each_turn() -> None:
    c = content.load("en-US")
    facts = Facts.empty().with_answer(Finding.SWELLING_CALF, Answer.PRESENT)
    assessment = assess(facts)
    first = presenter.why_think(c, assessment)
    assert presenter.why_think(c, assessment) is not first
    assert presenter.why_think(c, assessment) == first
