"""One time budget per request, shared by every outbound call the turn makes.

Alexa waits 8 seconds for an answer (Lambda's timeout here is 7). Each dependency (DynamoDB,
SQLite's busy wait, the Alexa APIs, the certificate download) has its own cap, but caps alone
add up: a slow table plus a slow Timers API could hold one turn past Alexa's window, and the user
would hear Alexa's generic error instead of the emergency guidance. So each entry point starts a
budget when a request arrives (:func:`request_budget`):

* on Lambda, from ``context.get_remaining_time_in_millis()`` less :data:`LAMBDA_MARGIN_SECONDS`
  (the time to render and return the answer), and never more than :data:`DEFAULT_SECONDS`;
* locally (the web app), :data:`DEFAULT_SECONDS` from the moment the request is read.

An outbound call asks :func:`call_seconds` for its whole-call deadline: its own cap or what is left
of the budget, whichever is less. At zero the call is not made at all (:func:`exhausted` says so),
and the turn answers in words with what it has: the guidance first when it applies, plus "I
couldn't ... just now" for what it could not do. Calls outside any request (tests, tools) get
their own cap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from contextvars import ContextVar
from typing import Any, TypeVar

import msgspec

__all__ = [
    "DEFAULT_SECONDS",
    "LAMBDA_MARGIN_SECONDS",
    "Budget",
    "BudgetExhausted",
    "call_seconds",
    "current",
    "exhausted",
    "lambda_seconds",
    "request_budget",
    "run_within",
]

#: The whole budget for a turn's outbound calls (locally; the upper bound on Lambda).
DEFAULT_SECONDS = 4.0
#: Kept back on Lambda from the remaining time: rendering, serializing and returning the answer.
LAMBDA_MARGIN_SECONDS = 1.5
#: Below this, a call is not worth starting (a TCP connect alone takes longer on a busy network).
MIN_CALL_SECONDS = 0.05

T = TypeVar("T")


class BudgetExhausted(TimeoutError):
    """An outbound call was not made (``started`` False), or was abandoned while it ran (True),
    because the request's budget ran out."""

    def __init__(self, message: str, *, started: bool) -> None:
        super().__init__(message)
        self.started = started


class Budget(msgspec.Struct):
    """The deadline of one request (``time.monotonic()`` seconds) and what ran out of it."""

    deadline: float
    cut_short: list[str] = msgspec.field(default_factory=list)

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


_CURRENT: ContextVar[Budget | None] = ContextVar("knee_helper_budget", default=None)


def lambda_seconds(context: Any, *, default: float = DEFAULT_SECONDS) -> float:
    """The budget for a Lambda invocation: the time Lambda still gives us, less the margin."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return default
    try:
        left = float(remaining()) / 1000.0
    except (TypeError, ValueError):
        return default
    return max(0.0, min(default, left - LAMBDA_MARGIN_SECONDS))


def request_budget(seconds: float = DEFAULT_SECONDS) -> AbstractContextManager[Budget]:
    """Make a budget of ``seconds`` from now the current one for this request (thread/context)."""
    return _BudgetScope(seconds)


class _BudgetScope:
    """:func:`request_budget` as a plain context manager (no generator frame per request)."""

    __slots__ = ("_seconds", "_token")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    def __enter__(self) -> Budget:
        budget = Budget(deadline=time.monotonic() + max(0.0, self._seconds))
        self._token = _CURRENT.set(budget)
        return budget

    def __exit__(self, *exc_info: object) -> None:
        _CURRENT.reset(self._token)


def current() -> Budget | None:
    return _CURRENT.get()


def call_seconds(cap: float) -> float:
    """The whole-call time a call may take: ``cap`` or what is left of the budget, if less."""
    budget = _CURRENT.get()
    if budget is None:
        return cap
    return min(cap, budget.remaining())


def exhausted(what: str, seconds: float) -> bool:
    """True (and noted for the metrics) when ``seconds`` is too little to start the call ``what``."""
    if seconds >= MIN_CALL_SECONDS:
        return False
    note_cut_short(what)
    return True


def note_cut_short(what: str) -> None:
    budget = _CURRENT.get()
    if budget is not None and what not in budget.cut_short:
        budget.cut_short.append(what)


def run_within(seconds: float, work: Callable[[], T], *, what: str) -> T:
    """Run ``work`` and give up after ``seconds``, for clients that have no whole-call deadline of
    their own (boto3). The abandoned call finishes in a daemon thread; its result is dropped."""
    if exhausted(what, seconds):
        raise BudgetExhausted(f"{what}: no time left in the request budget", started=False)
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=run, name=f"budget-{what}", daemon=True).start()
    if not done.wait(seconds):
        note_cut_short(what)
        raise BudgetExhausted(f"{what}: no answer within the request budget", started=True)
    if "error" in outcome:
        raise outcome["error"]
    result: T = outcome["value"]
    return result
