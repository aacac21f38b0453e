"""The icing core is pure: plain data in (state, act, what was read, what the effects did), a turn
out. No skill, no server, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from msgspec.structs import replace

import content
from dialogue import icing
from dialogue.acts import Act, UserAct
from dialogue.context import EffectKind, TurnContext
from dialogue.conversation import respond
from dialogue.icing_state import EffectResult, IcingInputs, IcingState, Need, Outcome, TimerReading
from dialogue.state import Mode, SessionState
from speech import render
from tests.support.scripts import plain
from triage.vocabulary import Finding

C = content.load("en-GB")
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
SCREENED = SessionState(icing=IcingState(screened=True))


def _ctx(**read: object) -> TurnContext:
    return TurnContext(content=C, icing=IcingInputs(now=NOW, **read))  # type: ignore[arg-type]


def _said(turn: object) -> str:
    return plain(render(turn.reply).ssml)  # type: ignore[attr-defined]


def test_the_first_ice_of_a_session_asks_the_safety_question_and_reads_nothing() -> None:
    act = UserAct(Act.ICE_START)
    assert icing.needs(SessionState(), act) == frozenset()
    turn = respond(SessionState(), act, _ctx())
    assert turn.state.mode is Mode.ICE_CHECK and turn.effects == ()
    assert "short of breath" in _said(turn)


def test_a_screened_start_records_the_ice_and_asks_for_two_announce_timers() -> None:
    act = UserAct(Act.ICE_START, number=15)
    assert icing.needs(SCREENED, act) == frozenset({Need.HISTORY})
    turn = respond(SCREENED, act, _ctx(history=()))
    kinds = [(e.kind, e.value) for e in turn.effects]
    assert kinds == [
        (EffectKind.RECORD_ICING, int(NOW.timestamp())),
        (EffectKind.START_TIMER, 5),
        (EffectKind.START_TIMER, 15),
    ]
    assert "check your skin under the ice" in (turn.effects[1].text or "").lower()
    assert turn.state.mode is Mode.PRICE and not turn.reply.end_session


def test_ice_again_within_two_hours_gets_a_gentle_word_and_no_timer() -> None:
    turn = respond(SCREENED, UserAct(Act.ICE_START), _ctx(history=(NOW - timedelta(minutes=40),)))
    assert turn.effects == () and turn.state.mode is Mode.ICE_TOO_SOON
    assert "40 minutes ago" in _said(turn) and "1 hour and 20 minutes" in _said(turn)


def test_a_missing_permission_becomes_a_permission_request_and_a_failure_is_said_plainly() -> None:
    act = UserAct(Act.ICE_START)
    turn = respond(SCREENED, act, _ctx(history=()))
    refused = tuple(
        EffectResult(EffectKind.START_TIMER.value, Outcome.NO_PERMISSION, detail=d)
        for d in ("skin_check", "ice_off")
    )
    asked = icing.after_effects(act, turn, refused, _ctx())
    assert asked.effects[-1].kind is EffectKind.ASK_PERMISSION and asked.reply.reprompt is None
    failed = tuple(replace(r, outcome=Outcome.FAILED) for r in refused)
    said = _said(icing.after_effects(act, turn, failed, _ctx()))
    assert "couldn't set the timer" in said and "Alexa, set a timer for 20 minutes" in said


def test_the_timer_read_back_returns_to_the_step_and_unsafe_sessions_get_no_ice() -> None:
    walking = replace(SCREENED, mode=Mode.PRICE, price_step=2)
    assert icing.needs(walking, UserAct(Act.TIME_LEFT)) == frozenset({Need.TIMER})
    turn = respond(walking, UserAct(Act.TIME_LEFT), _ctx(timer=TimerReading(12 * 60 + 10)))
    assert "About 12 minutes left" in _said(turn) and "next for compression" in _said(turn)
    assert turn.state.mode is Mode.PRICE and turn.state.price_step == 2
    clot = respond(SCREENED, UserAct(Act.EMERGENCY, findings=(Finding.PE_SIGNS,)), _ctx()).state
    refused = respond(clot, UserAct(Act.ICE_START), _ctx())
    assert refused.effects == () and "ice isn't the answer" in _said(refused)
