"""What one turn knows besides the session: the locale's content and the user's saved profile."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from content import LocaleContent


@dataclass(frozen=True)
class Profile:
    """The few non-health things remembered across sessions (never symptoms or answers)."""

    disclaimer_heard: bool = False
    saved_price_step: int | None = None  # where an unfinished PRICE walk-through stopped


@dataclass(frozen=True)
class TurnContext:
    content: LocaleContent
    profile: Profile = Profile()
    #: The first request of an Alexa session (a launch, or a one-shot "ask knee helper ...").
    new_session: bool = False


class EffectKind(StrEnum):
    """Side effects the adapters carry out after the reply is chosen."""

    MARK_DISCLAIMER_HEARD = "mark_disclaimer_heard"
    SAVE_PRICE_STEP = "save_price_step"
    CLEAR_PRICE_STEP = "clear_price_step"


@dataclass(frozen=True)
class Effect:
    kind: EffectKind
    value: int | None = None
