"""A local stand-in for the Alexa service APIs (Timers, Reminders, Settings, Directives) on loopback.

It records every request (the Authorization header's value is never kept, only whether a bearer
token was present) and plays answers: realistic success bodies by default, or scripted status
codes, bodies and delays per path prefix.

Timers behave like Alexa's: each keeps its label, its trigger time and what it announces; GET reads
one or all of them back, DELETE cancels one or all. Its clock can be moved on (:meth:`StandIn.advance`):
a timer whose time comes goes off, and its announcement (text, locale, when) is kept in
:attr:`StandIn.announced`, as a device would speak it. Without the timers permission
(:meth:`StandIn.require_permission`) creating a timer answers 401, as Alexa does before consent.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from kneeskill.outbound import is_loopback_host  # the same rule the skill's API client uses

_MAX_BODY = 256 * 1024
#: How often the serving thread checks whether it is asked to stop: :meth:`StandIn.stop` waits up
#: to this long (``serve_forever``'s default, half a second, was paid by every test that starts one).
_POLL_SECONDS = 0.05
_DEFAULT_ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_REQUEST", "Bad Request"),
    401: ("UNAUTHORIZED", "Unauthorized"),
    403: ("FORBIDDEN", "Forbidden"),
    404: ("NOT_FOUND", "Not found"),
    429: ("RATE_EXCEEDED", "Too many requests"),
    500: ("INTERNAL_ERROR", "Internal Server Error"),
    503: ("SERVICE_UNAVAILABLE", "Service Unavailable"),
    504: ("DEVICE_OFFLINE", "Device offline"),
}
_DURATION = re.compile(r"^P(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)$")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the stand-in saw it (no token values)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    bearer_token_present: bool
    body: Any
    status: int


@dataclass
class _Script:
    path_prefix: str
    method: str | None
    status: int | None
    body: Any
    delay: float
    times: int | None


@dataclass(frozen=True)
class Timer:
    """A running timer as the stand-in holds it."""

    id: str
    label: str | None
    duration: timedelta
    trigger_time: datetime
    operation: str  # ANNOUNCE, NOTIFY_ONLY or LAUNCH_TASK
    announce: tuple[tuple[str, str], ...]  # (locale, text) pairs


@dataclass(frozen=True)
class Announcement:
    """A timer that went off: what the device said, and when."""

    label: str | None
    locale: str
    text: str
    at: datetime


@dataclass
class _State:
    timers: dict[str, dict[str, Any]] = field(default_factory=dict)
    reminders: dict[str, dict[str, Any]] = field(default_factory=dict)
    details: dict[str, Timer] = field(default_factory=dict)
    announced: list[Announcement] = field(default_factory=list)
    offset: timedelta = timedelta(0)  # how far the stand-in's clock was moved on
    permission_required: bool = False


def parse_duration(text: str) -> timedelta | None:
    """``PT20M`` -> 20 minutes (hours, minutes, seconds only), or None."""
    match = _DURATION.match(text or "")
    if not match or not any(match.groupdict().values()):
        return None
    parts = {k: int(v or 0) for k, v in match.groupdict().items()}
    return timedelta(hours=parts["h"], minutes=parts["m"], seconds=parts["s"])


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StandIn:
    """The running stand-in. Start with :meth:`start`; use as a context manager to stop it."""

    def __init__(self, server: ThreadingHTTPServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._scripts: list[_Script] = []
        self._state = _State()
        self._stopping = threading.Event()
        self.time_zone = "America/Los_Angeles"

    # -- life cycle ----------------------------------------------------------------------------
    @classmethod
    def start(cls, host: str = "127.0.0.1", port: int = 0) -> StandIn:
        """Serve on ``host:port`` (loopback only; port 0 picks a free port) in a background thread."""
        if not is_loopback_host(host):
            raise ValueError("the stand-in only listens on a loopback address")
        server = ThreadingHTTPServer((host, port), _Handler)
        server.daemon_threads = True
        server.block_on_close = False
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_SECONDS},
            name="alexa-standin",
            daemon=True,
        )
        standin = cls(server, thread)
        server.standin = standin  # type: ignore[attr-defined]
        thread.start()
        return standin

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StandIn:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- scripting and inspection --------------------------------------------------------------
    def script(
        self,
        path_prefix: str,
        *,
        status: int | None = None,
        body: Any = None,
        delay: float = 0.0,
        method: str | None = None,
        times: int | None = None,
    ) -> None:
        """Answer requests whose path starts with ``path_prefix`` (longest prefix wins).

        ``status`` None keeps the default behaviour (useful with ``delay`` alone); an error status with
        no ``body`` gets an Alexa-shaped error body (504 says "Device offline"). ``times`` limits how
        many requests the script answers.
        """
        with self._lock:
            self._scripts.append(_Script(path_prefix, method, status, body, delay, times))

    def advance(self, minutes: float) -> list[Announcement]:
        """Move the clock on by ``minutes``: every timer whose time has come goes off (its
        announcement is recorded). Returns the announcements made by this move."""
        with self._lock:
            shift = timedelta(minutes=minutes)
            self._state.offset += shift
            for timer_id, timer in list(self._state.details.items()):
                moved = replace(timer, trigger_time=timer.trigger_time - shift)
                self._state.details[timer_id] = moved
                self._state.timers[timer_id]["triggerTime"] = _iso(moved.trigger_time)
            before = len(self._state.announced)
            _fire_due(self._state, datetime.now(UTC))
            return self._state.announced[before:]

    @property
    def timers(self) -> list[Timer]:
        """The timers still running, soonest first."""
        with self._lock:
            _fire_due(self._state, datetime.now(UTC))
            return sorted(self._state.details.values(), key=lambda t: t.trigger_time)

    @property
    def announced(self) -> list[Announcement]:
        with self._lock:
            _fire_due(self._state, datetime.now(UTC))
            return list(self._state.announced)

    def minutes_from_now(self, timer: Timer) -> float:
        """When ``timer`` goes off, in minutes from the stand-in's clock now."""
        return (timer.trigger_time - datetime.now(UTC)).total_seconds() / 60

    def require_permission(self, required: bool = True) -> None:
        """Creating a timer answers 401 until :meth:`grant_permission` (the user has not consented)."""
        with self._lock:
            self._state.permission_required = required

    def grant_permission(self) -> None:
        self.require_permission(False)

    def reset(self) -> None:
        """Forget recorded requests, scripts, timers and reminders."""
        with self._lock:
            self._requests.clear()
            self._scripts.clear()
            self._state = _State()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def describe(self) -> list[str]:
        """One human-readable line per recorded request (what Alexa would have done)."""
        return [describe_request(r) for r in self.requests]

    # -- request handling (called from handler threads) -----------------------------------------
    def _pick_script(self, method: str, path: str) -> _Script | None:
        with self._lock:
            matches = [
                s
                for s in self._scripts
                if path.startswith(s.path_prefix) and (s.method is None or s.method == method)
            ]
            if not matches:
                return None
            chosen = max(matches, key=lambda s: len(s.path_prefix))
            if chosen.times is not None:
                chosen.times -= 1
                if chosen.times <= 0:
                    self._scripts.remove(chosen)
            return chosen

    def _current(self) -> _State:
        with self._lock:
            return self._state

    def _record(self, request: RecordedRequest, state: _State) -> None:
        """Record ``request`` unless a reset came after it arrived (a late request of an earlier
        test, say one its client gave up on, is never counted as a later one's)."""
        with self._lock:
            if state is self._state:
                self._requests.append(request)

    def _answer(self, method: str, path: str, body: Any, state: _State) -> tuple[int, Any]:
        """Answer from the state the request arrived in: after a reset, a late request changes only
        the state that was forgotten."""
        with self._lock:
            return _default_answer(state, self.time_zone, method, path, body)


def _error(status: int, message: str | None = None) -> tuple[int, dict[str, str]]:
    code, default = _DEFAULT_ERRORS.get(status, ("ERROR", HTTPStatus(status).phrase))
    return status, {"code": code, "message": message or default}


def _default_answer(state: _State, time_zone: str, method: str, path: str, body: Any) -> tuple[int, Any]:
    now = datetime.now(UTC)
    parts = [p for p in path.split("/") if p]
    if parts[:3] == ["v1", "alerts", "timers"]:
        return _timers(state, now, method, parts[3:], body)
    if parts[:3] == ["v1", "alerts", "reminders"]:
        return _reminders(state, now, method, parts[3:], body)
    if len(parts) == 5 and parts[:2] == ["v2", "devices"] and parts[3:] == ["settings", "System.timeZone"]:
        return (200, time_zone) if method == "GET" else _error(405, "Method not allowed")
    if parts == ["v1", "directives"] and method == "POST":
        return 204, None
    return _error(404, "No such API in the stand-in")


def _fire_due(state: _State, now: datetime) -> None:
    """Timers whose time has come go off: announced (ANNOUNCE) and gone, as on a device."""
    for timer_id, timer in sorted(state.details.items(), key=lambda item: item[1].trigger_time):
        if timer.trigger_time <= now:
            for locale, text in timer.announce if timer.operation == "ANNOUNCE" else ():
                state.announced.append(Announcement(timer.label, locale, text, timer.trigger_time))
            del state.details[timer_id]
            state.timers.pop(timer_id, None)


def _timers(state: _State, now: datetime, method: str, rest: list[str], body: Any) -> tuple[int, Any]:
    _fire_due(state, now)
    if not rest and method == "POST" and state.permission_required:
        return _error(401, "The user has not granted the timers permission")
    if not rest and method == "POST":
        duration = parse_duration(body.get("duration", "") if isinstance(body, dict) else "")
        if duration is None or not timedelta(seconds=1) <= duration <= timedelta(hours=24):
            return _error(400, "Invalid duration")
        timer_id = str(uuid.uuid4())
        timer = {
            "id": timer_id,
            "status": "ON",
            "duration": body["duration"],
            "triggerTime": _iso(now + duration),
            "timerLabel": body.get("timerLabel"),
            "createdTime": _iso(now),
            "updatedTime": _iso(now),
        }
        state.timers[timer_id] = timer
        operation = (body.get("triggeringBehavior") or {}).get("operation") or {}
        texts = [t for t in operation.get("textToAnnounce") or [] if isinstance(t, dict)]
        state.details[timer_id] = Timer(
            id=timer_id,
            label=body.get("timerLabel"),
            duration=duration,
            trigger_time=now + duration,
            operation=str(operation.get("type", "")),
            announce=tuple((str(t.get("locale", "")), str(t.get("text", ""))) for t in texts),
        )
        return 200, timer
    if not rest and method == "GET":
        timers = list(state.timers.values())
        return 200, {"timers": timers, "totalCount": len(timers), "nextToken": None}
    if not rest and method == "DELETE":
        state.timers.clear()
        state.details.clear()
        return 200, None
    if rest and rest[0] in state.timers:
        timer = state.timers[rest[0]]
        if len(rest) == 1 and method == "GET":
            return 200, timer
        if len(rest) == 1 and method == "DELETE":
            del state.timers[rest[0]]
            state.details.pop(rest[0], None)
            return 200, None
        if len(rest) == 2 and method == "POST" and rest[1] in ("pause", "resume"):
            timer["status"] = "PAUSED" if rest[1] == "pause" else "ON"
            timer["updatedTime"] = _iso(now)
            return 200, None
    return _error(404, "Timer not found")


def _reminders(state: _State, now: datetime, method: str, rest: list[str], body: Any) -> tuple[int, Any]:
    if not rest and method == "POST":
        if not isinstance(body, dict) or "trigger" not in body or "alertInfo" not in body:
            return _error(400, "Invalid reminder")
        token = str(uuid.uuid4())
        reminder = {
            "alertToken": token,
            "createdTime": _iso(now),
            "updatedTime": _iso(now),
            "status": "ON",
            "version": "1",
            "href": f"/v1/alerts/reminders/{token}",
        }
        state.reminders[token] = {**reminder, **body}
        return 200, reminder
    if not rest and method == "GET":
        alerts = list(state.reminders.values())
        return 200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": None}
    if len(rest) == 1 and rest[0] in state.reminders:
        reminder = state.reminders[rest[0]]
        if method == "GET":
            return 200, reminder
        if method == "DELETE":
            del state.reminders[rest[0]]
            return 200, None
        if method == "PUT" and isinstance(body, dict):
            reminder.update(body)
            reminder["updatedTime"] = _iso(now)
            reminder["version"] = str(int(reminder.get("version", "1")) + 1)
            return 200, {
                k: reminder[k]
                for k in ("alertToken", "createdTime", "updatedTime", "status", "version", "href")
            }
    return _error(404, "Reminder not found")


class _Handler(BaseHTTPRequestHandler):
    server_version = "AlexaStandIn/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: the recorded requests are the log

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        standin: StandIn = self.server.standin  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, _MAX_BODY)) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", errors="replace")
        authorization = self.headers.get("Authorization", "")
        bearer = authorization.startswith("Bearer ") and bool(authorization[7:].strip())
        headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}

        state = standin._current()
        scripted = standin._pick_script(method, parts.path)
        if scripted is not None and scripted.delay > 0 and standin._stopping.wait(scripted.delay):
            return
        if scripted is not None and scripted.status is not None:
            if scripted.body is None and scripted.status >= 400:
                status, answer = _error(scripted.status)
            else:
                status, answer = scripted.status, scripted.body
        elif not bearer:
            status, answer = _error(401, "Missing bearer token")
        else:
            status, answer = standin._answer(method, parts.path, body, state)
        standin._record(
            RecordedRequest(method, parts.path, parts.query, headers, bearer, body, status), state
        )
        self._send(status, answer)

    def _send(self, status: int, answer: Any) -> None:
        payload = b"" if answer is None else json.dumps(answer).encode("utf-8")
        try:
            self.send_response(status)
            if payload:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)
        except OSError:
            pass  # the client gave up (timeout) - nothing to do


def describe_request(request: RecordedRequest) -> str:
    """A human-readable line for one recorded request."""
    line = _describe(request)
    return line if request.status < 300 else f"{line} -> failed with HTTP {request.status}"


def _describe(request: RecordedRequest) -> str:
    parts = [p for p in request.path.split("/") if p]
    body = request.body if isinstance(request.body, dict) else {}
    if parts[:3] == ["v1", "alerts", "timers"]:
        rest = parts[3:]
        if request.method == "POST" and not rest:
            duration = parse_duration(str(body.get("duration", "")))
            label = body.get("timerLabel") or "timer"
            length = _spoken_duration(duration) if duration else str(body.get("duration"))
            operation = (body.get("triggeringBehavior") or {}).get("operation") or {}
            texts = [t.get("text", "") for t in operation.get("textToAnnounce") or [] if isinstance(t, dict)]
            if operation.get("type") == "ANNOUNCE" and texts:
                return f"Timer '{label}' for {length}, announces: {texts[0]}"
            return f"Timer '{label}' for {length} ({str(operation.get('type', 'no operation')).lower()})"
        if request.method == "DELETE":
            return "Cancelled all timers" if not rest else f"Cancelled timer {rest[0]}"
        if request.method == "POST" and len(rest) == 2:
            return f"{rest[1].capitalize()}d timer {rest[0]}"
        return "Looked up timers" if not rest else f"Looked up timer {rest[0]}"
    if parts[:3] == ["v1", "alerts", "reminders"]:
        if request.method in ("POST", "PUT"):
            trigger = body.get("trigger") or {}
            spoken = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or [{}]
            text = spoken[0].get("text") or spoken[0].get("ssml") or ""
            if trigger.get("type") == "SCHEDULED_RELATIVE":
                when = f"in {_spoken_duration(timedelta(seconds=int(trigger.get('offsetInSeconds', 0))))}"
            else:
                zone = trigger.get("timeZoneId")
                when = f"at {trigger.get('scheduledTime')}" + (f" ({zone})" if zone else "")
            verb = "Reminder" if request.method == "POST" else "Changed reminder"
            return f"{verb} {when}, says: {text}"
        if request.method == "DELETE":
            return f"Cancelled reminder {parts[3] if len(parts) > 3 else ''}".rstrip()
        return "Looked up reminders"
    if parts[-2:] == ["settings", "System.timeZone"]:
        return "Looked up the device's time zone"
    if parts == ["v1", "directives"]:
        directive = body.get("directive") or {}
        speech = directive.get("speech")
        return f"Progressive response: {speech}" if speech else "Sent a directive"
    return f"{request.method} {request.path}"


def _spoken_duration(duration: timedelta) -> str:
    seconds = int(duration.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    words = []
    for amount, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")):
        if amount:
            words.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
    return " ".join(words) or "0 seconds"
