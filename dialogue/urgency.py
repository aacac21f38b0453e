"""How urgent an assessment is, in the dialogue's terms: which sticky emergency guidance it calls
for, which urgent flags a result explains, and when home care (PRICE, ice, a bandage, massage,
stretching) is unsafe.

The flag sets themselves are triage's (``SELF_CARE_UNSAFE_FLAGS``, ``Assessment.urgent_flags``,
``Assessment.child``); this module only maps an assessment to the dialogue's decisions.

The sticky marker in the session state is a cache: ``kind_from_facts`` derives it again from the
facts whenever a state is loaded, so a missing or damaged marker can never silence the guidance.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from contextvars import ContextVar
from enum import StrEnum

from triage import Assessment, Facts, assess
from triage.rules import CHILD_AGE
from triage.vocabulary import SELF_CARE_UNSAFE_FLAGS, CareLevel, Flag

__all__ = [
    "SELF_CARE_UNSAFE_FLAGS",
    "EmergencyKind",
    "assessed",
    "clot_suspected",
    "emergency_kind",
    "is_child",
    "kind_from_facts",
    "one_request",
    "self_care_unsafe",
    "stronger",
    "urgent_flags",
]


class EmergencyKind(StrEnum):
    """Which guidance is sticky in this session (the value is what the state stores)."""

    DVT = "dvt"  # a possible clot: see a doctor today; breathless or chest pain: phone now
    PE = "pe"  # a possible clot in the lungs: phone now
    CALL_NOW = "call_now"  # phone the emergency number now (ischaemia, cauda equina...)
    ED = "ed"  # go to the emergency department now (septic joint, locked knee, break...)


#: A stronger kind is never replaced by a weaker one.
_STRENGTH: dict[EmergencyKind, int] = {
    EmergencyKind.DVT: 1,
    EmergencyKind.ED: 2,
    EmergencyKind.PE: 3,
    EmergencyKind.CALL_NOW: 3,
}

_CLOT_FLAGS = frozenset({Flag.SUSPECTED_DVT, Flag.SUSPECTED_PE})


def stronger(first: EmergencyKind | None, second: EmergencyKind | None) -> EmergencyKind | None:
    """The stronger of two kinds (the first when they are equally strong)."""
    if first is None:
        return second
    if second is None or _STRENGTH[first] >= _STRENGTH[second]:
        return first
    return second


def emergency_kind(assessment: Assessment) -> EmergencyKind | None:
    """The sticky guidance an assessment calls for: phone now, go now, or see a doctor today."""
    if Flag.SUSPECTED_PE in assessment.flags:
        return EmergencyKind.PE
    if assessment.level >= CareLevel.EMERGENCY_AMBULANCE:
        return EmergencyKind.CALL_NOW
    if assessment.level >= CareLevel.EMERGENCY:
        return EmergencyKind.ED
    if Flag.SUSPECTED_DVT in assessment.flags:
        return EmergencyKind.DVT
    return None


#: The assessments of the current request, by facts (None outside a request: no memo).
_ASSESSED: ContextVar[dict[Facts, Assessment] | None] = ContextVar("knee_helper_assessed", default=None)


def one_request() -> AbstractContextManager[None]:
    """Within the block (one request), equal facts are assessed once: loading the state, the
    conversation, home care's safety check and the metrics share one assessment. The memo ends
    with the block; nothing about anyone outlives the request."""
    return _OneRequest()


class _OneRequest:
    """:func:`one_request` as a plain context manager (no generator frame per request)."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _ASSESSED.set({})

    def __exit__(self, *exc_info: object) -> None:
        _ASSESSED.reset(self._token)


def assessed(facts: Facts) -> Assessment:
    """``triage.assess(facts)``, computed once per facts within :func:`one_request`."""
    memo = _ASSESSED.get()
    if memo is None:
        return assess(facts)
    assessment = memo.get(facts)
    if assessment is None:
        assessment = memo[facts] = assess(facts)
    return assessment


def kind_from_facts(facts: Facts) -> EmergencyKind | None:
    """The guidance the facts of a session call for (None for a session with no answers)."""
    if facts == Facts.empty():
        return None
    return emergency_kind(assessed(facts))


def urgent_flags(assessment: Assessment) -> tuple[Flag, ...]:
    """Every urgent flag that fired, most urgent first, at most three (a possible break always
    among them): triage's ``Assessment.urgent_flags``."""
    return assessment.urgent_flags


def clot_suspected(assessment: Assessment) -> bool:
    return not _CLOT_FLAGS.isdisjoint(assessment.flags)


def self_care_unsafe(assessment: Assessment) -> bool:
    """True when PRICE, ice, a bandage, massage and stretching must not be offered."""
    return assessment.level >= CareLevel.EMERGENCY or not SELF_CARE_UNSAFE_FLAGS.isdisjoint(assessment.flags)


def is_child(facts: Facts) -> bool:
    """Under 16: no triage result and no doses (the age triage's child rule uses)."""
    return facts.age is not None and facts.age < CHILD_AGE
