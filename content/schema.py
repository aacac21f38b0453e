"""The content model: frozen msgspec Structs, decoded straight from the compiled JSON.

One Struct tree describes a compiled locale bundle (:class:`LocaleContent`). At run time
``msgspec.json.decode(data, type=LocaleContent)`` builds it in C: the types are checked as it decodes
(unknown keys, missing keys, wrong types and unknown enum ids are refused), with no converter of our
own. Mappings are read-only (``types.MappingProxyType``) and every Struct is frozen.

Every leaf field comes from one kind of source, so the same tree also describes the YAML sources
that the compiler validates (``content/validation.py``, build time only, with ``jsonschema``):

* ``facts``    -- language-neutral facts in ``content/source/facts/*.yaml`` (ids, sources, numbers),
* ``text``     -- base English wording in ``content/source/locales/en.yaml``,
* ``locale``   -- per-locale terms from ``content/source/locales/<locale>.yaml``,
* ``compiled`` -- produced by the compiler (never written by hand).

A Struct names the kind of its leaf fields in ``SOURCE`` (``text`` unless it says otherwise) and the
exceptions in ``SOURCES`` (``source`` is always a fact). Fields holding Structs have no kind of their
own: they take part wherever their Structs' fields do. This module imports only msgspec and ``triage``.
"""

import types
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import ClassVar, Final, Literal

import msgspec

from triage.vocabulary import Answer, CareLevel, Condition, Finding, Flag

Source = Literal["facts", "text", "locale", "compiled"]


# --------------------------------------------------------------------------------------------------
# Content-owned ids (the triage vocabulary has no enum for these)
# --------------------------------------------------------------------------------------------------


class DiagnosticTest(StrEnum):
    """The four tests the article lists."""

    X_RAY = "x_ray"
    MRI = "mri"
    D_DIMER = "d_dimer"
    ULTRASOUND = "ultrasound"


class PriceStep(StrEnum):
    """The five PRICE steps, in order."""

    PROTECTION = "protection"
    REST = "rest"
    ICE = "ice"
    COMPRESSION = "compression"
    ELEVATION = "elevation"


class PainRelief(StrEnum):
    """Over-the-counter pain relief the article names."""

    PARACETAMOL = "paracetamol"
    NSAID_GEL = "nsaid_gel"
    IBUPROFEN = "ibuprofen"


class WarningSign(StrEnum):
    """The six warning signs of the article's "when to see a doctor" section."""

    SWOLLEN_LEG_OR_KNEE = "swollen_leg_or_knee"
    REDNESS = "redness"
    WARMTH = "warmth"
    APPEARANCE_CHANGE = "appearance_change"
    LEG_WEAKNESS = "leg_weakness"
    DIFFICULTY_BREATHING = "difficulty_breathing"


#: The special interview question that is not a Finding.
AGE_QUESTION_ID: Final = "age"

#: A care level by its key (``CareLevel.key``): how the bundle names levels (a test keeps the two equal).
CareLevelKey = Literal["self_care", "consultation", "consultation_24", "emergency", "emergency_ambulance"]


# --------------------------------------------------------------------------------------------------
# The bundle
# --------------------------------------------------------------------------------------------------


class Content(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of every content Struct: frozen, strict, mappings read-only."""

    #: The kind of source of this Struct's leaf fields, unless ``SOURCES`` names another.
    SOURCE: ClassVar[Source] = "text"
    #: Leaf fields from another kind of source than ``SOURCE``.
    SOURCES: ClassVar[Mapping[str, Source]] = {"source": "facts"}
    #: Mapping fields, made read-only after decoding.
    MAPPINGS: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        for name in self.MAPPINGS:
            msgspec.structs.force_setattr(self, name, types.MappingProxyType(getattr(self, name)))


def facts(*names: str) -> Mapping[str, Source]:
    """``SOURCES`` for a Struct whose ``names`` (and ``source``) are facts."""
    return {"source": "facts", **dict.fromkeys(names, "facts")}


class Terms(Content, frozen=True, forbid_unknown_fields=True):
    """Locale terms. Each also works as a ``{placeholder}`` in the English text."""

    SOURCE = "locale"

    emergency_number: str  # digits, e.g. "000"
    emergency_number_spoken: str  # e.g. "triple zero"
    paracetamol: str  # short name used mid-sentence
    paracetamol_full: str  # first mention, e.g. "acetaminophen, also called paracetamol"
    towel: str
    emergency_department: str
    physio: str
    advice_line: str  # a full sentence, or "" where no national line is named


class Numbers(Content, frozen=True, forbid_unknown_fields=True):
    """Numbers from the guidance; usable in text as ``{name}`` placeholders."""

    SOURCE = "facts"

    ice_minutes_min: int
    ice_minutes_max: int
    ice_every_hours_min: int
    ice_every_hours_max: int
    skin_check_minutes: int
    price_days_min: int
    price_days_max: int
    paracetamol_max_grams_per_day: int
    paracetamol_min_hours_between: int
    ibuprofen_wait_hours: int
    nsaid_caution_age: int
    cramp_minutes: int
    long_journey_hours: int
    recent_surgery_weeks: int
    postpartum_weeks: int
    bed_rest_days: int
    ottawa_age: int
    clot_risk_age: int
    ottawa_steps: int


class ConditionPart(Content, frozen=True, forbid_unknown_fields=True):
    """A named sub-part of a cause (the ACL and PCL of a cruciate ligament injury)."""

    name: str
    mechanism: str
    synonyms: tuple[str, ...]


class ConditionContent(Content, frozen=True, forbid_unknown_fields=True):
    """One of the twelve causes."""

    SOURCES = facts("typical_care", "related_findings")
    MAPPINGS = ("parts",)

    source: tuple[str, ...]
    typical_care: CareLevelKey  # the usual level of care when nothing urgent is found
    related_findings: tuple[Finding, ...]
    name: str
    summary: str  # 1-2 spoken sentences
    explanation: str  # a few sentences, for "tell me more"
    signs: tuple[str, ...]
    triggers: tuple[str, ...]
    sports: tuple[str, ...]
    at_risk: tuple[str, ...]
    what_helps: tuple[str, ...]
    synonyms: tuple[str, ...]
    other_causes: tuple[str, ...] = ()
    parts: Mapping[str, ConditionPart] = msgspec.field(default_factory=dict)


class WarningSignContent(Content, frozen=True, forbid_unknown_fields=True):
    SOURCES = facts("findings", "emergency")

    source: tuple[str, ...]
    findings: tuple[Finding, ...]
    emergency: bool  # True: tied to the emergency advice (difficulty breathing)
    spoken: str


class WhenToSeeDoctor(Content, frozen=True, forbid_unknown_fields=True):
    MAPPINGS = ("warning_signs",)

    source: tuple[str, ...]
    summary: str
    explanation: str
    breathing_emergency: str
    warning_signs: Mapping[WarningSign, WarningSignContent]


class DiagnosticTestContent(Content, frozen=True, forbid_unknown_fields=True):
    SOURCES = facts("related_conditions")

    source: tuple[str, ...]
    related_conditions: tuple[Condition, ...]
    name: str
    looks_for: str
    when_used: str
    synonyms: tuple[str, ...]


class DiagnosticTests(Content, frozen=True, forbid_unknown_fields=True):
    MAPPINGS = ("tests",)

    source: tuple[str, ...]
    intro: str
    tests: Mapping[DiagnosticTest, DiagnosticTestContent]


class PainReliefContent(Content, frozen=True, forbid_unknown_fields=True):
    source: tuple[str, ...]
    name: str
    summary: str
    cautions: tuple[str, ...]


class MedicineCautions(Content, frozen=True, forbid_unknown_fields=True):
    source: tuple[str, ...]
    ask_pharmacist: str
    nsaid: tuple[str, ...]
    paracetamol: tuple[str, ...]
    blood_thinners: str
    ibuprofen_timing: str


class PriceStepContent(Content, frozen=True, forbid_unknown_fields=True):
    SOURCES = facts("order")

    source: tuple[str, ...]
    order: int
    name: str
    spoken: str  # one short spoken step
    detail: str  # a longer explanation


class Price(Content, frozen=True, forbid_unknown_fields=True):
    MAPPINGS = ("steps",)

    source: tuple[str, ...]
    name: str
    intro: str
    safety: tuple[str, ...]
    #: Who should ask before using ice (numb skin or diabetes, Raynaud's, poor circulation): said
    #: early in the Ice step and before every timer, never trimmed.
    cautions: tuple[str, ...]
    avoid: str
    newer_guidance: str
    steps: Mapping[PriceStep, PriceStepContent]


class TextItem(Content, frozen=True, forbid_unknown_fields=True):
    source: tuple[str, ...]
    summary: str
    detail: str


class Treatment(Content, frozen=True, forbid_unknown_fields=True):
    MAPPINGS = ("pain_relief",)

    source: tuple[str, ...]
    intro: str
    pain_relief_intro: str
    pain_relief: Mapping[PainRelief, PainReliefContent]
    medicine_cautions: MedicineCautions
    price: Price
    physical_therapy: TextItem
    surgery: TextItem


class Prevention(Content, frozen=True, forbid_unknown_fields=True):
    source: tuple[str, ...]
    summary: str
    tips: tuple[str, ...]


class QuestionText(Content, frozen=True, forbid_unknown_fields=True):
    """Interview text for one Finding, or for the ``age`` question."""

    source: tuple[str, ...]
    question: str  # a spoken yes/no question ("How old are you?" for age)
    why: str  # answer to "why are you asking?"
    phrase: str  # a noun phrase for reasons, e.g. "swelling in your calf"
    synonyms: tuple[str, ...]  # what people volunteer ("my calf is swollen")
    #: Red-flag questions only: the simpler second wording after a first "not sure".
    simpler: str = ""


class Interview(Content, frozen=True, forbid_unknown_fields=True):
    MAPPINGS = ("findings",)

    findings: Mapping[Finding, QuestionText]
    age: QuestionText

    def question(self, question_id: str) -> QuestionText:
        """Text for a question id: a Finding value or ``"age"``. Raises ``KeyError`` otherwise."""
        if question_id == AGE_QUESTION_ID:
            return self.age
        return self.findings[Finding(question_id)]


class CareLevelText(Content, frozen=True, forbid_unknown_fields=True):
    source: tuple[str, ...]
    label: str
    time_frame: str
    action: str


class CareLevelTexts(Content, frozen=True, forbid_unknown_fields=True):
    """The text of each care level, looked up by level: ``care_levels[CareLevel.EMERGENCY]``.

    A Struct with one field per ``CareLevel.key`` (the bundle names levels by key, and a Struct
    requires every one of them)."""

    self_care: CareLevelText
    consultation: CareLevelText
    consultation_24: CareLevelText
    emergency: CareLevelText
    emergency_ambulance: CareLevelText

    def __getitem__(self, level: CareLevel) -> CareLevelText:
        text: CareLevelText = getattr(self, level.key)
        return text

    def __iter__(self) -> Iterator[CareLevel]:
        return iter(CareLevel)

    def __len__(self) -> int:
        return len(CareLevel)

    def items(self) -> Iterator[tuple[CareLevel, CareLevelText]]:
        return ((level, self[level]) for level in CareLevel)


class FlagText(Content, frozen=True, forbid_unknown_fields=True):
    source: tuple[str, ...]
    explanation: str


class RuleText(Content, frozen=True, forbid_unknown_fields=True):
    source: tuple[str, ...]
    reason: str


class EmergencyTemplates(Content, frozen=True, forbid_unknown_fields=True):
    """The emergency sentences with ``{emergency_number}`` left in, for say-as/sub rendering."""

    SOURCE = "compiled"

    call_now: tuple[str, ...]
    cannot_call: tuple[str, ...]
    do_not_drive: tuple[str, ...]
    pe_warning: tuple[str, ...]
    dvt_see_today: tuple[str, ...]
    short: tuple[str, ...]


class Emergency(Content, frozen=True, forbid_unknown_fields=True):
    """Emergency guidance, read first whenever DVT or PE is suspected. Number resolved to its spoken form."""

    source: tuple[str, ...]
    call_now: tuple[str, ...]
    cannot_call: tuple[str, ...]
    do_not_drive: tuple[str, ...]
    pe_warning: tuple[str, ...]
    dvt_see_today: tuple[str, ...]
    short: tuple[str, ...]
    templates: EmergencyTemplates


class ActivityContent(Content, frozen=True, forbid_unknown_fields=True):
    """Something people were doing when it started; maps to mechanism findings for triage."""

    SOURCES = facts("findings")

    source: tuple[str, ...]
    findings: tuple[Finding, ...]
    synonyms: tuple[str, ...]  # the first is the slot value's name


class Vocab(Content, frozen=True, forbid_unknown_fields=True):
    """Slot catalogues of the voice model; the ids are what the handlers read."""

    MAPPINGS = ("body_places", "activities", "price_steps", "medicines", "answers")

    #: Finding value -> place words ("calf").
    body_places: Mapping[str, tuple[str, ...]]
    activities: Mapping[str, ActivityContent]
    #: Words beside each step's name.
    price_steps: Mapping[PriceStep, tuple[str, ...]]
    #: The first word is the slot value's name.
    medicines: Mapping[PainRelief, tuple[str, ...]]
    #: Yes, no and not sure, as said inside longer answers ("yes and it's red").
    answers: Mapping[Answer, tuple[str, ...]]


class LocaleContent(Content, frozen=True, forbid_unknown_fields=True):
    """Everything one locale says, fully resolved."""

    SOURCES = {"locale": "locale"}
    MAPPINGS = ("conditions", "flags", "rules", "skill")

    locale: str
    terms: Terms
    numbers: Numbers
    emergency: Emergency
    conditions: Mapping[Condition, ConditionContent]
    when_to_see_a_doctor: WhenToSeeDoctor
    diagnostic_tests: DiagnosticTests
    treatment: Treatment
    prevention: Prevention
    interview: Interview
    care_levels: CareLevelTexts
    flags: Mapping[Flag, FlagText]
    rules: Mapping[str, RuleText]
    skill: Mapping[str, str]
    vocab: Vocab

    @property
    def emergency_number(self) -> str:
        return self.terms.emergency_number

    @property
    def emergency_number_spoken(self) -> str:
        return self.terms.emergency_number_spoken
