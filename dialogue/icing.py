"""Hands-free icing inside the functional core: safety first, timers that speak, and the walk-through
going on while the ice is on. Pure: no I/O, no clock (the time comes in ``ctx.icing.now``).

Three pure functions (see ``dialogue.icing_state`` for why this shape):

* :func:`needs` - what a turn must read first (icing history, time zone, the running timer);
* :func:`respond_icing` - the decision: the next state, a reply, and the effects to carry out;
* :func:`after_effects` - the reply worded from what the effects did ("I couldn't set the timer").

The timings come from content (ice 15 to 20 minutes, every 2 to 3 hours during the day, check the
skin after 5 minutes). Ice is never offered while the session is unsafe for self-care.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

import msgspec
from msgspec.structs import replace

from content import LocaleContent, PriceStep
from dialogue.acts import Act, UserAct
from dialogue.context import PRICE_ORDER, Effect, EffectKind, Turn, TurnContext
from dialogue.icing_state import (
    REMINDER_TOKEN,
    EffectResult,
    IcingState,
    Need,
    Outcome,
    PermissionScope,
)
from dialogue.presenter import CARD_TITLE, add_note, not_saved, skill
from dialogue.say import essential, para
from dialogue.state import Mode, SessionState
from dialogue.urgency import kind_from_facts
from speech import Block, Duration, Priority, Reply
from triage.vocabulary import Answer, Finding

DEFAULT_MINUTES = 20
ICE_INDEX = PRICE_ORDER.index(PriceStep.ICE)

#: Acts icing always answers; YES / NO / DONT_KNOW only in the icing modes.
ICING_ACTS = frozenset(
    {
        Act.ICE_START,
        Act.ICE_STATUS,
        Act.TIME_LEFT,
        Act.ICE_DONE,
        Act.STOP_TIMER,
        Act.PERMISSION,
        Act.DELETE_DATA,
    }
)
_ANSWERS = frozenset({Act.YES, Act.NO, Act.DONT_KNOW})
_MODES = frozenset({Mode.ICE_CHECK, Mode.ICE_TOO_SOON, Mode.OFFER_REMINDER})
_PROFILE_EFFECTS = frozenset(
    {EffectKind.MARK_DISCLAIMER_HEARD, EffectKind.SAVE_PRICE_STEP, EffectKind.CLEAR_PRICE_STEP}
)
SKIN_CHECK = "skin_check"
ICE_OFF = "ice_off"


class TimerStatus(StrEnum):
    """What happened when the skill tried to time the icing."""

    SET = "set"
    ASKING_PERMISSION = "asking_permission"
    PERMISSION_DENIED = "permission_denied"
    NOT_ANSWERED = "not_answered"
    FAILED = "failed"


class IcingSummary(msgspec.Struct, frozen=True):
    """Icing history for "when can I ice again?", in the user's time zone when known."""

    count_today: int
    last_start: datetime | None
    next_earliest: datetime | None
    next_latest: datetime | None
    zone_known: bool


# --- routing --------------------------------------------------------------------------------------


def handles(state: SessionState, act: UserAct) -> bool:
    """True when icing answers this act (the conversation's one dispatch hook asks)."""
    return act.act in ICING_ACTS or (state.mode in _MODES and act.act in _ANSWERS)


def needs(state: SessionState, act: UserAct) -> frozenset[Need]:
    """What the executor must read before :func:`respond_icing` decides (nothing it won't use)."""
    if not handles(state, act):
        return frozenset()
    kind = act.act
    history = frozenset() if state.icing.last_start is not None else frozenset({Need.HISTORY})
    if kind is Act.ICE_START and state.icing.screened and not state.self_care_unsafe:
        return history
    if state.mode is Mode.ICE_CHECK and kind is Act.NO:
        return history
    if kind is Act.ICE_STATUS or (state.mode is Mode.OFFER_REMINDER and kind is Act.YES):
        return frozenset({Need.HISTORY, Need.TIME_ZONE})
    if kind is Act.PERMISSION and act.topic == REMINDER_TOKEN and act.answer is Answer.PRESENT:
        return frozenset({Need.HISTORY, Need.TIME_ZONE})
    if kind is Act.TIME_LEFT:
        return frozenset({Need.TIMER})
    return frozenset()


def respond_icing(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    """Decide one icing turn. The reply assumes every effect works; :func:`after_effects` words
    what really happened."""
    c = ctx.content
    kind = act.act
    if kind is Act.DELETE_DATA:
        # The session's own answers go too: a fresh state keeping only the emergency marker.
        fresh = SessionState(emergency=state.emergency)
        return Turn(
            fresh, _reply(c, essential(c.skill["delete_data_done"])), (Effect(EffectKind.DELETE_USER_DATA),)
        )
    if state.mode is Mode.ICE_CHECK and kind in _ANSWERS:
        return _check_answer(state, act, ctx)
    if state.mode is Mode.ICE_TOO_SOON and kind in _ANSWERS:
        if kind is Act.YES:
            return _start(state, ctx, state.offered_timer_minutes or DEFAULT_MINUTES, anyway=True)
        return _back(state, ctx, essential(c.skill["ice_too_soon_no"]))
    if state.mode is Mode.OFFER_REMINDER and kind in _ANSWERS:
        if kind is Act.YES:
            return _reminder(state, ctx)
        return _back(state, ctx, essential(c.skill["reminder_declined"]))
    if kind is Act.PERMISSION:
        return _permission(state, act, ctx)
    if state.self_care_unsafe and kind in (Act.ICE_START, Act.ICE_STATUS):
        return Turn(_leave_icing(state), _reply(c, essential(c.skill["icing_clot"])))
    if kind is Act.ICE_START:
        minutes, adjusted = icing_minutes(c, act.number)
        walk = state.mode is Mode.PRICE or state.icing.walkthrough
        if not state.icing.screened:
            icing = replace(state.icing, unsure=0, walkthrough=walk)
            new_state = replace(state, mode=Mode.ICE_CHECK, offered_timer_minutes=minutes, icing=icing)
            return Turn(new_state, _ask(c, "ice_check"))
        return _start(state, ctx, minutes, adjusted=adjusted)
    if kind is Act.ICE_STATUS:
        return _status(state, ctx)
    if kind is Act.TIME_LEFT:
        return _time_left(state, ctx)
    return _cancel(state, ctx, done=kind is Act.ICE_DONE)


def after_effects(act: UserAct, turn: Turn, results: tuple[EffectResult, ...], ctx: TurnContext) -> Turn:
    """The turn worded from its effects' outcomes: timer ids remembered, failures said plainly,
    permission asked for when the Timers or Reminders API said it is missing."""
    c = ctx.content
    by_kind: dict[str, list[EffectResult]] = {}
    for result in results:
        by_kind.setdefault(result.kind, []).append(result)
    if any(r.outcome is Outcome.FAILED for kind in _PROFILE_EFFECTS for r in by_kind.get(kind.value, ())):
        turn = replace(turn, reply=add_note(turn.reply, not_saved(c)))
    timers = by_kind.get(EffectKind.START_TIMER.value, [])
    if timers:
        turn = _timers_started(turn, act, timers, by_kind.get(EffectKind.RECORD_ICING.value, []), ctx)
    cancels = by_kind.get(EffectKind.CANCEL_TIMER.value, [])
    if any(r.outcome is not Outcome.OK for r in cancels):
        turn = replace(turn, reply=add_note(turn.reply, c.skill["timer_cancel_failed"]))
    reminders = by_kind.get(EffectKind.SCHEDULE_REMINDER.value, [])
    if reminders:
        turn = _reminder_outcome(turn, reminders[0].outcome, ctx)
    deleted = by_kind.get(EffectKind.DELETE_USER_DATA.value, [])
    if deleted and deleted[0].outcome in (Outcome.FAILED, Outcome.MAYBE):
        turn = replace(turn, reply=_reply(c, essential(c.skill["delete_data_failed"])))
    return turn


# --- the safety question --------------------------------------------------------------------------


def _check_answer(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    """ "Is your calf swollen, red or warm, or are you short of breath?" No: ice. Yes: guidance.
    Not sure: asked once more in simpler words, then treated as yes."""
    c = ctx.content
    if act.act is Act.NO:
        screened = replace(state, icing=replace(state.icing, screened=True, unsure=0))
        return _start(screened, ctx, state.offered_timer_minutes or DEFAULT_MINUTES)
    if act.act is Act.DONT_KNOW and state.icing.unsure == 0:
        new_state = replace(state, icing=replace(state.icing, unsure=1))
        return Turn(new_state, _ask(c, "ice_check_simpler"))
    # The clot marker comes from the facts (the clot-signs screen), so it is derived again on reload.
    answer = Answer.PRESENT if act.act is Act.YES else Answer.UNCLEAR
    facts = state.facts.with_answer(Finding.SKIN_CHANGES, answer)
    new_state = replace(state, facts=facts, mode=Mode.IDLE, price_step=0, icing=IcingState())
    new_state = new_state.with_emergency(kind_from_facts(facts))
    reply = _reply(c, essential(c.skill["ice_check_positive"], c.skill["icing_clot"]))
    return Turn(new_state, reply, (Effect(EffectKind.CLEAR_PRICE_STEP),))


# --- starting the ice -----------------------------------------------------------------------------


def _start(
    state: SessionState, ctx: TurnContext, minutes: int, *, adjusted: bool = False, anyway: bool = False
) -> Turn:
    c = ctx.content
    now = ctx.icing.now or datetime.now(UTC)  # the executor always sets it; tests may not
    last = _last_start(state, ctx)
    gap = timedelta(hours=c.numbers.ice_every_hours_min)
    if not anyway and last is not None and now - last < gap:
        wait = _spoken_wait(last + gap - now)
        text = skill(c, "ice_too_soon", count=_spoken_wait(now - last), until=wait)
        walk = state.mode is Mode.PRICE or state.icing.walkthrough
        icing = replace(state.icing, walkthrough=walk)
        new_state = replace(state, mode=Mode.ICE_TOO_SOON, offered_timer_minutes=minutes, icing=icing)
        return Turn(new_state, _reply(c, essential(text), reprompt=c.skill["ice_too_soon_reprompt"]))
    stamp = int(now.timestamp())
    effects = (
        Effect(EffectKind.RECORD_ICING, stamp),
        Effect(
            EffectKind.START_TIMER,
            c.numbers.skin_check_minutes,
            detail=SKIN_CHECK,
            text=c.skill["skin_check_announce"],
            label=c.skill["skin_check_label"],
        ),
        Effect(
            EffectKind.START_TIMER,
            minutes,
            detail=ICE_OFF,
            text=c.skill["timer_announce"],
            label=c.skill["timer_label"],
        ),
    )
    icing = replace(state.icing, last_start=stamp, walkthrough=False, timer_ids=())
    new_state = replace(
        state, mode=Mode.PRICE, price_step=ICE_INDEX, offered_timer_minutes=minutes, icing=icing, topic=None
    )
    reply = _started(c, minutes=minutes, adjusted=adjusted, timer=TimerStatus.SET, saved=True)
    # No SAVE_PRICE_STEP: the walk-through saved its place at the Ice step; pause and stop save it too.
    return Turn(new_state, reply, effects)


def _timers_started(
    turn: Turn, act: UserAct, timers: list[EffectResult], records: list[EffectResult], ctx: TurnContext
) -> Turn:
    c = ctx.content
    outcomes = {r.outcome for r in timers}
    ids = tuple(r.value for r in timers if r.outcome is Outcome.OK and r.value)
    ice_off = next((r for r in timers if r.detail == ICE_OFF), timers[-1])
    if Outcome.NO_PERMISSION in outcomes:
        status = TimerStatus.ASKING_PERMISSION
    elif ice_off.outcome is Outcome.OK:
        status = TimerStatus.SET
    else:
        status = TimerStatus.FAILED
    saved = not any(r.outcome is Outcome.FAILED for r in records)
    state = replace(turn.state, icing=replace(turn.state.icing, timer_ids=ids))
    minutes = state.offered_timer_minutes or DEFAULT_MINUTES
    effects = turn.effects
    if act.act is Act.PERMISSION:
        reply = _after_permission(c, minutes, status)
    else:
        adjusted = act.number is not None and icing_minutes(c, act.number)[1]
        reply = _started(c, minutes=minutes, adjusted=adjusted, timer=status, saved=saved)
    if status is TimerStatus.ASKING_PERMISSION:
        effects = (*effects, Effect(EffectKind.ASK_PERMISSION, detail=PermissionScope.TIMERS.value))
    return replace(turn, state=state, reply=reply, effects=effects)


def _started(c: LocaleContent, *, minutes: int, adjusted: bool, timer: TimerStatus, saved: bool) -> Reply:
    """Cautions and safety first, then what happened with the timers, then the next step."""
    price = c.treatment.price
    blocks: list[Block] = [essential(*price.cautions), essential(c.skill["icing_safety"])]
    if adjusted:
        blocks.append(para(skill(c, "icing_minutes_adjusted", count=str(minutes)), priority=Priority.HIGH))
    blocks.append(essential(_timer_text(c, minutes, timer)))
    if not saved:
        blocks.append(para(c.skill["icing_not_saved"], priority=Priority.HIGH))
    if timer is TimerStatus.ASKING_PERMISSION:
        # Alexa itself asks for consent next; the session goes on with a Connections.Response.
        return Reply(blocks=tuple(blocks), reprompt=None, card_title=price.name, end_session=False)
    blocks.append(para(c.skill["ice_next_step"], priority=Priority.ESSENTIAL))
    blocks.append(para(*price.safety[2:], priority=Priority.DETAIL))
    return _reply(c, *blocks, reprompt=c.skill["ice_next_step"], title=price.name)


def _timer_text(c: LocaleContent, minutes: int, timer: TimerStatus) -> str:
    key = {
        TimerStatus.SET: "timer_set",
        TimerStatus.ASKING_PERMISSION: "timer_asking_permission",
        TimerStatus.PERMISSION_DENIED: "timer_denied",
        TimerStatus.NOT_ANSWERED: "timer_not_answered",
        TimerStatus.FAILED: "timer_failed",
    }[timer]
    return skill(c, key, count=str(minutes))


def _after_permission(c: LocaleContent, minutes: int, timer: TimerStatus) -> Reply:
    blocks = [essential(_timer_text(c, minutes, timer))]
    if timer is TimerStatus.ASKING_PERMISSION:  # asked again: say the way forward instead
        blocks = [essential(_timer_text(c, minutes, TimerStatus.PERMISSION_DENIED))]
    blocks.append(para(c.skill["ice_next_step"], priority=Priority.ESSENTIAL))
    return _reply(c, *blocks, reprompt=c.skill["ice_next_step"], title=c.treatment.price.name)


def _permission(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    """Alexa's answer after it asked for the timers or reminders permission."""
    c = ctx.content
    if act.topic == REMINDER_TOKEN:
        if act.answer is Answer.PRESENT:
            return _reminder(state, ctx)
        return _back(state, ctx, essential(c.skill["reminder_denied"]))
    minutes = state.offered_timer_minutes or DEFAULT_MINUTES
    if act.answer is Answer.PRESENT:
        effects = tuple(
            e for e in _start(state, ctx, minutes, anyway=True).effects if e.kind is EffectKind.START_TIMER
        )
        return Turn(state, _after_permission(c, minutes, TimerStatus.SET), effects)
    status = TimerStatus.PERMISSION_DENIED if act.answer is Answer.ABSENT else TimerStatus.NOT_ANSWERED
    return Turn(state, _after_permission(c, minutes, status))


# --- while the ice is on --------------------------------------------------------------------------


def _time_left(state: SessionState, ctx: TurnContext) -> Turn:
    c = ctx.content
    reading = ctx.icing.timer
    if reading is None:
        text = c.skill["time_left_unknown"]
    elif reading.remaining_seconds is None:
        text = c.skill["time_left_none"]
    elif reading.remaining_seconds < 60:
        text = c.skill["time_left_under_a_minute"]
    else:
        minutes = (reading.remaining_seconds + 30) // 60
        text = skill(c, "time_left", count=Duration(minutes=min(minutes, 999)).text_plain())
    return _back(state, ctx, essential(text))


def _cancel(state: SessionState, ctx: TurnContext, *, done: bool) -> Turn:
    """ "I've taken the ice off" or "cancel the ice timer": both timers go, the walk-through goes on."""
    c = ctx.content
    ids = state.icing.timer_ids
    effects = tuple(Effect(EffectKind.CANCEL_TIMER, detail=i) for i in ids) or (
        Effect(EffectKind.CANCEL_TIMER),
    )
    new_state = replace(state, icing=replace(state.icing, timer_ids=()))
    first = essential(c.skill["ice_off_done"] if done else c.skill["timers_cancelled"])
    turn = _back(new_state, ctx, first)
    return replace(turn, effects=effects)


def _back(state: SessionState, ctx: TurnContext, *blocks: Block) -> Turn:
    """A side answer, then back to the PRICE step the user was on (or home)."""
    c = ctx.content
    walk = state.mode is Mode.PRICE or state.icing.walkthrough
    icing = replace(state.icing, walkthrough=False)
    if walk:
        cue = _step_cue(c, state.price_step)
        new_state = replace(state, mode=Mode.PRICE, icing=icing)
        return Turn(new_state, _reply(c, *blocks, para(cue, priority=Priority.ESSENTIAL), reprompt=cue))
    mode = Mode.IDLE if state.mode in _MODES else state.mode
    return Turn(replace(state, mode=mode, icing=icing), _reply(c, *blocks))


def _step_cue(c: LocaleContent, index: int) -> str:
    """Where the walk-through goes on from: the next step's name, or the end."""
    if index + 1 < len(PRICE_ORDER):
        upcoming = c.treatment.price.steps[PRICE_ORDER[index + 1]].name.lower()
        return skill(c, "walk_on", step=upcoming)
    return c.skill["price_cue"]


def _leave_icing(state: SessionState) -> SessionState:
    mode = Mode.IDLE if state.mode in (*_MODES, Mode.PRICE) else state.mode
    return replace(state, mode=mode, icing=replace(state.icing, walkthrough=False))


# --- history and reminders ------------------------------------------------------------------------


def _status(state: SessionState, ctx: TurnContext) -> Turn:
    """ "When can I ice again?" / "how often can I ice?": the rule, today's count, the next window."""
    c = ctx.content
    rule = para(c.skill["ice_how_often"], priority=Priority.HIGH)
    starts = _starts(state, ctx)
    if ctx.icing.history is None or starts is None:  # never "saved" when the store did not say so
        key = "icing_history_off" if ctx.icing.history_off else "icing_history_unavailable"
        return _back(state, ctx, essential(c.skill[key]))
    now = ctx.icing.now or datetime.now(UTC)
    zone = _zone(ctx.icing.zone)
    summary = summarise(starts, now, zone, c)
    blocks = _status_blocks(c, summary, now, zone)
    offer = summary.next_earliest is not None and now < summary.next_earliest
    if not offer:
        return _back(state, ctx, *blocks, rule)
    walk = state.mode is Mode.PRICE or state.icing.walkthrough
    new_state = replace(state, mode=Mode.OFFER_REMINDER, icing=replace(state.icing, walkthrough=walk))
    offer_text = c.skill["reminder_offer"]
    return Turn(
        new_state,
        _reply(c, *blocks, rule, para(offer_text, priority=Priority.ESSENTIAL), reprompt=offer_text),
    )


def _reminder(state: SessionState, ctx: TurnContext) -> Turn:
    c = ctx.content
    now = ctx.icing.now or datetime.now(UTC)
    gap = timedelta(hours=c.numbers.ice_every_hours_min)
    starts = _starts(state, ctx) or ()
    at = max(max(starts) + gap, now + timedelta(minutes=1)) if starts else now + gap
    effect = Effect(
        EffectKind.SCHEDULE_REMINDER,
        int(at.timestamp()),
        detail=ctx.icing.zone,
        text=c.skill["reminder_text"],
    )
    turn = _back(state, ctx, essential(c.skill["reminder_set"]))
    return replace(turn, effects=(effect,))


def _reminder_outcome(turn: Turn, outcome: Outcome, ctx: TurnContext) -> Turn:
    c = ctx.content
    if outcome is Outcome.OK:
        return turn
    if outcome is Outcome.NO_PERMISSION:
        reply = Reply(blocks=(essential(c.skill["reminder_asking_permission"]),), card_title=CARD_TITLE)
        ask = Effect(EffectKind.ASK_PERMISSION, detail=PermissionScope.REMINDERS.value)
        walk = turn.state.mode is Mode.PRICE
        state = replace(turn.state, icing=replace(turn.state.icing, walkthrough=walk))
        return replace(turn, state=state, reply=reply, effects=(*turn.effects, ask))
    blocks = (essential(c.skill["reminder_failed"]), *turn.reply.blocks[1:])
    return replace(turn, reply=replace(turn.reply, blocks=blocks))


def _starts(state: SessionState, ctx: TurnContext) -> tuple[datetime, ...] | None:
    """Stored starts plus this session's own (which a failed write may have missed)."""
    history = ctx.icing.history
    own = state.icing.last_start
    if history is None:
        return None if own is None else (datetime.fromtimestamp(own, UTC),)
    if own is not None and all(abs(int(s.timestamp()) - own) > 1 for s in history):
        return tuple(sorted((*history, datetime.fromtimestamp(own, UTC))))
    return history


def _last_start(state: SessionState, ctx: TurnContext) -> datetime | None:
    starts = _starts(state, ctx)
    return max(starts) if starts else None


# --- wording helpers (pure) -----------------------------------------------------------------------


def icing_minutes(c: LocaleContent, asked: int | None) -> tuple[int, bool]:
    """The timer length: what was asked if within the guidance, else the default (and whether adjusted)."""
    low, high = c.numbers.ice_minutes_min, c.numbers.ice_minutes_max
    if asked is None:
        return min(DEFAULT_MINUTES, high), False
    if low <= asked <= high:
        return asked, False
    return min(DEFAULT_MINUTES, high), True


def summarise(
    starts: tuple[datetime, ...], now: datetime, zone: tzinfo | None, c: LocaleContent
) -> IcingSummary:
    """Count today's icing sessions and work out the next window (2 to 3 hours after the last)."""
    local_now = now.astimezone(zone) if zone is not None else now
    if zone is not None:
        today = [s for s in starts if s.astimezone(zone).date() == local_now.date()]
    else:
        today = [s for s in starts if now - s <= timedelta(hours=24)]
    last = max(starts) if starts else None
    if last is None:
        return IcingSummary(len(today), None, None, None, zone is not None)
    return IcingSummary(
        count_today=len(today),
        last_start=last,
        next_earliest=last + timedelta(hours=c.numbers.ice_every_hours_min),
        next_latest=last + timedelta(hours=c.numbers.ice_every_hours_max),
        zone_known=zone is not None,
    )


def spoken_time(moment: datetime, zone: tzinfo | None) -> str:
    """A clock time as people say it, e.g. "5:30 PM"."""
    local = moment.astimezone(zone) if zone is not None else moment
    hour = local.hour % 12 or 12
    suffix = "AM" if local.hour < 12 else "PM"
    return f"{hour}:{local.minute:02d} {suffix}" if local.minute else f"{hour} {suffix}"


def _spoken_wait(span: timedelta) -> str:
    minutes = max(1, int(span.total_seconds() + 59) // 60)
    hours, rest = divmod(minutes, 60)
    return Duration(hours=min(hours, 999), minutes=rest).text_plain()


def _status_blocks(
    c: LocaleContent, summary: IcingSummary, now: datetime, zone: tzinfo | None
) -> list[Block]:
    if summary.last_start is None:
        return [essential(c.skill["iced_none"])]
    blocks: list[Block] = []
    if summary.count_today == 1:
        blocks.append(essential(c.skill["iced_once"]))
    elif summary.count_today == 0:
        blocks.append(essential(c.skill["iced_not_today"]))
    else:
        blocks.append(essential(skill(c, "iced_count", count=str(summary.count_today))))
    if not summary.zone_known:
        blocks.append(para(c.skill["zone_unknown"], priority=Priority.HIGH))
    assert summary.next_earliest is not None and summary.next_latest is not None
    if now >= summary.next_earliest:
        blocks.append(para(c.skill["ice_again_now"], priority=Priority.ESSENTIAL))
        return blocks
    if summary.zone_known:
        window = skill(
            c,
            "ice_again_at",
            time=spoken_time(summary.next_earliest, zone),
            until=spoken_time(summary.next_latest, zone),
        )
    else:
        window = skill(c, "ice_again_in", count=_spoken_wait(summary.next_earliest - now))
    blocks.append(para(window, priority=Priority.ESSENTIAL))
    return blocks


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415  # only a turn with a time zone

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _ask(c: LocaleContent, key: str) -> Reply:
    text = c.skill[key]
    return _reply(c, essential(text), reprompt=text)


def _reply(c: LocaleContent, *blocks: Block, reprompt: str | None = None, title: str = CARD_TITLE) -> Reply:
    return Reply(
        blocks=blocks, reprompt=(para(reprompt or c.skill["reprompt"]),), card_title=title, end_session=False
    )
