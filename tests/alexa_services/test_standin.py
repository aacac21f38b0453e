"""The Alexa API stand-in itself: records, scripts, defaults, describe(), and running it alone."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from alexa_standin import StandIn
from alexa_standin.server import parse_duration

REPO = Path(__file__).resolve().parents[2]


def call(url: str, method: str, path: str, body: Any = None, token: str | None = "secret") -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def test_timer_life_cycle_and_records_without_token_values() -> None:
    with StandIn.start() as standin:
        status, timer = call(
            standin.url, "POST", "/v1/alerts/timers", {"duration": "PT1H5M", "timerLabel": "ice"}
        )
        assert status == 200
        assert timer["status"] == "ON" and timer["duration"] == "PT1H5M" and timer["triggerTime"]
        assert call(standin.url, "GET", "/v1/alerts/timers")[1]["totalCount"] == 1
        assert call(standin.url, "POST", f"/v1/alerts/timers/{timer['id']}/pause")[0] == 200
        assert call(standin.url, "GET", f"/v1/alerts/timers/{timer['id']}")[1]["status"] == "PAUSED"
        assert call(standin.url, "DELETE", f"/v1/alerts/timers/{timer['id']}")[0] == 200
        assert call(standin.url, "GET", f"/v1/alerts/timers/{timer['id']}")[0] == 404
        assert call(standin.url, "POST", "/v1/alerts/timers", {"duration": "soon"})[0] == 400
        assert all(r.bearer_token_present for r in standin.requests)
        assert "secret" not in repr(standin.requests)
        assert standin.describe()[0] == "Timer 'ice' for 1 hour 5 minutes (no operation)"
        assert standin.describe()[4] == f"Cancelled timer {timer['id']}"


def test_reminder_crud_and_directives() -> None:
    with StandIn.start() as standin:
        body = {
            "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 600},
            "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "Ice again"}]}},
        }
        status, created = call(standin.url, "POST", "/v1/alerts/reminders", body)
        assert status == 200 and created["status"] == "ON"
        token = created["alertToken"]
        assert call(standin.url, "PUT", f"/v1/alerts/reminders/{token}", body)[1]["version"] == "2"
        assert call(standin.url, "GET", "/v1/alerts/reminders")[1]["totalCount"] == "1"
        assert call(standin.url, "DELETE", f"/v1/alerts/reminders/{token}")[0] == 200
        directive = {
            "header": {"requestId": "r"},
            "directive": {"type": "VoicePlayer.Speak", "speech": "One moment"},
        }
        assert call(standin.url, "POST", "/v1/directives", directive)[0] == 204
        assert standin.describe() == [
            "Reminder in 10 minutes, says: Ice again",
            "Changed reminder in 10 minutes, says: Ice again",
            "Looked up reminders",
            f"Cancelled reminder {token}",
            "Progressive response: One moment",
        ]


def test_missing_token_scripts_times_and_reset() -> None:
    with StandIn.start() as standin:
        assert call(standin.url, "GET", "/v1/alerts/timers", token=None)[0] == 401
        assert standin.requests[0].bearer_token_present is False
        standin.script("/v1/alerts/timers", status=504, times=1)
        status, error = call(standin.url, "POST", "/v1/alerts/timers", {"duration": "PT1M"})
        assert (status, error["message"]) == (504, "Device offline")
        assert call(standin.url, "POST", "/v1/alerts/timers", {"duration": "PT1M"})[0] == 200
        standin.script("/v1/alerts", status=418, body={"teapot": True})
        standin.script("/v1/alerts/reminders", status=429, method="POST")
        assert call(standin.url, "POST", "/v1/alerts/reminders", {})[0] == 429
        assert call(standin.url, "GET", "/v1/alerts/reminders")[1] == {"teapot": True}
        standin.reset()
        assert standin.requests == []
        assert call(standin.url, "GET", "/v1/alerts/timers")[1]["totalCount"] == 0


def test_delay() -> None:
    with StandIn.start() as standin:
        standin.script("/v2/devices/", delay=0.3)
        started = time.monotonic()
        assert call(standin.url, "GET", "/v2/devices/d/settings/System.timeZone") == (
            200,
            "America/Los_Angeles",
        )
        assert time.monotonic() - started >= 0.3


def test_refuses_non_loopback_host() -> None:
    with pytest.raises(ValueError, match="loopback"):
        StandIn.start(host="0.0.0.0")


def test_parse_duration() -> None:
    assert parse_duration("PT20M") is not None and parse_duration("PT20M").total_seconds() == 1200  # type: ignore[union-attr]
    assert parse_duration("PT") is None and parse_duration("P1D") is None


def test_runs_alone_as_a_module() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "alexa_standin", "--port", "0", "--time-zone", "Europe/Paris"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.split(" on ")[1].split(" ")[0]
        assert call(url, "GET", "/v2/devices/d/settings/System.timeZone") == (200, "Europe/Paris")
    finally:
        process.terminate()
        process.wait(timeout=5)
