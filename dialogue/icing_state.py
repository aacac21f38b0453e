"""Icing's part of the session state and of a turn's inputs and outcomes. Pure data, no I/O.

How icing stays inside the functional core (``respond(state, act, ctx) -> Turn``):

* **Inputs are read before the core decides.** ``dialogue.icing.needs(state, act)`` names what a
  turn must know from outside (the icing history, the device's time zone, the running ice timer);
  the effect executor (``kneeskill.effects``) reads exactly that into :class:`IcingInputs` on the
  :class:`~dialogue.context.TurnContext`, as it reads the user's ``Profile``.
* **Actions are returned as effects** (start a timer, cancel it, record an icing start, schedule a
  reminder, ask permission, delete the user's data). The executor carries them out under the
  request's budget and reports one :class:`EffectResult` each.
* **The core words the outcome**: ``dialogue.icing.after_effects(turn, results, ctx)`` turns the
  results into the final reply ("I couldn't start the timer just now...") and state (the timer ids).

This is simpler than a loop of ask-and-answer phases: every turn is at most read, decide, act, word,
and each of the two core functions is pure, so tests call them with plain data.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec
from msgspec import Meta

#: Connections.SendRequest tokens: which permission Alexa asked for.
TIMER_TOKEN = "ice-timer"
REMINDER_TOKEN = "ice-reminder"
_MAX_TIMERS = 2


class Need(StrEnum):
    """Something a turn must know from outside the session before the core decides."""

    HISTORY = "history"  # the stored icing start times
    TIME_ZONE = "time_zone"  # the device's time zone (Settings API)
    TIMER = "timer"  # the running ice timer (Timers API GET)


class Outcome(StrEnum):
    """How one effect went."""

    OK = "ok"
    NO_PERMISSION = "no_permission"  # the Alexa API said 401/403
    FAILED = "failed"  # a failure, a timeout or no time left in the request's budget
    MAYBE = "maybe"  # a write whose answer was lost: it may well be stored
    OFF = "off"  # this setup keeps no data (persistence off)


class PermissionScope(StrEnum):
    TIMERS = "timers"
    REMINDERS = "reminders"


class TimerReading(msgspec.Struct, frozen=True):
    """The ice timer as the Timers API reports it: seconds left, or None when none is running."""

    remaining_seconds: int | None


class IcingInputs(msgspec.Struct, frozen=True):
    """What the executor read for this turn (only what ``needs`` asked for)."""

    now: datetime | None = None  # tz-aware UTC; set whenever anything was read
    history: tuple[datetime, ...] | None = None  # None: not asked for, off or unreachable
    history_off: bool = False  # this setup keeps no history at all
    zone: str | None = None  # IANA name, None when unknown
    timer: TimerReading | None = None  # None: not asked for, or the Timers API did not answer


class EffectResult(msgspec.Struct, frozen=True):
    """One effect's outcome; ``value`` is a created timer's id."""

    kind: str  # an EffectKind value
    outcome: Outcome
    value: str | None = None
    detail: str | None = None  # the effect's own detail, to tell two timers apart


#: A timer id as the Timers API gives it (the bounds ``from_json`` keeps).
_TimerId = Annotated[str, Meta(min_length=1, max_length=80)]


class IcingState(msgspec.Struct, frozen=True):
    """What icing remembers during one Alexa session (never symptoms: only the check was done).
    The field names and bounds are also its JSON form in the session state."""

    screened: bool = False  # the calf / breathing question was answered "no" in this session
    unsure: Annotated[int, Meta(ge=0, le=1)] = 0  # "not sure" answers to that question so far
    #: the skin-check and ice-off timers this session started
    timer_ids: Annotated[tuple[_TimerId, ...], Meta(max_length=_MAX_TIMERS)] = msgspec.field(
        default=(), name="timers"
    )
    #: epoch seconds of this session's last icing start
    last_start: Annotated[int, Meta(gt=0)] | None = msgspec.field(default=None, name="last")
    #: a side trip from the PRICE walk-through: go back to its step
    walkthrough: bool = msgspec.field(default=False, name="walk")

    @classmethod
    def from_json(cls, data: object) -> "IcingState":
        """Tolerant: anything malformed becomes the default (never screened)."""
        if not isinstance(data, dict):
            return cls()
        timers = data.get("timers")
        ids = (
            tuple(t for t in timers[:_MAX_TIMERS] if isinstance(t, str) and 0 < len(t) <= 80)
            if isinstance(timers, list)
            else ()
        )
        last = data.get("last")
        return cls(
            screened=data.get("screened") is True,
            unsure=1 if data.get("unsure") == 1 else 0,
            timer_ids=ids,
            last_start=last if isinstance(last, int) and not isinstance(last, bool) and last > 0 else None,
            walkthrough=data.get("walk") is True,
        )
