"""Home care after a result whose interview never asked the clot-signs screen (it stops asking what
cannot raise the level, so another same-day sign can skip it) first asks the one-line check, so a
firm bandage or ice never goes on a calf that may hold a clot (clinical review row 3)."""

from __future__ import annotations

import content
from dialogue.acts import Act, UserAct
from dialogue.context import TurnContext
from dialogue.conversation import respond
from dialogue.state import Mode, SessionState
from triage import Facts
from triage.vocabulary import Answer, Finding

CTX = TurnContext(content=content.load("en-GB"))
GAVE_WAY = Facts({Finding.GIVING_WAY: Answer.PRESENT, Finding.PE_SIGNS: Answer.ABSENT}).with_age(30)


def test_yes_to_home_care_after_an_unscreened_result_asks_about_the_calf_first() -> None:
    state = SessionState(mode=Mode.OFFER_PRICE, facts=GAVE_WAY)
    turn = respond(state, UserAct(Act.YES), CTX)
    assert turn.state.mode is Mode.PRICE_CHECK


def test_a_no_to_the_check_starts_the_steps_and_a_yes_gives_the_clot_guidance() -> None:
    checking = respond(SessionState(mode=Mode.OFFER_PRICE, facts=GAVE_WAY), UserAct(Act.YES), CTX).state
    assert respond(checking, UserAct(Act.NO), CTX).state.mode is Mode.PRICE
    after_yes = respond(checking, UserAct(Act.YES), CTX).state
    assert after_yes.mode is not Mode.PRICE and after_yes.emergency is not None


def test_a_result_whose_clot_screen_was_answered_no_goes_straight_to_the_steps() -> None:
    screened = GAVE_WAY.with_answer(Finding.SKIN_CHANGES, Answer.ABSENT)
    turn = respond(SessionState(mode=Mode.OFFER_PRICE, facts=screened), UserAct(Act.YES), CTX)
    assert turn.state.mode is Mode.PRICE
