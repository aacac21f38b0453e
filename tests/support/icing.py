"""Starting the ice the way a user does since issue 15: "I'm icing my knee now", then "no" to the
calf / breathing question (asked before the first timer of a session), then "yes" to "ice now
anyway?" when the last start was under two hours ago."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.envelopes import Session

Say = Callable[[Session, dict[str, Any]], str]


def ice_now(say: Say, user: Session, **slots: Any) -> str:
    """What the skill says once the ice timers are (or could not be) started."""
    said = say(user, user.intent("IcingIntent", **slots))
    if "short of breath" in said.lower():
        said = say(user, user.intent("AMAZON.NoIntent"))
    if "ice now anyway" in said.lower():
        said = say(user, user.intent("AMAZON.YesIntent"))
    return said
