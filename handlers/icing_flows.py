"""The work behind the icing, timer, reminder and delete-my-data handlers (see handlers/icing.py).

Loaded on the first such request, not at cold start. Each flow reads the request, calls the service
or store, asks ``dialogue.icing`` for the words, and sends them through the one response path (so the
emergency guidance stays sticky).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from dialogue import icing, presenter
from dialogue.conversation import Turn
from dialogue.state import Mode, SessionState
from kneeskill import alexa_services as services
from kneeskill import observability
from kneeskill.runtime import Runtime
from kneeskill.slots import read_number
from kneeskill.turns import load_state, locale_content, send, user_id

if TYPE_CHECKING:
    from kneeskill.storage import UserStore

_log = observability.logger("knee_helper.icing")
TIMER_TOKEN = "ice-timer"
REMINDER_TOKEN = "ice-reminder"


def store_and_key(runtime: Runtime, handler_input: HandlerInput) -> tuple[UserStore, str] | None:
    """The user's store and key, or None when persistence is off or unreachable."""
    if not runtime.persistence_enabled:
        return None
    uid = user_id(handler_input)
    store = runtime.store()
    if store is None or uid is None:
        return None
    from kneeskill.storage import user_key

    return store, user_key(uid)


def _locale(handler_input: HandlerInput) -> str:
    locale = getattr(handler_input.request_envelope.request, "locale", None)
    return locale if isinstance(locale, str) else "en-US"


def _timer(handler_input: HandlerInput, minutes: int, announce: str) -> services.ServiceOutcome:
    try:
        factory = handler_input.service_client_factory
    except ValueError:
        return services.ServiceOutcome.FAILED
    result = services.start_ice_timer(
        factory, minutes=minutes, locale=_locale(handler_input), announce_text=announce
    )
    return result.outcome


def _status_for(outcome: services.ServiceOutcome) -> icing.TimerStatus:
    if outcome is services.ServiceOutcome.OK:
        return icing.TimerStatus.SET
    return icing.TimerStatus.FAILED


def icing_now(runtime: Runtime, handler_input: HandlerInput) -> Response:
    """ "I'm icing my knee now": safety guidance, a timer (asking permission if needed), and a record."""
    state = load_state(handler_input)
    c = locale_content(handler_input)
    if state.self_care_unsafe:
        return send(handler_input, Turn(state=state, reply=icing.clot_no_icing(c)), c)
    minutes, adjusted = icing.icing_minutes(c, read_number(handler_input, "minutes", 1, 600))
    saved = _record_start(runtime, handler_input)
    outcome = _timer(handler_input, minutes, c.skill["timer_announce"])
    status = _status_for(outcome)
    if outcome is services.ServiceOutcome.NO_PERMISSION:
        observability.count(observability.Metric.TIMER_PERMISSION_ASKED)
        status = icing.TimerStatus.ASKING_PERMISSION
        handler_input.response_builder.add_directive(services.timer_permission_request_directive(TIMER_TOKEN))
    new_state = replace(state, mode=Mode.ICING, offered_timer_minutes=minutes)
    reply = icing.icing_started(c, minutes=minutes, adjusted=adjusted, timer=status, saved=saved)
    return send(handler_input, Turn(state=new_state, reply=reply), c)


def _record_start(runtime: Runtime, handler_input: HandlerInput) -> bool:
    found = store_and_key(runtime, handler_input)
    if found is None:
        return not runtime.persistence_enabled
    store, key = found
    from kneeskill.storage import StoreUnavailable, icing_token

    now = datetime.now(UTC)
    request_id = getattr(handler_input.request_envelope.request, "request_id", None)
    try:
        # One token per turn: however often the write is retried, the start is stored once.
        store.add_icing_start(key, now, icing_token(now, request_id if isinstance(request_id, str) else None))
    except StoreUnavailable as error:
        if error.maybe_applied:
            # The answer was lost or late: it may well be stored, so "I couldn't save" could be false.
            _log.warning("icing start may not be saved: the store's answer was lost or late")
            return True
        _log.warning("icing start not saved: storage unavailable")
        return False
    return True


def icing_status(runtime: Runtime, handler_input: HandlerInput) -> Response:
    """ "When can I ice again?" and "how many times have I iced today?"."""
    state = load_state(handler_input)
    c = locale_content(handler_input)
    if state.self_care_unsafe:
        return send(handler_input, Turn(state=state, reply=icing.clot_no_icing(c)), c)
    found = store_and_key(runtime, handler_input)
    if found is None:
        key = "icing_history_unavailable" if runtime.persistence_enabled else "icing_history_off"
        return send(handler_input, Turn(state=state, reply=presenter.essential_reply(c, c.skill[key])), c)
    store, key = found
    from kneeskill.storage import StoreUnavailable

    try:
        record = store.load(key)
    except StoreUnavailable:
        reply = presenter.essential_reply(c, c.skill["icing_history_unavailable"])
        return send(handler_input, Turn(state=state, reply=reply), c)
    zone = _zone(handler_input)
    now = datetime.now(UTC)
    summary = icing.summarise(record.icing_starts, now, zone, c)
    reply = icing.icing_status(c, summary, now, zone)
    offer = summary.next_earliest is not None and now < summary.next_earliest
    new_state = replace(state, mode=Mode.OFFER_REMINDER if offer else Mode.IDLE)
    return send(handler_input, Turn(state=new_state, reply=reply), c)


def schedule_next_reminder(runtime: Runtime, handler_input: HandlerInput) -> Response:
    """ "Yes" to "shall I remind you?", or permission just granted: schedule the next reminder."""
    state = replace(load_state(handler_input), mode=Mode.IDLE)
    c = locale_content(handler_input)
    found = store_and_key(runtime, handler_input)
    at = datetime.now(UTC) + timedelta(hours=c.numbers.ice_every_hours_min)
    if found is not None:
        store, key = found
        from kneeskill.storage import StoreUnavailable

        try:
            starts = store.load(key).icing_starts
            if starts:
                at = max(max(starts) + timedelta(hours=c.numbers.ice_every_hours_min), datetime.now(UTC))
        except StoreUnavailable:
            pass
    try:
        factory = handler_input.service_client_factory
    except ValueError:
        return send(handler_input, Turn(state=state, reply=icing.reminder_result(c, ok=False)), c)
    zone_name = _zone_name(handler_input)
    result = services.schedule_reminder(
        factory, at=at, time_zone=zone_name, locale=_locale(handler_input), text=c.skill["reminder_text"]
    )
    if result.outcome is services.ServiceOutcome.NO_PERMISSION:
        handler_input.response_builder.add_directive(
            services.permission_request_directive(services.reminder_permission_scope(), REMINDER_TOKEN)
        )
        reply = icing.reminder_result(c, ok=False, asking=True)
        return send(handler_input, Turn(state=state, reply=reply), c)
    reply = icing.reminder_result(c, ok=result.outcome is services.ServiceOutcome.OK)
    return send(handler_input, Turn(state=state, reply=reply), c)


def permission_answer(runtime: Runtime, handler_input: HandlerInput) -> Response:
    """Alexa's answer after asking the user for timer or reminder permission."""
    request = handler_input.request_envelope.request
    answer = services.parse_permission_response(request) or services.PermissionAnswer.NOT_ANSWERED
    token = getattr(request, "token", None)
    state = load_state(handler_input)
    c = locale_content(handler_input)
    if token == REMINDER_TOKEN:
        if answer is services.PermissionAnswer.ACCEPTED:
            return schedule_next_reminder(runtime, handler_input)
        denied = answer is services.PermissionAnswer.DENIED
        return send(
            handler_input, Turn(state=state, reply=icing.reminder_result(c, ok=False, denied=denied)), c
        )
    minutes = state.offered_timer_minutes or icing.DEFAULT_MINUTES
    if answer is services.PermissionAnswer.ACCEPTED:
        status = _status_for(_timer(handler_input, minutes, c.skill["timer_announce"]))
    else:
        if answer is services.PermissionAnswer.DENIED:
            observability.count(observability.Metric.TIMER_PERMISSION_DENIED)
        status = icing.TimerStatus.PERMISSION_DENIED
    reply = icing.timer_after_permission(c, minutes=minutes, timer=status)
    return send(handler_input, Turn(state=state, reply=reply), c)


def delete_data(runtime: Runtime, handler_input: HandlerInput) -> Response:
    """ "Delete my data": remove every stored record of this user, then confirm."""
    state = load_state(handler_input)
    c = locale_content(handler_input)
    found = store_and_key(runtime, handler_input)
    ok = True
    if found is not None:
        store, key = found
        from kneeskill.storage import StoreUnavailable

        try:
            store.delete(key)
        except StoreUnavailable:
            ok = False
    elif runtime.persistence_enabled:
        ok = False
    # The session's own answers go too: a fresh state that keeps only the emergency marker.
    fresh = SessionState(emergency=state.emergency)
    text = c.skill["delete_data_done"] if ok else c.skill["delete_data_failed"]
    return send(handler_input, Turn(state=fresh, reply=presenter.essential_reply(c, text)), c)


def _zone_name(handler_input: HandlerInput) -> str | None:
    device = getattr(getattr(handler_input.request_envelope.context, "system", None), "device", None)
    device_id = getattr(device, "device_id", None)
    if not isinstance(device_id, str) or not device_id:
        return None
    try:
        factory = handler_input.service_client_factory
    except ValueError:
        return None
    return services.get_time_zone(factory, device_id)


def _zone(handler_input: HandlerInput) -> ZoneInfo | None:
    name = _zone_name(handler_input)
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
