"""The golden vignettes (``tests/golden/triage/vignettes.yaml``) as typed data.

A vignette is one simulated patient: who they are (locale, age), what they say first, what is true
for them (present findings; everything else is "no"), how they answer (plainly, "not sure" to some
questions, volunteering findings up front, or correcting a misheard answer), and what a careful
clinician expects (care level, safety flags, the causes worth naming). Finding, flag and cause
names are plain strings here so that vignettes can use the triage v2 vocabulary (SPEC.md) before the
triage core has it; :func:`build_facts` turns a vignette into ``triage.Facts`` when it can.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from content import yaml_source

ROOT = Path(__file__).resolve().parents[1]
VIGNETTES_PATH = ROOT / "tests" / "golden" / "triage" / "vignettes.yaml"

LEVELS: dict[str, int] = {
    "self_care": 1,
    "consultation": 2,
    "consultation_24": 3,
    "emergency": 4,
    "emergency_ambulance": 5,
}
LEVEL_NAMES: dict[int, str] = {v: k for k, v in LEVELS.items()}
LOCALES: tuple[str, ...] = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
HEADLINE = "why does the back of my knee hurt"

#: The triage v2 vocabulary (SPEC.md, "Shared vocabulary for triage v2").
V2_FINDINGS: frozenset[str] = frozenset(
    {
        "racing_heart",
        "sudden_numb_weak_leg",
        "pulsating_lump",
        "fracture_or_crush",
        "tight_calf",
        "knee_hot",
        "rapid_swelling",
        "joint_replacement_or_injection",
        "severe_weakness",
        "clotting_tendency",
        "heart_or_bowel_disease",
    }
)
V2_FLAGS: frozenset[str] = frozenset(
    {"compartment_syndrome", "cellulitis", "popliteal_aneurysm", "severe_weakness", "knee_bleed", "under_16"}
)
CLOT_FLAGS: frozenset[str] = frozenset({"suspected_dvt", "suspected_pe"})
SELF_CARE_UNSAFE_FLAGS: frozenset[str] = frozenset(
    {
        "suspected_dvt",
        "suspected_pe",
        "limb_ischaemia",
        "compartment_syndrome",
        "septic_arthritis",
        "cellulitis",
    }
)

#: What a question about a group means to a person: "yes" when any of these is true for them.
#: (Unioned at run time with ``triage.vocabulary.FINDING_GROUPS``.)
PATIENT_GROUPS: dict[str, frozenset[str]] = {
    "pe_signs": frozenset({"breathlessness", "chest_pain", "coughing_blood", "fainting"}),
    "skin_changes": frozenset({"warmth", "redness", "discolouration"}),
    "recent_immobility": frozenset({"recent_surgery", "bed_rest_3_days", "plaster_cast", "long_journey"}),
    "hormonal_risk": frozenset({"pregnant_or_postpartum", "hormones"}),
    "clot_history": frozenset({"cancer", "previous_clot"}),
}
#: What else a person with a finding would say "yes" to (a narrower thing implies the broader one).
PATIENT_IMPLIES: dict[str, tuple[str, ...]] = {
    "locked_now": ("locking",),
    "cramp_over_10_min": ("cramping",),
    "cramps_at_night": ("cramping",),
    "swelling_whole_leg": ("swelling_calf",),
    "tight_calf": ("swelling_calf",),
    "rapid_swelling": ("swelling_knee",),
    "severe_weakness": ("weakness",),
    "pulsating_lump": ("lump_behind_knee",),
    "sudden_numb_weak_leg": ("numbness_tingling", "weakness"),
}
#: Red-flag questions where a second "not sure" counts as present in triage v2 (issue 13, item 1).
UNSURE_ESCALATES: frozenset[str] = frozenset(
    {
        "pe_signs",
        "breathlessness",
        "chest_pain",
        "coughing_blood",
        "fainting",
        "racing_heart",
        "cold_pale_leg",
        "sudden_numb_weak_leg",
        "bladder_bowel_change",
        "swelling_calf",
        "swelling_whole_leg",
        "skin_changes",
        "warmth",
        "redness",
        "discolouration",
        "fever_unwell",
        "recent_immobility",
        "hormonal_risk",
        "clot_history",
        "recent_surgery",
        "bed_rest_3_days",
        "plaster_cast",
        "long_journey",
        "pregnant_or_postpartum",
        "hormones",
        "cancer",
        "previous_clot",
        "clotting_tendency",
        "heart_or_bowel_disease",
    }
)


class Style(StrEnum):
    PLAIN = "plain"
    NOT_SURE = "not_sure"
    VOLUNTEERED = "volunteered"
    CORRECTED = "corrected"


class Truth(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


@dataclass(frozen=True)
class Expect:
    level: int
    flags: frozenset[str]
    flags_absent: frozenset[str]
    causes: frozenset[str]


@dataclass(frozen=True)
class Vignette:
    id: str
    rationale: str
    locale: str
    age: int | None
    opening: str
    style: Style
    present: frozenset[str]
    absent: frozenset[str]
    unsure: frozenset[str]
    past: frozenset[str]
    corrected: tuple[str, ...]
    yes_if_asked: tuple[str, ...]
    hazards: tuple[int, ...]
    v2: bool
    expect: Expect
    launch: bool = False
    groups: Mapping[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def true_findings(self) -> frozenset[str]:
        """Present findings plus what they imply to the person (``PATIENT_IMPLIES``)."""
        found = set(self.present) | set(self.past)
        for f in list(found):
            found.update(PATIENT_IMPLIES.get(f, ()))
        return frozenset(found)

    @property
    def child(self) -> bool:
        return self.age is not None and self.age < 16

    def truth(self, key: str) -> Truth:
        """What is true for this person about ``key`` (a finding or group id)."""
        present = self.true_findings
        atoms = self.groups.get(key, frozenset())
        if key in present or atoms & present:
            return Truth.YES
        if key in self.unsure or atoms & self.unsure:
            return Truth.UNSURE
        if any(key in members and group in self.unsure for group, members in self.groups.items()):
            return Truth.UNSURE  # not sure about the group: not sure about each thing in it
        return Truth.NO

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every finding name the vignette uses."""
        return self.present | self.absent | self.unsure | self.past | frozenset(self.corrected)


class VignetteError(ValueError):
    pass


def _names(entry: Mapping[str, Any], key: str) -> frozenset[str]:
    raw = entry.get(key) or []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise VignetteError(f"{entry.get('id')}: {key} must be a list of names")
    return frozenset(raw)


def _groups() -> dict[str, frozenset[str]]:
    groups = {k: set(v) for k, v in PATIENT_GROUPS.items()}
    try:
        from triage.vocabulary import FINDING_GROUPS
    except ImportError:  # pragma: no cover - the triage core is always there in this repository
        FINDING_GROUPS = {}
    for group, atoms in FINDING_GROUPS.items():
        groups.setdefault(group.value, set()).update(a.value for a in atoms)
    return {k: frozenset(v) for k, v in groups.items()}


def parse(entry: Mapping[str, Any], groups: Mapping[str, frozenset[str]] | None = None) -> Vignette:
    vid = str(entry.get("id") or "")
    if not vid:
        raise VignetteError(f"a vignette has no id: {entry!r}")
    expect = entry.get("expect")
    if not isinstance(expect, dict) or expect.get("level") not in LEVELS:
        raise VignetteError(f"{vid}: expect.level must be one of {sorted(LEVELS)}")
    locale = str(entry.get("locale") or "")
    if locale not in LOCALES:
        raise VignetteError(f"{vid}: locale {locale!r} is not one of {LOCALES}")
    age = entry.get("age")
    if age is not None and not isinstance(age, int):
        raise VignetteError(f"{vid}: age must be a whole number or null")
    present, absent, unsure, past = (_names(entry, k) for k in ("present", "absent", "unsure", "past"))
    corrected = tuple(sorted(_names(entry, "corrected")))
    listed = [*present, *absent, *unsure, *past]
    if len(listed) != len(set(listed)):
        raise VignetteError(f"{vid}: a finding is listed twice among present/absent/unsure/past")
    style = Style(str(entry.get("style", "plain")))
    if (style is Style.NOT_SURE) != bool(unsure):
        raise VignetteError(f"{vid}: style not_sure goes with a non-empty unsure list (and only then)")
    if (style is Style.CORRECTED) != bool(corrected):
        raise VignetteError(f"{vid}: style corrected goes with a non-empty corrected list (and only then)")
    opening = str(entry.get("opening") or HEADLINE)
    rationale = str(entry.get("rationale") or "").strip()
    if not rationale or "\n" in rationale:
        raise VignetteError(f"{vid}: a one-line rationale naming its source is required")
    hazards = entry.get("hazard") or []
    if isinstance(hazards, int):
        hazards = [hazards]
    return Vignette(
        id=vid,
        rationale=rationale,
        locale=locale,
        age=age,
        opening=opening,
        style=style,
        present=present,
        absent=absent,
        unsure=unsure,
        past=past,
        corrected=corrected,
        yes_if_asked=tuple(str(p) for p in entry.get("yes_if_asked") or []),
        hazards=tuple(int(h) for h in hazards),
        v2=bool(entry.get("v2", False)),
        expect=Expect(
            level=LEVELS[str(expect["level"])],
            flags=_names(expect, "flags"),
            flags_absent=_names(expect, "flags_absent"),
            causes=_names(expect, "causes"),
        ),
        launch=bool(entry.get("launch", False)),
        groups=groups if groups is not None else _groups(),
    )


def load(path: Path = VIGNETTES_PATH) -> list[Vignette]:
    data = yaml_source.load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise VignetteError(f"{path}: expected a list of vignettes")
    groups = _groups()
    vignettes = [parse(entry, groups) for entry in data]
    ids = [v.id for v in vignettes]
    if len(ids) != len(set(ids)):
        raise VignetteError("vignette ids must be unique")
    return vignettes


# ------------------------------------------------------------------------------ triage v2 support


def v2_available() -> bool:
    """Whether the triage core speaks the v2 vocabulary of SPEC.md (after the triage merge)."""
    from triage.vocabulary import Answer, Finding, Flag

    findings = {f.value for f in Finding}
    flags = {f.value for f in Flag}
    return "unclear" in {a.value for a in Answer} and findings >= V2_FINDINGS and flags >= V2_FLAGS


def missing_vocabulary(v: Vignette) -> list[str]:
    """Names the vignette uses that the triage core does not know (yet)."""
    from triage.vocabulary import Condition, Finding, Flag

    findings = {f.value for f in Finding}
    flags = {f.value for f in Flag}
    causes = {c.value for c in Condition}
    missing = sorted(n for n in v.vocabulary if n not in findings)
    missing += sorted(n for n in v.expect.flags | v.expect.flags_absent if n not in flags)
    missing += sorted(n for n in v.expect.causes if n not in causes)
    return missing


def skip_reason(v: Vignette) -> str | None:
    """Why the facts-level check cannot run on this triage core, or None when it can."""
    missing = missing_vocabulary(v)
    if missing:
        return f"needs the triage v2 vocabulary: {', '.join(missing)}"
    if v.v2 and not v2_available():
        rows = ", ".join(str(h) for h in v.hazards) or "-"
        return f"expects triage v2 behaviour (clinical review rows {rows})"
    return None


def build_facts(v: Vignette) -> Any:
    """The vignette as ``triage.Facts``: present findings PRESENT, ``unsure`` ones UNKNOWN (UNCLEAR
    for red-flag questions on a v2 core: asked twice, "not sure" twice), everything else ABSENT."""
    from triage import Answer, Facts, Finding

    unclear = next((a for a in Answer if a.value == "unclear"), None)
    truth = v.true_findings
    answers: dict[Any, Any] = {}
    for finding in Finding:
        name = finding.value
        if name in truth:
            answers[finding] = Answer.PRESENT
        elif v.truth(name) is Truth.UNSURE:
            escalates = name in UNSURE_ESCALATES and unclear is not None
            answers[finding] = unclear if escalates else Answer.UNKNOWN
        else:
            answers[finding] = Answer.ABSENT
    facts = Facts(answers)
    if v.age is not None:
        facts = facts.with_age(v.age)
    return facts
