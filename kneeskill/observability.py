"""Logs and metrics that are safe to keep: escaped, correlated by the Alexa request id, PII-free.

**Logs.** Every record of a ``knee_helper`` logger passes :class:`SafeRecords`: its message is
rendered once and escaped (a newline, a NUL or any other control character becomes ``\\n``,
``\\u0000``...), so no field from a request can forge a log line, and it carries the Alexa request id
as ``correlation_id``. :class:`JsonFormatter` writes one JSON object per line (the local server);
on Lambda the function's ``LoggingConfig`` (``LogFormat: JSON``, ``ApplicationLogLevel: INFO``) does
the same, with the record's extra fields. Nothing logs user ids, slot values, speech or envelopes.

**Metrics.** Counts per request, written at its end as one CloudWatch embedded-metric-format
(EMF) document on stdout (Lambda; locally only with ``KNEE_HELPER_METRICS=1``): sessions, results
per care level, emergency guidance spoken, store and Alexa API failures, timer permission asked and
denied, request budget exhausted, and skill errors (error-level log records, which the error-rate
alarm in ``template.yaml`` watches). Only metric names, counts and the care level; nothing else.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import Any

import msgspec

from dialogue.modes import Mode
from dialogue.urgency import assessed, one_request

__all__ = [
    "NAMESPACE",
    "JsonFormatter",
    "Metric",
    "SafeRecords",
    "count",
    "escaped",
    "logger",
    "request_scope",
]

NAMESPACE = "KneeHelper"
SERVICE = "knee-helper"
_MAX_FIELD = 200


class Metric(StrEnum):
    SESSIONS = "Sessions"
    RESULTS = "Results"  # with the CareLevel dimension
    EMERGENCY_GUIDANCE_SPOKEN = "EmergencyGuidanceSpoken"
    STORE_FAILURES = "StoreFailures"
    ALEXA_API_FAILURES = "AlexaApiFailures"
    TIMER_PERMISSION_ASKED = "TimerPermissionAsked"
    TIMER_PERMISSION_DENIED = "TimerPermissionDenied"
    BUDGET_EXHAUSTED = "BudgetExhausted"
    SKILL_ERRORS = "SkillErrors"


class _Request(msgspec.Struct):
    correlation_id: str = ""
    counts: dict[Metric, int] = msgspec.field(default_factory=dict)
    care_level: str | None = None


_CURRENT: ContextVar[_Request | None] = ContextVar("knee_helper_request", default=None)

#: Where EMF documents go (one JSON line each); tests swap it to collect them.
Sink = Callable[[str], None]


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


_sinks: list[Sink] = []


#: What ``json.dumps(text, ensure_ascii=True)`` does to a string, without the encoder around it.
_ENCODE_ASCII = json.encoder.encode_basestring_ascii


def escaped(value: object, limit: int = _MAX_FIELD) -> str:
    """``value`` as text that is safe on one log line: control characters and non-ASCII escaped."""
    text = value if isinstance(value, str) else str(value)
    return _ENCODE_ASCII(text[:limit])[1:-1]


class SafeRecords(logging.Filter):
    """Escape a record's rendered message and add the request's correlation id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "_knee_helper_safe", False):
            try:
                message = record.getMessage()
            except Exception:  # a bad format string must not lose the record
                message = str(record.msg)
            record.msg = escaped(message, limit=2000)
            record.args = ()
            request = _CURRENT.get()
            record.correlation_id = request.correlation_id if request is not None else ""
            record._knee_helper_safe = True
            if record.levelno >= logging.ERROR and record.name.startswith("knee_helper"):
                count(Metric.SKILL_ERRORS)
        return True


_FILTER = SafeRecords()


def logger(name: str) -> logging.Logger:
    """The ``knee_helper`` logger ``name``, with :class:`SafeRecords` on it."""
    log = logging.getLogger(name)
    if _FILTER not in log.filters:
        log.addFilter(_FILTER)
    return log


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, correlation id (all escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        correlation_id = getattr(record, "correlation_id", "")
        level, name = record.levelname, record.name
        kind = record.exc_info[0] if record.exc_info else None
        exception = kind.__name__ if kind is not None else None  # the type only: messages may quote input
        if not (type(message) is type(correlation_id) is type(level) is type(name) is str):
            return _json_document(record, message, correlation_id, exception)
        # Exactly what json.dumps(document, ensure_ascii=True) writes for these strings (its C
        # escaper, its ", " and ": " separators), without building the dict and the encoder pass.
        line = (
            '{"timestamp": "'
            + _timestamp(record)
            + '", "level": '
            + _ENCODE_ASCII(level)
            + ', "logger": '
            + _ENCODE_ASCII(name)
            + ', "message": '
            + _ENCODE_ASCII(message)
            + ', "correlation_id": '
            + _ENCODE_ASCII(correlation_id)
        )
        if exception is not None:
            line += ', "exception": ' + _ENCODE_ASCII(exception)
        return line + "}"


def _json_document(
    record: logging.LogRecord, message: object, correlation_id: object, exception: str | None
) -> str:
    document: dict[str, Any] = {
        "timestamp": _timestamp(record),
        "level": record.levelname,
        "logger": record.name,
        "message": message,
        "correlation_id": correlation_id,
    }
    if exception is not None:
        document["exception"] = exception
    return json.dumps(document, ensure_ascii=True)


#: The last whole second formatted and its text, swapped as one tuple (threads may format at once).
_LAST_SECOND: list[tuple[int, str]] = [(-1, "")]


def _timestamp(record: logging.LogRecord) -> str:
    """``2026-11-30T09:15:43.123Z``: the part up to the second formatted once per second."""
    second = int(record.created)
    cached = _LAST_SECOND[0]
    if cached[0] != second:
        cached = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)))
        _LAST_SECOND[0] = cached
    return f"{cached[1]}.{int(record.msecs):03d}Z"


def configure_lambda_logging() -> None:
    """On Lambda: INFO kept for the skill's loggers (the function's LoggingConfig formats JSON, or,
    without it, the runtime's text handler writes our JSON lines); every record escaped; and no
    record asks the system which process or thread made it (:func:`records_without_process`)."""
    records_without_process()
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper()
    logging.getLogger("knee_helper").setLevel(getattr(logging, level, logging.INFO))
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
        if os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() != "JSON":
            handler.setFormatter(JsonFormatter())
    _filter_existing_loggers()


def records_without_process() -> None:
    """Log records stop noting their process, thread and task (the logging HOWTO's "Optimization"
    flags). A Lambda environment is one process that serves one request at a time, neither Lambda's
    JSON log format nor :class:`JsonFormatter` writes those fields, and the process id alone is a
    system call (``getpid``) on every record: with the request line, on every request."""
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging.logThreads = False
    if hasattr(logging, "logAsyncioTasks"):  # Python 3.12 and later
        logging.logAsyncioTasks = False


def _filter_existing_loggers() -> None:
    for name in list(logging.Logger.manager.loggerDict):
        if name == "knee_helper" or name.startswith("knee_helper."):
            logger(name)


def json_handler(stream: Any = None) -> logging.Handler:
    """A stream handler writing :class:`JsonFormatter` lines, every record escaped (the local
    server's logging)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(_FILTER)
    _filter_existing_loggers()
    return handler


# --------------------------------------------------------------------------------------- metrics


@functools.cache
def metrics_enabled() -> bool:
    """On Lambda, or locally with KNEE_HELPER_METRICS=1 (read once, as every setting is)."""
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")) or os.environ.get("KNEE_HELPER_METRICS") == "1"


def request_scope(request_id: object) -> AbstractContextManager[None]:
    """One request: its correlation id for the logs, and its counts, written as EMF at the end;
    within it, equal facts are assessed once (``dialogue.urgency.one_request``)."""
    return _RequestScope(_Request(correlation_id=escaped(request_id or "", limit=120)))


class _RequestScope:
    """:func:`request_scope` as a plain context manager (no generator frame per request)."""

    __slots__ = ("_assessing", "_request", "_token")

    def __init__(self, request: _Request) -> None:
        self._request = request

    def __enter__(self) -> None:
        self._token = _CURRENT.set(self._request)
        self._assessing = one_request()
        self._assessing.__enter__()

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._assessing.__exit__(None, None, None)
        finally:
            _CURRENT.reset(self._token)
            request = self._request
            if request.counts and (_sinks or metrics_enabled()):
                document = emf_document(request)
                for sink in _sinks or [_stdout]:
                    sink(document)


def set_correlation_id(request_id: object) -> None:
    request = _CURRENT.get()
    if request is not None:
        request.correlation_id = escaped(request_id or "", limit=120)


def count(metric: Metric, value: int = 1) -> None:
    request = _CURRENT.get()
    if request is not None:
        request.counts[metric] = request.counts.get(metric, 0) + value


def result(care_level: str) -> None:
    """A triage result was given at ``care_level`` (a CareLevel name, lower case)."""
    request = _CURRENT.get()
    if request is not None:
        request.care_level = care_level
        count(Metric.RESULTS)


def emf_document(request: _Request) -> str:
    counts = {metric.value: value for metric, value in sorted(request.counts.items())}
    plain = [name for name in counts if name != Metric.RESULTS.value]
    directives: list[dict[str, Any]] = []
    document: dict[str, Any] = {"Service": SERVICE}
    if plain:
        directives.append(
            {
                "Namespace": NAMESPACE,
                "Dimensions": [["Service"]],
                "Metrics": [{"Name": name, "Unit": "Count"} for name in plain],
            }
        )
    if Metric.RESULTS.value in counts:
        document["CareLevel"] = request.care_level or "unknown"
        directives.append(
            {
                "Namespace": NAMESPACE,
                "Dimensions": [["Service", "CareLevel"]],
                "Metrics": [{"Name": Metric.RESULTS.value, "Unit": "Count"}],
            }
        )
    document["_aws"] = {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": directives}
    document.update(counts)
    return json.dumps(document, separators=(",", ":"))


def note_turn(before: Any, after: Any) -> None:
    """Count a triage result when a turn moves the conversation into its result (care level only)."""
    if _CURRENT.get() is None:
        return
    if after.mode is Mode.RESULT and before.mode is not Mode.RESULT:
        result(assessed(after.facts).level.name.lower())


@contextmanager
def collecting() -> Iterator[list[str]]:
    """Collect the EMF documents written inside the block (for tests and tools)."""
    collected: list[str] = []
    _sinks.append(collected.append)
    try:
        yield collected
    finally:
        _sinks.remove(collected.append)
