"""The content schema: frozen dataclasses and one strict converter.

One dataclass tree describes a compiled locale bundle (:class:`LocaleContent`). Every leaf field is
tagged with the source it comes from, so the same tree also validates the YAML sources:

* ``facts``    -- language-neutral facts in ``content/source/facts/*.yaml`` (ids, sources, numbers),
* ``text``     -- base English wording in ``content/source/locales/en.yaml``,
* ``locale``   -- per-locale terms from ``content/source/locales/<locale>.yaml``,
* ``compiled`` -- produced by the compiler (never written by hand).

:func:`from_dict` rejects unknown keys and missing keys with a path such as
``conditions.bakers_cyst.summery: unknown key``. Enum-keyed mappings must name every member.
Stdlib and ``triage`` only: this module is imported at run time, so it never imports YAML.
"""

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import Any, Final, Literal, TypeVar

from triage.vocabulary import Answer, CareLevel, Condition, Finding, Flag

Mode = Literal["all", "facts", "text", "locale", "compiled"]
T = TypeVar("T")


#: Field metadata naming where a field's data comes from (see the module docstring).
FACTS: Final = {"src": "facts"}
TEXT: Final = {"src": "text"}
LOCALE: Final = {"src": "locale"}
COMPILED: Final = {"src": "compiled"}


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

#: Sections of the source article; ``article:<id>`` source references must name one of these.
ARTICLE_SECTIONS: Final[frozenset[str]] = frozenset(
    {"intro", "causes", "when_to_see_a_doctor", "tests", "treatment", "prevention"}
    | {f"causes/{c.value}" for c in Condition}
    | {f"tests/{t.value}" for t in DiagnosticTest}
    | {"treatment/pain_relief", "treatment/price", "treatment/physical_therapy", "treatment/surgery"}
    | {f"treatment/price/{s.value}" for s in PriceStep}
)

#: Numbered sections of the reference documents: clinical-facts.md (2.x), voice-ux-lessons.md (3.x).
CLINICAL_SECTIONS: Final[frozenset[str]] = frozenset(f"2.{n}" for n in range(1, 14))
UX_SECTIONS: Final[frozenset[str]] = frozenset(f"3.{n}" for n in range(1, 4))

#: Rule ids the content must explain (the triage RuleId enum will be reconciled with this list).
REQUIRED_RULE_IDS: Final[frozenset[str]] = frozenset(
    {
        "pe_signs",
        "limb_ischaemia",
        "cauda_equina",
        "septic_arthritis",
        "deformity",
        "locked_knee",
        "severe_injury_cannot_bear_weight",
        "dvt_signs",
        "dvt_risk_factor",
        "bakers_cyst_complication",
        "ottawa_positive",
        "badly_swollen_knee",
        "giving_way",
        "prolonged_cramp",
        "severe_hamstring_tear",
        "persistent_pain",
        "troublesome_cramps",
        "lump_behind_knee",
        "mechanical_symptoms",
        "suspected_osteoarthritis",
        "suspected_chondromalacia",
        "cauda_equina_both_legs",
        "cannot_bear_weight",
        "no_warning_signs",
        "faint_or_racing_heart",
        "compartment_syndrome",
        "sciatica_both_legs",
        "severe_weakness_both_legs",
        "child",
        "cellulitis",
        "popliteal_aneurysm",
        "prosthetic_joint_hot_or_swollen",
        "severe_weakness",
        "knee_bleed",
        "injury_swelling_on_blood_thinners",
        "severe_pain",
        "swollen_knee",
        "weak_leg",
        "typical_care",
    }
)

#: Skill-level text ids every locale must provide (more may be added freely).
REQUIRED_SKILL_IDS: Final[frozenset[str]] = frozenset(
    {
        "launch",
        "launch_returning",
        "disclaimer",
        "what_you_can_ask",
        "help",
        "goodbye",
        "fallback",
        "error",
        "say_more",
        "delete_data_done",
        "reprompt",
    }
)

_SOURCE_RE: Final = re.compile(r"^(article|clinical|ux):([a-z0-9_./]+)$")
_SLOT_SAFE_RE: Final = re.compile(r"^[A-Za-z](?:[A-Za-z.' ]*[A-Za-z.])?$")


def check_source_ref(ref: str) -> str | None:
    """Return a problem description for a malformed source reference, or ``None``."""
    m = _SOURCE_RE.match(ref)
    if m is None:
        return f"bad source reference {ref!r} (want article:<section>, clinical:2.N or ux:3.N)"
    kind, section = m.group(1), m.group(2)
    known = {"article": ARTICLE_SECTIONS, "clinical": CLINICAL_SECTIONS, "ux": UX_SECTIONS}[kind]
    if section not in known:
        return f"unknown {kind} section {section!r} in {ref!r}"
    return None


def is_slot_safe(synonym: str) -> bool:
    """Letters, spaces, apostrophes and periods only; no double spaces (Alexa slot synonyms)."""
    return bool(_SLOT_SAFE_RE.match(synonym)) and "  " not in synonym


# --------------------------------------------------------------------------------------------------
# The bundle
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Terms:
    """Locale terms. Each also works as a ``{placeholder}`` in the English text."""

    emergency_number: str = dataclasses.field(metadata=LOCALE)  # digits, e.g. "000"
    emergency_number_spoken: str = dataclasses.field(metadata=LOCALE)  # e.g. "triple zero"
    paracetamol: str = dataclasses.field(metadata=LOCALE)  # short name used mid-sentence
    paracetamol_full: str = dataclasses.field(
        metadata=LOCALE
    )  # first mention, e.g. "acetaminophen, also called paracetamol"
    towel: str = dataclasses.field(metadata=LOCALE)
    emergency_department: str = dataclasses.field(metadata=LOCALE)
    physio: str = dataclasses.field(metadata=LOCALE)
    advice_line: str = dataclasses.field(
        metadata=LOCALE
    )  # a full sentence, or "" where no national line is named


@dataclasses.dataclass(frozen=True)
class Numbers:
    """Numbers from the guidance; usable in text as ``{name}`` placeholders."""

    ice_minutes_min: int = dataclasses.field(metadata=FACTS)
    ice_minutes_max: int = dataclasses.field(metadata=FACTS)
    ice_every_hours_min: int = dataclasses.field(metadata=FACTS)
    ice_every_hours_max: int = dataclasses.field(metadata=FACTS)
    skin_check_minutes: int = dataclasses.field(metadata=FACTS)
    price_days_min: int = dataclasses.field(metadata=FACTS)
    price_days_max: int = dataclasses.field(metadata=FACTS)
    paracetamol_max_grams_per_day: int = dataclasses.field(metadata=FACTS)
    paracetamol_min_hours_between: int = dataclasses.field(metadata=FACTS)
    ibuprofen_wait_hours: int = dataclasses.field(metadata=FACTS)
    nsaid_caution_age: int = dataclasses.field(metadata=FACTS)
    cramp_minutes: int = dataclasses.field(metadata=FACTS)
    long_journey_hours: int = dataclasses.field(metadata=FACTS)
    recent_surgery_weeks: int = dataclasses.field(metadata=FACTS)
    postpartum_weeks: int = dataclasses.field(metadata=FACTS)
    bed_rest_days: int = dataclasses.field(metadata=FACTS)
    ottawa_age: int = dataclasses.field(metadata=FACTS)
    clot_risk_age: int = dataclasses.field(metadata=FACTS)
    ottawa_steps: int = dataclasses.field(metadata=FACTS)


@dataclasses.dataclass(frozen=True)
class ConditionPart:
    """A named sub-part of a cause (the ACL and PCL of a cruciate ligament injury)."""

    name: str = dataclasses.field(metadata=TEXT)
    mechanism: str = dataclasses.field(metadata=TEXT)
    synonyms: tuple[str, ...] = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class ConditionContent:
    """One of the twelve causes."""

    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    typical_care: CareLevel = dataclasses.field(
        metadata=FACTS
    )  # the usual level of care when nothing urgent is found
    related_findings: tuple[Finding, ...] = dataclasses.field(metadata=FACTS)
    name: str = dataclasses.field(metadata=TEXT)
    summary: str = dataclasses.field(metadata=TEXT)  # 1-2 spoken sentences
    explanation: str = dataclasses.field(metadata=TEXT)  # a few sentences, for "tell me more"
    signs: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    triggers: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    sports: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    at_risk: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    what_helps: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    synonyms: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    other_causes: tuple[str, ...] = dataclasses.field(default=(), metadata=TEXT)
    parts: Mapping[str, ConditionPart] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({}), metadata=TEXT
    )


@dataclasses.dataclass(frozen=True)
class WarningSignContent:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    findings: tuple[Finding, ...] = dataclasses.field(metadata=FACTS)
    emergency: bool = dataclasses.field(
        metadata=FACTS
    )  # True: tied to the emergency advice (difficulty breathing)
    spoken: str = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class WhenToSeeDoctor:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    summary: str = dataclasses.field(metadata=TEXT)
    explanation: str = dataclasses.field(metadata=TEXT)
    breathing_emergency: str = dataclasses.field(metadata=TEXT)
    warning_signs: Mapping[WarningSign, WarningSignContent] = dataclasses.field()


@dataclasses.dataclass(frozen=True)
class DiagnosticTestContent:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    related_conditions: tuple[Condition, ...] = dataclasses.field(metadata=FACTS)
    name: str = dataclasses.field(metadata=TEXT)
    looks_for: str = dataclasses.field(metadata=TEXT)
    when_used: str = dataclasses.field(metadata=TEXT)
    synonyms: tuple[str, ...] = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class DiagnosticTests:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    intro: str = dataclasses.field(metadata=TEXT)
    tests: Mapping[DiagnosticTest, DiagnosticTestContent] = dataclasses.field()


@dataclasses.dataclass(frozen=True)
class PainReliefContent:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    name: str = dataclasses.field(metadata=TEXT)
    summary: str = dataclasses.field(metadata=TEXT)
    cautions: tuple[str, ...] = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class MedicineCautions:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    ask_pharmacist: str = dataclasses.field(metadata=TEXT)
    nsaid: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    paracetamol: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    blood_thinners: str = dataclasses.field(metadata=TEXT)
    ibuprofen_timing: str = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class PriceStepContent:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    order: int = dataclasses.field(metadata=FACTS)
    name: str = dataclasses.field(metadata=TEXT)
    spoken: str = dataclasses.field(metadata=TEXT)  # one short spoken step
    detail: str = dataclasses.field(metadata=TEXT)  # a longer explanation


@dataclasses.dataclass(frozen=True)
class Price:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    name: str = dataclasses.field(metadata=TEXT)
    intro: str = dataclasses.field(metadata=TEXT)
    safety: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    #: Who should ask before using ice (numb skin or diabetes, Raynaud's, poor circulation): said
    #: early in the Ice step and before every timer, never trimmed.
    cautions: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    avoid: str = dataclasses.field(metadata=TEXT)
    newer_guidance: str = dataclasses.field(metadata=TEXT)
    steps: Mapping[PriceStep, PriceStepContent] = dataclasses.field()


@dataclasses.dataclass(frozen=True)
class TextItem:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    summary: str = dataclasses.field(metadata=TEXT)
    detail: str = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class Treatment:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    intro: str = dataclasses.field(metadata=TEXT)
    pain_relief_intro: str = dataclasses.field(metadata=TEXT)
    pain_relief: Mapping[PainRelief, PainReliefContent] = dataclasses.field()
    medicine_cautions: MedicineCautions = dataclasses.field()
    price: Price = dataclasses.field()
    physical_therapy: TextItem = dataclasses.field()
    surgery: TextItem = dataclasses.field()


@dataclasses.dataclass(frozen=True)
class Prevention:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    summary: str = dataclasses.field(metadata=TEXT)
    tips: tuple[str, ...] = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class QuestionText:
    """Interview text for one Finding, or for the ``age`` question."""

    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    question: str = dataclasses.field(metadata=TEXT)  # a spoken yes/no question ("How old are you?" for age)
    why: str = dataclasses.field(metadata=TEXT)  # answer to "why are you asking?"
    phrase: str = dataclasses.field(metadata=TEXT)  # a noun phrase for reasons, e.g. "swelling in your calf"
    synonyms: tuple[str, ...] = dataclasses.field(
        metadata=TEXT
    )  # what people volunteer ("my calf is swollen")
    #: Red-flag questions only: the simpler second wording after a first "not sure".
    simpler: str = dataclasses.field(default="", metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class Interview:
    findings: Mapping[Finding, QuestionText] = dataclasses.field()
    age: QuestionText = dataclasses.field()

    def question(self, question_id: str) -> QuestionText:
        """Text for a question id: a Finding value or ``"age"``. Raises ``KeyError`` otherwise."""
        if question_id == AGE_QUESTION_ID:
            return self.age
        return self.findings[Finding(question_id)]


@dataclasses.dataclass(frozen=True)
class CareLevelText:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    label: str = dataclasses.field(metadata=TEXT)
    time_frame: str = dataclasses.field(metadata=TEXT)
    action: str = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class FlagText:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    explanation: str = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class RuleText:
    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    reason: str = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class EmergencyTemplates:
    """The emergency sentences with ``{emergency_number}`` left in, for say-as/sub rendering."""

    call_now: tuple[str, ...] = dataclasses.field(metadata=COMPILED)
    cannot_call: tuple[str, ...] = dataclasses.field(metadata=COMPILED)
    do_not_drive: tuple[str, ...] = dataclasses.field(metadata=COMPILED)
    pe_warning: tuple[str, ...] = dataclasses.field(metadata=COMPILED)
    dvt_see_today: tuple[str, ...] = dataclasses.field(metadata=COMPILED)
    short: tuple[str, ...] = dataclasses.field(metadata=COMPILED)


@dataclasses.dataclass(frozen=True)
class Emergency:
    """Emergency guidance, read first whenever DVT or PE is suspected. Number resolved to its spoken form."""

    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    call_now: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    cannot_call: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    do_not_drive: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    pe_warning: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    dvt_see_today: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    short: tuple[str, ...] = dataclasses.field(metadata=TEXT)
    templates: EmergencyTemplates = dataclasses.field()


@dataclasses.dataclass(frozen=True)
class ActivityContent:
    """Something people were doing when it started; maps to mechanism findings for triage."""

    source: tuple[str, ...] = dataclasses.field(metadata=FACTS)
    findings: tuple[Finding, ...] = dataclasses.field(metadata=FACTS)
    synonyms: tuple[str, ...] = dataclasses.field(metadata=TEXT)  # the first is the slot value's name


@dataclasses.dataclass(frozen=True)
class Vocab:
    """Slot catalogues of the voice model; the ids are what the handlers read."""

    #: Finding value -> place words ("calf").
    body_places: Mapping[str, tuple[str, ...]] = dataclasses.field(metadata=TEXT)
    activities: Mapping[str, ActivityContent] = dataclasses.field()
    #: Words beside each step's name.
    price_steps: Mapping[PriceStep, tuple[str, ...]] = dataclasses.field(metadata=TEXT)
    #: The first word is the slot value's name.
    medicines: Mapping[PainRelief, tuple[str, ...]] = dataclasses.field(metadata=TEXT)
    #: Yes, no and not sure, as said inside longer answers ("yes and it's red").
    answers: Mapping[Answer, tuple[str, ...]] = dataclasses.field(metadata=TEXT)


@dataclasses.dataclass(frozen=True)
class LocaleContent:
    """Everything one locale says, fully resolved."""

    locale: str = dataclasses.field(metadata=LOCALE)
    terms: Terms = dataclasses.field()
    numbers: Numbers = dataclasses.field()
    emergency: Emergency = dataclasses.field()
    conditions: Mapping[Condition, ConditionContent] = dataclasses.field()
    when_to_see_a_doctor: WhenToSeeDoctor = dataclasses.field()
    diagnostic_tests: DiagnosticTests = dataclasses.field()
    treatment: Treatment = dataclasses.field()
    prevention: Prevention = dataclasses.field()
    interview: Interview = dataclasses.field()
    care_levels: Mapping[CareLevel, CareLevelText] = dataclasses.field()
    flags: Mapping[Flag, FlagText] = dataclasses.field()
    rules: Mapping[str, RuleText] = dataclasses.field()
    skill: Mapping[str, str] = dataclasses.field(metadata=TEXT)
    vocab: Vocab = dataclasses.field()

    @property
    def emergency_number(self) -> str:
        return self.terms.emergency_number

    @property
    def emergency_number_spoken(self) -> str:
        return self.terms.emergency_number_spoken


# --------------------------------------------------------------------------------------------------
# The strict converter
# --------------------------------------------------------------------------------------------------


class SchemaError(ValueError):
    """A source or bundle does not match the schema. ``str()`` reads ``where: a.b.c: problem``."""

    def __init__(self, path: tuple[str, ...], problem: str, where: str = "") -> None:
        self.path = path
        self.problem = problem
        self.where = where
        super().__init__(self._message())

    def _message(self) -> str:
        dotted = ".".join(self.path) or "<top>"
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{dotted}: {self.problem}"

    def located(self, where: str) -> "SchemaError":
        return SchemaError(self.path, self.problem, where)


def enum_key(member: Enum) -> str:
    """The stable string id of an enum member (``CareLevel`` uses ``.key``)."""
    if isinstance(member, CareLevel):
        return member.key
    return str(member.value)


_ENUM_LOOKUP: dict[type[Enum], dict[str, Enum]] = {}


def _enum_from(cls: type[Enum], raw: object, path: tuple[str, ...]) -> Enum:
    table = _ENUM_LOOKUP.get(cls)
    if table is None:
        table = {enum_key(m): m for m in cls}
        _ENUM_LOOKUP[cls] = table
    if not isinstance(raw, str) or raw not in table:
        raise SchemaError(path, f"{raw!r} is not a {cls.__name__} (one of: {', '.join(sorted(table))})")
    return table[raw]


_HINTS: dict[type[Any], dict[str, Any]] = {}
_FIELDS: dict[tuple[type[Any], str], tuple[tuple[str, Any, bool], ...]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        # Annotations are real objects here (no ``from __future__ import annotations``): no eval needed.
        hints = {f.name: f.type for f in dataclasses.fields(cls)}
        _HINTS[cls] = hints
    return hints


def _dataclasses_in(tp: Any) -> list[type[Any]]:
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return [tp]
    found: list[type[Any]] = []
    for arg in typing.get_args(tp):
        found.extend(_dataclasses_in(arg))
    return found


def _fields_for(cls: type[Any], mode: Mode) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, required) of the fields of ``cls`` that ``mode`` covers."""
    cached = _FIELDS.get((cls, mode))
    if cached is not None:
        return cached
    hints = _hints(cls)
    out: list[tuple[str, Any, bool]] = []
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        src = f.metadata.get("src")
        container = src is None and any(_fields_for(dc, mode) for dc in _dataclasses_in(tp))
        if mode in ("all", src) or container:
            out.append((f.name, tp, required))
    result = tuple(out)
    _FIELDS[(cls, mode)] = result
    return result


def fields_for(cls: type[Any], mode: Mode) -> tuple[str, ...]:
    """Names of the fields of ``cls`` that a source of kind ``mode`` must provide."""
    return tuple(name for name, _, _ in _fields_for(cls, mode))


def _convert(tp: Any, raw: object, path: tuple[str, ...], mode: Mode) -> Any:
    if tp is str:
        if not isinstance(raw, str):
            raise SchemaError(path, f"expected text, got {type(raw).__name__}")
        return raw
    if tp is bool:
        if not isinstance(raw, bool):
            raise SchemaError(path, f"expected true or false, got {type(raw).__name__}")
        return raw
    if tp is int:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise SchemaError(path, f"expected a whole number, got {type(raw).__name__}")
        return raw
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_from(tp, raw, path)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _from_dict(tp, raw, path, mode)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is tuple:
        if not isinstance(raw, list | tuple):
            raise SchemaError(path, f"expected a list, got {type(raw).__name__}")
        if args[0] is str and all(type(item) is str for item in raw):
            return tuple(raw)  # the common case, fast
        return tuple(_convert(args[0], item, (*path, str(i)), mode) for i, item in enumerate(raw))
    if origin is Mapping:
        if not isinstance(raw, dict):
            raise SchemaError(path, f"expected a mapping, got {type(raw).__name__}")
        key_tp, value_tp = args
        out: dict[Any, Any] = {}
        for k, v in raw.items():
            if not isinstance(k, str):
                raise SchemaError(path, f"key {k!r} is not text")
            key = _enum_from(key_tp, k, (*path, k)) if key_tp is not str else k
            out[key] = _convert(value_tp, v, (*path, k), mode)
        if key_tp is not str:
            missing = sorted(enum_key(m) for m in key_tp if m not in out)
            if missing:
                raise SchemaError(path, f"missing {key_tp.__name__} entries: {', '.join(missing)}")
        return types.MappingProxyType(out)
    raise TypeError(f"unsupported schema type {tp!r}")  # pragma: no cover - a schema bug


def _from_dict(cls: type[T], raw: object, path: tuple[str, ...], mode: Mode) -> T:
    if not isinstance(raw, dict):
        raise SchemaError(path, f"expected a mapping for {cls.__name__}, got {type(raw).__name__}")
    spec = _fields_for(cls, mode)
    names = {name for name, _, _ in spec}
    for key in raw:
        if key not in names:
            raise SchemaError((*path, str(key)), "unknown key")
    kwargs: dict[str, Any] = {}
    for name, tp, required in spec:
        if name in raw:
            kwargs[name] = _convert(tp, raw[name], (*path, name), mode)
        elif required:
            raise SchemaError((*path, name), "missing key")
    if mode != "all":
        return kwargs  # type: ignore[return-value]  # a projection: validated, not constructed
    return cls(**kwargs)


def from_dict(cls: type[T], raw: object, where: str = "") -> T:
    """Build ``cls`` from plain data, strictly. Raises :class:`SchemaError` naming ``where`` and the path."""
    try:
        return _from_dict(cls, raw, (), "all")
    except SchemaError as err:
        raise err.located(where) from None


def validate_source(cls: type[Any], raw: object, mode: Mode, where: str = "", partial: bool = False) -> None:
    """Check one YAML source against the fields of kind ``mode`` (``facts``, ``text`` or ``locale``).

    With ``partial`` (locale overrides) missing keys are allowed, unknown keys are not.
    """
    try:
        if partial:
            _check_partial(cls, raw, (), mode)
        else:
            _from_dict(cls, raw, (), mode)
    except SchemaError as err:
        raise err.located(where) from None


def _check_partial(tp: Any, raw: object, path: tuple[str, ...], mode: Mode) -> None:
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(raw, dict):
            raise SchemaError(path, f"expected a mapping for {tp.__name__}")
        spec = {name: ftp for name, ftp, _ in _fields_for(tp, mode)}
        for key, value in raw.items():
            if key not in spec:
                raise SchemaError((*path, str(key)), "unknown key")
            _check_partial(spec[key], value, (*path, key), mode)
        return
    if typing.get_origin(tp) is Mapping and isinstance(raw, dict):
        key_tp, value_tp = typing.get_args(tp)
        for key, value in raw.items():
            if key_tp is not str:
                _enum_from(key_tp, key, (*path, str(key)))
            _check_partial(value_tp, value, (*path, str(key)), mode)
        return
    _convert(tp, raw, path, mode)


def to_dict(obj: Any) -> Any:
    """Plain JSON-ready data from a schema object (the inverse of :func:`from_dict`)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return enum_key(obj)
    if isinstance(obj, Mapping):
        return {(enum_key(k) if isinstance(k, Enum) else k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return [to_dict(v) for v in obj]
    return obj
