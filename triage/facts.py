"""Facts: what the user has told us so far. Immutable, hashable, JSON round-trippable.

``Facts`` keeps the explicit answers exactly as given, and resolves (once, on first use) the answers
they imply (finding groups and a few obvious implications), so that rules and the interview read one
lookup table. Explicit answers always win over implied ones, except that a present atom always makes
its group present (safety first).
"""

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Annotated, Any, ClassVar, cast

import msgspec

from triage.vocabulary import FINDING_GROUPS, GROUP_OF, Answer, Finding

#: Finding declaration order, used to keep answers in one canonical order.
_ORDER: dict[Finding, int] = {f: i for i, f in enumerate(Finding)}
_FINDING_BY_VALUE: dict[str, Finding] = {f.value: f for f in Finding}
_ANSWER_BY_VALUE: dict[str, Answer] = {a.value: a for a in Answer}

#: "A present implies B present" (a narrower finding implies the broader one).
PRESENT_IMPLIES_PRESENT: tuple[tuple[Finding, Finding], ...] = (
    (Finding.LOCKED_NOW, Finding.LOCKING),
    (Finding.CRAMP_OVER_10_MIN, Finding.CRAMPING),
    (Finding.CRAMPS_AT_NIGHT, Finding.CRAMPING),
    (Finding.SWELLING_WHOLE_LEG, Finding.SWELLING_CALF),
    (Finding.PULSATING_LUMP, Finding.LUMP_BEHIND_KNEE),
    (Finding.SEVERE_WEAKNESS, Finding.WEAKNESS),
    (Finding.RAPID_SWELLING, Finding.SWELLING_KNEE),
    (Finding.TIGHT_CALF, Finding.SWELLING_CALF),
    (Finding.SWELLING_KNEE, Finding.KNEE_SWOLLEN_OR_HOT),
    (Finding.KNEE_HOT, Finding.KNEE_SWOLLEN_OR_HOT),
)
#: "A absent implies B absent" (the broader finding absent rules out the narrower one), in an order
#: where one pass rules out whole chains.
ABSENT_IMPLIES_ABSENT: tuple[tuple[Finding, Finding], ...] = (
    (Finding.KNEE_SWOLLEN_OR_HOT, Finding.SWELLING_KNEE),
    (Finding.KNEE_SWOLLEN_OR_HOT, Finding.KNEE_HOT),
    (Finding.LOCKING, Finding.LOCKED_NOW),
    (Finding.CRAMPING, Finding.CRAMP_OVER_10_MIN),
    (Finding.CRAMPING, Finding.CRAMPS_AT_NIGHT),
    (Finding.LUMP_BEHIND_KNEE, Finding.PULSATING_LUMP),
    (Finding.WEAKNESS, Finding.SEVERE_WEAKNESS),
    (Finding.SWELLING_KNEE, Finding.RAPID_SWELLING),
)
#: "A present implies B absent" (mutually exclusive answers). Never used on red-flag findings.
PRESENT_IMPLIES_ABSENT: tuple[tuple[Finding, Finding], ...] = (
    (Finding.ONE_LEG, Finding.BOTH_LEGS),
    (Finding.BOTH_LEGS, Finding.ONE_LEG),
    (Finding.SUDDEN_ONSET, Finding.GRADUAL_ONSET),
    (Finding.GRADUAL_ONSET, Finding.SUDDEN_ONSET),
)


def _closure(f: Finding) -> tuple[Finding, ...]:
    """Every finding a "yes" to ``f`` makes present: broader findings and groups, transitively."""
    found: list[Finding] = []
    todo = [f]
    while todo:
        x = todo.pop()
        nxt = [b for a, b in PRESENT_IMPLIES_PRESENT if a is x]
        if x in GROUP_OF:
            nxt.append(GROUP_OF[x])
        for b in nxt:
            if b not in found and b is not f:
                found.append(b)
                todo.append(b)
    return tuple(found)


#: What a "yes" to each finding makes present (its broader findings and their groups, transitively).
IMPLIED_PRESENT: dict[Finding, tuple[Finding, ...]] = {f: _closure(f) for f in Finding}


#: Per finding: the findings whose "yes" makes it present (the narrower findings and, for a group,
#: its atoms and theirs): a question about ``f`` screens all of them.
def _screens() -> dict[Finding, tuple[Finding, ...]]:
    """``IMPLIED_PRESENT`` inverted, each tuple in finding declaration order (one pass, not one
    pass over every finding per finding: that took ~5 ms of every cold start)."""
    narrower: dict[Finding, list[Finding]] = {f: [] for f in Finding}
    for x, implied in IMPLIED_PRESENT.items():
        for f in implied:
            narrower[f].append(x)
    return {f: tuple(xs) for f, xs in narrower.items()}


SCREENS: dict[Finding, tuple[Finding, ...]] = _screens()

MIN_AGE = 0
MAX_AGE = 130
#: Cap on how many answers ``from_json`` accepts (there are fewer findings than this).
_MAX_JSON_ANSWERS = 256


def _pair_order(pair: tuple[Finding, Answer]) -> int:
    return _ORDER[pair[0]]


class FrozenAnswers(Mapping[Finding, Answer]):
    """A read-only, hashable mapping of findings to answers, in finding declaration order."""

    __slots__ = ("_items", "_map")

    def __init__(self, items: Mapping[Finding, Answer] | None = None) -> None:
        pairs = sorted((items or {}).items(), key=_pair_order)
        self._items: tuple[tuple[Finding, Answer], ...] = tuple(pairs)
        self._map: dict[Finding, Answer] = dict(pairs)

    def with_item(self, f: Finding, a: Answer) -> "FrozenAnswers":
        """A copy with ``f`` set to ``a``."""
        items = self._map.copy()
        items[f] = a
        return FrozenAnswers(items)

    def __getitem__(self, key: Finding) -> Answer:
        return self._map[key]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._map

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenAnswers):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._map == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        inner = ", ".join(f"{f.value}={a.value}" for f, a in self._items)
        return f"FrozenAnswers({inner})"


_NO_ANSWERS = FrozenAnswers()

#: (group, atoms) pairs, precomputed for ``_resolve``.
_GROUPS: tuple[tuple[Finding, tuple[Finding, ...]], ...] = tuple(FINDING_GROUPS.items())
_GROUP_SET: frozenset[Finding] = frozenset(FINDING_GROUPS)
_IMPLIED_PRESENT = IMPLIED_PRESENT


def _resolve(explicit: dict[Finding, Answer]) -> dict[Finding, Answer]:
    """Explicit answers plus the answers they imply (only ever filling gaps, except group presence)."""
    resolved: dict[Finding, Answer] = dict(explicit)
    get = explicit.get
    present, absent, unclear = Answer.PRESENT, Answer.ABSENT, Answer.UNCLEAR
    implied = _IMPLIED_PRESENT
    for f, answer in explicit.items():
        if answer is present:
            for b in implied[f]:
                if b in _GROUP_SET or b not in explicit:
                    resolved[b] = present  # an atom present always makes its group present
    for group, atoms in _GROUPS:
        if resolved.get(group) is present:
            continue
        all_absent = True
        any_unclear = False
        for atom in atoms:
            given = get(atom)
            if given is unclear:
                any_unclear = True
            if given is not absent:
                all_absent = False
        if any_unclear:
            resolved[group] = unclear  # an unclear atom keeps the group escalating
        elif get(group) is absent:
            for atom in atoms:
                if atom not in resolved:
                    resolved[atom] = absent
        elif all_absent and group not in resolved:
            resolved[group] = absent
    for a, b in ABSENT_IMPLIES_ABSENT:
        if resolved.get(a) is absent and b not in explicit and resolved.get(b) is not present:
            resolved[b] = absent
    for a, b in PRESENT_IMPLIES_ABSENT:
        if get(a) is present and b not in explicit:
            resolved[b] = absent
    return resolved


def _clean_age(years: object) -> int | None:
    if isinstance(years, bool) or not isinstance(years, int):
        return None
    return years if MIN_AGE <= years <= MAX_AGE else None


class _Resolution:
    """What one ``Facts``' answers resolve to: explicit plus implied answers, and the findings the
    rules and the cause ranking read. Worked out once per ``Facts``, on first use."""

    __slots__ = (
        "absent",
        "escalating",
        "evidence_absent",
        "evidence_present",
        "present",
        "present_set",
        "resolved",
    )

    def __init__(self, answers: FrozenAnswers, inferred: frozenset[Finding]) -> None:
        explicit = answers._map  # the plain dict: Mapping.get is several times slower
        if inferred:
            explicit = {**{f: Answer.PRESENT for f in inferred}, **explicit}
        resolved = _resolve(explicit)
        pa, ab, uc = Answer.PRESENT, Answer.ABSENT, Answer.UNCLEAR
        present = tuple([f for f, a in resolved.items() if a is pa])
        absent = tuple([f for f, a in resolved.items() if a is ab])
        present_set = frozenset(present)
        self.resolved: dict[Finding, Answer] = resolved
        self.present: tuple[Finding, ...] = present
        self.absent: tuple[Finding, ...] = absent
        self.present_set: frozenset[Finding] = present_set
        unclear = [f for f, a in resolved.items() if a is uc]
        self.escalating: frozenset[Finding] = present_set.union(unclear) if unclear else present_set
        # Evidence for the cause ranking: a present group counts only while none of its atoms is
        # present (otherwise the atoms carry it), so nothing is counted twice.
        groups = FINDING_GROUPS
        self.evidence_present: tuple[Finding, ...]
        if present_set.isdisjoint(groups):
            self.evidence_present = present
        else:
            shown = [f for f in present if f not in groups or present_set.isdisjoint(groups[f])]
            self.evidence_present = tuple(shown)
        # A group absent with every atom absent stands for its atoms (one evidence vector, same sum);
        # otherwise the atoms speak for themselves and the group is left out.
        absent_groups = _GROUP_SET.intersection(absent)
        self.evidence_absent: tuple[Finding, ...]
        if not absent_groups:
            self.evidence_absent = absent
        else:
            dropped: set[Finding] = set()
            for g in absent_groups:
                atoms = groups[g]
                if all(resolved.get(a) is ab for a in atoms):
                    dropped.update(atoms)  # the group stands for its atoms
                else:
                    dropped.add(g)  # the atoms speak for themselves
            self.evidence_absent = tuple([f for f in absent if f not in dropped])


class Facts(msgspec.Struct, frozen=True, dict=True):
    """Immutable facts about one user: answers to findings, and age (years) when known.

    ``age_asked`` records that the age question was put, so "I don't know" is not asked again.
    What the answers resolve to is worked out on first use and kept beside the fields, in the
    instance dict (``_resolution``): never compared, hashed or shown.
    """

    answers: Mapping[Finding, Answer] = msgspec.field(default_factory=FrozenAnswers)
    age: Annotated[int, msgspec.Meta(ge=MIN_AGE, le=MAX_AGE)] | None = None
    age_asked: bool = False
    #: Findings implied by what the user was doing ("I was running" -> overuse). They count as present
    #: for the rules and the ranking (unless answered explicitly), but are never spoken back as reasons.
    inferred: frozenset[Finding] = frozenset()

    _EMPTY: ClassVar["Facts"]

    def __post_init__(self) -> None:
        # Only what needs normalising is touched: a Facts is built on every answer and every
        # "what if" of the interview, and for each session state read.
        answers = self.answers
        if type(answers) is not FrozenAnswers:
            msgspec.structs.force_setattr(self, "answers", FrozenAnswers(answers) if answers else _NO_ANSWERS)
        age = self.age
        if age is not None:
            clean = _clean_age(age)
            if clean is not age:
                msgspec.structs.force_setattr(self, "age", clean)
            if clean is not None and not self.age_asked:
                msgspec.structs.force_setattr(self, "age_asked", True)
        inferred = self.inferred
        if type(inferred) is not frozenset:
            msgspec.structs.force_setattr(self, "inferred", frozenset(Finding(f) for f in inferred))

    @cached_property
    def _resolution(self) -> "_Resolution":
        return _Resolution(cast(FrozenAnswers, self.answers), self.inferred)  # __post_init__ made it one

    # --- reading ---------------------------------------------------------------
    def answer(self, f: Finding) -> Answer:
        """The answer for ``f`` including group implications; UNKNOWN when not asked."""
        return self._resolution.resolved.get(f, Answer.UNKNOWN)

    def is_answered(self, f: Finding) -> bool:
        """True when ``f`` was answered (even "I don't know") or its answer is implied."""
        return f in self._resolution.resolved

    @property
    def resolved(self) -> Mapping[Finding, Answer]:
        """Explicit plus implied answers (treat as read-only)."""
        return self._resolution.resolved

    @property
    def present(self) -> tuple[Finding, ...]:
        """Findings resolved PRESENT (explicit or implied)."""
        return self._resolution.present

    @property
    def absent(self) -> tuple[Finding, ...]:
        """Findings resolved ABSENT (explicit or implied)."""
        return self._resolution.absent

    @property
    def present_set(self) -> frozenset[Finding]:
        """``present`` as a set."""
        return self._resolution.present_set

    @property
    def escalating(self) -> frozenset[Finding]:
        """Findings the rules treat as present: PRESENT, or UNCLEAR (a second "not sure")."""
        return self._resolution.escalating

    @property
    def evidence_present(self) -> tuple[Finding, ...]:
        """``present`` without groups that have a present atom (evidence for the cause ranking)."""
        return self._resolution.evidence_present

    @property
    def evidence_absent(self) -> tuple[Finding, ...]:
        """``absent`` for the cause ranking: a group whose atoms are all absent replaces them; any
        other group is left out (its atoms carry the evidence)."""
        return self._resolution.evidence_absent

    # --- building --------------------------------------------------------------
    def with_answer(self, f: Finding, a: Answer) -> "Facts":
        answers = cast(FrozenAnswers, self.answers)  # __post_init__ guarantees it
        return Facts(answers.with_item(Finding(f), Answer(a)), self.age, self.age_asked, self.inferred)

    def with_inferred(self, *findings: Finding) -> "Facts":
        """Findings implied by an activity: present for rules and ranking, never spoken back."""
        return Facts(self.answers, self.age, self.age_asked, self.inferred.union(findings))

    def with_age(self, years: int | None) -> "Facts":
        return Facts(self.answers, _clean_age(years), True, self.inferred)

    def said(self, f: Finding) -> bool:
        """The user said ``f`` is present (an explicit answer, not an activity's implication)."""
        return self.answers.get(f) is Answer.PRESENT

    @classmethod
    def empty(cls) -> "Facts":
        return cls._EMPTY

    # --- JSON (Alexa session attributes) -----------------------------------------
    def to_json(self) -> dict[str, object]:
        return {
            "answers": {f.value: a.value for f, a in self.answers.items()},
            "age": self.age,
            "age_asked": self.age_asked,
            "inferred": sorted(f.value for f in self.inferred),
        }

    @classmethod
    def from_json(cls, data: object) -> "Facts":
        """Rebuild from ``to_json`` output. Never raises: unknown keys and bad values are ignored."""
        try:
            return cls._from_json(data)
        except Exception:  # defensive: hostile session attributes must never crash the skill
            return cls._EMPTY

    @classmethod
    def _from_json(cls, data: object) -> "Facts":
        if not isinstance(data, dict):
            return cls._EMPTY
        items: dict[Finding, Answer] = {}
        raw: Any = data.get("answers")
        if isinstance(raw, dict) and len(raw) <= _MAX_JSON_ANSWERS:
            for key, value in raw.items():
                if not isinstance(key, str) or not isinstance(value, str):
                    continue
                finding = _FINDING_BY_VALUE.get(key)
                answer = _ANSWER_BY_VALUE.get(value)
                if finding is not None and answer is not None:
                    items[finding] = answer
        age = _clean_age(data.get("age"))
        age_asked = data.get("age_asked") is True or age is not None
        inferred: set[Finding] = set()
        raw_inferred: Any = data.get("inferred")
        if isinstance(raw_inferred, list):  # (the request body is bounded; repeats count once)
            for value in raw_inferred:
                finding = _FINDING_BY_VALUE.get(value) if isinstance(value, str) else None
                if finding is not None:
                    inferred.add(finding)
        if not items and not age_asked and not inferred:
            return cls._EMPTY  # the common start of a session: nothing to resolve
        return cls(FrozenAnswers(items), age, age_asked, frozenset(inferred))


Facts._EMPTY = Facts()
