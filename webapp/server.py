"""The local Flask app: ``POST /`` for Alexa (flask-ask-sdk ``SkillAdapter``) and ``GET /healthz``.

A thin view checks the HTTP side (method, content type, size, a JSON object with the Alexa
envelope fields) before ``SkillAdapter.dispatch_request()`` deserializes the envelope, runs the
verifiers of :mod:`webapp.verification` and invokes the skill. Every failure answers a short
JSON ``{"error": "..."}`` with a 4xx status; unexpected errors answer a generic 500.
Nothing here logs request bodies, user ids, slot values or speech.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import TYPE_CHECKING, Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from flask import Flask, Response, current_app, jsonify, request
from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from composition import build_skill
from kneeskill import observability
from kneeskill.budget import DEFAULT_SECONDS, request_budget
from kneeskill.envelope import GuardedSerializer, parse_timestamp, parsed
from kneeskill.settings import Settings
from webapp.ask_compat import load_skill_adapter
from webapp.verification import (
    Clock,
    Fetcher,
    SignatureVerifier,
    SkillIdVerifier,
    TimestampVerifier,
    fetch_cert_chain,
    utc_now,
)

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill
    from cryptography.x509.verification import Store

__all__ = ["create_app"]

_log = observability.logger("knee_helper.webapp")

_GENERIC_ERRORS = {
    400: "bad request",
    404: "not found",
    405: "method not allowed",
    413: "request body too large",
    415: "content type must be application/json",
    500: "internal server error",
}


def create_app(
    settings: Settings | None = None,
    *,
    skill: CustomSkill | None = None,
    fetcher: Fetcher = fetch_cert_chain,
    trust_store: Store | None = None,
    now: Clock = utc_now,
) -> Flask:
    """Build the Flask app serving ``skill`` (default: ``build_skill(settings)``).

    ``fetcher``, ``trust_store`` (default: certifi's roots) and ``now`` are handed to the
    request verifiers; tests inject them, production keeps the defaults.
    """
    settings = settings if settings is not None else Settings.from_env()
    if skill is None:
        skill = build_skill(settings)
    if not isinstance(skill.serializer, GuardedSerializer):
        # kneeskill/envelope.py bounds and checks every envelope before the SDK deserializes it.
        skill.serializer = GuardedSerializer(skill.serializer)

    app = Flask("knee_helper")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    # The SDK's certvalidator check cannot run here (webapp.ask_compat); ours replaces it,
    # and ours replaces the SDK's naive-UTC timestamp check too.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    app.logger.addFilter(_redact_exception_text)

    # Cheap checks first: a stale or foreign request is refused before any certificate download.
    verifiers: list[AbstractVerifier] = [TimestampVerifier(now=now), SkillIdVerifier(settings.skill_id)]
    if settings.verify_signatures:
        verifiers.append(SignatureVerifier(fetcher=fetcher, trust_store=trust_store, now=now))
    else:
        _log.warning(
            "REQUEST SIGNATURE VERIFICATION IS OFF (KNEE_HELPER_VERIFY_SIGNATURES=0): "
            "development only, never expose this server to the internet"
        )
    if settings.skill_id is None:
        _log.warning(
            "SKILL_ID IS NOT SET: requests for ANY skill id are accepted; "
            "set SKILL_ID to your skill's id (amzn1.ask.skill....)"
        )

    adapter = load_skill_adapter()(
        skill=skill, skill_id=settings.skill_id or "knee-helper", verifiers=verifiers
    )
    adapter.init_app(app)

    def alexa_endpoint() -> Response:
        text, envelope = _check_envelope()
        try:
            # One budget for every outbound call of this request, the certificate download included.
            # The serializer takes the envelope parsed here for the same body (one parse a request).
            with (
                observability.request_scope(envelope["request"]["requestId"]),
                request_budget(DEFAULT_SECONDS) as spent,
                parsed(text, envelope),
            ):
                result: Response = adapter.dispatch_request()
                if spent.cut_short:
                    observability.count(observability.Metric.BUDGET_EXHAUSTED)
        except InternalServerError as error:
            if isinstance(error.__context__, SerializationException):
                raise BadRequest("request does not match the Alexa request format") from None
            raise
        return result

    def healthz() -> Response:
        return jsonify(status="ok")

    app.add_url_rule("/", "alexa", alexa_endpoint, methods=["POST"], provide_automatic_options=False)
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _check_envelope() -> tuple[str, dict[str, Any]]:
    """The body's text and its JSON, refused unless it is an object shaped like an Alexa request
    envelope."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    raw = request.get_data(cache=True)  # raises 413 over MAX_CONTENT_LENGTH (a declared length)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    # A chunked body is read up to the cap and silently cut there: one byte more means too large.
    chunked_at_cap = request.content_length is None and limit is not None and len(raw) >= limit
    if chunked_at_cap and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
    try:
        text = raw.decode("utf-8")
        envelope = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("body is not UTF-8 JSON") from None
    if not isinstance(envelope, dict):
        raise BadRequest("body must be a JSON object")
    _refuse_missing_fields(envelope)
    if parse_timestamp(envelope["request"]["timestamp"]) is None:
        raise BadRequest("request.timestamp is not an ISO 8601 time")
    return text, envelope


#: The fields every Alexa request envelope has, each a non-empty string.
_REQUIRED_FIELDS: tuple[tuple[str, ...], ...] = (
    ("version",),
    ("context", "System", "application", "applicationId"),
    ("request", "type"),
    ("request", "requestId"),
    ("request", "timestamp"),
)


def _refuse_missing_fields(envelope: dict[str, Any]) -> None:
    """Refuse with the first required field that is missing or not a non-empty string."""
    for path in _REQUIRED_FIELDS:
        value: Any = envelope
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, str) or not value:
            raise BadRequest(f"missing or invalid field {'.'.join(path)}")


def _http_error(error: HTTPException) -> Response:
    code = error.code or 500
    reason = _GENERIC_ERRORS.get(code, error.name.lower())
    if code == 400:
        cause = error.__context__
        if isinstance(cause, VerificationException):
            reason = f"request verification failed: {cause}"
        elif error.description and error.description != BadRequest.description:
            reason = error.description
    response = jsonify(error=reason)
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() == "allow":
            response.headers[name] = value
    return response


def _unexpected_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):  # pragma: no cover - Flask routes these to _http_error
        return _http_error(error)
    _log.error("unhandled %s on %s %s", type(error).__name__, request.method, request.path, exc_info=error)
    response = jsonify(error=_GENERIC_ERRORS[500])
    response.status_code = 500
    return response


def _redact_exception_text(record: logging.LogRecord) -> bool:
    """Keep a logged exception's type and stack but drop its message (it may quote the body)."""
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        stack = "".join(traceback.format_tb(error.__traceback__))
        record.exc_info = None
        record.exc_text = f"Traceback (message redacted):\n{stack}{type(error).__name__}"
    return True


_log.addFilter(_redact_exception_text)
