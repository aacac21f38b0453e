"""One turn through the skill: session state in, core and presenter, SDK response out.

Every spoken response of the skill leaves through :func:`send`, which is where the emergency
guidance is made sticky: whenever the session carries a suspected clot or a call-now finding, the
guidance is put first in the speech, the card and the reprompt — on every path, errors included.
"""

from __future__ import annotations

import functools
import json
import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response
from ask_sdk_model.ui import SimpleCard
from msgspec.structs import replace

import content
from dialogue import presenter
from dialogue.acts import Act, UserAct
from dialogue.context import Profile, Turn, TurnContext
from dialogue.conversation import remember, respond
from dialogue.state import STATE_KEY, Mode, SessionState
from kneeskill import effects, observability
from kneeskill.runtime import Runtime
from kneeskill.slots import elicit_slot_directive
from speech import DEFAULT_LIMITS, Rendered, Reply, render, response_size_ok, with_emergency

_log = logging.getLogger("knee_helper.turns")
_escaped = json.encoder.encode_basestring_ascii  # the exact escaped form json.dumps writes (C)
_PROFILE_ACTS = frozenset({Act.LAUNCH, Act.RESUME})


_STATE_CACHE = "knee_helper.state"  # per-request attribute: the parsed (or just saved) state


def load_state(handler_input: HandlerInput) -> SessionState:
    """The session's conversation state (a fresh one for a new or out-of-session request).

    Parsed once per request; later calls (the emergency guard, the error handler) reuse it, and
    ``save_state`` replaces it, so every reader sees the state this request will send back.
    """
    cache = handler_input.attributes_manager.request_attributes
    cached = cache.get(_STATE_CACHE) if isinstance(cache, dict) else None
    if isinstance(cached, SessionState):
        return cached
    attributes = handler_input.attributes_manager.session_attributes
    if handler_input.request_envelope.session is None or not isinstance(attributes, dict):
        state = SessionState()
    else:
        state = SessionState.decode(attributes.get(STATE_KEY))
    if isinstance(cache, dict):
        cache[_STATE_CACHE] = state
    return state


def locale_content(handler_input: HandlerInput) -> content.LocaleContent:
    locale = getattr(handler_input.request_envelope.request, "locale", None)
    return _content_for(locale if isinstance(locale, str) else content.DEFAULT_LOCALE)


@functools.lru_cache(maxsize=64)
def _content_for(locale: str) -> content.LocaleContent:
    """``content.load`` by the locale as the request spells it (content only; a request's handlers
    ask for it several times)."""
    return content.load(locale)


def user_id(handler_input: HandlerInput) -> str | None:
    system = getattr(handler_input.request_envelope.context, "system", None)
    user = getattr(system, "user", None)
    value = getattr(user, "user_id", None)
    return value if isinstance(value, str) and value else None


def run_turn(handler_input: HandlerInput, runtime: Runtime, act: UserAct) -> Response:
    """Read what the core needs, call the conversation, carry out its effects (the one executor,
    ``kneeskill.effects``, which has the core word their outcomes), respond."""
    state = load_state(handler_input)
    session = handler_input.request_envelope.session
    new_session = session is not None and session.new is True
    ctx = TurnContext(
        content=locale_content(handler_input),
        profile=effects.load_profile(handler_input, runtime)
        if act.act in _PROFILE_ACTS or new_session
        else Profile(),
        icing=effects.read_inputs(handler_input, runtime, state, act),
        new_session=new_session,
    )
    turn = respond(state, act, ctx)
    observability.note_turn(state, turn.state)  # metrics: a result, per care level
    turn = effects.carry_out(handler_input, runtime, act, turn, ctx)
    return send(handler_input, turn, ctx.content)


def send(handler_input: HandlerInput, turn: Turn, locale: content.LocaleContent) -> Response:
    """Render and return a turn, with the sticky emergency guidance first whenever it applies."""
    state = turn.state
    builder = handler_input.response_builder
    reply = sticky(turn.reply, state, locale, full=turn.full_guidance)
    rendered, new_state, encoded = _fit(reply, turn, locale.skill["say_more"])
    builder.speak(rendered.ssml)
    builder.set_card(
        SimpleCard(title=rendered.card_title or presenter.CARD_TITLE, content=rendered.card_text)
    )
    if rendered.end_session:
        builder.set_should_end_session(True)
    elif rendered.reprompt_ssml:
        builder.ask(rendered.reprompt_ssml)
        _elicit(handler_input, new_state, locale)
    elif not rendered.hand_over:
        # The turn asked nothing: the microphone opens once, with no reprompt to repeat.
        builder.set_should_end_session(False)
    # else: a hand-over (Connections.SendRequest): Alexa speaks next, so no reprompt and no end flag.
    save_state(handler_input, new_state, encoded)
    return builder.response


def _elicit(handler_input: HandlerInput, state: SessionState, locale: content.LocaleContent) -> None:
    """While an interview question is pending, ask the device to listen for its answer's slot."""
    # Not while "did you mean ...?" waits for its yes or no (that answer is not the question's).
    pending = state.question if state.mode is Mode.INTERVIEW and state.guess is None else None
    directive = elicit_slot_directive(pending, locale)
    if directive is not None and isinstance(handler_input.request_envelope.request, IntentRequest):
        handler_input.response_builder.add_directive(directive)


def _fit(reply: Reply, turn: Turn, say_more: str) -> tuple[Rendered, SessionState, str]:
    """Render so that the response AND the session attributes it carries (which remember what was
    said, for Repeat, and the overflow, for More) stay under Alexa's 24 KB response limit.

    Returns the rendering, the new state and that state encoded for the session attributes."""
    state = turn.state
    extra = 0
    for _ in range(4):
        rendered = render(reply, session_attributes_json_size=extra, say_more=say_more)
        # What did not fit waits behind "more"; with nothing cut, what the turn itself put there.
        new_state = remember(
            state, turn, turn.reply, presenter.plain_overflow(rendered.overflow) or state.more
        )
        encoded = new_state.encode()
        size = _attributes_json_size(encoded)
        if size <= extra or response_size_ok(rendered, size):
            return rendered, new_state, encoded
        extra = min(size, DEFAULT_LIMITS.response_bytes // 2)
    new_state = replace(state, more=())  # pragma: no cover - converges in two rounds
    return rendered, new_state, new_state.encode()  # pragma: no cover


def _attributes_json_size(encoded: str) -> int:
    """Bytes of ``{"kh": <encoded>}`` in the response JSON (the string is escaped once more)."""
    return len(_escaped(encoded)) + len(STATE_KEY) + 5


def sticky(reply: Reply, state: SessionState, locale: content.LocaleContent, *, full: bool = True) -> Reply:
    """The reply with the session's emergency guidance put first, when the session has one: in
    full, or in its short form (at most 25 words, still the action and the number)."""
    if state.emergency is None:
        return presenter.without_repeats(reply)
    guidance = presenter.guidance(locale, state.emergency, short=not full)
    # Nothing the guidance already says is said again (the safety net's "phone now", say).
    return with_emergency(presenter.without_repeats(reply, guidance.full), guidance)


def save_state(handler_input: HandlerInput, state: SessionState, encoded: str | None = None) -> None:
    """Put ``state`` (``encoded`` when the caller has already encoded it) in the session attributes."""
    attributes = handler_input.attributes_manager.session_attributes
    if handler_input.request_envelope.session is None or attributes is None:
        return
    attributes.clear()  # only our own state goes back: nothing else the request carried is echoed
    attributes[STATE_KEY] = encoded if encoded is not None else state.encode()
    cache = handler_input.attributes_manager.request_attributes
    if isinstance(cache, dict):
        cache[_STATE_CACHE] = state
