"""Safety rules (clinical-facts 2.12): facts in, care level + flags + fired rule ids out.

Every rule is a monotone condition: it only looks at findings being PRESENT, or (for "where it
hurts" and "after an injury") at findings *not being ruled out*. So answering UNKNOWN never gives a
lower level than answering ABSENT, and adding a present finding never removes a fired rule.
All rules are evaluated; the most urgent level wins; every flag of every fired rule is raised (so the
DVT flag is raised even when a more urgent rule also fires). Nothing here ever lowers a level:
there are no negative (Wells-style) points and no "alternative explanation" escape.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from enum import StrEnum

from triage.facts import Facts
from triage.vocabulary import Answer, CareLevel, Finding, Flag


class RuleId(StrEnum):
    """Stable ids of the triage rules; content provides a plain-words text for each."""

    # emergency_ambulance
    PE_SIGNS = "pe_signs"
    LIMB_ISCHAEMIA = "limb_ischaemia"
    CAUDA_EQUINA = "cauda_equina"
    CAUDA_EQUINA_BOTH_LEGS = "cauda_equina_both_legs"
    # emergency
    SEPTIC_ARTHRITIS = "septic_arthritis"
    DEFORMITY = "deformity"
    LOCKED_KNEE = "locked_knee"
    SEVERE_INJURY_CANNOT_BEAR_WEIGHT = "severe_injury_cannot_bear_weight"
    # consultation_24
    DVT_SIGNS = "dvt_signs"
    DVT_RISK_FACTOR = "dvt_risk_factor"
    BAKERS_CYST_COMPLICATION = "bakers_cyst_complication"
    OTTAWA_POSITIVE = "ottawa_positive"
    CANNOT_BEAR_WEIGHT = "cannot_bear_weight"
    BADLY_SWOLLEN_KNEE = "badly_swollen_knee"
    GIVING_WAY = "giving_way"
    PROLONGED_CRAMP = "prolonged_cramp"
    SEVERE_HAMSTRING_TEAR = "severe_hamstring_tear"
    # consultation
    PERSISTENT_PAIN = "persistent_pain"
    TROUBLESOME_CRAMPS = "troublesome_cramps"
    LUMP_BEHIND_KNEE = "lump_behind_knee"
    MECHANICAL_SYMPTOMS = "mechanical_symptoms"
    SUSPECTED_OSTEOARTHRITIS = "suspected_osteoarthritis"
    SUSPECTED_CHONDROMALACIA = "suspected_chondromalacia"
    # self_care (fires only when nothing else does)
    NO_WARNING_SIGNS = "no_warning_signs"


#: The care level each rule sets.
RULE_LEVEL: dict[RuleId, CareLevel] = {
    RuleId.PE_SIGNS: CareLevel.EMERGENCY_AMBULANCE,
    RuleId.LIMB_ISCHAEMIA: CareLevel.EMERGENCY_AMBULANCE,
    RuleId.CAUDA_EQUINA: CareLevel.EMERGENCY_AMBULANCE,
    RuleId.CAUDA_EQUINA_BOTH_LEGS: CareLevel.EMERGENCY_AMBULANCE,
    RuleId.SEPTIC_ARTHRITIS: CareLevel.EMERGENCY,
    RuleId.DEFORMITY: CareLevel.EMERGENCY,
    RuleId.LOCKED_KNEE: CareLevel.EMERGENCY,
    RuleId.SEVERE_INJURY_CANNOT_BEAR_WEIGHT: CareLevel.EMERGENCY,
    RuleId.DVT_SIGNS: CareLevel.CONSULTATION_24,
    RuleId.DVT_RISK_FACTOR: CareLevel.CONSULTATION_24,
    RuleId.BAKERS_CYST_COMPLICATION: CareLevel.CONSULTATION_24,
    RuleId.OTTAWA_POSITIVE: CareLevel.CONSULTATION_24,
    RuleId.CANNOT_BEAR_WEIGHT: CareLevel.CONSULTATION_24,
    RuleId.BADLY_SWOLLEN_KNEE: CareLevel.CONSULTATION_24,
    RuleId.GIVING_WAY: CareLevel.CONSULTATION_24,
    RuleId.PROLONGED_CRAMP: CareLevel.CONSULTATION_24,
    RuleId.SEVERE_HAMSTRING_TEAR: CareLevel.CONSULTATION_24,
    RuleId.PERSISTENT_PAIN: CareLevel.CONSULTATION,
    RuleId.TROUBLESOME_CRAMPS: CareLevel.CONSULTATION,
    RuleId.LUMP_BEHIND_KNEE: CareLevel.CONSULTATION,
    RuleId.MECHANICAL_SYMPTOMS: CareLevel.CONSULTATION,
    RuleId.SUSPECTED_OSTEOARTHRITIS: CareLevel.CONSULTATION,
    RuleId.SUSPECTED_CHONDROMALACIA: CareLevel.CONSULTATION,
    RuleId.NO_WARNING_SIGNS: CareLevel.SELF_CARE,
}

#: The flags each rule raises.
RULE_FLAGS: dict[RuleId, frozenset[Flag]] = {
    RuleId.PE_SIGNS: frozenset({Flag.SUSPECTED_PE}),
    RuleId.LIMB_ISCHAEMIA: frozenset({Flag.LIMB_ISCHAEMIA}),
    RuleId.CAUDA_EQUINA: frozenset({Flag.CAUDA_EQUINA}),
    RuleId.CAUDA_EQUINA_BOTH_LEGS: frozenset({Flag.CAUDA_EQUINA}),
    RuleId.SEPTIC_ARTHRITIS: frozenset({Flag.SEPTIC_ARTHRITIS}),
    RuleId.DEFORMITY: frozenset({Flag.DEFORMITY}),
    RuleId.LOCKED_KNEE: frozenset({Flag.LOCKED_KNEE}),
    RuleId.SEVERE_INJURY_CANNOT_BEAR_WEIGHT: frozenset({Flag.POSSIBLE_FRACTURE}),
    RuleId.DVT_SIGNS: frozenset({Flag.SUSPECTED_DVT}),
    RuleId.DVT_RISK_FACTOR: frozenset({Flag.SUSPECTED_DVT}),
    RuleId.BAKERS_CYST_COMPLICATION: frozenset({Flag.BAKERS_CYST_COMPLICATION, Flag.SUSPECTED_DVT}),
    RuleId.OTTAWA_POSITIVE: frozenset({Flag.POSSIBLE_FRACTURE}),
    RuleId.PROLONGED_CRAMP: frozenset({Flag.PROLONGED_CRAMP}),
    RuleId.SEVERE_HAMSTRING_TEAR: frozenset({Flag.SEVERE_HAMSTRING_TEAR}),
}

#: Rules in order of urgency (most urgent first); ties keep declaration order.
RULES_BY_URGENCY: tuple[RuleId, ...] = tuple(sorted(RuleId, key=lambda r: -RULE_LEVEL[r]))
_URGENCY_INDEX: dict[RuleId, int] = {r: i for i, r in enumerate(RULES_BY_URGENCY)}

# --- finding sets the rules use ----------------------------------------------------------
#: Leg signs that, with calf or back-of-knee pain, make a clot possible.
DVT_LEG_SIGNS: tuple[Finding, ...] = (
    Finding.SWELLING_CALF,
    Finding.SKIN_CHANGES,  # group: warm, red or darker skin
    Finding.SWELLING_WHOLE_LEG,
    Finding.WARMTH,
    Finding.REDNESS,
    Finding.DISCOLOURATION,
    Finding.HARD_TENDER_VEINS,
    Finding.PAIN_FLEXING_FOOT,
)
#: Clot risk factors (age >= 60 is the other one): the three screening groups, then their atoms
#: (an atom present makes its group present, so listing both is belt and braces).
CLOT_RISK_FACTORS: tuple[Finding, ...] = (
    Finding.RECENT_IMMOBILITY,
    Finding.HORMONAL_RISK,
    Finding.CLOT_HISTORY,
    Finding.RECENT_SURGERY,
    Finding.BED_REST_3_DAYS,
    Finding.PLASTER_CAST,
    Finding.LONG_JOURNEY,
    Finding.MECH_LONG_SITTING_OR_TRAVEL,
    Finding.PREGNANT_OR_POSTPARTUM,
    Finding.HORMONES,
    Finding.CANCER,
    Finding.PREVIOUS_CLOT,
)
CLOT_RISK_AGE = 60
OTTAWA_AGE = 55
#: Signs that, with a lump behind the knee, suggest a burst or complicated Baker's cyst.
BAKERS_COMPLICATION_SIGNS: tuple[Finding, ...] = (
    Finding.SUDDEN_WORSENING,
    Finding.SKIN_CHANGES,
    Finding.WARMTH,
    Finding.REDNESS,
    Finding.DISCOLOURATION,
    Finding.SWELLING_CALF,
    Finding.SWELLING_WHOLE_LEG,
)
#: Signs of an inflamed joint (with fever: septic arthritis). A "yes" to the skin-changes group (warm,
#: red or darker skin) counts too: with fever, escalate rather than ask which one it was.
HOT_JOINT_SIGNS: tuple[Finding, ...] = (
    Finding.SWELLING_KNEE,
    Finding.REDNESS,
    Finding.WARMTH,
    Finding.SKIN_CHANGES,
)

#: Every finding that can, on its own or with others, fire a rule at CONSULTATION_24 or above.
RED_FLAG_FINDINGS: frozenset[Finding] = frozenset(
    {
        Finding.PE_SIGNS,
        Finding.BREATHLESSNESS,
        Finding.CHEST_PAIN,
        Finding.COUGHING_BLOOD,
        Finding.FAINTING,
        Finding.COLD_PALE_LEG,
        Finding.BLADDER_BOWEL_CHANGE,
        Finding.FEVER_UNWELL,
        Finding.DEFORMITY,
        Finding.LOCKED_NOW,
        Finding.CANNOT_BEAR_WEIGHT,
        Finding.CANNOT_BEND_90,
        Finding.GIVING_WAY,
        Finding.CRAMP_OVER_10_MIN,
        *DVT_LEG_SIGNS,
        *CLOT_RISK_FACTORS,
        *BAKERS_COMPLICATION_SIGNS,
        *HOT_JOINT_SIGNS,
    }
)

_A = Answer.ABSENT
_DVT_LEG_SIGNS_SET = frozenset(DVT_LEG_SIGNS)
_CLOT_RISK_SET = frozenset(CLOT_RISK_FACTORS)
_BAKERS_COMPLICATION_SET = frozenset(BAKERS_COMPLICATION_SIGNS)
_HOT_JOINT_SET = frozenset(HOT_JOINT_SIGNS)
_CRAMP_COMPANIONS = frozenset(
    {Finding.NUMBNESS_TINGLING, Finding.SWELLING_CALF, Finding.SWELLING_KNEE, Finding.SWELLING_WHOLE_LEG}
)
_CAUDA_EQUINA_BOTH_LEGS = frozenset(
    {Finding.BACK_PAIN, Finding.BOTH_LEGS, Finding.WEAKNESS, Finding.NUMBNESS_TINGLING}
)


def fired_rules(
    facts: Facts,
    present: AbstractSet[Finding],
    oa_suspected: bool,
    chondromalacia_suspected: bool,
) -> tuple[RuleId, ...]:
    """All rules whose condition holds, most urgent first (never empty: NO_WARNING_SIGNS at least).

    ``present`` is the set of findings resolved PRESENT in ``facts``; ``oa_suspected`` and
    ``chondromalacia_suspected`` come from the (monotone) sign counts in ``triage.evidence``.
    """
    get = facts.resolved.get
    age = facts.age
    fired: list[RuleId] = []
    add = fired.append

    # --- emergency ambulance -------------------------------------------------------------
    if Finding.PE_SIGNS in present:  # resolved: any atom present makes the group present
        add(RuleId.PE_SIGNS)
    if Finding.COLD_PALE_LEG in present:
        add(RuleId.LIMB_ISCHAEMIA)
    if Finding.BLADDER_BOWEL_CHANGE in present:
        add(RuleId.CAUDA_EQUINA)
    if present >= _CAUDA_EQUINA_BOTH_LEGS:
        add(RuleId.CAUDA_EQUINA_BOTH_LEGS)

    # --- emergency -----------------------------------------------------------------------------
    if Finding.FEVER_UNWELL in present and not _HOT_JOINT_SET.isdisjoint(present):
        add(RuleId.SEPTIC_ARTHRITIS)
    if Finding.DEFORMITY in present:
        add(RuleId.DEFORMITY)
    if Finding.LOCKED_NOW in present:
        add(RuleId.LOCKED_KNEE)
    cannot_bear = Finding.CANNOT_BEAR_WEIGHT in present
    severe = Finding.SEVERE_PAIN in present
    if severe and cannot_bear and get(Finding.RECENT_INJURY) is not _A:
        add(RuleId.SEVERE_INJURY_CANNOT_BEAR_WEIGHT)

    # --- consultation within 24 hours -----------------------------------------------------------
    # Calf or back-of-knee pain unless both were ruled out; sidedness never clears it.
    if get(Finding.PAIN_CALF) is not _A or get(Finding.PAIN_BEHIND_KNEE) is not _A:
        if not _DVT_LEG_SIGNS_SET.isdisjoint(present):
            add(RuleId.DVT_SIGNS)
        if (age is not None and age >= CLOT_RISK_AGE) or not _CLOT_RISK_SET.isdisjoint(present):
            add(RuleId.DVT_RISK_FACTOR)
    if Finding.LUMP_BEHIND_KNEE in present and not _BAKERS_COMPLICATION_SET.isdisjoint(present):
        add(RuleId.BAKERS_CYST_COMPLICATION)
    if Finding.RECENT_INJURY in present and (
        cannot_bear or Finding.CANNOT_BEND_90 in present or (age is not None and age >= OTTAWA_AGE)
    ):
        add(RuleId.OTTAWA_POSITIVE)
    if cannot_bear:
        add(RuleId.CANNOT_BEAR_WEIGHT)
    if severe and Finding.SWELLING_KNEE in present:
        add(RuleId.BADLY_SWOLLEN_KNEE)
    if Finding.GIVING_WAY in present:
        add(RuleId.GIVING_WAY)
    if Finding.CRAMP_OVER_10_MIN in present:
        add(RuleId.PROLONGED_CRAMP)
    if Finding.POPPING in present and Finding.PAIN_THIGH in present and (cannot_bear or severe):
        add(RuleId.SEVERE_HAMSTRING_TEAR)

    # --- consultation -------------------------------------------------------------------------------
    if Finding.PERSISTENT_WEEKS in present:
        add(RuleId.PERSISTENT_PAIN)
    if Finding.CRAMPS_AT_NIGHT in present or (
        Finding.CRAMPING in present and not _CRAMP_COMPANIONS.isdisjoint(present)
    ):
        add(RuleId.TROUBLESOME_CRAMPS)
    if Finding.LUMP_BEHIND_KNEE in present:
        add(RuleId.LUMP_BEHIND_KNEE)
    if Finding.LOCKING in present:
        add(RuleId.MECHANICAL_SYMPTOMS)
    if oa_suspected:
        add(RuleId.SUSPECTED_OSTEOARTHRITIS)
    if chondromalacia_suspected:
        add(RuleId.SUSPECTED_CHONDROMALACIA)

    if not fired:
        return _NO_RULES
    if len(fired) > 1:
        fired.sort(key=_URGENCY_INDEX.__getitem__)
    return tuple(fired)


_NO_RULES: tuple[RuleId, ...] = (RuleId.NO_WARNING_SIGNS,)


def level_and_flags(rules: tuple[RuleId, ...]) -> tuple[CareLevel, frozenset[Flag]]:
    """The most urgent level among ``rules`` (sorted most urgent first) and the union of their flags."""
    level = RULE_LEVEL[rules[0]]
    flags: frozenset[Flag] = frozenset()
    for rule in rules:
        rf = RULE_FLAGS.get(rule)
        if rf is not None:
            flags = flags | rf
    return level, flags
