"""Replies made of content alone are built once per locale; replies built from answers never are."""

from __future__ import annotations

import content
from dialogue import presenter
from dialogue.modes import Mode
from triage import Facts, assess
from triage.vocabulary import Answer, Finding


def test_content_only_replies_are_the_same_object_each_time_in_a_locale() -> None:
    us, gb = content.load("en-US"), content.load("en-GB")
    assert presenter.error(us) is presenter.error(us)
    assert presenter.error(us) is not presenter.error(gb)
    assert presenter.launch(us, first_time=True) is presenter.launch(us, first_time=True)
    assert presenter.launch(us, first_time=True) is not presenter.launch(us, first_time=False)
    assert presenter.help_for(us, Mode.PRICE, None) is presenter.help_for(us, Mode.PRICE, None)
    assert presenter.topic_page(us, "cause:bakers_cyst", 0) is presenter.topic_page(
        us, "cause:bakers_cyst", 0
    )
    assert presenter.error(gb).blocks[0].text() == gb.skill["error"]


def test_a_reply_built_from_answers_is_new_each_turn() -> None:
    c = content.load("en-US")
    facts = Facts.empty().with_answer(Finding.SWELLING_CALF, Answer.PRESENT)
    assessment = assess(facts)
    first = presenter.why_think(c, assessment)
    assert presenter.why_think(c, assessment) is not first
    assert presenter.why_think(c, assessment) == first
