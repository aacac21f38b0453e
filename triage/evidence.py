"""Cause ranking: a small naive-Bayes model over the twelve causes of the source article.

``EVIDENCE`` gives, for each cause, how likely each finding is to be present with that cause
(0..1). Findings a cause does not list take the finding's baseline (``BASELINE``, else
``DEFAULT_P``). The posterior over the twelve causes is the cause score (scores sum to 1), so a
present finding that is typical of a cause raises it, and an absent key finding lowers it.
The ranking never feeds the safety rules except through the monotone OA / chondromalacia counts.
All tables are turned into tuples at import so ``rank`` does no dictionary building per call.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

from triage.vocabulary import FINDING_GROUPS, Answer, CareLevel, Condition, Finding

F = Finding
C = Condition

#: Findings' probability for a cause that does not list them.
DEFAULT_P = 0.1
#: Findings common to most causes get a higher baseline.
BASELINE: dict[Finding, float] = {
    F.PAIN_BEHIND_KNEE: 0.6,
    F.ONE_LEG: 0.8,
    F.BOTH_LEGS: 0.15,
    F.SUDDEN_ONSET: 0.4,
    F.GRADUAL_ONSET: 0.4,
    F.RECENT_INJURY: 0.3,
    F.SEVERE_PAIN: 0.2,
    F.STIFFNESS: 0.25,
    # clot risk factors are uncommon with the other causes
    F.RECENT_SURGERY: 0.06,
    F.BED_REST_3_DAYS: 0.06,
    F.PLASTER_CAST: 0.04,
    F.LONG_JOURNEY: 0.08,
    F.MECH_LONG_SITTING_OR_TRAVEL: 0.1,
    F.PREGNANT_OR_POSTPARTUM: 0.05,
    F.HORMONES: 0.08,
    F.CANCER: 0.05,
    F.PREVIOUS_CLOT: 0.04,
    F.CLOTTING_TENDENCY: 0.04,
    F.HEART_OR_BOWEL_DISEASE: 0.04,
    F.FRACTURE_OR_CRUSH: 0.04,
}

#: Pseudo-finding "aged 50 or over", used when the age is known.
OLDER_AGE = 50
OLDER_P: dict[Condition, float] = {
    C.OSTEOARTHRITIS: 0.85,
    C.BAKERS_CYST: 0.55,
    C.DEEP_VEIN_THROMBOSIS: 0.5,
    C.REFERRED_PAIN: 0.45,
    C.LEG_CRAMPS: 0.4,
    C.MENISCUS_TEAR: 0.35,
    C.CHONDROMALACIA: 0.2,
}
OLDER_DEFAULT_P = 0.15

_CLOT_RISK_P = 0.3

#: The evidence table: cause -> {finding: P(finding present | cause)}.
EVIDENCE: dict[Condition, dict[Finding, float]] = {
    C.HAMSTRING_INJURY: {
        F.PAIN_THIGH: 0.9,
        F.MECH_SPRINT: 0.7,
        F.MECH_JUMP: 0.35,
        # the article's cause 1: sports such as running, so also a strain from overuse with no one
        # moment of injury (which is why an injury in the last week is not near-certain)
        F.MECH_OVERUSE: 0.5,
        F.POPPING: 0.45,
        F.SUDDEN_ONSET: 0.85,
        F.GRADUAL_ONSET: 0.08,
        F.RECENT_INJURY: 0.6,
        F.PAIN_BEHIND_KNEE: 0.6,
        F.PAIN_CALF: 0.08,
        F.PAIN_KNEECAP: 0.03,
        F.ONE_LEG: 0.9,
        F.BOTH_LEGS: 0.05,
        F.WEAKNESS: 0.3,
        F.PAIN_BENDING_AGAINST_RESISTANCE: 0.5,
        F.DISCOLOURATION: 0.2,
        F.SWELLING_KNEE: 0.08,
    },
    C.CALF_STRAIN: {
        F.PAIN_CALF: 0.9,
        F.SUDDEN_ONSET: 0.85,
        F.GRADUAL_ONSET: 0.08,
        F.MECH_SPRINT: 0.6,
        F.RECENT_INJURY: 0.75,
        F.PAIN_BEHIND_KNEE: 0.4,
        F.PAIN_THIGH: 0.05,
        F.PAIN_KNEECAP: 0.03,
        F.ONE_LEG: 0.9,
        F.BOTH_LEGS: 0.05,
        F.PAIN_FLEXING_FOOT: 0.4,
        F.SWELLING_CALF: 0.3,
        F.CANNOT_BEAR_WEIGHT: 0.2,
        F.SWELLING_KNEE: 0.05,
    },
    C.JUMPERS_KNEE: {
        F.PAIN_KNEECAP: 0.85,
        F.MECH_JUMP: 0.8,
        F.MECH_DIRECTION_CHANGE: 0.5,
        F.MECH_OVERUSE: 0.55,
        F.STIFFNESS: 0.6,
        F.WEAKNESS: 0.5,
        F.SWELLING_KNEE: 0.4,
        F.PAIN_ON_STAIRS_OR_SITTING: 0.45,
        F.PAIN_BENDING_AGAINST_RESISTANCE: 0.6,
        F.GRADUAL_ONSET: 0.6,
        F.PAIN_BEHIND_KNEE: 0.3,
        F.PAIN_CALF: 0.03,
    },
    C.BAKERS_CYST: {
        F.LUMP_BEHIND_KNEE: 0.85,
        F.PAIN_BEHIND_KNEE: 0.9,
        F.SWELLING_KNEE: 0.6,
        F.STIFFNESS: 0.7,
        F.GRADUAL_ONSET: 0.6,
        F.SUDDEN_ONSET: 0.2,
        F.GRINDING: 0.3,
        F.LOCKING: 0.2,
        F.PAIN_CALF: 0.2,
        F.RECENT_INJURY: 0.1,
        F.PAIN_KNEECAP: 0.05,
        F.PERSISTENT_WEEKS: 0.5,
    },
    C.POPLITEUS_STRAIN: {
        F.PAIN_BEHIND_KNEE: 0.95,
        F.MECH_OVERUSE: 0.8,
        F.PAIN_BENDING_AGAINST_RESISTANCE: 0.85,
        F.REDNESS: 0.05,  # red skin points to a clot, infection or a burst cyst, never a strain
        F.SWELLING_KNEE: 0.5,
        F.GRADUAL_ONSET: 0.4,
        F.RECENT_INJURY: 0.3,
        F.PAIN_KNEECAP: 0.05,
        F.PAIN_CALF: 0.1,
        F.LUMP_BEHIND_KNEE: 0.03,
    },
    C.MENISCUS_TEAR: {
        F.MECH_TWIST: 0.8,
        F.MECH_PIVOT: 0.6,
        F.POPPING: 0.5,
        F.SWELLING_KNEE: 0.7,
        F.STIFFNESS: 0.6,
        F.LOCKING: 0.55,
        F.GIVING_WAY: 0.3,
        F.RECENT_INJURY: 0.5,
        F.SUDDEN_ONSET: 0.7,
        F.PAIN_BEHIND_KNEE: 0.6,
        F.ONE_LEG: 0.9,
        F.BOTH_LEGS: 0.05,
        F.PAIN_CALF: 0.05,
        F.PAIN_THIGH: 0.05,
    },
    C.CRUCIATE_LIGAMENT_INJURY: {
        F.MECH_DIRECTION_CHANGE: 0.7,
        F.MECH_JUMP: 0.5,
        F.MECH_BLOW_OR_FALL: 0.5,
        F.MECH_TWIST: 0.4,
        F.POPPING: 0.7,
        F.SWELLING_KNEE: 0.8,
        F.GIVING_WAY: 0.7,
        F.RAPID_SWELLING: 0.6,
        F.WEAKNESS: 0.5,
        F.STIFFNESS: 0.4,
        F.CANNOT_BEAR_WEIGHT: 0.3,
        F.RECENT_INJURY: 0.6,
        F.SUDDEN_ONSET: 0.85,
        F.ONE_LEG: 0.9,
        F.BOTH_LEGS: 0.05,
        F.PAIN_CALF: 0.05,
        F.PAIN_THIGH: 0.05,
    },
    C.CHONDROMALACIA: {
        F.PAIN_KNEECAP: 0.9,
        F.PAIN_ON_STAIRS_OR_SITTING: 0.85,
        F.GRINDING: 0.7,
        F.GRADUAL_ONSET: 0.85,
        F.SUDDEN_ONSET: 0.1,
        F.MECH_OVERUSE: 0.4,
        F.RECENT_INJURY: 0.05,
        F.PAIN_BEHIND_KNEE: 0.3,
        F.PERSISTENT_WEEKS: 0.6,
        F.PAIN_CALF: 0.03,
    },
    C.OSTEOARTHRITIS: {
        F.GRADUAL_ONSET: 0.9,
        F.SUDDEN_ONSET: 0.05,
        F.STIFFNESS: 0.85,
        F.GRINDING: 0.7,
        F.SWELLING_KNEE: 0.5,
        F.BOTH_LEGS: 0.5,
        F.ONE_LEG: 0.5,
        F.PERSISTENT_WEEKS: 0.8,
        F.PAIN_ON_STAIRS_OR_SITTING: 0.4,
        F.RECENT_INJURY: 0.05,
        F.PAIN_BEHIND_KNEE: 0.5,
        F.PAIN_CALF: 0.05,
    },
    C.DEEP_VEIN_THROMBOSIS: {
        F.PAIN_CALF: 0.8,
        F.PAIN_BEHIND_KNEE: 0.6,
        F.SWELLING_CALF: 0.55,
        F.SWELLING_WHOLE_LEG: 0.3,
        F.WARMTH: 0.45,
        F.REDNESS: 0.4,
        F.DISCOLOURATION: 0.45,
        F.HARD_TENDER_VEINS: 0.3,
        F.PAIN_FLEXING_FOOT: 0.4,
        F.CRAMPING: 0.5,
        F.ONE_LEG: 0.95,
        F.BOTH_LEGS: 0.05,
        F.RECENT_INJURY: 0.15,
        F.SWELLING_KNEE: 0.1,
        F.RECENT_SURGERY: _CLOT_RISK_P,
        F.BED_REST_3_DAYS: _CLOT_RISK_P,
        F.PLASTER_CAST: _CLOT_RISK_P,
        F.LONG_JOURNEY: _CLOT_RISK_P,
        F.MECH_LONG_SITTING_OR_TRAVEL: 0.4,
        F.PREGNANT_OR_POSTPARTUM: _CLOT_RISK_P,
        F.HORMONES: _CLOT_RISK_P,
        F.CANCER: _CLOT_RISK_P,
        F.PREVIOUS_CLOT: _CLOT_RISK_P,
        F.CLOTTING_TENDENCY: _CLOT_RISK_P,
        F.HEART_OR_BOWEL_DISEASE: _CLOT_RISK_P,
        F.FRACTURE_OR_CRUSH: _CLOT_RISK_P,
        F.TIGHT_CALF: 0.3,
    },
    C.LEG_CRAMPS: {
        F.CRAMPING: 0.95,
        F.SWELLING_CALF: 0.04,
        F.WARMTH: 0.04,
        F.DISCOLOURATION: 0.03,
        F.CRAMPS_AT_NIGHT: 0.6,
        F.CRAMP_OVER_10_MIN: 0.05,
        F.SUDDEN_ONSET: 0.8,
        F.GRADUAL_ONSET: 0.05,
        F.PAIN_CALF: 0.7,
        F.MECH_OVERUSE: 0.35,
        F.PREGNANT_OR_POSTPARTUM: 0.2,
        F.RECENT_INJURY: 0.05,
        F.SWELLING_KNEE: 0.03,
        F.PAIN_KNEECAP: 0.03,
    },
    C.REFERRED_PAIN: {
        F.BACK_PAIN: 0.9,
        F.NUMBNESS_TINGLING: 0.7,
        F.WEAKNESS: 0.5,
        F.PAIN_THIGH: 0.5,
        F.BOTH_LEGS: 0.2,
        F.GRADUAL_ONSET: 0.5,
        F.RECENT_INJURY: 0.05,
        F.SWELLING_KNEE: 0.03,
        F.PAIN_KNEECAP: 0.05,
    },
}

CONDITIONS: tuple[Condition, ...] = tuple(Condition)
N = len(CONDITIONS)

#: Uniform prior: the article gives no frequencies.
_LOG_PRIOR: tuple[float, ...] = tuple(math.log(1.0 / N) for _ in CONDITIONS)


def _p(c: Condition, f: Finding) -> float:
    return EVIDENCE[c].get(f, BASELINE.get(f, DEFAULT_P))


def _group_p(c: Condition, group: Finding) -> float:
    """P(group present | cause): any of its atoms present, atoms independent given the cause."""
    p_none = 1.0
    for atom in FINDING_GROUPS[group]:
        p_none *= 1.0 - _p(c, atom)
    return 1.0 - p_none


def _p_any(c: Condition, f: Finding) -> float:
    return _group_p(c, f) if f in FINDING_GROUPS else _p(c, f)


#: Findings that change the ranking (some cause gives them a probability different from the others).
#: A group is informative when its atoms are. Callers pass a group as evidence only when it is
#: present and none of its atoms is (``Facts.evidence_present``), never when absent (its atoms,
#: implied absent, carry exactly the same evidence), so nothing is counted twice.
_P_ANY: dict[Finding, tuple[float, ...]] = {f: tuple(_p_any(c, f) for c in CONDITIONS) for f in Finding}
INFORMATIVE: tuple[Finding, ...] = tuple(f for f, ps in _P_ANY.items() if len(set(ps)) > 1)

#: P(present | cause) per finding, as a tuple over CONDITIONS.
P_PRESENT: dict[Finding, tuple[float, ...]] = {f: _P_ANY[f] for f in INFORMATIVE}
_LOG_PRESENT: dict[Finding, tuple[float, ...]] = {
    f: tuple(math.log(p) for p in ps) for f, ps in P_PRESENT.items()
}
_LOG_ABSENT: dict[Finding, tuple[float, ...]] = {
    f: tuple(math.log(1.0 - p) for p in ps) for f, ps in P_PRESENT.items() if f not in FINDING_GROUPS
}
# A group stands for "every one of its atoms absent" (``Facts.evidence_absent`` passes the group
# instead of its atoms then): one vector instead of several, the same sum.
for _group, _atoms in FINDING_GROUPS.items():
    _vecs = [_LOG_ABSENT[a] for a in _atoms if a in _LOG_ABSENT]
    if _vecs:
        _LOG_ABSENT[_group] = tuple(map(math.fsum, zip(*_vecs, strict=True)))
_LOG_OLDER: tuple[float, ...] = tuple(math.log(OLDER_P.get(c, OLDER_DEFAULT_P)) for c in CONDITIONS)
_LOG_YOUNGER: tuple[float, ...] = tuple(math.log(1.0 - OLDER_P.get(c, OLDER_DEFAULT_P)) for c in CONDITIONS)


def _binary_entropy(p: float) -> float:
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log2(p) + (1.0 - p) * math.log2(1.0 - p))


#: Binary entropy tabulated on a 1/ENTROPY_STEPS grid (fast lookup for the question search).
ENTROPY_STEPS = 2000
#: (``_binary_entropy`` written out inline: 2,001 calls were ~0.6 ms of every cold start.)
ENTROPY_TABLE: tuple[float, ...] = (
    0.0,
    *[
        -(p * math.log2(p) + (1.0 - p) * math.log2(1.0 - p))
        for p in [k / ENTROPY_STEPS for k in range(1, ENTROPY_STEPS)]
    ],
    0.0,
)

#: H(finding | cause) per finding, per cause (for information gain).
ENTROPY: dict[Finding, tuple[float, ...]] = {
    f: tuple(_binary_entropy(p) for p in ps) for f, ps in P_PRESENT.items()
}

#: Thresholds for "supporting" (present and typical) and "against" (absent and typical, or present
#: and atypical) reasons.
SUPPORT_P = 0.3
AGAINST_ABSENT_P = 0.5
AGAINST_PRESENT_P = 0.06


def _baseline(f: Finding) -> float:
    if f in FINDING_GROUPS:
        return 1.0 - math.prod(1.0 - BASELINE.get(a, DEFAULT_P) for a in FINDING_GROUPS[f])
    return BASELINE.get(f, DEFAULT_P)


def _index_sets(
    test: Callable[[Finding, float], bool], *, groups: bool = True
) -> tuple[frozenset[Finding], ...]:
    return tuple(
        frozenset(f for f, ps in P_PRESENT.items() if (groups or f not in FINDING_GROUPS) and test(f, ps[i]))
        for i in range(len(CONDITIONS))
    )


#: Per cause: findings that support it when present ...
SUPPORTS: tuple[frozenset[Finding], ...] = _index_sets(lambda f, p: p >= SUPPORT_P and p > _baseline(f))
#: ... that argue against it when absent (never a group: its atoms speak for it) ...
AGAINST_IF_ABSENT: tuple[frozenset[Finding], ...] = _index_sets(
    lambda f, p: p >= AGAINST_ABSENT_P and p > _baseline(f), groups=False
)
#: ... and that argue against it when present.
AGAINST_IF_PRESENT: tuple[frozenset[Finding], ...] = _index_sets(lambda f, p: p <= AGAINST_PRESENT_P)

_PRESENT = Answer.PRESENT
_ABSENT = Answer.ABSENT


def log_posterior(present: Sequence[Finding], absent: Sequence[Finding], age: int | None) -> list[float]:
    """log P(cause | answers) over CONDITIONS, up to a constant (``posterior`` normalises it)."""
    lp, la = _LOG_PRESENT, _LOG_ABSENT
    vecs = [_LOG_PRIOR, *(lp[f] for f in present if f in lp), *(la[f] for f in absent if f in la)]
    if age is not None:
        vecs.append(_LOG_OLDER if age >= OLDER_AGE else _LOG_YOUNGER)
    return list(map(sum, zip(*vecs, strict=True)))


def normalise(logs: Sequence[float]) -> list[float]:
    """Probabilities from unnormalised log probabilities (sums to 1)."""
    top = max(logs)
    exp = math.exp
    exps = [exp(x - top) for x in logs]
    total = sum(exps)
    return [e / total for e in exps]


def posterior(present: Sequence[Finding], absent: Sequence[Finding], age: int | None) -> list[float]:
    """P(cause | answers) over CONDITIONS (sums to 1)."""
    return normalise(log_posterior(present, absent, age))


#: log P(present | cause) and log P(absent | cause) per informative finding (groups: all atoms absent).
LOG_PRESENT: dict[Finding, tuple[float, ...]] = _LOG_PRESENT
LOG_ABSENT: dict[Finding, tuple[float, ...]] = _LOG_ABSENT


def reasons(
    present: Sequence[Finding], absent: Sequence[Finding], index: int
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(supporting, against) findings for the cause at ``index`` in CONDITIONS."""
    present_against = tuple(filter(AGAINST_IF_PRESENT[index].__contains__, present))
    absent_against = tuple(filter(AGAINST_IF_ABSENT[index].__contains__, absent))
    return tuple(filter(SUPPORTS[index].__contains__, present)), present_against + absent_against


def information_gain(f: Finding, weights: list[tuple[int, float]]) -> float:
    """Mutual information (bits) between ``f`` and the cause, over the weighted causes in play."""
    ps = P_PRESENT.get(f)
    if ps is None:
        return 0.0
    hs = ENTROPY[f]
    p_yes = 0.0
    cond = 0.0
    for i, w in weights:
        p_yes += w * ps[i]
        cond += w * hs[i]
    return _binary_entropy(p_yes) - cond


# --- monotone "suspected" counts for the consultation rules ---------------------------------------
OA_SIGNS: tuple[Finding, ...] = (
    F.GRADUAL_ONSET,
    F.STIFFNESS,
    F.GRINDING,
    F.PERSISTENT_WEEKS,
    F.SWELLING_KNEE,
    F.BOTH_LEGS,
)
CHONDROMALACIA_SIGNS: tuple[Finding, ...] = (
    F.PAIN_KNEECAP,
    F.PAIN_ON_STAIRS_OR_SITTING,
    F.GRINDING,
    F.GRADUAL_ONSET,
)
#: How many signs (age 50+ counts as one for osteoarthritis) make the cause "suspected".
SUSPECTED_MIN_SIGNS = 3


_OA_SIGNS_SET = frozenset(OA_SIGNS)
_CHONDROMALACIA_SIGNS_SET = frozenset(CHONDROMALACIA_SIGNS)


def oa_suspected(present: AbstractSet[Finding], age: int | None) -> bool:
    """Monotone: three or more osteoarthritis signs present (age 50+ counts as one)."""
    n = len(_OA_SIGNS_SET & present) + (1 if age is not None and age >= OLDER_AGE else 0)
    return n >= SUSPECTED_MIN_SIGNS


def chondromalacia_suspected(present: AbstractSet[Finding]) -> bool:
    """Monotone: three or more chondromalacia signs present."""
    return len(_CHONDROMALACIA_SIGNS_SET & present) >= SUSPECTED_MIN_SIGNS


# --- a cause's usual care as a floor ---------------------------------------------------------------
#: The usual level of care for each cause (content/source/facts/conditions.yaml ``typical_care``; a
#: test keeps the two in step). Language-neutral, so the core needs no content at run time.
TYPICAL_CARE: dict[Condition, CareLevel] = {
    C.HAMSTRING_INJURY: CareLevel.SELF_CARE,
    C.CALF_STRAIN: CareLevel.SELF_CARE,
    C.JUMPERS_KNEE: CareLevel.CONSULTATION,
    C.BAKERS_CYST: CareLevel.CONSULTATION,
    C.POPLITEUS_STRAIN: CareLevel.SELF_CARE,
    C.MENISCUS_TEAR: CareLevel.CONSULTATION,
    C.CRUCIATE_LIGAMENT_INJURY: CareLevel.CONSULTATION,
    C.CHONDROMALACIA: CareLevel.CONSULTATION,
    C.OSTEOARTHRITIS: CareLevel.CONSULTATION,
    C.DEEP_VEIN_THROMBOSIS: CareLevel.CONSULTATION_24,
    C.LEG_CRAMPS: CareLevel.SELF_CARE,
    C.REFERRED_PAIN: CareLevel.CONSULTATION,
}
#: Causes whose floor is applied through the support count below. A deep vein thrombosis is left out on
#: purpose: its floor (same day) is the clot rules themselves, which fire on far less evidence.
FLOOR_CAUSES: tuple[int, ...] = tuple(
    i
    for i, c in enumerate(CONDITIONS)
    if TYPICAL_CARE[c] is CareLevel.CONSULTATION and c is not C.DEEP_VEIN_THROMBOSIS
)
#: A cause is named (``assess`` lists it, the interview counts it as a lead) only above this score.
PLAUSIBLE_SCORE = 0.1
#: A cause is a confident lead when the findings the user reported for it, as likelihood ratios
#: against their baseline, multiply to at least this much (log scale). Only present findings count,
#: so the test is monotone: a new "yes" can only add support, a "no" or "not sure" never removes any.
CONFIDENT_SUPPORT = math.log(60.0)
#: Only single findings count: a screening group's "yes" is followed up by its own findings, and
#: counting both would count one thing twice.
_SUPPORT_WEIGHT: tuple[dict[Finding, float], ...] = tuple(
    {f: math.log(P_PRESENT[f][i] / _baseline(f)) for f in SUPPORTS[i] if f not in FINDING_GROUPS}
    for i in range(N)
)
_OLDER_WEIGHT: tuple[float, ...] = tuple(
    max(0.0, math.log(OLDER_P.get(c, OLDER_DEFAULT_P) / OLDER_DEFAULT_P)) for c in CONDITIONS
)


def support_weights(index: int) -> dict[Finding, float]:
    """The log likelihood ratio each supporting finding adds to the cause at ``index`` (read only)."""
    return _SUPPORT_WEIGHT[index]


def support(present: AbstractSet[Finding], age: int | None, index: int) -> float:
    """Monotone evidence for the cause at ``index``: log likelihood ratios of its present supporting
    findings (age 50 or over adds its own ratio)."""
    weights = _SUPPORT_WEIGHT[index]
    total = sum(weights[f] for f in present if f in weights)
    if age is not None and age >= OLDER_AGE:
        total += _OLDER_WEIGHT[index]
    return total


#: Per finding: (floor cause position, weight) for the FLOOR_CAUSES it supports (``support``'s terms).
_FLOOR_TERMS: dict[Finding, tuple[tuple[int, float], ...]] = {
    f: tuple((k, _SUPPORT_WEIGHT[i][f]) for k, i in enumerate(FLOOR_CAUSES) if f in _SUPPORT_WEIGHT[i])
    for f in Finding
}
_FLOOR_TERMS = {f: terms for f, terms in _FLOOR_TERMS.items() if terms}
_FLOOR_OLDER: tuple[float, ...] = tuple(_OLDER_WEIGHT[i] for i in FLOOR_CAUSES)


def typical_care_floor(present: AbstractSet[Finding], age: int | None) -> bool:
    """Some cause whose usual care is an appointment is well supported (monotone in ``present``).

    The same sums as ``support`` for each of FLOOR_CAUSES, in the same order, in one pass.
    """
    totals = [0.0] * len(FLOOR_CAUSES)
    terms = _FLOOR_TERMS
    for f in present:
        found = terms.get(f)
        if found is not None:
            for k, w in found:
                totals[k] += w
    if age is not None and age >= OLDER_AGE:
        totals = [t + o for t, o in zip(totals, _FLOOR_OLDER, strict=True)]
    return max(totals) >= CONFIDENT_SUPPORT
