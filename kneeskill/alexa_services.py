"""Alexa Timers, Reminders and Settings (time zone) as small functions that never raise.

Each call goes through the ASK SDK service clients from ``handler_input.service_client_factory``
(the skill's ``LoopbackAwareApiClient`` has a short timeout). Failures come back as a
:class:`ServiceOutcome` so the handler can say something useful instead ("I couldn't set a timer,
so keep an eye on the clock: 20 minutes"). Nothing here logs tokens, ids or speech text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import msgspec
from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services.reminder_management.alert_info import AlertInfo
from ask_sdk_model.services.reminder_management.push_notification import PushNotification
from ask_sdk_model.services.reminder_management.push_notification_status import PushNotificationStatus
from ask_sdk_model.services.reminder_management.reminder_request import ReminderRequest
from ask_sdk_model.services.reminder_management.spoken_info import SpokenInfo
from ask_sdk_model.services.reminder_management.spoken_text import SpokenText
from ask_sdk_model.services.reminder_management.trigger import Trigger
from ask_sdk_model.services.reminder_management.trigger_type import TriggerType
from ask_sdk_model.services.service_exception import ServiceException
from ask_sdk_model.services.timer_management.announce_operation import AnnounceOperation
from ask_sdk_model.services.timer_management.creation_behavior import CreationBehavior
from ask_sdk_model.services.timer_management.display_experience import DisplayExperience
from ask_sdk_model.services.timer_management.notification_config import NotificationConfig
from ask_sdk_model.services.timer_management.text_to_announce import TextToAnnounce
from ask_sdk_model.services.timer_management.timer_request import TimerRequest
from ask_sdk_model.services.timer_management.triggering_behavior import TriggeringBehavior
from ask_sdk_model.services.timer_management.visibility import Visibility

from kneeskill import observability

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.connections.send_request_directive import SendRequestDirective

TIMER_SCOPE = "alexa::alerts:timers:skill:readwrite"
REMINDER_SCOPE = "alexa::alerts:reminders:skill:readwrite"
MAX_TIMER_MINUTES = 24 * 60
_PERMISSION_CODES = frozenset({401, 403})
_DEVICE_OFFLINE_CODES = frozenset({504})
_NOT_FOUND_CODES = frozenset({404})


class ServiceOutcome(StrEnum):
    """How an Alexa service call went, in terms the dialogue can act on."""

    OK = "ok"
    NO_PERMISSION = "no_permission"  # 401/403: ask for (or explain) the permission
    DEVICE_OFFLINE = "device_offline"  # 504 / "Device offline"
    TIMEOUT = "timeout"  # the service did not answer within the client's timeout
    NOT_FOUND = "not_found"  # 404: no such timer (it has gone off, or was cancelled on the device)
    FAILED = "failed"  # anything else


class PermissionAnswer(StrEnum):
    """The user's answer to a voice permission request (Connections.Response ``AskFor``)."""

    ACCEPTED = "ACCEPTED"
    DENIED = "DENIED"
    NOT_ANSWERED = "NOT_ANSWERED"


class TimerResult(msgspec.Struct, frozen=True):
    outcome: ServiceOutcome
    timer_id: str | None = None


class ReminderResult(msgspec.Struct, frozen=True):
    outcome: ServiceOutcome
    alert_token: str | None = None


def start_ice_timer(
    factory: Any, *, minutes: int, locale: str, announce_text: str, label: str = "ice"
) -> TimerResult:
    """Start a visible, audible timer that announces ``announce_text`` in ``locale`` when it ends."""
    if not 1 <= minutes <= MAX_TIMER_MINUTES:
        return TimerResult(ServiceOutcome.FAILED)
    request = TimerRequest(
        duration=f"PT{minutes}M",
        timer_label=label,
        creation_behavior=CreationBehavior(
            display_experience=DisplayExperience(visibility=Visibility.VISIBLE)
        ),
        triggering_behavior=TriggeringBehavior(
            operation=AnnounceOperation(text_to_announce=[TextToAnnounce(locale=locale, text=announce_text)]),
            notification_config=NotificationConfig(play_audible=True),
        ),
    )
    try:
        response = factory.get_timer_management_service().create_timer(request)
    except Exception as error:
        return TimerResult(_failed(error))
    timer_id = getattr(response, "id", None)
    return TimerResult(ServiceOutcome.OK, timer_id if isinstance(timer_id, str) else None)


class TimerRead(msgspec.Struct, frozen=True):
    """A timer read back: ``remaining_seconds`` None when no timer of this skill is running."""

    outcome: ServiceOutcome
    remaining_seconds: int | None = None


def cancel_timer(factory: Any, timer_id: str | None) -> ServiceOutcome:
    """DELETE one timer (``timer_id``) or every timer this skill made (None). A timer that has
    already gone off is no failure: there is nothing left to cancel."""
    try:
        service = factory.get_timer_management_service()
        if timer_id is None:
            service.delete_timers()
        else:
            service.delete_timer(timer_id)
    except Exception as error:
        outcome = _failed(error)
        return ServiceOutcome.OK if outcome is ServiceOutcome.NOT_FOUND else outcome
    return ServiceOutcome.OK


def read_timer(factory: Any, timer_id: str | None, now: datetime) -> TimerRead:
    """GET the ice timer (``timer_id``), or the latest-ending running timer of this skill (None),
    and how many seconds it has left at ``now``."""
    try:
        service = factory.get_timer_management_service()
        if timer_id is not None:
            timers = [service.get_timer(timer_id)]
        else:
            timers = list(getattr(service.get_timers(), "timers", None) or [])
    except Exception as error:
        outcome = _failed(error)
        if outcome is ServiceOutcome.NOT_FOUND:
            return TimerRead(ServiceOutcome.OK, None)
        return TimerRead(outcome)
    left = [s for s in (_remaining(t, now) for t in timers) if s is not None]
    return TimerRead(ServiceOutcome.OK, max(left) if left else None)


def _remaining(timer: Any, now: datetime) -> int | None:
    status = str(getattr(getattr(timer, "status", None), "value", getattr(timer, "status", "")))
    if status == "PAUSED":
        paused = _seconds(getattr(timer, "remaining_time_when_paused", None))
        return paused if paused and paused > 0 else None
    if status not in ("ON", ""):
        return None
    trigger = getattr(timer, "trigger_time", None)
    if isinstance(trigger, str):
        try:
            trigger = datetime.fromisoformat(trigger.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(trigger, datetime):
        return None
    if trigger.tzinfo is None:
        trigger = trigger.replace(tzinfo=UTC)
    left = int((trigger - now).total_seconds())
    return left if left > 0 else None


def _seconds(duration: object) -> int | None:
    """``PT4M30S`` -> 270 (hours, minutes and seconds only)."""
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", str(duration or ""))
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return int(hours * 3600 + minutes * 60 + seconds)


def schedule_reminder(
    factory: Any,
    *,
    at: datetime,
    time_zone: str | None,
    locale: str,
    text: str,
    now: datetime | None = None,
) -> ReminderResult:
    """Schedule a one-off spoken reminder at ``at`` (a tz-aware moment).

    With a known IANA ``time_zone`` the reminder is SCHEDULED_ABSOLUTE at the user's local wall-clock
    time; without one (or if the zone is unknown here) it falls back to SCHEDULED_RELATIVE, an offset
    from now, which is right in any time zone.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        return ReminderResult(ServiceOutcome.FAILED)
    current = now or datetime.now(UTC)
    zone = _zone(time_zone)
    if zone is not None and time_zone is not None:
        local = at.astimezone(zone).replace(tzinfo=None, microsecond=0)
        trigger = Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE, scheduled_time=local, time_zone_id=time_zone
        )
    else:
        offset = int((at - current).total_seconds())
        if offset <= 0:
            return ReminderResult(ServiceOutcome.FAILED)
        trigger = Trigger(object_type=TriggerType.SCHEDULED_RELATIVE, offset_in_seconds=offset)
    request = ReminderRequest(
        request_time=current.astimezone(UTC).replace(tzinfo=None, microsecond=0),
        trigger=trigger,
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )
    try:
        response = factory.get_reminder_management_service().create_reminder(request)
    except Exception as error:
        return ReminderResult(_failed(error))
    token = getattr(response, "alert_token", None)
    return ReminderResult(ServiceOutcome.OK, token if isinstance(token, str) else None)


def get_time_zone(factory: Any, device_id: str) -> str | None:
    """The device's IANA time zone from the Settings API, or None on any failure."""
    try:
        zone = factory.get_ups_service().get_system_time_zone(device_id)
    except Exception as error:
        _failed(error)
        return None
    return zone.strip() if isinstance(zone, str) and zone.strip() else None


def permission_request_directive(scope: str, token: str) -> SendRequestDirective:
    """Connections.SendRequest ``AskFor`` (AskForPermissionsConsentRequest v2) for one scope."""
    # The Connections package (7 modules): only a turn that asks for a permission needs it.
    from ask_sdk_model.interfaces.connections.send_request_directive import (  # noqa: PLC0415
        SendRequestDirective,
    )

    return SendRequestDirective(
        name="AskFor",
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": scope, "consentLevel": "ACCOUNT"}],
        },
        token=token,
    )


def timer_permission_request_directive(token: str) -> SendRequestDirective:
    """Ask by voice for the timers permission."""
    return permission_request_directive(TIMER_SCOPE, token)


def reminder_permission_scope() -> str:
    return REMINDER_SCOPE


def parse_permission_response(request: Any) -> PermissionAnswer | None:
    """The answer in a ``Connections.Response`` named ``AskFor``; None for any other request.

    A response with an error status or without a recognisable ``payload.status`` counts as NOT_ANSWERED.
    """
    if (
        getattr(request, "object_type", None) != "Connections.Response"
        or getattr(request, "name", None) != "AskFor"
    ):
        return None
    payload = getattr(request, "payload", None)
    status = payload.get("status") if isinstance(payload, dict) else None
    try:
        return PermissionAnswer(str(status).upper())
    except ValueError:
        return PermissionAnswer.NOT_ANSWERED


def _failed(error: BaseException) -> ServiceOutcome:
    """The outcome of a failed call, counted (a missing permission or timer is no failure of the API)."""
    outcome = outcome_for(error)
    if outcome not in (ServiceOutcome.NO_PERMISSION, ServiceOutcome.NOT_FOUND):
        observability.count(observability.Metric.ALEXA_API_FAILURES)
    return outcome


def outcome_for(error: BaseException) -> ServiceOutcome:
    """Map a service-client failure to a :class:`ServiceOutcome`."""
    if isinstance(error, ServiceException):
        status = getattr(error, "status_code", None)
        if status in _PERMISSION_CODES:
            return ServiceOutcome.NO_PERMISSION
        if status in _NOT_FOUND_CODES:
            return ServiceOutcome.NOT_FOUND
        if status in _DEVICE_OFFLINE_CODES or _mentions(error, "device offline"):
            return ServiceOutcome.DEVICE_OFFLINE
        # The SDK wraps ApiClient failures as ServiceException(500, "Call to service failed: ...").
        if _mentions(error, "timeout"):
            return ServiceOutcome.TIMEOUT
        return ServiceOutcome.FAILED
    if isinstance(error, (ApiClientException, TimeoutError)):
        return ServiceOutcome.TIMEOUT if _mentions(error, "timeout") else ServiceOutcome.FAILED
    return ServiceOutcome.FAILED


def _mentions(error: BaseException, word: str) -> bool:
    texts = [str(error), type(error).__name__]
    body = getattr(error, "body", None)
    message = (
        getattr(body, "message", None) if body is not None and not isinstance(body, (str, dict)) else None
    )
    if isinstance(body, dict):
        message = body.get("message")
    elif isinstance(body, str):
        message = body
    if isinstance(message, str):
        texts.append(message)
    return any(word in text.lower() for text in texts)


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415  # only a call that reads a time zone

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
