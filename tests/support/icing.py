"""Starting the ice the way a user does since issue 15: "I'm icing my knee now", then "no" to the
calf / breathing question (asked before the first timer of a session), then "yes" to "ice now
anyway?" when the last start was under two hours ago."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.envelopes import Session, speech_of
from tests.support.scripts import plain
from tests.support.transports import Transport

Say = Callable[[Session, dict[str, Any]], str]


def ice_now(say: Say, user: Session, **slots: Any) -> str:
    """What the skill says once the ice timers are (or could not be) started."""
    said = say(user, user.intent("IcingIntent", **slots))
    if "short of breath" in said.lower():
        said = say(user, user.intent("AMAZON.NoIntent"))
    if "ice now anyway" in said.lower():
        said = say(user, user.intent("AMAZON.YesIntent"))
    return said


def ice_answer(user: Session, said: str) -> dict[str, Any] | None:
    """The user's answer to what starting the ice asked ("no" to the calf / breathing question,
    "yes" to "ice now anyway?"), or None when nothing was asked."""
    if "short of breath" in said.lower():
        return user.intent("AMAZON.NoIntent")
    if "ice now anyway" in said.lower():
        return user.intent("AMAZON.YesIntent")
    return None


def ice_follow_up(user: Session, answer: dict[str, Any]) -> dict[str, Any] | None:
    """For a load's conversation: carry the session on from ``answer``, then the user's next turn."""
    user.absorb(answer)
    return ice_answer(user, plain(speech_of(answer)))


def saying(send: Transport) -> Say:
    """A plain ``say`` over a transport: sends the turn, carries the session on as Alexa does and
    returns the plain words, lower case."""

    def say(user: Session, envelope: dict[str, Any]) -> str:
        answer = send(envelope)
        user.absorb(answer)
        return plain(speech_of(answer)).lower()

    return say
