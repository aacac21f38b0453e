"""What the user did in one turn, independent of the ASK SDK.

Handlers translate intents and resolved slot ids into a :class:`UserAct`; the conversation logic
never sees raw slot text.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

from triage.vocabulary import Answer, Finding


class Act(StrEnum):
    """One kind of user turn."""

    LAUNCH = "launch"
    KNEE_PAIN = "knee_pain"
    SYMPTOM = "symptom"
    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"
    AGE = "age"
    EMERGENCY = "emergency"
    WHY_ASKING = "why_asking"
    WHY_THINK = "why_think"
    LIST_CAUSES = "list_causes"
    EXPLAIN_CAUSE = "explain_cause"
    WHEN_DOCTOR = "when_doctor"
    TESTS = "tests"
    TREATMENT = "treatment"
    PAIN_RELIEF = "pain_relief"
    PREVENTION = "prevention"
    PRICE = "price"
    PRICE_STEP = "price_step"
    REPEAT = "repeat"
    SLOWER = "slower"
    MORE = "more"
    NEXT = "next"
    PREVIOUS = "previous"
    START_OVER = "start_over"
    PAUSE = "pause"
    RESUME = "resume"
    HELP = "help"
    STOP = "stop"
    NAVIGATE_HOME = "navigate_home"
    FALLBACK = "fallback"
    DELETE_DATA = "delete_data"
    GO_BACK = "go_back"  # "go back", "that's wrong": undo the last answer
    CORRECT_NO = "correct_no"  # "I meant no": the last answer was no
    CORRECT_YES = "correct_yes"  # "I meant yes": the last answer was yes
    # icing (dialogue/icing.py)
    ICE_START = "ice_start"  # "I'm icing my knee now", "start a timer" (number: minutes)
    ICE_STATUS = "ice_status"  # "when can I ice again", "how often can I ice"
    TIME_LEFT = "time_left"  # "how long is left"
    ICE_DONE = "ice_done"  # "I've taken the ice off"
    STOP_TIMER = "stop_timer"  # "cancel the ice timer", "stop the timer"
    PERMISSION = "permission"  # Alexa's answer to a permission request (answer; topic: the token)


class UserAct(msgspec.Struct, frozen=True):
    """A user turn: the act plus whatever the slots resolved to (ids, never raw text)."""

    act: Act
    findings: tuple[Finding, ...] = ()  # volunteered as present
    #: implied by an activity word ("I was running"): counted for ranking, never spoken back
    inferred: tuple[Finding, ...] = ()
    answer: Answer | None = None  # an explicit yes / no / don't know inside a longer answer
    topic: str | None = None  # a content id: cause, test, PRICE step or medicine
    number: int | None = None  # age in years, or icing minutes
    unresolved: bool = False  # a slot was heard but did not resolve to any id
    someone_else: bool = False  # the knee is someone else's ("my son's knee hurts at the back")
