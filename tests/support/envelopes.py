"""Build real Alexa request envelopes (as JSON dicts) for tests."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

TEST_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000001"
_counter = itertools.count(1)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slot(
    name: str, value_id: str | None = None, *, heard: str | None = None, status: str | None = None
) -> dict[str, Any]:
    """A slot as Alexa sends it: resolved to an id (ER_SUCCESS_MATCH) or heard but unresolved."""
    spoken = heard if heard is not None else (value_id.replace("_", " ") if value_id else None)
    entry: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if spoken is not None:
        entry["value"] = spoken
    if value_id is not None or status is not None:
        code = status or ("ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH")
        authority: dict[str, Any] = {
            "authority": f"amzn1.er-authority.echo-sdk.{TEST_SKILL_ID}.TYPE",
            "status": {"code": code},
        }
        if value_id is not None and code == "ER_SUCCESS_MATCH":
            authority["values"] = [{"value": {"name": spoken, "id": value_id}}]
        entry["resolutions"] = {"resolutionsPerAuthority": [authority]}
    return entry


class Session:
    """One Alexa session: carries attributes from response to request like the real service."""

    def __init__(
        self,
        *,
        locale: str = "en-US",
        user_id: str | None = None,
        skill_id: str = TEST_SKILL_ID,
        api_endpoint: str = "https://api.amazonalexa.com",
        permissions_token: str | None = None,
    ) -> None:
        self.locale = locale
        self.user_id = user_id or f"amzn1.ask.account.TEST{uuid.uuid4().hex.upper()}"
        self.device_id = f"amzn1.ask.device.TEST{uuid.uuid4().hex.upper()}"
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        self.skill_id = skill_id
        self.api_endpoint = api_endpoint
        self.permissions_token = permissions_token
        self.attributes: dict[str, Any] = {}
        self.new = True

    def envelope(self, request: dict[str, Any], *, with_session: bool = True) -> dict[str, Any]:
        request = {
            "requestId": f"amzn1.echo-api.request.test-{next(_counter)}",
            "timestamp": now_iso(),
            "locale": self.locale,
            **request,
        }
        user: dict[str, Any] = {"userId": self.user_id}
        if self.permissions_token:
            user["permissions"] = {"consentToken": self.permissions_token}
        system = {
            "application": {"applicationId": self.skill_id},
            "user": user,
            "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
            "apiEndpoint": self.api_endpoint,
            "apiAccessToken": "test-api-access-token",
        }
        envelope: dict[str, Any] = {"version": "1.0", "context": {"System": system}, "request": request}
        if with_session:
            envelope["session"] = {
                "new": self.new,
                "sessionId": self.session_id,
                "application": {"applicationId": self.skill_id},
                "attributes": self.attributes,
                "user": user,
            }
        return envelope

    def launch(self) -> dict[str, Any]:
        return self.envelope({"type": "LaunchRequest"})

    def intent(self, name: str, **slots: str | dict[str, Any] | None) -> dict[str, Any]:
        slot_map: dict[str, Any] = {}
        for slot_name, value in slots.items():
            slot_map[slot_name] = value if isinstance(value, dict) else slot(slot_name, value)
        intent: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if slot_map:
            intent["slots"] = slot_map
        return self.envelope({"type": "IntentRequest", "dialogState": "STARTED", "intent": intent})

    def session_ended(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        return self.envelope({"type": "SessionEndedRequest", "reason": reason})

    def absorb(self, response: dict[str, Any]) -> None:
        """Carry the response's session attributes into the next request, as Alexa does."""
        self.attributes = response.get("sessionAttributes") or {}
        self.new = False
        if response.get("response", {}).get("shouldEndSession") is True:
            self.reset()

    def reset(self) -> None:
        self.attributes = {}
        self.new = True
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"


def speech_of(response: dict[str, Any]) -> str:
    return str(response.get("response", {}).get("outputSpeech", {}).get("ssml", ""))


def reprompt_of(response: dict[str, Any]) -> str:
    return str(response.get("response", {}).get("reprompt", {}).get("outputSpeech", {}).get("ssml", ""))


def card_of(response: dict[str, Any]) -> str:
    return str(response.get("response", {}).get("card", {}).get("content", ""))
