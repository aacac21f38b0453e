"""Hands-free icing: safety guidance, timer outcomes, and "when can I ice again?". Pure.

The timings come from content (ice 15 to 20 minutes, every 2 to 3 hours during the day). When a
clot is suspected in the session, icing is never offered as a substitute for care.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from content import LocaleContent
from dialogue.presenter import CARD_TITLE, skill
from dialogue.say import essential, para
from speech import Block, Duration, Priority, Reply

DEFAULT_MINUTES = 20


class TimerStatus(StrEnum):
    """What happened when the skill tried to time the icing."""

    SET = "set"
    ASKING_PERMISSION = "asking_permission"
    PERMISSION_DENIED = "permission_denied"
    FAILED = "failed"


@dataclass(frozen=True)
class IcingSummary:
    """Icing history for "when can I ice again?", in the user's time zone when known."""

    count_today: int
    last_start: datetime | None
    next_earliest: datetime | None
    next_latest: datetime | None
    zone_known: bool


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


def _reply(c: LocaleContent, *blocks: Block, reprompt: str | None = None, end: bool = False) -> Reply:
    prompt = None if end or not reprompt else (para(reprompt),)
    return Reply(blocks=blocks, reprompt=prompt, card_title=CARD_TITLE, end_session=end)


def clot_no_icing(c: LocaleContent) -> Reply:
    """Icing asked for while a clot is suspected: no timer, arrange to be seen, no massage."""
    return _reply(c, essential(c.skill["icing_clot"]))


def icing_started(
    c: LocaleContent, *, minutes: int, adjusted: bool, timer: TimerStatus, saved: bool
) -> Reply:
    """Safety first, then what happened with the timer, then what to say next."""
    price = c.treatment.price
    blocks: list[Block] = [essential(c.skill["icing_safety"])]
    if adjusted:
        blocks.append(para(skill(c, "icing_minutes_adjusted", count=str(minutes)), priority=Priority.HIGH))
    timer_text = {
        TimerStatus.SET: skill(c, "timer_set", count=str(minutes)),
        TimerStatus.ASKING_PERMISSION: c.skill["timer_asking_permission"],
        TimerStatus.PERMISSION_DENIED: skill(c, "timer_denied", count=str(minutes)),
        TimerStatus.FAILED: skill(c, "timer_failed", count=str(minutes)),
    }[timer]
    blocks.append(para(timer_text, priority=Priority.ESSENTIAL))
    if not saved:
        blocks.append(para(c.skill["icing_not_saved"], priority=Priority.HIGH))
    blocks.append(para(*price.safety[2:], priority=Priority.DETAIL))
    if timer is TimerStatus.ASKING_PERMISSION:
        # Alexa itself asks for consent next; the session continues with a Connections.Response.
        return Reply(blocks=tuple(blocks), card_title=price.name, hand_over=True)
    return _reply(c, *blocks, reprompt=c.skill["icing_reprompt"], end=timer is TimerStatus.SET)


def timer_after_permission(c: LocaleContent, *, minutes: int, timer: TimerStatus) -> Reply:
    text = {
        TimerStatus.SET: skill(c, "timer_set", count=str(minutes)),
        TimerStatus.PERMISSION_DENIED: skill(c, "timer_denied", count=str(minutes)),
        TimerStatus.FAILED: skill(c, "timer_failed", count=str(minutes)),
        TimerStatus.ASKING_PERMISSION: skill(c, "timer_denied", count=str(minutes)),
    }[timer]
    return _reply(c, essential(text), end=timer is TimerStatus.SET)


def icing_status(c: LocaleContent, summary: IcingSummary, now: datetime, zone: tzinfo | None) -> Reply:
    """How often today, and when the next session may start; offer a reminder when it is later."""
    blocks: list[Block] = []
    if summary.last_start is None:
        return _reply(c, essential(c.skill["iced_none"]))
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
        return _reply(c, *blocks)
    if summary.zone_known:
        window = skill(
            c,
            "ice_again_at",
            time=spoken_time(summary.next_earliest, zone),
            until=spoken_time(summary.next_latest, zone),
        )
    else:
        minutes = int((summary.next_earliest - now).total_seconds() // 60) + 1
        hours, rest = divmod(minutes, 60)
        window = skill(c, "ice_again_in", count=Duration(hours=hours, minutes=rest).text_plain())
    blocks.append(para(window, priority=Priority.ESSENTIAL))
    blocks.append(para(c.skill["reminder_offer"], priority=Priority.ESSENTIAL))
    return _reply(c, *blocks, reprompt=c.skill["reminder_offer"])


def reminder_result(c: LocaleContent, *, ok: bool, asking: bool = False, denied: bool = False) -> Reply:
    if asking:
        return Reply(
            blocks=(essential(c.skill["reminder_asking_permission"]),), card_title=CARD_TITLE, hand_over=True
        )
    key = "reminder_set" if ok else "reminder_denied" if denied else "reminder_failed"
    return _reply(c, essential(c.skill[key]), end=ok)
