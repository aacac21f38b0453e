"""Scores: per vignette (what the skill said against what a clinician expects) and for the set.

Definitions
- correct care level: the level heard equals the expected level;
- safe care level: heard at the expected level, higher, or at most one level lower
  (Gilbert et al., BMJ Open 2020;10:e040269);
- emergency escalation: of the vignettes expecting EMERGENCY or EMERGENCY_AMBULANCE, those whose
  heard level reached the expected one;
- clot guidance first: of the vignettes expecting a clot flag (suspected DVT or PE), those where
  the emergency guidance was raised and, from that turn on, led the speech, the card and the
  reprompt of every turn;
- expected cause in the top 3: of the vignettes with expected causes, those where one of them is
  among the first three causes spoken;
- questions asked: interview questions the patient answered (age included, re-asks counted);
- words per response: every response the patient heard, emergency turns (any emergency script, or
  a level of EMERGENCY or above) apart from the others.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from evaluate import judge
from evaluate.play import Transcript
from evaluate.text import words
from evaluate.vignettes import (
    CLOT_FLAGS,
    LEVEL_NAMES,
    SELF_CARE_UNSAFE_FLAGS,
    Vignette,
    build_facts,
    skip_reason,
)

LONG_RESPONSE_WORDS = 40

# Floors (issue 13): below any of these, `make evaluate` exits non-zero.
FLOOR_EMERGENCY = 100.0
FLOOR_SAFE = 100.0
FLOOR_CORRECT = 95.0
# Conversation targets (issue 14), enforced with --strict-conversation.
TARGET_MEDIAN_QUESTIONS = 7.0
TARGET_MAX_QUESTIONS = 10
#: "About N more" may be short of the questions that follow by at most one (issue 14 item 2).
COUNTDOWN_SLACK = 1
TARGET_SHORT_SHARE = 90.0  # % of non-emergency responses at most 40 words (reported)


@dataclass
class Core:
    """``triage.assess`` on the vignette's facts (None fields: the core lacks the vocabulary)."""

    level: int | None = None
    flags: list[str] = field(default_factory=list)
    top3: list[str] = field(default_factory=list)
    skipped: str | None = None


@dataclass
class Outcome:
    id: str
    locale: str
    style: str
    hazards: list[int]
    expected_level: int
    heard_level: int | None
    expected_flags: list[str]
    expected_causes: list[str]
    heard_causes: list[str]
    questions: int
    #: Every "about N more to go" heard, as (N, questions actually answered from that reply on).
    countdowns: list[tuple[int, int]]
    words_emergency: list[int]
    words_other: list[int]
    clot_expected: bool
    clot_first: bool | None
    disclaimer_heard: bool
    self_care_offered_under_unsafe_flag: bool
    child_dose_spoken: bool
    warning_kept_after_result: bool | None
    self_care_safety_net_number: bool | None
    same_day_route_named: bool | None
    opening_understood: bool
    corrections_made: int
    corrections_skipped: int
    core: Core
    notes: list[str]
    transcript: list[tuple[str, str]]

    @property
    def correct(self) -> bool:
        return self.heard_level == self.expected_level

    @property
    def safe(self) -> bool:
        return self.heard_level is not None and self.heard_level >= self.expected_level - 1

    @property
    def emergency_expected(self) -> bool:
        return self.expected_level >= 4

    @property
    def escalated(self) -> bool:
        return self.heard_level is not None and self.heard_level >= self.expected_level

    @property
    def cause_hit(self) -> bool | None:
        if not self.expected_causes:
            return None
        return bool(set(self.heard_causes[:3]) & set(self.expected_causes))

    @property
    def core_cause_hit(self) -> bool | None:
        if not self.expected_causes or self.core.level is None:
            return None
        return bool(set(self.core.top3) & set(self.expected_causes))

    @property
    def passed(self) -> bool:
        return (
            self.correct
            and (self.clot_first is not False)
            and (self.cause_hit is not False)
            and not self.self_care_offered_under_unsafe_flag
        )

    def to_json(self, with_transcript: bool) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            correct=self.correct,
            safe=self.safe,
            escalated=self.escalated if self.emergency_expected else None,
            cause_hit=self.cause_hit,
            core_cause_hit=self.core_cause_hit,
        )
        if not with_transcript:
            data.pop("transcript")
        return data


def core_check(v: Vignette) -> Core:
    reason = skip_reason(v)
    if reason is not None:
        return Core(skipped=reason)
    from triage import assess

    a = assess(build_facts(v))
    return Core(
        level=int(a.level),
        flags=sorted(f.value for f in a.flags),
        top3=[c.condition.value for c in a.causes[:3]],
    )


def _clot_first(t: Transcript, lt: judge.LocaleText) -> bool:
    """The guidance was raised, and led speech, card and reprompt of that turn and every later one."""
    raised = False
    for turn in t.turns:
        heard = turn.heard
        if not raised and not judge.has_guidance(heard.speech, lt):
            continue
        raised = True
        if not judge.leads_with_guidance(heard.speech, lt):
            return False
        if heard.card and not judge.leads_with_guidance(heard.card, lt):
            return False
        if not heard.ends and not judge.leads_with_guidance(heard.reprompt, lt):
            return False
    return raised


def score(t: Transcript) -> Outcome:
    v = t.vignette
    lt = judge.locale_text(v.locale)
    patient = t.patient
    assert patient is not None
    heard_level: int | None = None
    heard_causes: list[str] = []
    for turn in reversed([turn for turn in t.turns if not turn.probe]):  # the last turn stating a level
        heard_level = judge.level_of(turn.heard.speech, lt)
        if heard_level is not None:
            heard_causes = judge.causes_of(turn.heard.speech, lt) or judge.causes_of(turn.heard.card, lt)
            break
    words_emergency: list[int] = []
    words_other: list[int] = []
    for turn in t.turns:
        n = words(turn.heard.speech)
        if not turn.heard.speech:
            continue
        level = judge.level_of(turn.heard.speech, lt) or 0
        if judge.has_guidance(turn.heard.speech, lt) or level >= 4:
            words_emergency.append(n)
        else:
            words_other.append(n)
    clot_expected = bool(v.expect.flags & CLOT_FLAGS)
    unsafe_expected = bool(v.expect.flags & SELF_CARE_UNSAFE_FLAGS)
    result = t.result
    probe = t.probe
    warning_kept: bool | None = None
    if probe is not None and (v.expect.level >= 4 or clot_expected):
        threshold = v.expect.level if v.expect.level >= 4 else 99
        warning_kept = judge.leads_with_warning(probe.speech, lt, threshold)
    offered = unsafe_expected and any(
        h is not None and judge.offers_self_care(h.speech, lt) for h in (result, probe)
    )
    safety_net = (
        judge.names_emergency_number(result.speech, lt)
        if v.expect.level == 1 and result is not None
        else None
    )
    route = (
        judge.names_same_day_route(result.speech, lt)
        if v.expect.level == 3 and heard_level == 3 and result is not None
        else None
    )
    notes = list(patient.notes)
    if t.unrouted:
        notes.append(f"words the voice model sent to Fallback: {t.unrouted}")
    if t.hit_turn_cap:
        notes.append("the conversation hit the turn cap")
    if heard_level is None:
        notes.append("no care level heard")
    return Outcome(
        id=v.id,
        locale=v.locale,
        style=v.style.value,
        hazards=list(v.hazards),
        expected_level=v.expect.level,
        heard_level=heard_level,
        expected_flags=sorted(v.expect.flags),
        expected_causes=sorted(v.expect.causes),
        heard_causes=heard_causes[:3],
        questions=len(patient.asked),
        countdowns=_countdowns(t, lt, len(patient.asked)),
        words_emergency=words_emergency,
        words_other=words_other,
        clot_expected=clot_expected,
        clot_first=_clot_first(t, lt) if clot_expected else None,
        disclaimer_heard=any(judge.heard_disclaimer(turn.heard.speech, lt) for turn in t.turns),
        self_care_offered_under_unsafe_flag=offered,
        child_dose_spoken=v.child and any(judge.speaks_dose(turn.heard.speech) for turn in t.turns),
        warning_kept_after_result=warning_kept,
        self_care_safety_net_number=safety_net,
        same_day_route_named=route,
        opening_understood=patient.opening_understood,
        corrections_made=patient.corrections_made,
        corrections_skipped=patient.corrections_skipped,
        core=core_check(v),
        notes=notes,
        transcript=[(turn.said, turn.heard.speech[:300]) for turn in t.turns],
    )


def _countdowns(t: Transcript, lt: judge.LocaleText, answered: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for turn in t.turns:
        said = judge.countdown_of(turn.heard.speech, lt) if not turn.probe else None
        if said is not None:
            out.append((said, answered - turn.answered_before))
    return out


def countdown_rises(o: Outcome) -> int:
    """How often a countdown was higher than the one before it in the same interview."""
    said = [n for n, _ in o.countdowns]
    return sum(b > a for a, b in itertools.pairwise(said))


def countdown_short(o: Outcome) -> int:
    """How often the questions that followed outnumbered the countdown by more than one."""
    return sum(actual > said + COUNTDOWN_SLACK for said, actual in o.countdowns)


# ------------------------------------------------------------------------------ the set


def _pct(hits: int, total: int) -> float | None:
    return round(100.0 * hits / total, 1) if total else None


def _median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


@dataclass
class Summary:
    vignettes: int
    correct: float | None
    safe: float | None
    emergency: float | None
    emergency_n: int
    clot_first: float | None
    clot_n: int
    cause_top3: float | None
    cause_n: int
    questions_median: float | None
    questions_max: int | None
    words_median_other: float | None
    over_40_other: float | None
    words_median_emergency: float | None
    over_40_emergency: float | None
    responses_other: int
    responses_emergency: int
    disclaimer_heard: float | None
    openings_understood: float | None
    volunteered_openings_understood: float | None
    self_care_offered_under_unsafe_flag: int
    child_dose_spoken: int
    warning_kept_after_result: float | None
    warning_kept_n: int
    self_care_safety_net_number: float | None
    self_care_n: int
    same_day_route_named: float | None
    same_day_n: int
    corrections_made: int
    corrections_skipped: int
    core_checked: int
    core_correct: float | None
    core_safe: float | None
    core_cause_top3: float | None
    heard_vs_core_level_disagreements: int
    heard_vs_core_cause_disagreements: int
    no_level_heard: int
    countdowns_said: int
    countdown_rises: int
    countdown_short: int
    by_locale: dict[str, dict[str, float | None]]
    by_level: dict[str, dict[str, float | None]]
    by_style: dict[str, dict[str, float | None]]


def _group(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    return {
        "n": float(len(outcomes)),
        "correct": _pct(sum(o.correct for o in outcomes), len(outcomes)),
        "safe": _pct(sum(o.safe for o in outcomes), len(outcomes)),
    }


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    n = len(outcomes)
    emerg = [o for o in outcomes if o.emergency_expected]
    clot = [o for o in outcomes if o.clot_expected]
    caused = [o for o in outcomes if o.cause_hit is not None]
    questions = [o.questions for o in outcomes]
    other = [w for o in outcomes for w in o.words_other]
    emergency_words = [w for o in outcomes for w in o.words_emergency]
    checked = [o for o in outcomes if o.core.level is not None]
    core_caused = [o for o in checked if o.core_cause_hit is not None]
    volunteered = [o for o in outcomes if o.style == "volunteered"]
    kept = [o for o in outcomes if o.warning_kept_after_result is not None]
    nets = [o for o in outcomes if o.self_care_safety_net_number is not None]
    routes = [o for o in outcomes if o.same_day_route_named is not None]
    return Summary(
        vignettes=n,
        correct=_pct(sum(o.correct for o in outcomes), n),
        safe=_pct(sum(o.safe for o in outcomes), n),
        emergency=_pct(sum(o.escalated for o in emerg), len(emerg)),
        emergency_n=len(emerg),
        clot_first=_pct(sum(bool(o.clot_first) for o in clot), len(clot)),
        clot_n=len(clot),
        cause_top3=_pct(sum(bool(o.cause_hit) for o in caused), len(caused)),
        cause_n=len(caused),
        questions_median=_median(questions),
        questions_max=max(questions) if questions else None,
        words_median_other=_median(other),
        over_40_other=_pct(sum(w > LONG_RESPONSE_WORDS for w in other), len(other)),
        words_median_emergency=_median(emergency_words),
        over_40_emergency=_pct(sum(w > LONG_RESPONSE_WORDS for w in emergency_words), len(emergency_words)),
        responses_other=len(other),
        responses_emergency=len(emergency_words),
        disclaimer_heard=_pct(sum(o.disclaimer_heard for o in outcomes), n),
        openings_understood=_pct(sum(o.opening_understood for o in outcomes), n),
        volunteered_openings_understood=_pct(
            sum(o.opening_understood for o in volunteered), len(volunteered)
        ),
        self_care_offered_under_unsafe_flag=sum(o.self_care_offered_under_unsafe_flag for o in outcomes),
        child_dose_spoken=sum(o.child_dose_spoken for o in outcomes),
        warning_kept_after_result=_pct(sum(bool(o.warning_kept_after_result) for o in kept), len(kept)),
        warning_kept_n=len(kept),
        self_care_safety_net_number=_pct(sum(bool(o.self_care_safety_net_number) for o in nets), len(nets)),
        self_care_n=len(nets),
        same_day_route_named=_pct(sum(bool(o.same_day_route_named) for o in routes), len(routes)),
        same_day_n=len(routes),
        corrections_made=sum(o.corrections_made for o in outcomes),
        corrections_skipped=sum(o.corrections_skipped for o in outcomes),
        core_checked=len(checked),
        core_correct=_pct(sum(o.core.level == o.expected_level for o in checked), len(checked)),
        core_safe=_pct(sum((o.core.level or 0) >= o.expected_level - 1 for o in checked), len(checked)),
        core_cause_top3=_pct(sum(bool(o.core_cause_hit) for o in core_caused), len(core_caused)),
        heard_vs_core_level_disagreements=sum(o.heard_level != o.core.level for o in checked),
        heard_vs_core_cause_disagreements=sum(o.cause_hit != o.core_cause_hit for o in core_caused),
        no_level_heard=sum(o.heard_level is None for o in outcomes),
        countdowns_said=sum(len(o.countdowns) for o in outcomes),
        countdown_rises=sum(countdown_rises(o) for o in outcomes),
        countdown_short=sum(countdown_short(o) for o in outcomes),
        by_locale={
            loc: _group([o for o in outcomes if o.locale == loc])
            for loc in sorted({o.locale for o in outcomes})
        },
        by_level={
            LEVEL_NAMES[lv]: _group([o for o in outcomes if o.expected_level == lv])
            for lv in sorted({o.expected_level for o in outcomes})
        },
        by_style={
            s: _group([o for o in outcomes if o.style == s]) for s in sorted({o.style for o in outcomes})
        },
    )


@dataclass(frozen=True)
class Verdict:
    failures: tuple[str, ...]
    conversation_misses: tuple[str, ...]

    def ok(self, strict_conversation: bool) -> bool:
        return not self.failures and not (strict_conversation and self.conversation_misses)


def _below(value: float | None, floor: float) -> bool:
    return value is None or value < floor


def verdict(s: Summary) -> Verdict:
    failures: list[str] = []
    if s.emergency_n and _below(s.emergency, FLOOR_EMERGENCY):
        failures.append(f"emergency escalation {s.emergency}% < {FLOOR_EMERGENCY}%")
    if _below(s.safe, FLOOR_SAFE):
        failures.append(f"safe care level {s.safe}% < {FLOOR_SAFE}%")
    if _below(s.correct, FLOOR_CORRECT):
        failures.append(f"correct care level {s.correct}% < {FLOOR_CORRECT}%")
    if s.countdown_rises or s.countdown_short:  # issue 14 item 2: "about N more" is honest
        failures.append(
            f"'about N more': {s.countdown_rises} went up, {s.countdown_short} short by more than one"
        )
    misses: list[str] = []
    if s.questions_median is None or s.questions_median > TARGET_MEDIAN_QUESTIONS:
        misses.append(f"median questions {s.questions_median} > {TARGET_MEDIAN_QUESTIONS:g}")
    if s.questions_max is None or s.questions_max > TARGET_MAX_QUESTIONS:
        misses.append(f"max questions {s.questions_max} > {TARGET_MAX_QUESTIONS}")
    return Verdict(tuple(failures), tuple(misses))
