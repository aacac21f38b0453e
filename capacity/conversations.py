"""The five conversation types, as scripted turns a real Alexa session would send.

Each session is a new user (a fresh Alexa user id): the launch reads the stored profile and records
that the disclaimer was heard, so these are the first-visit counts (a returning user skips that write).
Session attributes are carried from each response to the next request, as Alexa does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dialogue.modes import state_data
from tests.support.envelopes import Session, speech_of
from tests.support.icing import ice_now
from tests.support.scripts import plain

MAX_INTERVIEW_ANSWERS = 40


@dataclass(frozen=True)
class Step:
    """One user turn: an intent (with slots), a launch, or a whole interview answered by rule."""

    kind: str  # "launch", "intent", "interview" or "ice"
    intent: str = ""
    slots: tuple[tuple[str, str], ...] = ()
    yes_to: frozenset[str] = frozenset()
    age: int = 30


@dataclass(frozen=True)
class Conversation:
    name: str
    description: str
    steps: tuple[Step, ...]


def launch() -> Step:
    return Step("launch")


def intent(name: str, **slots: str) -> Step:
    return Step("intent", intent=name, slots=tuple(slots.items()))


def ice() -> Step:
    """ "I'm icing my knee now", then "no" to the calf / breathing question (and "yes" to "ice now
    anyway?" when the account iced under two hours ago), as a user starts the ice since issue 15."""
    return Step("ice", intent="IcingIntent")


STOP = intent("AMAZON.StopIntent")

CONVERSATIONS: dict[str, Conversation] = {
    c.name: c
    for c in (
        Conversation(
            "headline",
            "opens the skill, asks what can cause pain behind the knee, hears the headline answer, stops",
            (launch(), intent("ListCausesIntent"), STOP),
        ),
        Conversation(
            "interview",
            "opens the skill, takes the interview to a result (a twisting injury: meniscus), stops",
            (
                launch(),
                intent("AMAZON.YesIntent"),
                Step(
                    "interview",
                    yes_to=frozenset(
                        {
                            "pain_behind_knee",
                            "recent_injury",
                            "mech_twist",
                            "mech_pivot",
                            "popping",
                            "swelling_knee",
                            "stiffness",
                            "locking",
                            "one_leg",
                        }
                    ),
                    age=30,
                ),
                STOP,
            ),
        ),
        Conversation(
            "explainer",
            "opens the skill, asks about a Baker's cyst, says more, stops",
            (launch(), intent("ExplainCauseIntent", cause="bakers_cyst"), intent("MoreIntent"), STOP),
        ),
        Conversation(
            "price",
            "opens the skill, walks through all five PRICE steps (each step saved), stops",
            (launch(), intent("PriceIntent"), *(intent("AMAZON.NextIntent") for _ in range(5)), STOP),
        ),
        Conversation(
            "icing",
            "opens the skill, starts icing (answers the safety question; a timer), asks when to ice again,"
            " accepts a reminder, stops",
            (
                launch(),
                ice(),
                intent("IcingStatusIntent"),
                intent("AMAZON.YesIntent"),
                STOP,
            ),
        ),
    )
}

Send = Callable[[dict[str, Any]], dict[str, Any]]


def play(conversation: Conversation, session: Session, send: Send) -> list[dict[str, Any]]:
    """Play a conversation through ``send`` (one request in, one response out); every response."""
    responses: list[dict[str, Any]] = []

    def turn(envelope: dict[str, Any]) -> dict[str, Any]:
        response = send(envelope)
        session.absorb(response)
        responses.append(response)
        return response

    for step in conversation.steps:
        if step.kind == "launch":
            turn(session.launch())
        elif step.kind == "intent":
            turn(session.intent(step.intent, **dict(step.slots)))
        elif step.kind == "interview":
            _interview(step, session, turn)
        elif step.kind == "ice":
            ice_now(lambda _, envelope: plain(speech_of(turn(envelope))), session, **dict(step.slots))
        else:  # pragma: no cover - the table above has no other kind
            raise ValueError(step.kind)
    return responses


def _interview(step: Step, session: Session, turn: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    for _ in range(MAX_INTERVIEW_ANSWERS):
        state = state_data(session.attributes.get("kh")) or {}
        if state.get("mode") != "interview":
            raise RuntimeError(f"not in an interview (mode {state.get('mode')!r})")
        question = state.get("question")
        if question == "age":
            turn(session.intent("AgeIntent", age={"name": "age", "value": str(step.age)}))
        elif question in step.yes_to:
            turn(session.intent("AMAZON.YesIntent"))
        else:
            turn(session.intent("AMAZON.NoIntent"))
        if (state_data(session.attributes.get("kh")) or {}).get("mode") != "interview":
            return
    raise RuntimeError(f"the interview did not finish in {MAX_INTERVIEW_ANSWERS} answers")
