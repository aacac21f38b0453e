"""The simulator page at ``/simulator`` and its JSON API under ``/simulator/api/``.

``webapp.dev.create_dev_app`` registers :func:`simulator_blueprint`. The blueprint builds its own
:class:`~simulator.engine.Simulator` (its own skill instance, loopback APIs allowed) on first use,
so ``POST /`` and its request-signature checks are untouched.

API (JSON in and out; POST bodies must be ``application/json``):

- ``GET  /simulator/api/locales`` -> ``{"locales": [...], "default": "en-US"}``
- ``POST /simulator/api/conversations`` ``{"locale"}`` -> ``{"conversation", "locale"}``
- ``POST /simulator/api/turn`` ``{"conversation", "locale", "utterance"}`` -> the turn
  (:meth:`simulator.engine.TurnResult.to_json`); an unknown or missing conversation starts one,
  a different locale starts the conversation over in that locale
- ``POST /simulator/api/start-over`` ``{"conversation", "locale"}`` -> ``{"conversation", "locale"}``
- ``GET  /simulator/api/export?conversation=ID`` -> the conversation as a YAML script

The simulator answers loopback clients only (403 otherwise), and never requests that came
through a proxy or tunnel (X-Forwarded-For, Forwarded or X-Real-IP present).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify, request, send_from_directory
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, ServiceUnavailable, UnsupportedMediaType

from kneeskill.outbound import is_loopback_host
from kneeskill.settings import Settings
from simulator.engine import MAX_UTTERANCE_CHARS, Simulator
from simulator.nlu import supported_locales
from simulator.session import SimulatorSession

__all__ = ["EXTENSION_KEY", "STATIC_DIR", "simulator_blueprint"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
EXTENSION_KEY = "knee_helper_simulator"
DEFAULT_LOCALE = "en-US"
_T = TypeVar("_T")
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def simulator_blueprint(settings: Settings | None = None, *, simulator: Simulator | None = None) -> Blueprint:
    """The blueprint; its :class:`Simulator` is created on the first request that needs it."""
    blueprint = Blueprint("simulator", __name__, url_prefix="/simulator", static_folder=None)
    holder: dict[str, Simulator] = {}
    if simulator is not None:
        holder["simulator"] = simulator

    def engine() -> Simulator:
        if "simulator" not in holder:
            holder["simulator"] = Simulator(settings)
        return holder["simulator"]

    @blueprint.record_once
    def _remember(state: Any) -> None:
        state.app.extensions[EXTENSION_KEY] = engine

    @blueprint.before_request
    def _loopback_only() -> None:
        if not is_loopback_host((request.remote_addr or "").split("%", 1)[0]):
            raise Forbidden("the simulator answers loopback clients only")
        # An HTTPS tunnel (for the Alexa console) connects from loopback too, but forwards the
        # caller's address: anything that came through a proxy is not a local user.
        if any(request.headers.get(name) for name in ("X-Forwarded-For", "Forwarded", "X-Real-IP")):
            raise Forbidden("the simulator is not served through proxies or tunnels")
        # DNS rebinding: a page on attacker.example whose name now points at 127.0.0.1 reaches us
        # from loopback, but its requests still name its own host. Only loopback names are ours.
        if not is_loopback_host(urlsplit("//" + request.host).hostname or ""):
            raise Forbidden("the simulator answers requests for a loopback host name only")

    @blueprint.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @blueprint.get("")
    @blueprint.get("/")
    def page() -> Response:
        return send_from_directory(STATIC_DIR, "index.html", max_age=0)

    @blueprint.get("/static/<path:filename>")
    def static(filename: str) -> Response:
        return send_from_directory(STATIC_DIR, filename, max_age=0)

    @blueprint.get("/api/locales")
    def locales() -> Response:
        return jsonify(locales=supported_locales(), default=DEFAULT_LOCALE)

    @blueprint.post("/api/conversations")
    def create() -> Response:
        data = _json_body()
        session = _needs_deps(lambda: engine().store.create(_locale(data)))
        return jsonify(conversation=session.conversation_id, locale=session.locale)

    @blueprint.post("/api/turn")
    def turn() -> Response:
        data = _json_body()
        utterance = data.get("utterance")
        if not isinstance(utterance, str) or not utterance.strip():
            raise BadRequest("utterance must be a non-empty string")
        if len(utterance) > MAX_UTTERANCE_CHARS:
            raise BadRequest(f"utterance must be at most {MAX_UTTERANCE_CHARS} characters")
        locale = _locale(data)
        sim = engine()
        session = sim.store.get_or_create(_conversation_id(data), locale)
        if session.locale != locale:
            session.start_over(locale)
        result = _needs_deps(lambda: sim.turn(session, utterance))
        return jsonify(result.to_json())

    @blueprint.post("/api/start-over")
    def start_over() -> Response:
        data = _json_body()
        locale = _locale(data)
        sim = engine()
        session = sim.store.get(_conversation_id(data))
        if session is None:
            session = sim.store.create(locale)
        else:
            with session.lock:
                session.start_over(locale)
        return jsonify(conversation=session.conversation_id, locale=session.locale)

    @blueprint.get("/api/export")
    def export() -> Response:
        session = _known(engine(), request.args.get("conversation"))
        from simulator.export import export_script

        with session.lock:
            text = _needs_deps(lambda: export_script(session))
        response = Response(text, mimetype="application/yaml")
        response.headers["Content-Disposition"] = 'attachment; filename="simulator_conversation.yaml"'
        return response

    return blueprint


def _json_body() -> dict[str, Any]:
    if not request.is_json:  # also keeps other web sites out: JSON needs a CORS preflight
        raise UnsupportedMediaType()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    return data


def _locale(data: dict[str, Any]) -> str:
    locale = data.get("locale") or DEFAULT_LOCALE
    if locale not in supported_locales():
        raise BadRequest(f"locale must be one of {', '.join(supported_locales())}")
    return str(locale)


def _conversation_id(data: dict[str, Any]) -> str | None:
    value = data.get("conversation")
    return value if isinstance(value, str) else None


def _known(sim: Simulator, conversation_id: str | None) -> SimulatorSession:
    session = sim.store.get(conversation_id)
    if session is None:
        raise NotFound("no such conversation (it may have expired)")
    return session


def _needs_deps(action: Callable[[], _T]) -> _T:
    """Run ``action``; a missing dev dependency (rapidfuzz, PyYAML) becomes a clear 503."""
    try:
        return action()
    except ModuleNotFoundError as error:
        if error.name in ("rapidfuzz", "yaml"):
            raise ServiceUnavailable(
                f"the simulator needs the dev requirements ({error.name} is missing): use make run"
            ) from None
        raise
