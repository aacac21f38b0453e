"""Print a fresh Alexa request envelope (current timestamp) for trying the local server with curl.

    .venv/bin/python scripts/sample_request.py launch
    .venv/bin/python scripts/sample_request.py intent ExplainCauseIntent cause=bakers_cyst

Slot values are resolution ids (as Alexa would resolve them), e.g. cause=bakers_cyst.
The skill ID is $SKILL_ID, or a test ID when unset.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from datetime import UTC, datetime


def envelope(kind: str, args: list[str]) -> dict[str, object]:
    skill_id = os.environ.get("SKILL_ID") or "amzn1.ask.skill.00000000-0000-4000-8000-000000000001"
    request: dict[str, object] = {
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "locale": os.environ.get("LOCALE", "en-US"),
    }
    if kind == "launch":
        request["type"] = "LaunchRequest"
    elif kind == "intent" and args:
        slots = {}
        for pair in args[1:]:
            name, _, value = pair.partition("=")
            authority = {
                "authority": "local",
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": value.replace("_", " "), "id": value}}],
            }
            slots[name] = {
                "name": name,
                "value": value.replace("_", " "),
                "resolutions": {"resolutionsPerAuthority": [authority]},
            }
        request.update(
            type="IntentRequest", intent={"name": args[0], "confirmationStatus": "NONE", "slots": slots}
        )
    else:
        raise SystemExit(__doc__)
    user = {"userId": "amzn1.ask.account.LOCALTRY"}
    app = {"applicationId": skill_id}
    return {
        "version": "1.0",
        "session": {
            "new": kind == "launch",
            "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": app,
            "attributes": {},
            "user": user,
        },
        "context": {
            "System": {"application": app, "user": user, "apiEndpoint": "https://api.amazonalexa.com"}
        },
        "request": request,
    }


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    print(json.dumps(envelope(sys.argv[1], sys.argv[2:]), indent=2))
