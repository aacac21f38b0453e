"""Replies built from someone's answers: the result, "why do you think that", the read-back of an
answer that raised the emergency guidance, pain relief tailored to the answers, and a reply said
again from its words.

Each is built afresh every turn and never kept (no text derived from a user's answers stays in
memory between turns); what is made of the content alone is in the catalogue
(``dialogue.catalogue``).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from msgspec.structs import replace

from content import LocaleContent
from dialogue.catalogue import catalogue
from dialogue.say import essential, para, sentences, with_number
from dialogue.state import EmergencyKind, Said, SaidKind
from dialogue.urgency import clot_suspected, is_child, urgent_flags
from dialogue.wording import CARD_TITLE, kept, numbered, reply, skill, with_numbers
from dialogue.wording import joined as _and
from speech import Block, Paragraph, Priority, Reply
from triage import Assessment, Facts, RankedCause
from triage.vocabulary import FINDING_GROUPS, Answer, CareLevel, Condition, Finding, Flag

MAX_CAUSES_SPOKEN = 3


def emergency_statement(c: LocaleContent, assessment: Assessment) -> Reply:
    """After "I can't breathe" and the like: the guidance (added as sticky) and one plain reason."""
    flags = urgent_flags(assessment)
    reason = c.flags[flags[0]].explanation if flags else c.skill["emergency_generic"]
    # The guidance itself (put first by the response path) says that Alexa cannot make the call.
    return reply(c, essential(reason), reprompt=c.skill["emergency_reprompt"])


def age_told(c: LocaleContent, years: int) -> str:
    """ "You told me you're 70.": an age said back (seventy and seventeen sound alike)."""
    return skill(c, "readback_age", number=str(years))


def read_back_texts(
    c: LocaleContent, findings: Sequence[Finding], facts: Facts, *, said_yes: bool, age: int | None = None
) -> tuple[str, ...]:
    """A call-now, go-now or clot answer read back inside its guidance turn (after the guidance,
    which always comes first): "You said yes to ... If I misheard, say go back." An answer of
    "not sure" twice is read back as not sure, never as present. ``age``: the age this turn was told,
    read back when no finding was ("You told me you're 70": seventy and seventeen sound alike)."""
    unclear = [f for f in findings if facts.answers.get(f) is Answer.UNCLEAR]
    present = [f for f in findings if f not in unclear]
    texts: list[str] = []
    if present:
        phrases = [c.interview.findings[f].phrase for f in present[:2]]
        key = "readback_yes" if said_yes else "readback_told"
        texts.append(skill(c, key, reasons=_and(c, phrases)))
    if unclear:
        phrases = [c.interview.findings[f].phrase for f in unclear[:2]]
        texts.append(skill(c, "unclear_note", reasons=_and(c, phrases, joiner=c.skill["or_word"])))
    if not texts and age is not None:
        texts.append(age_told(c, age))
    if not texts:
        texts.append(c.skill["readback_plain"])
    texts.append(c.skill["readback_undo"])
    return tuple(texts)


#: Causes whose home care is staying active or exercise rather than PRICE (content item 8).
_ACTIVE_SELF_CARE: tuple[Condition, ...] = (
    Condition.OSTEOARTHRITIS,
    Condition.REFERRED_PAIN,
    Condition.LEG_CRAMPS,
    Condition.CHONDROMALACIA,
)
#: What the sticky guidance already says for a level: no second disposition is spoken.
_COVERED: dict[EmergencyKind, CareLevel] = {
    EmergencyKind.DVT: CareLevel.CONSULTATION_24,
    EmergencyKind.ED: CareLevel.EMERGENCY,
    EmergencyKind.PE: CareLevel.EMERGENCY_AMBULANCE,
    EmergencyKind.CALL_NOW: CareLevel.EMERGENCY_AMBULANCE,
}


#: The result before "more" (issue 14 item 4), not counting the emergency guidance.
RESULT_WORDS = 60


def result(
    c: LocaleContent,
    a: Assessment,
    *,
    offer_price: bool,
    kind: EmergencyKind | None = None,
    facts: Facts | None = None,
    lead: Sequence[str] = (),
) -> tuple[Reply, tuple[str, ...]]:
    """The result, and what waits behind "more": one disposition with one time frame (by the
    highest level, unless the sticky guidance already says it), the urgent flags, the core's
    leading causes with reasons from what the user said (with a clot, the clot first and nothing
    benign to explain it), a safety net for the level, the disclaimer, and the offer; ``lead``
    (a read-back) opens it. At most ``RESULT_WORDS`` words before "more", the emergency guidance
    apart: lower-priority detail moves behind it."""
    facts = facts or Facts.empty()
    blocks: list[Block] = [essential(*lead)] if lead else []
    child = is_child(facts)
    covered = kind is not None and a.level <= _COVERED[kind]
    if child:
        blocks.append(essential(c.skill["result_child"]))
    if not covered:
        blocks.extend(_disposition(c, a, facts, child=child))
    causes = [] if child else _causes(c, a, facts)
    named_clot = _names_clot_with_reasons(c, a, facts)
    for flag in urgent_flags(a):  # every urgent flag, at most three (issue 13 item 2), before "more"
        if flag is Flag.SUSPECTED_DVT and named_clot:
            continue  # "a deep vein thrombosis may fit, because of ..." says it, with the reason
        blocks.append(essential(c.flags[flag].explanation))
    blocks.extend(_unclear_note(c, facts))
    blocks.extend(causes)
    net = _safety_net_key(a, kind, child=child)
    if net:
        # The safety net: its "phone now" line and its same-day line (the clot signs) always before
        # "more", a cause giving way to them; the rest only if it fits (each line a block, so only
        # what does not fit moves behind "more").
        for number, line in enumerate(sentences(c.skill[net])):
            level = Priority.ESSENTIAL if number < 2 else Priority.DETAIL
            blocks.append(numbered(c, line.text(), level))
    blocks.append(essential(c.skill["result_disclaimer"]))  # always before "more"
    active = _lead(a) in _ACTIVE_SELF_CARE
    offer: str | None = None
    if offer_price and not child and not active:
        arranging = a.level >= CareLevel.CONSULTATION_24
        offer = c.skill["offer_price_arranging" if arranging else "offer_price"]
    closing = (para(offer, priority=Priority.ESSENTIAL),) if offer else ()
    room = RESULT_WORDS - sum(_words(b) for b in closing)
    kept, more = within_words(blocks, room)
    if more:  # something waits behind "more": say so, within the same budget
        cue = para(c.skill["more_cue"], priority=Priority.ESSENTIAL)
        kept, more = within_words(blocks, room - _words(cue))
        short = _lead_in_brief(c, a, causes, kept)
        if short is not None:
            # The lead cause did not fit with its reason: named briefly where it was, if that fits,
            # with its sentence (and the others) behind "more".
            trial = [short if b is causes[0] else b for b in blocks if b not in causes[1:]]
            brief, rest = within_words(trial, room - _words(cue))
            if short in brief:
                kept, more = brief, (*(b.text() for b in causes), *rest)
        kept.append(cue)
    elif offer is None:  # no question to close with: the options, only if they fit
        options = para(c.skill["result_options"])
        if sum(_words(b) for b in kept) + _words(options) <= room:
            kept.append(options)
    return reply(c, *kept, *closing, reprompt=offer), more


def _lead_in_brief(
    c: LocaleContent, a: Assessment, causes: Sequence[Block], kept: Sequence[Block]
) -> Block | None:
    """ "It may be a meniscus tear.": the core's leading cause in brief, when its sentence did not
    fit (never with a clot: the clot has its own sentence or flag)."""
    if not causes or causes[0] in kept or clot_suspected(a) or not a.causes:
        return None
    name = c.conditions[a.causes[0].condition].name
    return para(skill(c, "cause_brief", cause=name), priority=Priority.HIGH)


def _words(block: Block) -> int:
    return len(block.text().split())


def within_words(blocks: Sequence[Block], budget: int) -> tuple[list[Block], tuple[str, ...]]:
    """``blocks`` cut to ``budget`` words: the lowest priority (later first among equals) moves
    behind "more", in its order; ESSENTIAL blocks always stay."""
    kept = list(blocks)
    dropped: set[int] = set()
    order = sorted(range(len(kept)), key=lambda i: (kept[i].priority.value, -i))
    total = sum(_words(b) for b in kept)
    for i in order:
        if total <= budget:
            break
        if kept[i].priority is Priority.ESSENTIAL:
            continue
        dropped.add(i)
        total -= _words(kept[i])
    more = tuple(b.text() for i, b in enumerate(blocks) if i in dropped and b.text())
    return [b for i, b in enumerate(blocks) if i not in dropped], more


def _causes(c: LocaleContent, a: Assessment, facts: Facts) -> list[Block]:
    """With a clot possible: a deep vein thrombosis first (with the reason the user gave, or named
    by the flag's explanation), and no benign cause offered to explain it. Otherwise the core's
    leading causes, at most three, with only reasons the user gave (never an activity word's
    implication or a broad screening answer spoken back as if said)."""
    if clot_suspected(a):
        blocks: list[Block] = []
        if _names_clot_with_reasons(c, a, facts):
            dvt = next(x for x in a.causes if x.condition is Condition.DEEP_VEIN_THROMBOSIS)
            blocks.append(para(_cause_sentence(c, dvt, facts), priority=Priority.HIGH))
        elif Flag.SUSPECTED_DVT not in urgent_flags(a):  # the flag's explanation names the clot
            name = c.conditions[Condition.DEEP_VEIN_THROMBOSIS].name
            blocks.append(para(skill(c, "cause_possible", cause=name), priority=Priority.HIGH))
        others = [
            x for x in a.causes[:MAX_CAUSES_SPOKEN] if x.condition is not Condition.DEEP_VEIN_THROMBOSIS
        ]
        if others and len(urgent_flags(a)) <= 1:  # another flag already says what else it may be
            blocks.append(para(c.skill["result_clot_lookalike"]))
        return blocks
    # The core's leading causes, in its order (it names none without evidence): the lead, with the
    # reason the user gave for it, together with the causes that share that reason; the others in
    # one short sentence (their reasons follow on "why do you think that").
    ranked = a.causes[:MAX_CAUSES_SPOKEN]
    if not ranked:
        return []
    reason = (_reasons(c, ranked[0], facts)[:1] or [""])[0]
    together = [x for x in ranked if (_reasons(c, x, facts)[:1] or [""])[0] == reason]
    rest = [x for x in ranked if x not in together]
    names = _and(c, [c.conditions[x.condition].name for x in together], joiner=c.skill["or_word"])
    if reason:
        first = skill(c, "cause_reason", cause=names, reasons=reason)
    else:
        first = skill(c, "cause_possible", cause=names)
    blocks = [para(first, priority=Priority.HIGH)]
    if rest:
        also = _and(c, [c.conditions[x.condition].name for x in rest], joiner=c.skill["or_word"])
        blocks.append(para(skill(c, "cause_possible_also", cause=also)))
    return blocks


def _names_clot_with_reasons(c: LocaleContent, a: Assessment, facts: Facts) -> bool:
    """With a clot flagged, whether the clot is named as a cause with a reason the user gave."""
    dvt = next((x for x in a.causes if x.condition is Condition.DEEP_VEIN_THROMBOSIS), None)
    return clot_suspected(a) and dvt is not None and bool(_reasons(c, dvt, facts))


def _cause_sentences(
    c: LocaleContent, causes: Sequence[RankedCause], facts: Facts | None, *, reasons: int = 2
) -> list[str]:
    """One sentence per set of reasons (at most ``reasons`` each): causes with the same reasons
    share it ("A or B may fit, because of ..."), so nothing is said twice."""
    by_reasons: dict[str, list[str]] = {}
    for cause in causes:
        said = _reasons(c, cause, facts)[:reasons]
        key = _and(c, said) if said else ""
        by_reasons.setdefault(key, []).append(c.conditions[cause.condition].name)
    out: list[str] = []
    for because, names in by_reasons.items():
        joined = _and(c, names, joiner=c.skill["or_word"])
        if because:
            out.append(skill(c, "cause_reason", cause=joined, reasons=because))
        else:
            out.append(skill(c, "cause_possible_also" if out else "cause_possible", cause=joined))
    return out


def _unclear_note(c: LocaleContent, facts: Facts) -> list[Block]:
    """Warning signs answered "not sure" twice count as present for safety: say so, without ever
    saying the user has them ("you weren't sure whether you had ...")."""
    unclear = [f for f, answer in facts.answers.items() if answer is Answer.UNCLEAR]
    if not unclear:
        return []
    phrases = [c.interview.findings[f].phrase for f in unclear[:2]]
    return [para(skill(c, "unclear_note", reasons=_and(c, phrases, joiner=c.skill["or_word"])))]


def _lead(a: Assessment) -> Condition | None:
    """The core's leading cause (it ranks none without evidence)."""
    return a.causes[0].condition if a.causes else None


def _disposition(c: LocaleContent, a: Assessment, facts: Facts, *, child: bool) -> list[Block]:
    level = a.level
    if child and level < CareLevel.CONSULTATION_24:
        level = CareLevel.CONSULTATION_24
    if level >= CareLevel.EMERGENCY_AMBULANCE:
        return [numbered(c, c.care_levels[level].action, Priority.ESSENTIAL)]
    if level >= CareLevel.EMERGENCY:
        return [numbered(c, c.care_levels[level].action, Priority.ESSENTIAL)]
    if level >= CareLevel.CONSULTATION_24:
        route = with_number(
            c.skill["result_route"], c.terms.emergency_number, c.terms.emergency_number_spoken
        )
        return [essential(c.skill["result_today"]), Paragraph((route,), Priority.ESSENTIAL)]
    if level >= CareLevel.CONSULTATION:
        return [essential(c.skill["result_appointment"])]
    lead = _lead(a)
    key = f"self_care_{lead.value}" if lead in _ACTIVE_SELF_CARE and lead is not None else "self_care_price"
    return [essential(c.skill[key])]


def _safety_net_key(a: Assessment, kind: EmergencyKind | None, *, child: bool) -> str | None:
    """Which worsening advice fits the level: nothing when the guidance already says it."""
    if kind is not None or a.level >= CareLevel.EMERGENCY:
        return None
    if a.level >= CareLevel.CONSULTATION_24 or child:
        return "safety_net_today"
    if a.level >= CareLevel.CONSULTATION:
        return "safety_net_appointment"
    return "safety_net_self_care"


def _cause_sentence(c: LocaleContent, cause: RankedCause, facts: Facts | None = None) -> str:
    """ "A calf strain may fit, because of ...": reasons only from what the user said (an answer of
    "not sure" twice is "you weren't sure whether ..."), never what a word such as "running" implies."""
    name = c.conditions[cause.condition].name
    reasons = _reasons(c, cause, facts)[:2]
    if not reasons:
        return skill(c, "cause_possible_also", cause=name)
    return skill(c, "cause_reason", cause=name, reasons=_and(c, reasons))


#: Causes a screening group's broad answer may be spoken for: "swelling or warm, red or darker skin"
#: fits a clot; as a reason for a strain or a cyst it would mislead (it may have been the warmth).
_GROUP_REASON_CAUSES = frozenset({Condition.DEEP_VEIN_THROMBOSIS})


def _reasons(c: LocaleContent, cause: RankedCause, facts: Facts | None) -> list[str]:
    """What the user said that supports ``cause``, as phrases. Never a finding implied by a group
    or an activity word; a broad screening answer ("swollen or hot") only for a cause it fits as a
    whole; a second "not sure" as "you weren't sure whether ..."."""
    said = facts.answers if facts is not None else None
    out: list[str] = []
    for finding in cause.supporting:
        if finding in FINDING_GROUPS and cause.condition not in _GROUP_REASON_CAUSES:
            continue
        phrase = c.interview.findings[finding].phrase
        answer = said.get(finding) if said is not None else Answer.PRESENT
        if answer is Answer.UNCLEAR:
            out.append(skill(c, "reason_unclear", reasons=phrase))
        elif answer is Answer.PRESENT:
            out.append(phrase)
        # otherwise implied (a group, an activity word): never spoken back as if said
    return out


def why_think(c: LocaleContent, a: Assessment, facts: Facts | None = None) -> Reply:
    blocks: list[Block] = [essential(c.skill["why_think_intro"])]
    for rule in a.rules[:2]:
        rule_text = c.rules.get(rule.value if hasattr(rule, "value") else str(rule))
        if rule_text is not None:
            blocks.append(para(rule_text.reason, priority=Priority.HIGH))
    blocks.extend(_unclear_note(c, facts or Facts.empty()))
    if clot_suspected(a):
        # A possible clot is explained by itself: no benign cause is offered as its explanation.
        blocks.extend(_causes(c, a, facts or Facts.empty()))
        return reply(c, *blocks)
    causes = a.causes[:MAX_CAUSES_SPOKEN]
    blocks.append(para(*_cause_sentences(c, causes, facts), priority=Priority.NORMAL))
    for cause in causes[:1]:
        name = c.conditions[cause.condition].name
        said_no = [f for f in cause.against if facts is None or facts.answers.get(f) is Answer.ABSENT]
        against = [c.interview.findings[f].phrase for f in said_no[:2]]
        if against:
            blocks.append(para(skill(c, "cause_against", cause=name, reasons=_and(c, against))))
    return reply(c, *blocks)


class MedicineContext(msgspec.Struct, frozen=True):
    """What the session's answers say that changes pain relief advice."""

    child: bool = False
    clot: bool = False
    blood_thinners: bool = False
    pregnant: bool = False
    over_65: bool = False


def relief_page(c: LocaleContent, topic: str, index: int, context: MedicineContext) -> Reply:
    """A pain relief page, tailored by the session's answers: under 16 no doses at all; with a clot
    possible, a blood thinner, a pregnancy or over 65, the matching caution opens the first page."""
    if context.child:
        return catalogue(c).text("relief_child", "what_you_can_ask")
    page = catalogue(c).topic_page(topic, index)
    if index != 0:
        return page
    notes = [
        key
        for key, applies in (
            ("relief_clot", context.clot),
            ("relief_blood_thinners", context.blood_thinners),
            ("relief_pregnant", context.pregnant),
            ("relief_over_65", context.over_65),
        )
        if applies
    ]
    if not notes:
        return page
    note = essential(*(c.skill[key] for key in notes))
    return replace(page, blocks=(note, *page.blocks))


def words_of(sent: Reply) -> Said:
    """A reply with no address remembered by its words (each block's priority and plain text),
    for Repeat to render again: never its SSML. Worked out once per reply object."""
    return kept(sent, "_words_of", None, lambda: _words_of(sent))


def _words_of(sent: Reply) -> Said:
    reprompt = " ".join(block.text() for block in sent.reprompt or ())
    return Said(
        SaidKind.WORDS,
        words=tuple((int(block.priority), text) for block in sent.blocks if (text := block.text())),
        reprompt=reprompt,
        title=sent.card_title or "",
        end=sent.end_session,
    )


def from_words(
    c: LocaleContent, words: Sequence[tuple[int, str]], *, reprompt: str, title: str, end: bool
) -> Reply:
    """A reply remembered by its words, built again: each block at its priority (so it is trimmed
    the same way), the emergency and helpline numbers said as numbers again."""
    blocks = [with_numbers(c, text, Priority(priority)) for priority, text in words]
    return reply(c, *blocks, reprompt=reprompt or None, end=end, title=title or CARD_TITLE)
