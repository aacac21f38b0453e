"""Global interceptors: privacy-safe request logging and the emergency-guidance guard."""

from __future__ import annotations

import json
import logging
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from dialogue.presenter import guidance
from dialogue.say import para
from kneeskill import observability
from kneeskill.settings import Settings
from kneeskill.turns import load_state, locale_content
from speech import EmergencyGuidance, Reply, heard, opens_with, render

_log = observability.logger("knee_helper.requests")


def request_summary(handler_input: HandlerInput) -> dict[str, str]:
    """What may be logged about a request: its id, type, intent name and locale. Nothing else."""
    request = handler_input.request_envelope.request
    summary = {
        "request_id": str(getattr(request, "request_id", "") or "")[:120],
        "type": str(getattr(request, "object_type", "") or "")[:60],
        "locale": str(getattr(request, "locale", "") or "")[:10],
    }
    if isinstance(request, IntentRequest) and request.intent is not None:
        summary["intent"] = str(request.intent.name or "")[:80]
    return summary


class RequestLogInterceptor(AbstractRequestInterceptor):
    """Log request id, type and intent; never user ids, slot values or the envelope."""

    def process(self, handler_input: HandlerInput) -> None:
        summary = request_summary(handler_input)
        observability.set_correlation_id(summary["request_id"])
        session = handler_input.request_envelope.session
        if session is not None and getattr(session, "new", False) is True:
            observability.count(observability.Metric.SESSIONS)
        if not _log.isEnabledFor(logging.INFO):
            return  # (the local server below INFO): nothing to build
        # Every field escaped (kneeskill.observability): a newline or NUL in an id forges nothing.
        # (Each field is already within observability.escaped's limit: escaping is all it does.)
        extra = {_EXTRA[k]: _ENCODE_ASCII(v)[1:-1] for k, v in summary.items()}
        line = " ".join([f"{k[6:]}={v}" for k, v in extra.items()])
        # _log.info("request %s", line, extra=extra), with the caller named here instead of found
        # by walking the stack: the one record every request writes.
        _log.handle(
            _log.makeRecord(
                _log.name, logging.INFO, __file__, _LINE, "request %s", (line,), None, "process", extra
            )
        )


_LINE = RequestLogInterceptor.process.__code__.co_firstlineno
_EXTRA = {k: f"alexa_{k}" for k in ("request_id", "type", "locale", "intent")}
_ENCODE_ASCII = json.encoder.encode_basestring_ascii  # what observability.escaped applies


class ResponseLogInterceptor(AbstractResponseInterceptor):
    """Log that a response left and whether it ends the session; never its speech. At DEBUG
    (``AWS_LAMBDA_LOG_LEVEL=DEBUG``): the request line at INFO already correlates each request, and
    a second record on every request cost about a tenth of a warm turn."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if not _log.isEnabledFor(logging.DEBUG):
            return
        request = handler_input.request_envelope.request
        ends = getattr(response, "should_end_session", None) if response is not None else None
        request_id = observability.escaped(getattr(request, "request_id", "") or "", limit=120)
        _log.debug("response request_id=%s ends_session=%s", request_id, ends)


class EmergencyGuardInterceptor(AbstractResponseInterceptor):
    """Defence in depth: a spoken response in a session with a suspected clot must open with the
    emergency guidance. Every reply already goes through ``kneeskill.turns.send``, which puts it
    first; if a future handler ever bypasses that, this puts it back and logs the bug."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        speech = getattr(response, "output_speech", None) if response is not None else None
        ssml = getattr(speech, "ssml", None)
        if speech is None or not isinstance(ssml, str) or handler_input.request_envelope.session is None:
            return
        state = load_state(handler_input)
        if state.emergency is None:
            return
        locale = locale_content(handler_input)
        full = guidance(locale, state.emergency)
        observability.count(observability.Metric.EMERGENCY_GUIDANCE_SPOKEN)
        if _rendered_first(ssml, full, guidance(locale, state.emergency, short=True)):
            return  # opens with the guidance exactly as turns.send renders it: nothing to read back
        if not opens_with(ssml, full.full_text, full.short_text):
            _log.error("a spoken response lacked the emergency guidance; it was put back")
            # Said again through the speech model, the guidance first: never edited as a string.
            speech.ssml = render(Reply(blocks=(para(heard(ssml) or ""),), emergency=full)).ssml


def _rendered_first(ssml: str, full: EmergencyGuidance, short: EmergencyGuidance) -> bool:
    """True when ``ssml`` opens with the full guidance, or the short one, exactly as rendered: its
    words then open with that guidance, and the SSML need not be parsed to hear them."""
    if ssml.startswith("<speak>" + full.full_ssml):
        return True
    return short.full_text == full.short_text and ssml.startswith("<speak>" + short.full_ssml)


def request_interceptors(settings: Settings) -> list[Any]:
    return [RequestLogInterceptor()]


def response_interceptors(settings: Settings) -> list[Any]:
    return [EmergencyGuardInterceptor(), ResponseLogInterceptor()]
