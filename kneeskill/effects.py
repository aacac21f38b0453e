"""The one effect executor: every read and every side effect a turn needs, under the request's budget.

A turn runs in four steps (``kneeskill.turns.run_turn``):

1. :func:`read_inputs` reads what ``dialogue.icing.needs`` asked for (the icing history, the
   device's time zone, the running ice timer) into ``IcingInputs``;
2. the pure core decides (``dialogue.conversation.respond``) and returns effects as data;
3. :func:`carry_out` carries out each effect (the store, the Timers and Reminders APIs) and reports
   an outcome for each;
4. the pure core words those outcomes (``dialogue.icing.after_effects``), and any permission request
   it asks for becomes a ``Connections.SendRequest`` directive on the response.

Every call goes through a client that takes its deadline from the request's budget
(:mod:`kneeskill.budget`): the store's clients and ``LoopbackAwareApiClient``. When the budget is
spent a call is not made and its outcome is FAILED, so the reply says what could not be done.
Nothing here decides what to say, and nothing here logs ids, tokens or speech.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from msgspec.structs import replace

from dialogue import icing
from dialogue.acts import Act, UserAct
from dialogue.context import PRICE_ORDER, Effect, EffectKind, Profile, Turn, TurnContext
from dialogue.icing_state import (
    REMINDER_TOKEN,
    TIMER_TOKEN,
    EffectResult,
    IcingInputs,
    Need,
    Outcome,
    PermissionScope,
    TimerReading,
)
from dialogue.state import SessionState
from kneeskill import alexa_services as services
from kneeskill import observability
from kneeskill.runtime import Runtime
from kneeskill.storage import StoreUnavailable, UserStore, icing_token, user_key
from triage.vocabulary import Answer

_log = observability.logger("knee_helper.effects")
_PROFILE = frozenset(
    {EffectKind.MARK_DISCLAIMER_HEARD, EffectKind.SAVE_PRICE_STEP, EffectKind.CLEAR_PRICE_STEP}
)
_PROFILE_KINDS = frozenset(kind.value for kind in _PROFILE)
_TOKENS = {PermissionScope.TIMERS.value: TIMER_TOKEN, PermissionScope.REMINDERS.value: REMINDER_TOKEN}
_SCOPES = {
    PermissionScope.TIMERS.value: services.TIMER_SCOPE,
    PermissionScope.REMINDERS.value: services.REMINDER_SCOPE,
}


# --- step 1: inputs -------------------------------------------------------------------------------


def read_inputs(
    handler_input: HandlerInput, runtime: Runtime, state: SessionState, act: UserAct
) -> IcingInputs:
    """What the core asked to know for this act (nothing at all for most turns)."""
    wanted = icing.needs(state, act)
    if not icing.handles(state, act):
        return IcingInputs()
    now = datetime.now(UTC)
    history: tuple[datetime, ...] | None = None
    zone: str | None = None
    timer: TimerReading | None = None
    if Need.HISTORY in wanted:
        history = _history(handler_input, runtime)
    if Need.TIME_ZONE in wanted:
        zone = _zone_name(handler_input)
    if Need.TIMER in wanted:
        factory = _factory(handler_input)
        ids = state.icing.timer_ids
        read = services.read_timer(factory, ids[-1] if ids else None, now) if factory is not None else None
        if read is not None and read.outcome is services.ServiceOutcome.OK:
            timer = TimerReading(read.remaining_seconds)
    return IcingInputs(
        now=now, history=history, history_off=not runtime.persistence_enabled, zone=zone, timer=timer
    )


def _history(handler_input: HandlerInput, runtime: Runtime) -> tuple[datetime, ...] | None:
    found = _store_and_key(handler_input, runtime)
    if found is None:
        return None
    store, key = found
    try:
        return store.load(key).icing_starts
    except StoreUnavailable:
        _log.warning("icing history not read: storage unavailable")
        return None


# --- step 3 and 4: effects, outcomes, directives --------------------------------------------------


def carry_out(
    handler_input: HandlerInput, runtime: Runtime, act: UserAct, turn: Turn, ctx: TurnContext
) -> Turn:
    """Carry out the turn's effects, let the core word their outcomes, add permission requests."""
    results: list[EffectResult] = []
    profile = tuple(e for e in turn.effects if e.kind in _PROFILE)
    if profile:
        outcome = _save_profile(handler_input, runtime, profile)
        results.extend(EffectResult(e.kind.value, outcome) for e in profile)
    for effect in turn.effects:
        if effect.kind in _PROFILE or effect.kind is EffectKind.ASK_PERMISSION:
            continue
        results.append(_carry_out_one(handler_input, runtime, effect))
    if act.act is Act.PERMISSION and act.topic == TIMER_TOKEN and act.answer is Answer.ABSENT:
        observability.count(observability.Metric.TIMER_PERMISSION_DENIED)
    if any(r.kind not in _PROFILE_KINDS or r.outcome is Outcome.FAILED for r in results):
        # (a profile effect that did not fail is never worded: nothing for the core to say)
        turn = icing.after_effects(act, turn, tuple(results), ctx)
    for effect in turn.effects:
        if effect.kind is EffectKind.ASK_PERMISSION and effect.detail in _SCOPES:
            if effect.detail == PermissionScope.TIMERS.value:
                observability.count(observability.Metric.TIMER_PERMISSION_ASKED)
            directive = services.permission_request_directive(_SCOPES[effect.detail], _TOKENS[effect.detail])
            handler_input.response_builder.add_directive(directive)
    return turn


def _carry_out_one(handler_input: HandlerInput, runtime: Runtime, effect: Effect) -> EffectResult:
    kind = effect.kind
    if kind is EffectKind.RECORD_ICING:
        return EffectResult(kind.value, _record(handler_input, runtime, effect.value))
    if kind is EffectKind.DELETE_USER_DATA:
        return EffectResult(kind.value, _delete(handler_input, runtime))
    factory = _factory(handler_input)
    if factory is None:
        return EffectResult(kind.value, Outcome.FAILED, detail=effect.detail)
    if kind is EffectKind.START_TIMER:
        result = services.start_ice_timer(
            factory,
            minutes=effect.value or icing.DEFAULT_MINUTES,
            locale=_locale(handler_input),
            announce_text=effect.text or "",
            label=effect.label or "ice",
        )
        return EffectResult(kind.value, _outcome(result.outcome), result.timer_id, effect.detail)
    if kind is EffectKind.CANCEL_TIMER:
        return EffectResult(
            kind.value, _outcome(services.cancel_timer(factory, effect.detail)), detail=effect.detail
        )
    if kind is EffectKind.SCHEDULE_REMINDER and effect.value is not None:
        reminder = services.schedule_reminder(
            factory,
            at=datetime.fromtimestamp(effect.value, UTC),
            time_zone=effect.detail,
            locale=_locale(handler_input),
            text=effect.text or "",
        )
        return EffectResult(kind.value, _outcome(reminder.outcome))
    return EffectResult(kind.value, Outcome.FAILED, detail=effect.detail)


def _outcome(outcome: services.ServiceOutcome) -> Outcome:
    if outcome is services.ServiceOutcome.OK:
        return Outcome.OK
    if outcome is services.ServiceOutcome.NO_PERMISSION:
        return Outcome.NO_PERMISSION
    return Outcome.FAILED


def _save_profile(handler_input: HandlerInput, runtime: Runtime, effects: tuple[Effect, ...]) -> Outcome:
    """The profile effects in one read and one write (PRICE position, disclaimer heard)."""
    if not runtime.persistence_enabled:
        return Outcome.OFF
    store = runtime.store()
    uid = _user_id(handler_input)
    if store is None:
        return Outcome.FAILED
    if uid is None:
        return Outcome.OFF
    key = user_key(uid)
    try:
        record = store.load(key)
        for effect in effects:
            if effect.kind is EffectKind.MARK_DISCLAIMER_HEARD:
                record = replace(record, disclaimer_heard=True)
            elif effect.kind is EffectKind.SAVE_PRICE_STEP and effect.value is not None:
                step = PRICE_ORDER[effect.value].value
                record = replace(record, price_step=step, price_updated_at=datetime.now(UTC))
            elif effect.kind is EffectKind.CLEAR_PRICE_STEP:
                record = replace(record, price_step=None, price_updated_at=datetime.now(UTC))
        store.save_profile(key, record)
    except StoreUnavailable as error:
        _log.warning("effects not saved: storage unavailable")
        return (
            Outcome.MAYBE if error.maybe_applied else Outcome.FAILED
        )  # "couldn't save" only when nothing was
    return Outcome.OK


def _record(handler_input: HandlerInput, runtime: Runtime, stamp: int | None) -> Outcome:
    if not runtime.persistence_enabled:
        return Outcome.OFF
    found = _store_and_key(handler_input, runtime)
    if found is None:
        return Outcome.FAILED
    store, key = found
    at = datetime.fromtimestamp(stamp, UTC) if stamp else datetime.now(UTC)
    request_id = getattr(handler_input.request_envelope.request, "request_id", None)
    try:
        # One token per turn: however often the write is retried, the start is stored once.
        store.add_icing_start(key, at, icing_token(at, request_id if isinstance(request_id, str) else None))
    except StoreUnavailable as error:
        if error.maybe_applied:
            # The answer was lost or late: it may well be stored, so "I couldn't save" could be false.
            _log.warning("icing start may not be saved: the store's answer was lost or late")
            return Outcome.MAYBE
        _log.warning("icing start not saved: storage unavailable")
        return Outcome.FAILED
    return Outcome.OK


def _delete(handler_input: HandlerInput, runtime: Runtime) -> Outcome:
    if not runtime.persistence_enabled:
        return Outcome.OFF
    found = _store_and_key(handler_input, runtime)
    if found is None:
        return Outcome.FAILED
    store, key = found
    try:
        store.delete(key)
    except StoreUnavailable:
        return Outcome.FAILED
    return Outcome.OK


# --- the profile (read for launch and resume) -----------------------------------------------------


def load_profile(handler_input: HandlerInput, runtime: Runtime) -> Profile:
    found = _store_and_key(handler_input, runtime) if runtime.persistence_enabled else None
    if found is None:
        return Profile()
    store, key = found
    try:
        record = store.load(key)
    except StoreUnavailable:
        _log.warning("profile could not be loaded: storage unavailable")
        return Profile()
    saved: int | None = None
    if record.price_step is not None:
        ids = [step.value for step in PRICE_ORDER]
        saved = ids.index(record.price_step) if record.price_step in ids else None
    return Profile(disclaimer_heard=record.disclaimer_heard, saved_price_step=saved)


# --- request helpers ------------------------------------------------------------------------------


def _store_and_key(handler_input: HandlerInput, runtime: Runtime) -> tuple[UserStore, str] | None:
    """The user's store and key, or None when persistence is off or unreachable."""
    if not runtime.persistence_enabled:
        return None
    uid = _user_id(handler_input)
    store = runtime.store()
    if store is None or uid is None:
        return None
    return store, user_key(uid)


def _user_id(handler_input: HandlerInput) -> str | None:
    system = getattr(handler_input.request_envelope.context, "system", None)
    value = getattr(getattr(system, "user", None), "user_id", None)
    return value if isinstance(value, str) and value else None


def _factory(handler_input: HandlerInput) -> Any:
    try:
        return handler_input.service_client_factory
    except ValueError:  # no apiAccessToken / apiEndpoint in the request
        return None


def _locale(handler_input: HandlerInput) -> str:
    locale = getattr(handler_input.request_envelope.request, "locale", None)
    return locale if isinstance(locale, str) else "en-US"


def _zone_name(handler_input: HandlerInput) -> str | None:
    device = getattr(getattr(handler_input.request_envelope.context, "system", None), "device", None)
    device_id = getattr(device, "device_id", None)
    factory = _factory(handler_input)
    if not isinstance(device_id, str) or not device_id or factory is None:
        return None
    return services.get_time_zone(factory, device_id)
