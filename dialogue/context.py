"""What one turn knows besides the session (the locale's content, the user's saved profile), and what
it returns (:class:`Turn`: the next state, the reply and the effects to carry out)."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from content import LocaleContent, PriceStep
from dialogue.icing_state import IcingInputs
from dialogue.state import Said, SessionState
from speech import Reply

PRICE_ORDER: tuple[PriceStep, ...] = tuple(PriceStep)


class Profile(msgspec.Struct, frozen=True):
    """The few non-health things remembered across sessions (never symptoms or answers)."""

    disclaimer_heard: bool = False
    saved_price_step: int | None = None  # where an unfinished PRICE walk-through stopped


class TurnContext(msgspec.Struct, frozen=True):
    content: LocaleContent
    profile: Profile = Profile()
    icing: IcingInputs = msgspec.field(default_factory=IcingInputs)  # read for icing (dialogue.icing.needs)
    #: The first request of an Alexa session (a launch, or a one-shot "ask knee helper ...").
    new_session: bool = False


class EffectKind(StrEnum):
    """Side effects the adapters carry out after the reply is chosen."""

    MARK_DISCLAIMER_HEARD = "mark_disclaimer_heard"
    SAVE_PRICE_STEP = "save_price_step"
    CLEAR_PRICE_STEP = "clear_price_step"
    # icing (dialogue/icing.py); carried out by kneeskill/effects.py, outcomes back to the core
    START_TIMER = "start_timer"  # value: minutes; text: what Alexa announces; label: its name
    CANCEL_TIMER = "cancel_timer"  # detail: the timer id (None: every timer of this skill)
    RECORD_ICING = "record_icing"  # value: the start, epoch seconds
    SCHEDULE_REMINDER = "schedule_reminder"  # value: when, epoch seconds; text: what Alexa says
    ASK_PERMISSION = "ask_permission"  # detail: a PermissionScope value (a directive, no call)
    DELETE_USER_DATA = "delete_user_data"


class Effect(msgspec.Struct, frozen=True):
    kind: EffectKind
    value: int | None = None
    detail: str | None = None
    text: str | None = None
    label: str | None = None


class Turn(msgspec.Struct, frozen=True):
    state: SessionState
    reply: Reply
    effects: tuple[Effect, ...] = ()
    #: Open with the full emergency guidance (not the short form): the turn that raises it, the
    #: result, help and goodbye. Only matters while the state has an emergency marker.
    full_guidance: bool = False
    #: Where the reply came from, for Repeat (a question, a page, a PRICE step, the result); None:
    #: a reply with no such address, remembered by its words (see ``conversation.remember``).
    said: Said | None = None
