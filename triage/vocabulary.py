"""The shared vocabulary of Knee Helper: findings, answers, care levels, causes and flags.

Every other part of the project (content, interaction models, handlers, the presenter)
refers to these values by their string ``value``; cross-check tests keep them in step.
Pure Python: this module never imports the ASK SDK or Flask.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Answer(StrEnum):
    """What the user said about one finding."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"
    #: A red-flag question answered "not sure" twice (re-asked once in simpler words). The rules treat
    #: it as PRESENT for escalation; nothing may ever say the user HAS it, and it is never evidence
    #: for a cause.
    UNCLEAR = "unclear"


class Finding(StrEnum):
    """One thing the user can tell us. Each is present, absent or unknown."""

    # --- where it hurts -------------------------------------------------------
    PAIN_BEHIND_KNEE = "pain_behind_knee"
    PAIN_CALF = "pain_calf"
    PAIN_KNEECAP = "pain_kneecap"
    PAIN_THIGH = "pain_thigh"  # back of the thigh
    ONE_LEG = "one_leg"
    BOTH_LEGS = "both_legs"

    # --- onset and duration ---------------------------------------------------
    SUDDEN_ONSET = "sudden_onset"
    GRADUAL_ONSET = "gradual_onset"
    RECENT_INJURY = "recent_injury"  # an injury within the last week (Ottawa scope)
    PERSISTENT_WEEKS = "persistent_weeks"  # no better after a few weeks
    SEVERE_PAIN = "severe_pain"
    SUDDEN_WORSENING = "sudden_worsening"

    # --- mechanism ------------------------------------------------------------
    MECH_TWIST = "mech_twist"
    MECH_PIVOT = "mech_pivot"
    MECH_JUMP = "mech_jump"
    MECH_SPRINT = "mech_sprint"
    MECH_DIRECTION_CHANGE = "mech_direction_change"
    MECH_BLOW_OR_FALL = "mech_blow_or_fall"
    MECH_LONG_SITTING_OR_TRAVEL = "mech_long_sitting_or_travel"
    MECH_OVERUSE = "mech_overuse"  # long run, downhill skiing, repetitive load

    # --- what the user notices ------------------------------------------------
    POPPING = "popping"
    GRINDING = "grinding"
    SWELLING_KNEE = "swelling_knee"
    SWELLING_CALF = "swelling_calf"
    SWELLING_WHOLE_LEG = "swelling_whole_leg"
    LUMP_BEHIND_KNEE = "lump_behind_knee"
    REDNESS = "redness"
    WARMTH = "warmth"
    DISCOLOURATION = "discolouration"  # red, dark or bluish skin
    SKIN_CHANGES = "skin_changes"  # group: warm, red or darker skin around the pain
    HARD_TENDER_VEINS = "hard_tender_veins"
    PAIN_FLEXING_FOOT = "pain_flexing_foot"
    CRAMPING = "cramping"
    CRAMP_OVER_10_MIN = "cramp_over_10_min"
    CRAMPS_AT_NIGHT = "cramps_at_night"  # recurrent cramps disturbing sleep
    STIFFNESS = "stiffness"
    WEAKNESS = "weakness"
    LOCKING = "locking"  # catches or locks from time to time
    LOCKED_NOW = "locked_now"  # locked and will not unlock
    GIVING_WAY = "giving_way"
    CANNOT_BEAR_WEIGHT = "cannot_bear_weight"  # cannot take four steps
    CANNOT_BEND_90 = "cannot_bend_90"
    DEFORMITY = "deformity"  # the knee's shape has changed
    PAIN_ON_STAIRS_OR_SITTING = "pain_on_stairs_or_sitting"
    PAIN_BENDING_AGAINST_RESISTANCE = "pain_bending_against_resistance"
    NUMBNESS_TINGLING = "numbness_tingling"
    BACK_PAIN = "back_pain"
    FEVER_UNWELL = "fever_unwell"
    PULSATING_LUMP = "pulsating_lump"  # a lump behind the knee that throbs or pulses
    TIGHT_CALF = "tight_calf"  # the calf feels very tight, hard and swollen
    KNEE_HOT = "knee_hot"  # the knee itself feels hot
    RAPID_SWELLING = "rapid_swelling"  # the knee swelled up within a few hours of an injury
    SEVERE_WEAKNESS = "severe_weakness"  # severe or worsening weakness in the leg (e.g. foot drop)
    KNEE_SWOLLEN_OR_HOT = "knee_swollen_or_hot"  # the knee itself swollen or hot (implied by either)
    #: Screening groups (one question each; see FINDING_GROUPS).
    KNEE_SIGNS = "knee_signs"  # group: the knee swollen, hot, locking, giving way or a changed shape
    SEVERITY_SIGNS = "severity_signs"  # group: severe pain, a weak leg, can't take 4 steps or bend the knee
    OTHER_SIGNS = "other_signs"  # group: a lump, cramps, back pain, or pain for weeks

    # --- life-threatening -----------------------------------------------------
    PE_SIGNS = "pe_signs"  # group: breathless, chest pain or coughing blood, now or in the last days
    BREATHLESSNESS = "breathlessness"
    CHEST_PAIN = "chest_pain"
    COUGHING_BLOOD = "coughing_blood"
    FAINT_OR_RACING_HEART = "faint_or_racing_heart"  # group: fainting, or a racing heart
    FAINTING = "fainting"
    RACING_HEART = "racing_heart"  # a racing or pounding heart with light-headedness
    LEG_CIRCULATION = "leg_circulation"  # group: a cold or pale leg, or sudden numbness or weakness
    COLD_PALE_LEG = "cold_pale_leg"
    SUDDEN_NUMB_WEAK_LEG = "sudden_numb_weak_leg"  # sudden severe pain, numb or weak, can't move the foot
    #: Can't pass urine, lost control of the bladder or bowels, or numbness around the genitals or bottom.
    BLADDER_BOWEL_CHANGE = "bladder_bowel_change"

    # --- clot risk factors ----------------------------------------------------
    RECENT_IMMOBILITY = "recent_immobility"  # group: surgery, bed rest, plaster cast, long journey
    HORMONAL_RISK = "hormonal_risk"  # pregnancy, a recent birth or oestrogen hormones (volunteered)
    CLOT_HISTORY = "clot_history"  # group: pregnancy, hormones, cancer, a previous clot and others
    RECENT_SURGERY = "recent_surgery"  # within 12 weeks
    BED_REST_3_DAYS = "bed_rest_3_days"  # hospital stay or bed rest of 3 days or more
    PLASTER_CAST = "plaster_cast"
    LONG_JOURNEY = "long_journey"  # over 3 hours by plane, car or train
    PREGNANT_OR_POSTPARTUM = "pregnant_or_postpartum"  # pregnant or a birth in the last 6 weeks
    HORMONES = "hormones"  # combined pill, patch or ring, or HRT
    CANCER = "cancer"
    PREVIOUS_CLOT = "previous_clot"
    CLOTTING_TENDENCY = "clotting_tendency"  # a clotting disorder, or a close relative had a clot
    HEART_OR_BOWEL_DISEASE = "heart_or_bowel_disease"  # heart failure or inflammatory bowel disease
    FRACTURE_OR_CRUSH = "fracture_or_crush"  # a recent broken bone or crush injury in the leg
    JOINT_REPLACEMENT_OR_INJECTION = "joint_replacement_or_injection"  # an artificial knee, or an injection
    BLOOD_THINNERS = "blood_thinners"


#: Group findings: one question screens several findings at once. An atom that is present makes
#: its group present; a group answered absent makes every atom absent.
#: Every atom belongs to at most one group, and groups never nest.
FINDING_GROUPS: dict[Finding, tuple[Finding, ...]] = {
    Finding.PE_SIGNS: (Finding.BREATHLESSNESS, Finding.CHEST_PAIN, Finding.COUGHING_BLOOD),
    Finding.FAINT_OR_RACING_HEART: (Finding.FAINTING, Finding.RACING_HEART),
    Finding.LEG_CIRCULATION: (Finding.COLD_PALE_LEG, Finding.SUDDEN_NUMB_WEAK_LEG),
    #: The clot-signs screen: calf or whole-leg swelling, a tight calf, warm, red or darker skin, hard
    #: sore veins, or pain when the foot is pulled up (each, with calf or back-of-knee pain, a clot sign).
    Finding.SKIN_CHANGES: (
        Finding.SWELLING_CALF,
        Finding.SWELLING_WHOLE_LEG,
        Finding.TIGHT_CALF,
        Finding.WARMTH,
        Finding.REDNESS,
        Finding.DISCOLOURATION,
        Finding.HARD_TENDER_VEINS,
        Finding.PAIN_FLEXING_FOOT,
    ),
    #: The knee itself: swollen or hot, catching or locking, giving way, a changed shape, or an artificial
    #: knee or a recent injection into it (with a fever: a joint infection).
    Finding.KNEE_SIGNS: (
        Finding.SWELLING_KNEE,
        Finding.KNEE_HOT,
        Finding.LOCKING,
        Finding.GIVING_WAY,
        Finding.DEFORMITY,
        Finding.JOINT_REPLACEMENT_OR_INJECTION,
    ),
    #: How bad it is: severe pain, a weak leg, can't take four steps, can't bend the knee to a right angle.
    Finding.SEVERITY_SIGNS: (
        Finding.SEVERE_PAIN,
        Finding.WEAKNESS,
        Finding.CANNOT_BEAR_WEIGHT,
        Finding.CANNOT_BEND_90,
    ),
    #: Anything else that needs a doctor or leads to a red-flag question: a lump behind the knee, cramps,
    #: back pain (the bladder question), pain for weeks without getting better.
    Finding.OTHER_SIGNS: (
        Finding.LUMP_BEHIND_KNEE,
        Finding.CRAMPING,
        Finding.BACK_PAIN,
        Finding.PERSISTENT_WEEKS,
    ),
    Finding.RECENT_IMMOBILITY: (
        Finding.RECENT_SURGERY,
        Finding.BED_REST_3_DAYS,
        Finding.PLASTER_CAST,
        Finding.FRACTURE_OR_CRUSH,
        Finding.LONG_JOURNEY,
    ),
    #: Health reasons for a clot: pregnancy or hormones, cancer, a previous clot or a family tendency,
    #: heart failure or bowel disease (one screening question; HORMONAL_RISK, pregnancy or hormones
    #: without saying which, is volunteered only).
    Finding.CLOT_HISTORY: (
        Finding.PREGNANT_OR_POSTPARTUM,
        Finding.HORMONES,
        Finding.HORMONAL_RISK,
        Finding.CANCER,
        Finding.PREVIOUS_CLOT,
        Finding.CLOTTING_TENDENCY,
        Finding.HEART_OR_BOWEL_DISEASE,
    ),
}
#: The group each atom belongs to.
GROUP_OF: dict[Finding, Finding] = {atom: group for group, atoms in FINDING_GROUPS.items() for atom in atoms}


class AgeBand(StrEnum):
    """Age bands that change a rule: Ottawa (55), clot risk (60), NSAID caution (65)."""

    UNKNOWN = "unknown"
    UNDER_55 = "under_55"
    FROM_55_TO_59 = "55_to_59"
    FROM_60_TO_64 = "60_to_64"
    OVER_65 = "65_plus"

    @classmethod
    def from_years(cls, years: int | None) -> AgeBand:
        if years is None or years < 0 or years > 130:
            return cls.UNKNOWN
        if years < 55:
            return cls.UNDER_55
        if years < 60:
            return cls.FROM_55_TO_59
        if years < 65:
            return cls.FROM_60_TO_64
        return cls.OVER_65


class CareLevel(IntEnum):
    """Five levels of care, ordered from least to most urgent."""

    SELF_CARE = 1  # PRICE and watch for warning signs
    CONSULTATION = 2  # book a doctor or physiotherapist
    CONSULTATION_24 = 3  # see a doctor urgently, today
    EMERGENCY = 4  # go to the emergency department now
    EMERGENCY_AMBULANCE = 5  # call your emergency number now

    @property
    def key(self) -> str:
        return self.name.lower()


class Condition(StrEnum):
    """The twelve causes of pain behind the knee in the source article."""

    HAMSTRING_INJURY = "hamstring_injury"
    CALF_STRAIN = "calf_strain"
    JUMPERS_KNEE = "jumpers_knee"
    BAKERS_CYST = "bakers_cyst"
    POPLITEUS_STRAIN = "popliteus_strain"
    MENISCUS_TEAR = "meniscus_tear"
    CRUCIATE_LIGAMENT_INJURY = "cruciate_ligament_injury"
    CHONDROMALACIA = "chondromalacia"
    OSTEOARTHRITIS = "osteoarthritis"
    DEEP_VEIN_THROMBOSIS = "deep_vein_thrombosis"
    LEG_CRAMPS = "leg_cramps"
    REFERRED_PAIN = "referred_pain"


class Flag(StrEnum):
    """Safety flags raised by the triage rules."""

    SUSPECTED_DVT = "suspected_dvt"
    SUSPECTED_PE = "suspected_pe"
    LIMB_ISCHAEMIA = "limb_ischaemia"
    CAUDA_EQUINA = "cauda_equina"
    SEPTIC_ARTHRITIS = "septic_arthritis"
    POSSIBLE_FRACTURE = "possible_fracture"  # Ottawa knee rule positive
    LOCKED_KNEE = "locked_knee"
    DEFORMITY = "deformity"
    BAKERS_CYST_COMPLICATION = "bakers_cyst_complication"
    PROLONGED_CRAMP = "prolonged_cramp"
    SEVERE_HAMSTRING_TEAR = "severe_hamstring_tear"
    COMPARTMENT_SYNDROME = "compartment_syndrome"
    CELLULITIS = "cellulitis"
    POPLITEAL_ANEURYSM = "popliteal_aneurysm"
    SEVERE_WEAKNESS = "severe_weakness"
    KNEE_BLEED = "knee_bleed"  # rapid swelling after an injury: blood in the joint
    UNDER_16 = "under_16"


#: Flags that make the emergency guidance compulsory in every response of the session.
EMERGENCY_GUIDANCE_FLAGS: frozenset[Flag] = frozenset({Flag.SUSPECTED_DVT, Flag.SUSPECTED_PE})

#: Flags with which PRICE, ice, a bandage, massage and stretching are NOT offered (clinical-facts 2.9
#: design safeguard; review hazard 3): rest and keep the leg level until checked.
SELF_CARE_UNSAFE_FLAGS: frozenset[Flag] = frozenset(
    {
        Flag.SUSPECTED_DVT,
        Flag.SUSPECTED_PE,
        Flag.LIMB_ISCHAEMIA,
        Flag.COMPARTMENT_SYNDROME,
        Flag.SEPTIC_ARTHRITIS,
        Flag.CELLULITIS,
    }
)

#: Answers the rules treat as present (escalation): a second "not sure" to a red-flag question counts.
ESCALATING_ANSWERS: frozenset[Answer] = frozenset({Answer.PRESENT, Answer.UNCLEAR})
