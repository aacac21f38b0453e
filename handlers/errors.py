"""The catch-all exception handler: whatever failed, the user hears a calm, safe message.

It first tries the normal path (so the sticky emergency guidance comes first, as everywhere). If
even that fails, it speaks a fixed message built here by hand, still putting the emergency
guidance first when the raw session attributes show a suspected clot.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

import content
from dialogue import presenter
from dialogue.context import Turn
from dialogue.state import STATE_KEY, SessionState
from kneeskill.turns import load_state, locale_content, send

_log = logging.getLogger("knee_helper.errors")


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        # The exception's message may quote user input: log only its type.
        _log.error("unhandled %s while handling a request", type(exception).__name__)
        try:
            state = load_state(handler_input)
            locale = locale_content(handler_input)
            return send(handler_input, Turn(state=state, reply=presenter.error(locale)), locale)
        except Exception as second:  # the last line of defence must not raise
            _log.error("error reply failed too: %s", type(second).__name__)
            return _fixed_reply(handler_input)


def _fixed_reply(handler_input: HandlerInput) -> Response:
    from html import escape  # noqa: PLC0415  # html.entities (~3 ms): only this last resort needs it

    locale = content.load(content.DEFAULT_LOCALE)
    try:
        locale = locale_content(handler_input)
        attributes = handler_input.attributes_manager.session_attributes or {}
        state = SessionState.decode(attributes.get(STATE_KEY))
    except Exception:
        state = SessionState()
    texts: list[str] = []
    if state.emergency is not None:
        texts.extend(presenter.guidance_plain(locale, state.emergency))
    texts.append(locale.skill["error"])
    plain = " ".join(texts)
    builder = handler_input.response_builder
    builder.speak(f"<speak>{escape(plain, quote=True)}</speak>")
    builder.ask(f"<speak>{escape(locale.skill['reprompt'], quote=True)}</speak>")
    builder.set_card(SimpleCard(title="Knee Helper", content=plain))
    return builder.response
