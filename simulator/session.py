"""One simulated conversation, and a bounded store of them (many browser tabs at once).

A :class:`SimulatorSession` plays the part of the Alexa service for one user on one device: it
builds real request envelopes (new session on launch, session attributes carried from the
previous response, locale, timestamp, ids, the configured skill id, ``apiEndpoint`` and an
``apiAccessToken``) and absorbs each response. It also keeps the turns, for the YAML export.

:class:`SessionStore` keys sessions by a random conversation id and bounds them in number and
idle age, so memory never grows without limit.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from simulator.nlu import ElicitedSlot, Resolution

__all__ = [
    "DEFAULT_SKILL_ID",
    "RecordedTurn",
    "SessionStore",
    "SimulatorSession",
    "is_conversation_id",
    "new_conversation_id",
]

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-00000000517e"
MAX_TURNS_KEPT = 200
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_conversation_id() -> str:
    """A random, unguessable conversation id (URL-safe)."""
    return secrets.token_urlsafe(18)


def is_conversation_id(text: object) -> bool:
    return isinstance(text, str) and bool(_CONVERSATION_ID.match(text))


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class RecordedTurn:
    """One exchange: what was understood and what the skill answered (for the export)."""

    resolution: Resolution
    request: dict[str, Any]
    response: dict[str, Any]


@dataclass
class SimulatorSession:
    """The state of one simulated conversation (never shared between conversations)."""

    conversation_id: str
    locale: str = "en-US"
    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.SIM{uuid.uuid4().hex.upper()}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.SIM{uuid.uuid4().hex.upper()}")
    session_id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    attributes: dict[str, Any] = field(default_factory=dict)
    #: the slot the last response elicited (``Dialog.ElicitSlot``): all the NLU may know of the dialog
    dialog: ElicitedSlot | None = None
    new: bool = True
    turns: list[RecordedTurn] = field(default_factory=list)
    last_used: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # -- envelopes ---------------------------------------------------------------------------
    def envelope(
        self, resolution: Resolution, *, skill_id: str, api_endpoint: str, api_access_token: str
    ) -> dict[str, Any]:
        """The request envelope Alexa would send for ``resolution`` in this session.

        A launch phrase inside a running session is sent within that session (as the conversation
        scripts do), so an exported script replays exactly.
        """
        request: dict[str, Any] = {
            "type": resolution.request_type,
            "requestId": f"amzn1.echo-api.request.sim-{uuid.uuid4()}",
            "timestamp": _now_iso(),
            "locale": self.locale,
        }
        if resolution.request_type == "IntentRequest":
            intent: dict[str, Any] = {"name": resolution.intent, "confirmationStatus": "NONE"}
            if resolution.slots:
                intent["slots"] = {s.name: s.to_alexa(skill_id) for s in resolution.slots}
            in_dialog = self.dialog is not None and self.dialog.intent == resolution.intent
            request["dialogState"] = "IN_PROGRESS" if in_dialog else "STARTED"
            request["intent"] = intent
        user = {"userId": self.user_id}
        application = {"applicationId": skill_id}
        system = {
            "application": application,
            "user": user,
            "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
            "apiEndpoint": api_endpoint,
            "apiAccessToken": api_access_token,
        }
        return {
            "version": "1.0",
            "session": {
                "new": self.new,
                "sessionId": self.session_id,
                "application": application,
                "attributes": dict(self.attributes),
                "user": user,
            },
            "context": {"System": system},
            "request": request,
        }

    def absorb(self, resolution: Resolution, request: dict[str, Any], response: dict[str, Any]) -> None:
        """Carry the response's session attributes into the next request, as Alexa does."""
        self.turns.append(RecordedTurn(resolution, request, response))
        del self.turns[:-MAX_TURNS_KEPT]
        attributes = response.get("sessionAttributes")
        self.attributes = attributes if isinstance(attributes, dict) else {}
        self.dialog = ElicitedSlot.from_response(response)
        self.new = False
        if (response.get("response") or {}).get("shouldEndSession") is True:
            self._restart()

    @property
    def ended(self) -> bool:
        """True after the skill ended the session (the next turn opens a new one)."""
        return self.new and bool(self.turns)

    def start_over(self, locale: str | None = None) -> None:
        """Forget the conversation: a new Alexa session, no turns (the user and device stay)."""
        self._restart()
        self.turns.clear()
        if locale is not None:
            self.locale = locale

    def _restart(self) -> None:
        self.attributes = {}
        self.dialog = None
        self.new = True
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"


class SessionStore:
    """Conversations keyed by id, at most ``max_sessions``, each dropped after ``max_idle_seconds``."""

    def __init__(
        self,
        *,
        max_sessions: int = 256,
        max_idle_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_sessions = max_sessions
        self.max_idle_seconds = max_idle_seconds
        self._clock = clock
        self._sessions: OrderedDict[str, SimulatorSession] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def get(self, conversation_id: str | None) -> SimulatorSession | None:
        """The live session with this id, or None (unknown, malformed or expired)."""
        if not is_conversation_id(conversation_id):
            return None
        assert conversation_id is not None
        with self._lock:
            self._expire()
            session = self._sessions.get(conversation_id)
            if session is not None:
                session.last_used = self._clock()
                self._sessions.move_to_end(conversation_id)
            return session

    def create(self, locale: str) -> SimulatorSession:
        """A new conversation; the least recently used one goes if the store is full."""
        session = SimulatorSession(new_conversation_id(), locale=locale, last_used=self._clock())
        with self._lock:
            self._expire()
            self._sessions[session.conversation_id] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return session

    def get_or_create(self, conversation_id: str | None, locale: str) -> SimulatorSession:
        return self.get(conversation_id) or self.create(locale)

    def drop(self, conversation_id: str) -> None:
        with self._lock:
            self._sessions.pop(conversation_id, None)

    def _expire(self) -> None:
        limit = self._clock() - self.max_idle_seconds
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if oldest.last_used >= limit:
                break
            self._sessions.popitem(last=False)
