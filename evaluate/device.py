"""A stand-in for an Echo device and the Alexa service around the real ``lambda_handler``.

It turns what the patient says into the request envelope Alexa would send (one-shot requests open a
new session; the session attributes of each response are carried into the next request, as the
service does; a ``Dialog.ElicitSlot`` directive makes the answer fill the elicited slot), and hands
the patient only what a device plays or shows: speech, card, reprompt and directives.

Utterances that are not plain yes / no / "not sure" / an age are resolved against the skill's own
interaction model by the simulator's NLU, WITHOUT the session attributes (a device does not know
the skill's state).
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from evaluate.text import plain

SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-0000000e7a1e"
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_counter = itertools.count(1)


@dataclass(frozen=True)
class Heard:
    """What a device plays and shows for one response. There is deliberately no way to reach the
    session attributes from here: the patient decides from these fields only."""

    speech: str
    card: str
    reprompt: str
    directives: tuple[Mapping[str, Any], ...]
    ends: bool

    @classmethod
    def of(cls, response: Mapping[str, Any]) -> Heard:
        body = response.get("response") or {}
        card = body.get("card") or {}
        card_text = " ".join(str(card.get(k) or "") for k in ("content", "text")).strip()
        reprompt = ((body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")
        return cls(
            speech=plain(str((body.get("outputSpeech") or {}).get("ssml", ""))),
            card=plain(card_text),
            reprompt=plain(str(reprompt)),
            directives=tuple(d for d in body.get("directives") or [] if isinstance(d, Mapping)),
            ends=body.get("shouldEndSession") is True,
        )

    def elicit(self) -> Mapping[str, Any] | None:
        """The ``Dialog.ElicitSlot`` directive of this response, if any."""
        return next((d for d in self.directives if d.get("type") == "Dialog.ElicitSlot"), None)


@dataclass(frozen=True)
class Say:
    """One thing the patient says: either an intent a device sends for it directly (yes, no, not
    sure, a number) or words for the NLU. ``slot_value`` / ``answer_id`` fill an elicited slot."""

    words: str
    intent: str | None = None
    slots: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    number: int | None = None
    answer_id: str | None = None
    new_session: bool = False


def slot(name: str, value: str, value_id: str | None = None, skill_id: str = SKILL_ID) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "value": value, "confirmationStatus": "NONE", "source": "USER"}
    if value_id is not None:
        entry["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": f"amzn1.er-authority.echo-sdk.{skill_id}.ANSWER",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": value, "id": value_id}}],
                }
            ]
        }
    return entry


class Device:
    """One user's device talking to the skill through ``handler`` in ``locale``."""

    def __init__(self, handler: Handler, locale: str) -> None:
        self.handler = handler
        self.locale = locale
        self.skill_id = os.environ.get("SKILL_ID") or SKILL_ID
        self.user_id = f"amzn1.ask.account.EVAL{uuid.uuid4().hex.upper()}"
        self.device_id = f"amzn1.ask.device.EVAL{uuid.uuid4().hex.upper()}"
        self._attributes: dict[str, Any] = {}
        self._new = True
        self._session_id = ""
        self._last: Heard | None = None
        self.unrouted: list[str] = []  # words the NLU could only send to Fallback
        self._reset()

    def _reset(self) -> None:
        self._attributes = {}
        self._new = True
        self._session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"

    # ----------------------------------------------------------------------------- requests
    def _envelope(self, request: dict[str, Any]) -> dict[str, Any]:
        user = {"userId": self.user_id}
        request = {
            "requestId": f"amzn1.echo-api.request.eval-{next(_counter)}",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": self.locale,
            **request,
        }
        return {
            "version": "1.0",
            "session": {
                "new": self._new,
                "sessionId": self._session_id,
                "application": {"applicationId": self.skill_id},
                "attributes": self._attributes,
                "user": user,
            },
            "context": {
                "System": {
                    "application": {"applicationId": self.skill_id},
                    "user": user,
                    "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
                    "apiEndpoint": "https://api.amazonalexa.com",
                    "apiAccessToken": "evaluate-api-access-token",
                }
            },
            "request": request,
        }

    def _intent(self, name: str, slots: Mapping[str, Any], state: str = "STARTED") -> dict[str, Any]:
        intent: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if slots:
            intent["slots"] = dict(slots)
        return self._envelope({"type": "IntentRequest", "dialogState": state, "intent": intent})

    def _request_for(self, say: Say) -> dict[str, Any]:
        elicit = self._last.elicit() if self._last is not None else None
        if elicit is not None and (say.number is not None or say.answer_id is not None):
            updated = dict(elicit.get("updatedIntent") or {})
            slots = {k: dict(v) for k, v in (updated.get("slots") or {}).items()}
            name = str(elicit.get("slotToElicit") or "")
            if say.number is not None:
                slots[name] = slot(name, str(say.number))
            else:
                slots[name] = slot(name, say.words, say.answer_id, self.skill_id)
            return self._intent(str(updated.get("name") or say.intent), slots, "IN_PROGRESS")
        if say.intent is not None:
            return self._intent(say.intent, say.slots)
        return self._resolve(say.words)

    def _resolve(self, words: str) -> dict[str, Any]:
        from simulator.nlu import resolve

        resolution = resolve(words, self.locale, None)  # never the skill's session attributes
        if resolution.request_type == "LaunchRequest":
            return self._envelope({"type": "LaunchRequest"})
        name = resolution.intent or "AMAZON.FallbackIntent"
        if name == "AMAZON.FallbackIntent":
            self.unrouted.append(words)
        slots = {s.name: s.to_alexa(self.skill_id) for s in resolution.slots if s.value is not None}
        return self._intent(name, slots)

    # ----------------------------------------------------------------------------- turns
    def launch(self) -> Heard:
        self._reset()
        return self._send(self._envelope({"type": "LaunchRequest"}))

    def say(self, say: Say) -> Heard:
        if say.new_session:
            self._reset()
            self._last = None
        return self._send(self._request_for(say))

    def _send(self, envelope: dict[str, Any]) -> Heard:
        response = self.handler(envelope, None)
        self._attributes = dict(response.get("sessionAttributes") or {})
        self._new = False
        heard = Heard.of(response)
        if heard.ends:
            self._reset()
        self._last = heard
        return heard


def real_handler() -> Handler:
    """``lambda_function.lambda_handler`` with a test skill id and persistence off (unless the
    environment already chose, e.g. SQLite in a temporary directory)."""
    os.environ.setdefault("SKILL_ID", SKILL_ID)
    os.environ.setdefault("KNEE_HELPER_PERSISTENCE", "none")
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    import lambda_function

    handler: Handler = lambda_function.lambda_handler
    return handler
