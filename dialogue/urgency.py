"""How urgent an assessment is, in the dialogue's terms: which sticky emergency guidance it calls
for, which urgent flags a result explains, and when home care (PRICE, ice, a bandage, massage,
stretching) is unsafe.

This is the one place where the dialogue names flag sets. Triage v2 (SPEC.md) adds
``Assessment.urgent_flags``, ``Assessment.child`` and ``triage.vocabulary.SELF_CARE_UNSAFE_FLAGS``;
until those land, the same answers are computed here from ``Assessment.flags`` and ``level``. The
flag lists are written as the SPEC's string values and keep only the flags the vocabulary has, so
the flags triage v2 adds (compartment syndrome, cellulitis...) join without a change here.

The sticky marker in the session state is a cache: ``kind_from_facts`` derives it again from the
facts whenever a state is loaded, so a missing or damaged marker can never silence the guidance.
"""

from __future__ import annotations

from enum import StrEnum

from triage import Assessment, Facts, assess
from triage.vocabulary import CareLevel, Flag

__all__ = [
    "CHILD_AGE",
    "MAX_URGENT_FLAGS",
    "SELF_CARE_UNSAFE_FLAGS",
    "URGENT_FLAG_ORDER",
    "EmergencyKind",
    "clot_suspected",
    "emergency_kind",
    "is_child",
    "kind_from_facts",
    "self_care_unsafe",
    "stronger",
    "urgent_flags",
]

_KNOWN = frozenset(flag.value for flag in Flag)


def _flags(*values: str) -> tuple[Flag, ...]:
    """The named flags that the vocabulary has, in the order given."""
    return tuple(Flag(value) for value in values if value in _KNOWN)


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

#: Flags with which home care is not offered (SPEC: SELF_CARE_UNSAFE_FLAGS).
SELF_CARE_UNSAFE_FLAGS: frozenset[Flag] = frozenset(
    _flags(
        "suspected_dvt",
        "suspected_pe",
        "limb_ischaemia",
        "compartment_syndrome",
        "septic_arthritis",
        "cellulitis",
    )
)

#: Urgent flags, most urgent first (SPEC: Assessment.urgent_flags). ``under_16`` is not here: a
#: child gets no triage result at all.
URGENT_FLAG_ORDER: tuple[Flag, ...] = _flags(
    "suspected_pe",
    "limb_ischaemia",
    "cauda_equina",
    "compartment_syndrome",
    "suspected_dvt",
    "septic_arthritis",
    "possible_fracture",
    "deformity",
    "locked_knee",
    "cellulitis",
    "severe_weakness",
    "popliteal_aneurysm",
    "knee_bleed",
    "bakers_cyst_complication",
    "prolonged_cramp",
    "severe_hamstring_tear",
)
MAX_URGENT_FLAGS = 3
CHILD_AGE = 16
_CLOT_FLAGS = frozenset(_flags("suspected_dvt", "suspected_pe"))
_FRACTURE = _flags("possible_fracture")


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


def kind_from_facts(facts: Facts) -> EmergencyKind | None:
    """The guidance the facts of a session call for (None for a session with no answers)."""
    if facts == Facts.empty():
        return None
    return emergency_kind(assess(facts))


def urgent_flags(assessment: Assessment) -> tuple[Flag, ...]:
    """Every urgent flag that fired, most urgent first, at most three; a possible break is always
    among them (its X-ray reason must never be hidden by another warning)."""
    fired = [flag for flag in URGENT_FLAG_ORDER if flag in assessment.flags]
    chosen = fired[:MAX_URGENT_FLAGS]
    for flag in _FRACTURE:
        if flag in fired and flag not in chosen:
            chosen[-1] = flag
    return tuple(chosen)


def clot_suspected(assessment: Assessment) -> bool:
    return not _CLOT_FLAGS.isdisjoint(assessment.flags)


def self_care_unsafe(assessment: Assessment) -> bool:
    """True when PRICE, ice, a bandage, massage and stretching must not be offered."""
    return assessment.level >= CareLevel.EMERGENCY or not SELF_CARE_UNSAFE_FLAGS.isdisjoint(assessment.flags)


def is_child(facts: Facts) -> bool:
    """Under 16 (SPEC: Assessment.child): no triage result and no doses."""
    return facts.age is not None and facts.age < CHILD_AGE
