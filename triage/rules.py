"""Safety rules (clinical-facts 2.12): facts in, care level + flags + fired rule ids out.

Every rule is a monotone condition: it only looks at findings being PRESENT or UNCLEAR (a second
"not sure" to a red-flag question counts as present), or (for "where it hurts" and "after an
injury") at findings *not being ruled out*. Age never raises the clot flag on its own. So answering
UNKNOWN never gives a lower level than answering ABSENT, and adding a present finding never removes
a fired rule.
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
    FAINT_OR_RACING_HEART = "faint_or_racing_heart"
    LIMB_ISCHAEMIA = "limb_ischaemia"
    CAUDA_EQUINA = "cauda_equina"
    CAUDA_EQUINA_BOTH_LEGS = "cauda_equina_both_legs"
    SCIATICA_BOTH_LEGS = "sciatica_both_legs"
    SEVERE_WEAKNESS_BOTH_LEGS = "severe_weakness_both_legs"
    # emergency
    SEPTIC_ARTHRITIS = "septic_arthritis"
    DEFORMITY = "deformity"
    LOCKED_KNEE = "locked_knee"
    SEVERE_INJURY_CANNOT_BEAR_WEIGHT = "severe_injury_cannot_bear_weight"
    COMPARTMENT_SYNDROME = "compartment_syndrome"
    SEVERE_WEAKNESS = "severe_weakness"
    # consultation_24
    CHILD = "child"
    DVT_SIGNS = "dvt_signs"
    DVT_RISK_FACTOR = "dvt_risk_factor"
    BAKERS_CYST_COMPLICATION = "bakers_cyst_complication"
    CELLULITIS = "cellulitis"
    POPLITEAL_ANEURYSM = "popliteal_aneurysm"
    PROSTHETIC_JOINT_HOT_OR_SWOLLEN = "prosthetic_joint_hot_or_swollen"
    WEAK_LEG = "weak_leg"
    KNEE_BLEED = "knee_bleed"
    INJURY_SWELLING_ON_BLOOD_THINNERS = "injury_swelling_on_blood_thinners"
    OTTAWA_POSITIVE = "ottawa_positive"
    CANNOT_BEAR_WEIGHT = "cannot_bear_weight"
    BADLY_SWOLLEN_KNEE = "badly_swollen_knee"
    GIVING_WAY = "giving_way"
    PROLONGED_CRAMP = "prolonged_cramp"
    SEVERE_HAMSTRING_TEAR = "severe_hamstring_tear"
    # consultation
    SEVERE_PAIN = "severe_pain"
    SWOLLEN_KNEE = "swollen_knee"
    PERSISTENT_PAIN = "persistent_pain"
    TROUBLESOME_CRAMPS = "troublesome_cramps"
    LUMP_BEHIND_KNEE = "lump_behind_knee"
    MECHANICAL_SYMPTOMS = "mechanical_symptoms"
    SUSPECTED_OSTEOARTHRITIS = "suspected_osteoarthritis"
    SUSPECTED_CHONDROMALACIA = "suspected_chondromalacia"
    TYPICAL_CARE = "typical_care"  # the confident lead cause's usual care (conditions.yaml typical_care)
    # self_care (fires only when nothing else does)
    NO_WARNING_SIGNS = "no_warning_signs"


_E5, _E4, _C24, _C2 = (
    CareLevel.EMERGENCY_AMBULANCE,
    CareLevel.EMERGENCY,
    CareLevel.CONSULTATION_24,
    CareLevel.CONSULTATION,
)
#: The care level each rule sets.
RULE_LEVEL: dict[RuleId, CareLevel] = {
    RuleId.PE_SIGNS: _E5,
    RuleId.FAINT_OR_RACING_HEART: _E5,
    RuleId.LIMB_ISCHAEMIA: _E5,
    RuleId.CAUDA_EQUINA: _E5,
    RuleId.CAUDA_EQUINA_BOTH_LEGS: _E5,
    # Sciatica or severe or worsening weakness in both legs are cauda equina signs (clinical-facts 2.7),
    # and 2.12 level 1 puts every cauda equina sign at "call now" (2.7 says "A&E or call an ambulance";
    # the more urgent reading is kept, as for every sign a source puts at two levels).
    RuleId.SCIATICA_BOTH_LEGS: _E5,
    RuleId.SEVERE_WEAKNESS_BOTH_LEGS: _E5,
    RuleId.SEPTIC_ARTHRITIS: _E4,
    RuleId.DEFORMITY: _E4,
    RuleId.LOCKED_KNEE: _E4,
    RuleId.SEVERE_INJURY_CANNOT_BEAR_WEIGHT: _E4,
    RuleId.COMPARTMENT_SYNDROME: _E4,
    RuleId.SEVERE_WEAKNESS: _E4,
    RuleId.CHILD: _C24,
    RuleId.DVT_SIGNS: _C24,
    RuleId.DVT_RISK_FACTOR: _C24,
    RuleId.BAKERS_CYST_COMPLICATION: _C24,
    RuleId.CELLULITIS: _C24,
    RuleId.POPLITEAL_ANEURYSM: _C24,
    RuleId.PROSTHETIC_JOINT_HOT_OR_SWOLLEN: _C24,
    RuleId.KNEE_BLEED: _C24,
    RuleId.INJURY_SWELLING_ON_BLOOD_THINNERS: _C24,
    RuleId.OTTAWA_POSITIVE: _C24,
    RuleId.CANNOT_BEAR_WEIGHT: _C24,
    RuleId.BADLY_SWOLLEN_KNEE: _C24,
    RuleId.GIVING_WAY: _C24,
    RuleId.PROLONGED_CRAMP: _C24,
    RuleId.SEVERE_HAMSTRING_TEAR: _C24,
    RuleId.WEAK_LEG: _C24,
    RuleId.SEVERE_PAIN: _C2,
    RuleId.SWOLLEN_KNEE: _C2,
    RuleId.PERSISTENT_PAIN: _C2,
    RuleId.TROUBLESOME_CRAMPS: _C2,
    RuleId.LUMP_BEHIND_KNEE: _C2,
    RuleId.MECHANICAL_SYMPTOMS: _C2,
    RuleId.SUSPECTED_OSTEOARTHRITIS: _C2,
    RuleId.SUSPECTED_CHONDROMALACIA: _C2,
    RuleId.TYPICAL_CARE: _C2,
    RuleId.NO_WARNING_SIGNS: CareLevel.SELF_CARE,
}

#: The flags each rule raises.
RULE_FLAGS: dict[RuleId, frozenset[Flag]] = {
    RuleId.PE_SIGNS: frozenset({Flag.SUSPECTED_PE}),
    RuleId.FAINT_OR_RACING_HEART: frozenset({Flag.SUSPECTED_PE}),
    RuleId.LIMB_ISCHAEMIA: frozenset({Flag.LIMB_ISCHAEMIA}),
    RuleId.CAUDA_EQUINA: frozenset({Flag.CAUDA_EQUINA}),
    RuleId.CAUDA_EQUINA_BOTH_LEGS: frozenset({Flag.CAUDA_EQUINA}),
    RuleId.SEPTIC_ARTHRITIS: frozenset({Flag.SEPTIC_ARTHRITIS}),
    RuleId.DEFORMITY: frozenset({Flag.DEFORMITY}),
    RuleId.LOCKED_KNEE: frozenset({Flag.LOCKED_KNEE}),
    RuleId.SEVERE_INJURY_CANNOT_BEAR_WEIGHT: frozenset({Flag.POSSIBLE_FRACTURE}),
    RuleId.COMPARTMENT_SYNDROME: frozenset({Flag.COMPARTMENT_SYNDROME}),
    RuleId.SCIATICA_BOTH_LEGS: frozenset({Flag.CAUDA_EQUINA}),
    RuleId.SEVERE_WEAKNESS_BOTH_LEGS: frozenset({Flag.SEVERE_WEAKNESS, Flag.CAUDA_EQUINA}),
    RuleId.CHILD: frozenset({Flag.UNDER_16}),
    RuleId.DVT_SIGNS: frozenset({Flag.SUSPECTED_DVT}),
    RuleId.DVT_RISK_FACTOR: frozenset({Flag.SUSPECTED_DVT}),
    RuleId.BAKERS_CYST_COMPLICATION: frozenset({Flag.BAKERS_CYST_COMPLICATION, Flag.SUSPECTED_DVT}),
    RuleId.CELLULITIS: frozenset({Flag.CELLULITIS}),
    RuleId.POPLITEAL_ANEURYSM: frozenset({Flag.POPLITEAL_ANEURYSM}),
    RuleId.PROSTHETIC_JOINT_HOT_OR_SWOLLEN: frozenset({Flag.SEPTIC_ARTHRITIS}),
    RuleId.SEVERE_WEAKNESS: frozenset({Flag.SEVERE_WEAKNESS}),
    RuleId.KNEE_BLEED: frozenset({Flag.KNEE_BLEED}),
    RuleId.INJURY_SWELLING_ON_BLOOD_THINNERS: frozenset({Flag.KNEE_BLEED}),
    RuleId.OTTAWA_POSITIVE: frozenset({Flag.POSSIBLE_FRACTURE}),
    RuleId.PROLONGED_CRAMP: frozenset({Flag.PROLONGED_CRAMP, Flag.SUSPECTED_DVT}),
    RuleId.SEVERE_HAMSTRING_TEAR: frozenset({Flag.SEVERE_HAMSTRING_TEAR}),
}

#: Rules in order of urgency (most urgent first); ties keep declaration order.
RULES_BY_URGENCY: tuple[RuleId, ...] = tuple(sorted(RuleId, key=lambda r: -RULE_LEVEL[r]))
_URGENCY_INDEX: dict[RuleId, int] = {r: i for i, r in enumerate(RULES_BY_URGENCY)}

# --- finding sets the rules use ----------------------------------------------------------
#: Leg signs that, with calf or back-of-knee pain, make a clot possible.
DVT_LEG_SIGNS: tuple[Finding, ...] = (
    Finding.SWELLING_CALF,
    Finding.SKIN_CHANGES,  # group: calf or leg swelling, warm, red or darker skin
    Finding.SWELLING_WHOLE_LEG,
    Finding.TIGHT_CALF,
    Finding.WARMTH,
    Finding.REDNESS,
    Finding.DISCOLOURATION,
    Finding.HARD_TENDER_VEINS,
    Finding.PAIN_FLEXING_FOOT,
)
#: One-sided calf or whole-leg swelling fires the clot rule whatever the pain location (review 17).
LEG_SWELLING: tuple[Finding, ...] = (Finding.SWELLING_CALF, Finding.SWELLING_WHOLE_LEG, Finding.TIGHT_CALF)
#: Clot risk factors (clinical-facts 2.2, 2.3): the screening groups, then their atoms (an atom present
#: makes its group present, so listing both is belt and braces). Age is NOT one of them on its own.
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
    Finding.CLOTTING_TENDENCY,
    Finding.HEART_OR_BOWEL_DISEASE,
    Finding.FRACTURE_OR_CRUSH,
)
#: Age adds to the clot picture only with new, sudden pain (review hazard 16).
CLOT_RISK_AGE = 60
OTTAWA_AGE = 55
#: Under this age: no triage beyond emergencies, at least a same-day doctor (clinical-facts 2.13).
CHILD_AGE = 16
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
#: The knee itself hot or swollen (with fever: septic arthritis; clinical-facts 2.7).
HOT_JOINT_SIGNS: tuple[Finding, ...] = (Finding.SWELLING_KNEE, Finding.KNEE_HOT, Finding.KNEE_SWOLLEN_OR_HOT)
#: Red, hot or swollen skin of the leg (with fever: cellulitis; clinical-facts 2.13).
SKIN_INFECTION_SIGNS: tuple[Finding, ...] = (
    Finding.SKIN_CHANGES,
    Finding.REDNESS,
    Finding.WARMTH,
    Finding.DISCOLOURATION,
    Finding.SWELLING_CALF,
    Finding.SWELLING_WHOLE_LEG,
)
#: With a cast, fracture or crush injury: compartment syndrome (clinical-facts 2.13).
COMPARTMENT_SIGNS: tuple[Finding, ...] = (
    Finding.SEVERE_PAIN,
    Finding.SUDDEN_WORSENING,
    Finding.NUMBNESS_TINGLING,
    Finding.TIGHT_CALF,
    Finding.SUDDEN_NUMB_WEAK_LEG,
)
LIMB_THREAT: tuple[Finding, ...] = (
    Finding.LEG_CIRCULATION,
    Finding.COLD_PALE_LEG,
    Finding.SUDDEN_NUMB_WEAK_LEG,
)
FAINT_SIGNS: tuple[Finding, ...] = (Finding.FAINT_OR_RACING_HEART, Finding.FAINTING, Finding.RACING_HEART)

#: Every finding that can, on its own or with others, fire a rule at CONSULTATION_24 or above.
RED_FLAG_FINDINGS: frozenset[Finding] = frozenset(
    {
        Finding.PE_SIGNS,
        Finding.BREATHLESSNESS,
        Finding.CHEST_PAIN,
        Finding.COUGHING_BLOOD,
        *FAINT_SIGNS,
        *LIMB_THREAT,
        Finding.BLADDER_BOWEL_CHANGE,
        Finding.FEVER_UNWELL,
        Finding.DEFORMITY,
        Finding.LOCKED_NOW,
        Finding.CANNOT_BEAR_WEIGHT,
        Finding.CANNOT_BEND_90,
        Finding.GIVING_WAY,
        Finding.CRAMP_OVER_10_MIN,
        Finding.PULSATING_LUMP,
        Finding.RAPID_SWELLING,
        Finding.SEVERE_WEAKNESS,
        Finding.WEAKNESS,
        Finding.JOINT_REPLACEMENT_OR_INJECTION,
        *DVT_LEG_SIGNS,
        *CLOT_RISK_FACTORS,
        *BAKERS_COMPLICATION_SIGNS,
        *HOT_JOINT_SIGNS,
        *COMPARTMENT_SIGNS,
    }
)

_A = Answer.ABSENT
_ESCALATING = (Answer.PRESENT, Answer.UNCLEAR)
_DVT_LEG_SIGNS_SET = frozenset(DVT_LEG_SIGNS)
_LEG_SWELLING_SET = frozenset(LEG_SWELLING)
_CLOT_RISK_SET = frozenset(CLOT_RISK_FACTORS)
_BAKERS_COMPLICATION_SET = frozenset(BAKERS_COMPLICATION_SIGNS)
_HOT_JOINT_SET = frozenset(HOT_JOINT_SIGNS)
_SKIN_INFECTION_SET = frozenset(SKIN_INFECTION_SIGNS)
_COMPARTMENT_SET = frozenset(COMPARTMENT_SIGNS)
_LIMB_THREAT_SET = frozenset(LIMB_THREAT)
_FAINT_SET = frozenset(FAINT_SIGNS)
_CAST_OR_FRACTURE = frozenset({Finding.PLASTER_CAST, Finding.FRACTURE_OR_CRUSH})
_NERVE_SIGNS = frozenset({Finding.NUMBNESS_TINGLING, Finding.WEAKNESS})
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
    typical_care_floor: bool = False,
) -> tuple[RuleId, ...]:
    """All rules whose condition holds, most urgent first (never empty: NO_WARNING_SIGNS at least).

    ``present`` is the set of findings the rules treat as present in ``facts`` (PRESENT or UNCLEAR:
    ``Facts.escalating``); ``oa_suspected``, ``chondromalacia_suspected`` and ``typical_care_floor``
    come from the (monotone) evidence counts in ``triage.evidence``.
    """
    get = facts.resolved.get
    age = facts.age
    fired: list[RuleId] = []
    add = fired.append
    child = age is not None and age < CHILD_AGE

    # --- emergency ambulance -------------------------------------------------------------
    if Finding.PE_SIGNS in present:  # resolved: any atom present makes the group present
        add(RuleId.PE_SIGNS)
    if not _FAINT_SET.isdisjoint(present):
        add(RuleId.FAINT_OR_RACING_HEART)
    if not _LIMB_THREAT_SET.isdisjoint(present):
        add(RuleId.LIMB_ISCHAEMIA)
    if Finding.BLADDER_BOWEL_CHANGE in present:  # worded as retention, incontinence or saddle numbness
        add(RuleId.CAUDA_EQUINA)
    if present >= _CAUDA_EQUINA_BOTH_LEGS:
        add(RuleId.CAUDA_EQUINA_BOTH_LEGS)

    # --- emergency -----------------------------------------------------------------------------
    fever = Finding.FEVER_UNWELL in present
    prosthetic = Finding.JOINT_REPLACEMENT_OR_INJECTION in present
    hot_joint = not _HOT_JOINT_SET.isdisjoint(present)
    if fever and (hot_joint or prosthetic):
        add(RuleId.SEPTIC_ARTHRITIS)
    if Finding.DEFORMITY in present:
        add(RuleId.DEFORMITY)
    if Finding.LOCKED_NOW in present:
        add(RuleId.LOCKED_KNEE)
    cannot_bear = Finding.CANNOT_BEAR_WEIGHT in present
    severe = Finding.SEVERE_PAIN in present
    if severe and cannot_bear and get(Finding.RECENT_INJURY) is not _A:
        add(RuleId.SEVERE_INJURY_CANNOT_BEAR_WEIGHT)
    if not _CAST_OR_FRACTURE.isdisjoint(present) and not _COMPARTMENT_SET.isdisjoint(present):
        add(RuleId.COMPARTMENT_SYNDROME)
    both_legs = Finding.BOTH_LEGS in present
    if both_legs and Finding.BACK_PAIN in present and not _NERVE_SIGNS.isdisjoint(present):
        add(RuleId.SCIATICA_BOTH_LEGS)
    severe_weakness = Finding.SEVERE_WEAKNESS in present
    if severe_weakness and both_legs:
        add(RuleId.SEVERE_WEAKNESS_BOTH_LEGS)
    if severe_weakness:  # severe or worsening weakness, either side (review row 9: emergency department)
        add(RuleId.SEVERE_WEAKNESS)

    # --- consultation within 24 hours -----------------------------------------------------------
    if child:
        add(RuleId.CHILD)
    # Calf or back-of-knee pain unless both were ruled out; sidedness never clears it.
    pain_possible = get(Finding.PAIN_CALF) is not _A or get(Finding.PAIN_BEHIND_KNEE) is not _A
    leg_signs = not _DVT_LEG_SIGNS_SET.isdisjoint(present)
    swelling_possible = get(Finding.SWELLING_CALF) is not _A or get(Finding.SWELLING_WHOLE_LEG) is not _A
    said_clot_screen = facts.answers.get(Finding.SKIN_CHANGES) in _ESCALATING
    if (
        (pain_possible and leg_signs)
        or not _LEG_SWELLING_SET.isdisjoint(present)
        or (said_clot_screen and swelling_possible)
    ):
        add(RuleId.DVT_SIGNS)
    if pain_possible and (
        not _CLOT_RISK_SET.isdisjoint(present)
        or (age is not None and age >= CLOT_RISK_AGE and Finding.SUDDEN_ONSET in present)
    ):
        add(RuleId.DVT_RISK_FACTOR)
    if Finding.LUMP_BEHIND_KNEE in present and not _BAKERS_COMPLICATION_SET.isdisjoint(present):
        add(RuleId.BAKERS_CYST_COMPLICATION)
    if fever and not _SKIN_INFECTION_SET.isdisjoint(present):
        add(RuleId.CELLULITIS)
    if Finding.PULSATING_LUMP in present:
        add(RuleId.POPLITEAL_ANEURYSM)
    if prosthetic and hot_joint:
        add(RuleId.PROSTHETIC_JOINT_HOT_OR_SWOLLEN)
    swollen_knee = Finding.SWELLING_KNEE in present
    injured = Finding.RECENT_INJURY in present
    if Finding.WEAKNESS in present:  # a weak leg: at least a doctor today (review rows 9 and 13)
        add(RuleId.WEAK_LEG)
    if Finding.RAPID_SWELLING in present or (Finding.POPPING in present and swollen_knee):
        add(RuleId.KNEE_BLEED)
    if (
        Finding.BLOOD_THINNERS in present
        and (swollen_knee or hot_joint)
        and (injured or Finding.MECH_BLOW_OR_FALL in present or Finding.RAPID_SWELLING in present)
    ):
        add(RuleId.INJURY_SWELLING_ON_BLOOD_THINNERS)
    if injured and (
        cannot_bear or Finding.CANNOT_BEND_90 in present or (age is not None and age >= OTTAWA_AGE)
    ):
        add(RuleId.OTTAWA_POSITIVE)
    if cannot_bear:
        add(RuleId.CANNOT_BEAR_WEIGHT)
    if severe and swollen_knee:
        add(RuleId.BADLY_SWOLLEN_KNEE)
    if Finding.GIVING_WAY in present:
        add(RuleId.GIVING_WAY)
    if Finding.CRAMP_OVER_10_MIN in present:
        add(RuleId.PROLONGED_CRAMP)
    if Finding.POPPING in present and Finding.PAIN_THIGH in present and (cannot_bear or severe):
        add(RuleId.SEVERE_HAMSTRING_TEAR)

    # --- consultation -------------------------------------------------------------------------------
    if severe:
        add(RuleId.SEVERE_PAIN)
    if hot_joint:
        add(RuleId.SWOLLEN_KNEE)
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
    if typical_care_floor:
        add(RuleId.TYPICAL_CARE)

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
