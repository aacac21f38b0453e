"""Run one simulated turn through the real skill, in process.

The path is the one the endpoints use: ``build_skill(settings)`` (here with
``allow_loopback_http_apis=True`` so the skill may call the loopback stand-in), the envelope
deserialised with the skill's own serializer and handed to ``skill.invoke``, exactly as
``lambda_function.lambda_handler`` does. Nothing goes through ``POST /``, whose request-signature
checks stay on.

Calls the skill makes to the Alexa Timers/Reminders/Settings APIs reach an
:class:`alexa_standin.StandIn` on loopback; its ``describe()`` lines for the turn say what the
real service would have done.
"""

from __future__ import annotations

import html
import json
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace

from dialogue.modes import STATE_KEY, state_data
from kneeskill.settings import Settings
from simulator.nlu import Resolution, resolve, supported_locales
from simulator.session import DEFAULT_SKILL_ID, SessionStore, SimulatorSession

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

    from alexa_standin import StandIn

__all__ = ["API_ACCESS_TOKEN", "Simulator", "TurnResult", "emergency_split", "plain_words"]

API_ACCESS_TOKEN = "simulator-api-access-token"
MAX_UTTERANCE_CHARS = 500
_STANDIN_RECORD_LIMIT = 500
_TAG = re.compile(r"<[^>]+>")
_FIRST_PARAGRAPH = re.compile(r"^\s*<speak>\s*(<p>.*?</p>)", re.DOTALL)


def plain_words(ssml: str) -> str:
    """What a listener hears, as text: tags removed, entities decoded, spaces collapsed."""
    text = html.unescape(_TAG.sub(" ", ssml))
    return re.sub(r"\s+", " ", text).strip()


def emergency_split(response: dict[str, Any]) -> tuple[str, str]:
    """``(guidance, rest)`` of a response's speech as plain words; guidance is "" when inactive.

    While ``kh.emergency`` is set the skill opens every speech with the guidance as one paragraph.
    """
    body = response.get("response") if isinstance(response.get("response"), dict) else {}
    ssml = str(((body or {}).get("outputSpeech") or {}).get("ssml", ""))
    speech = plain_words(ssml)
    state = state_data((response.get("sessionAttributes") or {}).get(STATE_KEY))
    if state is None or not state.get("emergency"):
        return "", speech
    found = _FIRST_PARAGRAPH.match(ssml)
    guidance = plain_words(found.group(1)) if found else ""
    if not guidance or not speech.startswith(guidance):
        return "", speech
    return guidance, speech[len(guidance) :].strip()


@dataclass(frozen=True)
class TurnResult:
    """Everything the simulator shows for one turn."""

    conversation_id: str
    locale: str
    resolution: Resolution
    request: dict[str, Any]
    response: dict[str, Any]
    services: tuple[str, ...]

    @property
    def body(self) -> dict[str, Any]:
        body = self.response.get("response")
        return body if isinstance(body, dict) else {}

    @property
    def session_attributes(self) -> dict[str, Any]:
        attributes = self.response.get("sessionAttributes")
        return attributes if isinstance(attributes, dict) else {}

    @property
    def state(self) -> dict[str, Any]:
        """The skill's conversation state from the session attributes, decoded ({} when none)."""
        return state_data(self.session_attributes.get(STATE_KEY)) or {}

    @property
    def speech_ssml(self) -> str:
        return str((self.body.get("outputSpeech") or {}).get("ssml", ""))

    @property
    def reprompt_ssml(self) -> str:
        return str(((self.body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", ""))

    @property
    def speech(self) -> str:
        return plain_words(self.speech_ssml)

    @property
    def emergency_kind(self) -> str | None:
        kind = self.state.get("emergency")
        return kind if isinstance(kind, str) and kind else None

    @property
    def emergency_text(self) -> str:
        """The emergency guidance (the speech's opening paragraph) while guidance is active."""
        return emergency_split(self.response)[0]

    @property
    def ends_session(self) -> bool:
        return self.body.get("shouldEndSession") is True

    def to_json(self) -> dict[str, Any]:
        card = self.body.get("card") if isinstance(self.body.get("card"), dict) else None
        speech = self.speech
        emergency, rest = emergency_split(self.response)
        kh = self.state
        return {
            "conversation": self.conversation_id,
            "locale": self.locale,
            "resolution": self.resolution.to_json(),
            "speech": {"plain": speech, "ssml": self.speech_ssml, "after_emergency": rest},
            "reprompt": {"plain": plain_words(self.reprompt_ssml), "ssml": self.reprompt_ssml},
            "card": (
                {
                    "type": card.get("type"),
                    "title": card.get("title"),
                    "text": card.get("content") or card.get("text"),
                }
                if card
                else None
            ),
            "emergency": {
                "active": self.emergency_kind is not None,
                "kind": self.emergency_kind,
                "text": emergency,
            },
            "mode": kh.get("mode"),
            "question": kh.get("question"),
            "session_attributes": self.session_attributes,
            "directives": self.body.get("directives") or [],
            "services": list(self.services),
            "ends_session": self.ends_session,
            "request": self.request,
            "response": self.response,
        }


class Simulator:
    """The simulator's own skill instance, its Alexa API stand-in and its conversations."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store: SessionStore | None = None,
        standin: StandIn | None = None,
    ) -> None:
        base = settings if settings is not None else Settings()
        self.settings = replace(base, allow_loopback_http_apis=True)
        self.skill_id = self.settings.skill_id or DEFAULT_SKILL_ID
        self.store = store if store is not None else SessionStore()
        self._skill: CustomSkill | None = None
        self._standin = standin
        self._owns_standin = standin is None
        self._lock = threading.Lock()

    @property
    def locales(self) -> list[str]:
        return supported_locales()

    @property
    def skill(self) -> CustomSkill:
        if self._skill is None:
            from composition import build_skill

            self._skill = build_skill(self.settings)
        return self._skill

    @property
    def standin(self) -> StandIn:
        if self._standin is None:
            from alexa_standin import StandIn

            self._standin = StandIn.start("127.0.0.1", 0)
        return self._standin

    def close(self) -> None:
        """Stop the stand-in if this simulator started it."""
        with self._lock:
            if self._standin is not None and self._owns_standin:
                self._standin.stop()
                self._standin = None

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- turns -----------------------------------------------------------------------------------
    def turn(self, session: SimulatorSession, utterance: str) -> TurnResult:
        """Understand ``utterance`` as a device would (the model, and the slot the last response
        elicited: never the skill's session attributes) and run it through the skill."""
        utterance = utterance[:MAX_UTTERANCE_CHARS]
        with session.lock:
            resolution = resolve(utterance, session.locale, session.dialog)
            return self._run(session, resolution)

    def launch(self, session: SimulatorSession) -> TurnResult:
        """Open the skill ("open knee helper")."""
        return self.turn(session, "open knee helper")

    def _run(self, session: SimulatorSession, resolution: Resolution) -> TurnResult:
        from ask_sdk_model import RequestEnvelope

        with self._lock:  # one invocation at a time: each turn sees only its own API calls
            standin = self.standin
            if len(standin.requests) > _STANDIN_RECORD_LIMIT:
                standin.reset()
            envelope = session.envelope(
                resolution,
                skill_id=self.skill_id,
                api_endpoint=standin.url,
                api_access_token=API_ACCESS_TOKEN,
            )
            skill = self.skill
            seen = len(standin.requests)
            request = skill.serializer.deserialize(payload=json.dumps(envelope), obj_type=RequestEnvelope)
            response_obj = skill.invoke(request_envelope=request, context=None)
            response = skill.serializer.serialize(response_obj)
            services = tuple(standin.describe()[seen:])
        if not isinstance(response, dict):
            raise TypeError("the skill answered something that is not a JSON object")
        session.absorb(resolution, envelope, response)
        return TurnResult(session.conversation_id, session.locale, resolution, envelope, response, services)
