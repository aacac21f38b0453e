"""Turns core results and content into structured replies (``speech.Reply``).

Pure: content and triage in, replies out. Every spoken word comes from ``content``; the markers
``[count]``, ``[step]``, ``[cause]``, ``[reasons]`` and ``[topic]`` in skill texts are filled here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, wraps

from content import (
    DiagnosticTest,
    LocaleContent,
    PainRelief,
    PriceStep,
)
from content import load as content_load
from dialogue.acts import Act
from dialogue.say import essential, items, para, sentences, with_number
from dialogue.say import guidance as build_guidance
from dialogue.state import EmergencyKind, Mode
from dialogue.urgency import clot_suspected, is_child, urgent_flags
from speech import (
    Block,
    EmergencyGuidance,
    Inline,
    Paragraph,
    PhoneNumber,
    Priority,
    Reply,
    Sentence,
    sentence,
)
from triage import Assessment, Facts, Question, QuestionKind, RankedCause
from triage.vocabulary import FINDING_GROUPS, Answer, CareLevel, Condition, Finding

#: Marker replies: the adapters replay the last speech as it was (or slowly) instead of rendering.
REPLAY = Reply(blocks=(sentence("Repeat."),))
REPLAY_SLOWLY = Reply(blocks=(sentence("Repeat slowly."),))

CARD_TITLE = "Knee Helper"
MAX_CAUSES_SPOKEN = 3
MAX_CAUSES_IN_RESULT = 2
_MARKER = re.compile(r"\[(count|step|cause|reasons|topic|time|until|number)\]")


def fill(text: str, **values: str) -> str:
    """Fill the run-time markers of a skill text."""
    return _MARKER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def skill(c: LocaleContent, key: str, **values: str) -> str:
    return fill(c.skill[key], **values)


def _reply(
    c: LocaleContent,
    *blocks: Block,
    reprompt: str | None = None,
    end: bool = False,
    title: str = CARD_TITLE,
) -> Reply:
    # A reprompt only repeats what the turn asked: a turn that asked nothing has none (the session
    # stays open for one listen, see kneeskill.turns.send).
    prompt = None if end or not reprompt else (para(reprompt),)
    return Reply(
        blocks=tuple(b for b in blocks if _says(b)), reprompt=prompt, card_title=title, end_session=end
    )


def _says(block: Block) -> bool:
    return bool(block.text())


def _once_per_locale(build: Callable[[LocaleContent], Reply]) -> Callable[[LocaleContent], Reply]:
    """For replies made of the locale's content alone: built once per locale, then the same object
    (which keeps its own rendering, see ``speech.render``)."""
    built = lru_cache(maxsize=16)(lambda locale: build(content_load(locale)))

    @wraps(build)
    def reply(c: LocaleContent) -> Reply:
        return built(c.locale)

    return reply


# --- emergency guidance ---------------------------------------------------------------------------

#: A piece of guidance: an ``emergency`` template field (all its sentences, or one by index), or
#: ("skill", key) for a skill text without a number.
_Part = tuple[str, int | None]
_SKILL = "skill:"

#: What each kind reads, chosen by level: (full form, short form). A possible clot gets no
#: ambulance line (it is a same-day problem); go-now and call-now never say "see a doctor today".
_GUIDANCE: dict[EmergencyKind, tuple[tuple[_Part, ...], tuple[_Part, ...]]] = {
    EmergencyKind.DVT: (
        (("dvt_see_today", None), ("pe_warning", None), ("cannot_call", None)),
        (("dvt_see_today", 0), ("short", None)),
    ),
    EmergencyKind.PE: ((("call_now", None), ("cannot_call", None)), (("call_now", None),)),
    EmergencyKind.CALL_NOW: ((("call_now", None), ("cannot_call", None)), (("call_now", None),)),
    EmergencyKind.ED: (
        ((_SKILL + "guidance_ed_go", None), ("do_not_drive", None), ("cannot_call", None)),
        ((_SKILL + "guidance_ed_go", None), ("do_not_drive", -1)),
    ),
}
_TITLES: dict[EmergencyKind, str] = {
    EmergencyKind.DVT: "emergency_title_dvt",
    EmergencyKind.PE: "emergency_title_call",
    EmergencyKind.CALL_NOW: "emergency_title_call",
    EmergencyKind.ED: "emergency_title_ed",
}


def _part_texts(c: LocaleContent, parts: tuple[_Part, ...], *, templates: bool) -> tuple[str, ...]:
    """The sentences of ``parts``: templates keep ``{emergency_number}`` for say-as rendering."""
    texts: list[str] = []
    source = c.emergency.templates if templates else c.emergency
    for name, index in parts:
        if name.startswith(_SKILL):
            texts.append(c.skill[name.removeprefix(_SKILL)])
            continue
        sentences: tuple[str, ...] = getattr(source, name)
        texts.extend(sentences if index is None else (sentences[index],))
    return tuple(texts)


def guidance(c: LocaleContent, kind: EmergencyKind, *, short: bool = False) -> EmergencyGuidance:
    """The locale's emergency guidance for ``kind``: the full form (the turn that raises it, the
    result, help and goodbye) or the short form that opens every other turn. Either way the reprompt
    opens with the short form. Built once per locale, kind and form (content is immutable)."""
    return _guidance(c.locale, kind, short)


@lru_cache(maxsize=64)
def _guidance(locale: str, kind: EmergencyKind, short: bool) -> EmergencyGuidance:
    c = content_load(locale)
    full_parts, short_parts = _GUIDANCE[kind]
    brief = _part_texts(c, short_parts, templates=True)
    title = skill(c, _TITLES[kind], number=c.terms.emergency_number)
    return build_guidance(
        brief if short else _part_texts(c, full_parts, templates=True),
        brief,
        c.terms.emergency_number,
        c.terms.emergency_number_spoken,
        title,
    )


def guidance_plain(c: LocaleContent, kind: EmergencyKind) -> list[str]:
    """The full guidance as plain sentences (for the last-resort error reply)."""
    return list(_part_texts(c, _GUIDANCE[kind][0], templates=False))


def guidance_openings(c: LocaleContent) -> tuple[EmergencyGuidance, ...]:
    """Every form of every kind of guidance the locale can open a response with."""
    return tuple(guidance(c, kind, short=short) for kind in EmergencyKind for short in (False, True))


def emergency_statement(c: LocaleContent, assessment: Assessment) -> Reply:
    """After "I can't breathe" and the like: the guidance (added as sticky) and one plain reason."""
    flags = urgent_flags(assessment)
    reason = c.flags[flags[0]].explanation if flags else c.skill["emergency_generic"]
    # The guidance itself (put first by the response path) says that Alexa cannot make the call.
    return _reply(c, essential(reason), reprompt=c.skill["emergency_reprompt"])


# --- launch, help, goodbye ------------------------------------------------------------------------


def launch(c: LocaleContent, *, first_time: bool) -> Reply:
    """The greeting (with the disclaimer the first time) ending in an offer to start the questions."""
    return _launch(c.locale, first_time)


@lru_cache(maxsize=32)
def _launch(locale: str, first_time: bool) -> Reply:
    """Built once per locale (content is immutable): every session opens with it."""
    c = content_load(locale)
    text = c.skill["launch"] if first_time else c.skill["launch_returning"]
    return _reply(c, essential(text), reprompt=c.skill["launch_reprompt"])


def launch_resume_price(c: LocaleContent, step: PriceStep) -> Reply:
    name = c.treatment.price.steps[step].name
    return _reply(
        c,
        essential(c.skill["welcome_back"], skill(c, "resume_price_offer", step=name)),
        reprompt=skill(c, "resume_price_offer", step=name),
    )


def help_for(c: LocaleContent, mode: Mode, question: Question | None) -> Reply:
    """Help for where the conversation is (content only: built once per locale, mode and question)."""
    pending = question if mode is Mode.INTERVIEW else None
    return _help_for(
        c.locale,
        mode,
        pending.id if pending is not None else None,
        pending is not None and pending.rephrased,
    )


@lru_cache(maxsize=256)
def _help_for(locale: str, mode: Mode, question_id: str | None, rephrased: bool = False) -> Reply:
    c = content_load(locale)
    if question_id is not None:
        text = _asked_text(c, question_id, rephrased=rephrased)
        return _reply(c, essential(c.skill["help_interview"]), para(text), reprompt=text)
    if mode is Mode.PRICE:
        return _reply(c, essential(c.skill["help_price"]), reprompt=c.skill["price_cue"])
    if mode is Mode.EXPLAINER:
        return _reply(c, essential(c.skill["help_explainer"]), reprompt=c.skill["explainer_cue"])
    if mode in _YES_NO_MODES:
        prompt = pending_prompt(c, mode)
        return _reply(c, essential(c.skill["help_offer"]), para(prompt), reprompt=prompt)
    if mode is Mode.RESULT:
        return _reply(c, essential(c.skill["help_result"]), para(c.skill["disclaimer"]))
    return _reply(c, essential(c.skill["help"]), para(c.skill["disclaimer"]))


def goodbye(c: LocaleContent, state_mode: object) -> Reply:
    return _reply(c, essential(c.skill["goodbye"]), end=True)


@_once_per_locale
def home(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["home"]), para(c.skill["what_you_can_ask"]))


def essential_reply(c: LocaleContent, text: str) -> Reply:
    """A one-paragraph reply that keeps the session open."""
    return _reply(c, essential(text))


@_once_per_locale
def error(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["error"]))


@_once_per_locale
def nothing_to_repeat(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["nothing_to_repeat"]), para(c.skill["what_you_can_ask"]))


@_once_per_locale
def nothing_more(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["nothing_more"]), para(c.skill["what_you_can_ask"]))


@_once_per_locale
def nothing_next(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["nothing_next"]), para(c.skill["what_you_can_ask"]))


@_once_per_locale
def nothing_previous(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["nothing_previous"]), para(c.skill["what_you_can_ask"]))


@_once_per_locale
def nothing_to_resume(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["nothing_to_resume"]), para(c.skill["what_you_can_ask"]))


def not_now(c: LocaleContent, mode: Mode) -> Reply:
    """A yes, no or age when nothing was asked: say so, and what can be said now."""
    return _reply(c, essential(c.skill["not_now"]), para(pending_prompt(c, mode)))


#: Modes waiting for a yes or no (an offer or the PRICE safety check).
_YES_NO_MODES = frozenset(
    {
        Mode.OFFER_INTERVIEW,
        Mode.OFFER_PRICE,
        Mode.OFFER_RESUME_PRICE,
        Mode.OFFER_REMINDER,
        Mode.PRICE_CHECK,
    }
)


def pending_prompt(
    c: LocaleContent, mode: Mode, *, arranging: bool = False, price_step: PriceStep | None = None
) -> str:
    """What can be said right now, in this mode: the offer or check still open, the walk-through's
    or explainer's cue, or what people can ask (never "answer yes or no" when nothing was asked)."""
    if mode is Mode.OFFER_INTERVIEW:
        return c.skill["offer_interview"]
    if mode is Mode.OFFER_PRICE:
        return c.skill["offer_price_arranging" if arranging else "offer_price"]
    if mode is Mode.OFFER_RESUME_PRICE and price_step is not None:
        return skill(c, "resume_price_offer", step=c.treatment.price.steps[price_step].name)
    if mode is Mode.OFFER_REMINDER:
        return c.skill["reminder_offer"]
    if mode is Mode.PRICE_CHECK:
        return c.skill["price_safety_check"]
    if mode is Mode.PRICE:
        return c.skill["price_cue"]
    if mode is Mode.EXPLAINER:
        return c.skill["explainer_cue"]
    if mode is Mode.RESULT:
        return c.skill["result_options"]
    return c.skill["what_you_can_ask"]


def misunderstood(
    c: LocaleContent,
    mode: Mode,
    question: Question | None,
    misses: int,
    *,
    prompt: str | None = None,
    symptom: bool = False,
) -> Reply:
    """A fallback that says what can be said right now: the pending question (with the choices
    after two misses), the open offer, or, with nothing asked, what people can ask."""
    opening = c.skill["symptom_unclear" if symptom else "fallback"]
    if question is not None:
        asked = _question_text(c, question)
        blocks: list[Block] = [essential(opening if symptom else c.skill["fallback_interview"])]
        if misses >= 2:
            choices = "answer_choices_age" if question.kind is QuestionKind.AGE else "answer_choices"
            blocks.append(para(c.skill[choices], priority=Priority.HIGH))
        blocks.append(para(asked, priority=Priority.HIGH))
        return _reply(c, *blocks, reprompt=asked)
    if symptom:
        ask = c.skill["symptom_clarify"]
        return _reply(c, essential(opening, ask), reprompt=ask)
    prompt = prompt or pending_prompt(c, mode)
    asks = mode in _YES_NO_MODES or mode in (Mode.PRICE, Mode.EXPLAINER)
    return _reply(
        c, essential(opening), para(prompt, priority=Priority.HIGH), reprompt=prompt if asks else None
    )


def help_offer(c: LocaleContent, prompt: str) -> Reply:
    return _reply(c, essential(c.skill["help_offer"]), para(prompt), reprompt=prompt)


def not_that(c: LocaleContent, mode: Mode) -> Reply:
    """ "No" to "did you mean ...?": fine, and what can be said now."""
    return _reply(c, essential(c.skill["not_that"]), para(pending_prompt(c, mode)))


def did_you_mean(c: LocaleContent, name: str) -> Reply:
    text = skill(c, "did_you_mean", topic=name)
    return _reply(c, essential(text), reprompt=text)


def guess_name(c: LocaleContent, guess: str) -> str:
    """The spoken name of a guessed content id ("finding:swelling_calf", "cause:bakers_cyst")."""
    kind, _, ident = guess.partition(":")
    if kind == "finding":
        try:
            return c.interview.findings[Finding(ident)].phrase
        except (ValueError, KeyError):
            return c.skill["this_topic"]
    return topic_name(c, guess)


def nothing_to_take_back(c: LocaleContent, mode: Mode) -> Reply:
    prompt = pending_prompt(c, mode)
    asks = mode in _YES_NO_MODES
    return _reply(
        c, essential(c.skill["nothing_to_take_back"]), para(prompt), reprompt=prompt if asks else None
    )


def went_back(c: LocaleContent, prompt: str) -> Reply:
    """ "Go back": what was pending before the last answer, asked again."""
    return _reply(c, essential(c.skill["went_back"]), para(prompt, priority=Priority.HIGH), reprompt=prompt)


def question_text(c: LocaleContent, question: Question) -> str:
    return _question_text(c, question)


def acknowledged(c: LocaleContent, reply: Reply, yes: bool) -> Reply:
    """The reply to a corrected answer, opening with what the answer now is."""
    return _prefixed(reply, essential(c.skill["acknowledged_yes" if yes else "acknowledged_no"]))


def read_back(
    c: LocaleContent, reply: Reply, findings: Sequence[Finding], facts: Facts, *, said_yes: bool
) -> Reply:
    """A call-now, go-now or clot answer read back inside its guidance turn (after the guidance,
    which always comes first): "You said yes to ... If I misheard, say go back." An answer of
    "not sure" twice is read back as not sure, never as present."""
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
    if not texts:
        texts.append(c.skill["readback_plain"])
    texts.append(c.skill["readback_undo"])
    return _prefixed(reply, essential(*texts))


def without_repeats(reply: Reply, said: Sequence[Sentence] = ()) -> Reply:
    """The reply with no sentence said twice: a sentence already in ``said`` (the emergency guidance
    that opens it) or earlier in the reply is left out (issue 14 item 4)."""
    seen = {_plain_key(x.text()) for x in said}
    blocks: list[Block] = []
    changed = False
    for block in reply.blocks:
        if not isinstance(block, Paragraph):
            blocks.append(block)
            continue
        kept: list[Sentence] = []
        for one in block.sentences:
            key = _plain_key(one.text())
            if key in seen:
                changed = True
                continue
            seen.add(key)
            kept.append(one)
        if kept:
            blocks.append(
                Paragraph(tuple(kept), block.priority) if len(kept) != len(block.sentences) else block
            )
        else:
            changed = True
    if not changed:
        return reply
    return replace(reply, blocks=tuple(blocks))


def _plain_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())


def _prefixed(reply: Reply, first: Block) -> Reply:
    return replace(reply, blocks=(first, *reply.blocks))


def add_note(reply: Reply, note: str) -> Reply:
    """The same reply with a short note after its first block (say, that something was not saved)."""
    blocks = (*reply.blocks[:1], para(note, priority=Priority.HIGH), *reply.blocks[1:])
    return replace(reply, blocks=blocks)


def not_saved(c: LocaleContent) -> str:
    return c.skill["not_saved"]


# --- the interview --------------------------------------------------------------------------------


def _question_text(c: LocaleContent, question: Question) -> str:
    return _asked_text(c, question.id, rephrased=question.rephrased)


def _asked_text(c: LocaleContent, question_id: str, *, rephrased: bool) -> str:
    """The question's words: the simpler wording when a red-flag question is asked again after a
    first "not sure" (triage's ``Question.rephrased``)."""
    text = c.interview.question(question_id)
    return text.simpler if rephrased and text.simpler else text.question


def question(c: LocaleContent, q: Question, *, questions_left: int, intro: bool) -> Reply:
    """An interview question, after the introduction on the first one, and "about N more" when
    ``questions_left`` is given (the conversation says it only when the number can be promised)."""
    return _question(c.locale, q.id, max(0, questions_left), intro, q.rephrased)


@lru_cache(maxsize=1024)
def _question(locale: str, question_id: str, left: int, intro: bool, rephrased: bool = False) -> Reply:
    """Built once per locale, question and progress note: about 40 questions, a dozen counts."""
    c = content_load(locale)
    text = _asked_text(c, question_id, rephrased=rephrased)
    blocks: list[Block] = []
    if intro:
        blocks.append(para(c.skill["interview_intro"], priority=Priority.HIGH))
    if left:
        blocks.append(para(skill(c, "questions_left", count=str(left)), priority=Priority.NORMAL))
    blocks.append(essential(text))
    return _reply(c, *blocks, reprompt=text)


@_once_per_locale
def headline(c: LocaleContent) -> Reply:
    """ "Why does the back of my knee hurt": a real answer in two sentences (the usual causes, and
    the rare clot that needs a doctor today), then the offer to narrow it down (no question about
    breathing before anything is answered; the safety questions come first once it is accepted)."""
    offer = c.skill["headline_narrow"]
    return _reply(
        c, essential(c.skill["headline_answer"]), para(offer, priority=Priority.ESSENTIAL), reprompt=offer
    )


def why_asking(c: LocaleContent, q: Question | None) -> Reply:
    if q is None:
        return _reply(c, essential(c.skill["why_asking_general"]))
    asked = _question_text(c, q)
    return _reply(
        c, essential(c.interview.question(q.id).why), para(asked, priority=Priority.HIGH), reprompt=asked
    )


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


def same_day_route(c: LocaleContent, priority: Priority = Priority.ESSENTIAL) -> Paragraph:
    """The locale's same-day route ("urgent care or the ER", "NHS 111", healthdirect...)."""
    t = c.emergency.templates
    route = with_number(t.dvt_see_today[-1], c.terms.emergency_number, c.terms.emergency_number_spoken)
    return Paragraph((route,), priority)


def numbered(c: LocaleContent, text: str, priority: Priority = Priority.NORMAL) -> Paragraph:
    """A skill text whose emergency number (resolved to words by the compiler) is said as a number
    and shown as digits on the card."""
    spoken = c.terms.emergency_number_spoken
    found: list[Sentence] = []
    for one in sentences(text):
        parts: list[Inline] = []
        for part in one.parts:
            if isinstance(part, str) and spoken in part:
                pieces = part.split(spoken)
                for i, piece in enumerate(pieces):
                    if i:
                        parts.append(PhoneNumber(c.terms.emergency_number, spoken))
                    if piece:
                        parts.append(piece)
            else:
                parts.append(part)
        found.append(Sentence(tuple(parts)))
    return Paragraph(tuple(found), priority)


#: The result before "more" (issue 14 item 4), not counting the emergency guidance.
RESULT_WORDS = 60


def result(
    c: LocaleContent,
    a: Assessment,
    *,
    offer_price: bool,
    kind: EmergencyKind | None = None,
    facts: Facts | None = None,
) -> tuple[Reply, tuple[str, ...]]:
    """The result, and what waits behind "more": one disposition with one time frame (by the
    highest level, unless the sticky guidance already says it), the urgent flags (the first at
    once, the others behind "more"), the lead causes with reasons from what the user said (none with
    a clot: nothing benign explains clot signs), a safety net for the level, the disclaimer, and the
    offer. At most ``RESULT_WORDS`` words before "more": lower-priority detail moves behind it."""
    facts = facts or Facts.empty()
    blocks: list[Block] = []
    child = is_child(facts)
    covered = kind is not None and a.level <= _COVERED[kind]
    if child:
        blocks.append(essential(c.skill["result_child"]))
    if not covered:
        blocks.extend(_disposition(c, a, facts, child=child))
    for flag in urgent_flags(a):  # every urgent flag, at most three (issue 13 item 2), before "more"
        blocks.append(essential(c.flags[flag].explanation))
    blocks.extend(_unclear_note(c, facts))
    if not child:
        blocks.extend(_causes(c, a, facts))
    net = _safety_net_key(a, kind, child=child)
    if net:
        # The safety net: its "phone now" line always before "more", then the same-day line, then
        # the rest (each a block, so only what does not fit moves behind "more").
        for number, line in enumerate(sentences(c.skill[net])):
            level = (Priority.ESSENTIAL, Priority.HIGH)[number] if number < 2 else Priority.DETAIL
            blocks.append(numbered(c, line.text(), level))
    blocks.append(essential(c.skill["result_disclaimer"]))  # always before "more"
    active = _lead_with_reasons(c, a, facts) in _ACTIVE_SELF_CARE
    offer: str | None = None
    if offer_price and not child and not active:
        arranging = a.level >= CareLevel.CONSULTATION_24
        offer = c.skill["offer_price_arranging" if arranging else "offer_price"]
    if offer is None:  # no question to close with: the options, only if they fit
        blocks.append(para(c.skill["result_options"], priority=Priority.DETAIL))
    closing = (para(offer, priority=Priority.ESSENTIAL),) if offer else ()
    room = RESULT_WORDS - sum(_words(b) for b in closing) - _words(para(c.skill["more_cue"]))
    kept, more = within_words(blocks, room)
    if more:
        kept.append(para(c.skill["more_cue"], priority=Priority.ESSENTIAL))
    return _reply(c, *kept, *closing, reprompt=offer), more


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
    """With a clot possible: a deep vein thrombosis first, and no benign cause offered to explain
    it. Otherwise the two leading causes, each only with reasons the user gave (a cause whose only
    evidence is implied, by an activity word or a broad screening answer, is not named)."""
    if clot_suspected(a):
        dvt = next((x for x in a.causes if x.condition is Condition.DEEP_VEIN_THROMBOSIS), None)
        name = c.conditions[Condition.DEEP_VEIN_THROMBOSIS].name
        first = (
            _cause_sentence(c, dvt, facts)
            if dvt is not None and _reasons(c, dvt, facts)
            else skill(c, "cause_possible", cause=name)
        )
        blocks: list[Block] = [para(first, priority=Priority.HIGH)]
        if any(x.condition is not Condition.DEEP_VEIN_THROMBOSIS for x in a.causes[:MAX_CAUSES_IN_RESULT]):
            blocks.append(para(c.skill["result_clot_lookalike"], priority=Priority.HIGH))
        return blocks
    named = [x for x in a.causes[:MAX_CAUSES_IN_RESULT] if _reasons(c, x, facts)]
    if not named:
        return []
    lead, *others = _cause_sentences(c, named, facts, reasons=1)  # the rest on "why do you think that"
    return [para(lead, priority=Priority.HIGH), para(*others)]


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


def _lead_with_reasons(c: LocaleContent, a: Assessment, facts: Facts) -> Condition | None:
    """The leading cause, when the user said something that supports it."""
    if a.causes and _reasons(c, a.causes[0], facts):
        return a.causes[0].condition
    return None


def _disposition(c: LocaleContent, a: Assessment, facts: Facts, *, child: bool) -> list[Block]:
    level = a.level
    if child and level < CareLevel.CONSULTATION_24:
        level = CareLevel.CONSULTATION_24
    if level >= CareLevel.EMERGENCY_AMBULANCE:
        return [numbered(c, c.care_levels[level].action, Priority.ESSENTIAL)]
    if level >= CareLevel.EMERGENCY:
        return [numbered(c, c.care_levels[level].action, Priority.ESSENTIAL)]
    if level >= CareLevel.CONSULTATION_24:
        return [essential(c.skill["result_today"]), same_day_route(c)]
    if level >= CareLevel.CONSULTATION:
        return [essential(c.skill["result_appointment"])]
    lead = _lead_with_reasons(c, a, facts)
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


def _and(c: LocaleContent, words: Sequence[str], *, joiner: str | None = None) -> str:
    joiner = joiner or c.skill["and_word"]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {joiner} " + words[-1]


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
        return _reply(c, *blocks)
    causes = a.causes[:MAX_CAUSES_SPOKEN]
    blocks.append(para(*_cause_sentences(c, causes, facts), priority=Priority.NORMAL))
    for cause in causes[:1]:
        name = c.conditions[cause.condition].name
        said_no = [f for f in cause.against if facts is None or facts.answers.get(f) is Answer.ABSENT]
        against = [c.interview.findings[f].phrase for f in said_no[:2]]
        if against:
            blocks.append(para(skill(c, "cause_against", cause=name, reasons=_and(c, against))))
    return _reply(c, *blocks)


@_once_per_locale
def why_think_nothing_yet(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["why_think_nothing"]))


# --- PRICE ----------------------------------------------------------------------------------------


def price_step(
    c: LocaleContent, step: PriceStep, index: int, *, intro: bool, detail: bool, clot_suspected: bool
) -> Reply:
    """One PRICE step (built once per locale and variant: content only)."""
    return _price_step(c.locale, step, index, intro=intro, detail=detail, clot_suspected=clot_suspected)


@lru_cache(maxsize=256)
def _price_step(
    locale: str, step: PriceStep, index: int, *, intro: bool, detail: bool, clot_suspected: bool
) -> Reply:
    c = content_load(locale)
    price = c.treatment.price
    content = price.steps[step]
    blocks: list[Block] = []
    if intro:
        blocks.append(
            para(c.skill["price_arranging"] if clot_suspected else price.intro, priority=Priority.HIGH)
        )
    heading = skill(c, "price_step_of", count=str(index + 1), step=content.name)
    if step is PriceStep.ICE:  # cautions early and never trimmed; then the cue for the timer
        blocks.append(essential(heading, *price.cautions))
        blocks.append(essential(content.detail if detail else content.spoken, c.skill["ice_how_often"]))
        blocks.append(para(*price.safety[:2], priority=Priority.HIGH))
        blocks.append(para(c.skill["ice_timer_cue"], priority=Priority.ESSENTIAL))
    else:
        blocks.append(essential(heading, content.detail if detail else content.spoken))
    blocks.append(para(c.skill["price_cue"], priority=Priority.HIGH))
    return _reply(c, *blocks, reprompt=c.skill["price_cue"], title=price.name)


def price_unsafe(c: LocaleContent, *, checked: bool = False) -> Reply:
    """PRICE asked for with a clot, ischaemia, compartment or infection possible: what to do instead."""
    return _price_unsafe(c.locale, checked)


@lru_cache(maxsize=16)
def _price_unsafe(locale: str, checked: bool) -> Reply:
    c = content_load(locale)
    first = (c.skill["price_check_positive"],) if checked else ()
    return _reply(c, essential(*first, c.skill["price_unsafe"]), para(c.skill["result_options"]))


@_once_per_locale
def price_safety_check(c: LocaleContent) -> Reply:
    text = c.skill["price_safety_check"]
    return _reply(c, essential(text), reprompt=text)


def price_done(c: LocaleContent, *, clot_suspected: bool) -> Reply:
    price = c.treatment.price
    blocks = [
        essential(c.skill["price_done"]),
        para(price.avoid),
        para(price.newer_guidance, priority=Priority.DETAIL),
    ]
    if clot_suspected:
        blocks.insert(1, para(c.skill["price_arranging"], priority=Priority.ESSENTIAL))
    return _reply(c, *blocks)


def price_paused(c: LocaleContent, step: PriceStep) -> Reply:
    name = c.treatment.price.steps[step].name
    return _reply(c, essential(skill(c, "price_paused", step=name)), end=True)


@_once_per_locale
def unknown_price_step(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["unknown_price_step"]))


# --- explainers -----------------------------------------------------------------------------------

Page = tuple[Block, ...]


def topic_pages(c: LocaleContent, topic: str) -> tuple[Page, ...]:
    """The pages of an explainer topic, read one at a time with more, next and previous.

    Content and pages are immutable, so each (locale, topic) is built once per process.
    """
    if len(topic) > 64:
        return ()
    return _topic_pages(c.locale, topic)


@lru_cache(maxsize=256)
def _topic_pages(locale: str, topic: str) -> tuple[Page, ...]:
    return _build_topic_pages(content_load(locale), topic)


def _build_topic_pages(c: LocaleContent, topic: str) -> tuple[Page, ...]:
    kind, _, ident = topic.partition(":")
    if kind == "cause":
        try:
            return _cause_pages(c, Condition(ident))
        except ValueError:
            return ()
    if kind == "test":
        try:
            return _test_pages(c, DiagnosticTest(ident))
        except ValueError:
            return ()
    if kind == "relief" and ident:
        try:
            return _relief_pages(c, PainRelief(ident))
        except ValueError:
            return ()
    builders = {
        "causes": _causes_pages,
        "doctor": _doctor_pages,
        "tests": _tests_pages,
        "treatment": _treatment_pages,
        "surgery": _surgery_pages,
        "physical_therapy": _physio_pages,
        "relief": _all_relief_pages,
        "prevention": _prevention_pages,
    }
    build = builders.get(kind)
    return build(c) if build else ()


def topic_name(c: LocaleContent, topic: str) -> str:
    kind, _, ident = topic.partition(":")
    try:
        if kind == "cause":
            return c.conditions[Condition(ident)].name
        if kind == "test":
            return c.diagnostic_tests.tests[DiagnosticTest(ident)].name
        if kind == "relief" and ident:
            return c.treatment.pain_relief[PainRelief(ident)].name
    except ValueError:
        return c.skill["this_topic"]
    return c.skill.get(f"topic_{kind}", c.skill["this_topic"])


def topic_page(c: LocaleContent, topic: str, index: int) -> Reply:
    """Page ``index`` of a topic that has one (see ``topic_pages``), built once per locale, topic
    and page: explainers are content only."""
    return _topic_page(c.locale, topic, index)


@lru_cache(maxsize=512)
def _topic_page(locale: str, topic: str, index: int) -> Reply:
    return explainer_page(content_load(locale), _topic_pages(locale, topic), index)


def explainer_page(c: LocaleContent, pages: tuple[Page, ...], index: int) -> Reply:
    page = pages[index]
    cue = c.skill["explainer_cue"] if index + 1 < len(pages) else c.skill["explainer_last_cue"]
    return _reply(c, *page, para(cue, priority=Priority.HIGH), reprompt=cue)


def explainer_end(c: LocaleContent, topic: str) -> Reply:
    return _reply(
        c, essential(skill(c, "explainer_end", topic=topic_name(c, topic))), para(c.skill["what_you_can_ask"])
    )


def unknown_topic(c: LocaleContent, act: Act | None) -> Reply:
    key = (
        {
            Act.EXPLAIN_CAUSE: "unknown_cause",
            Act.TESTS: "unknown_test",
            Act.PAIN_RELIEF: "unknown_medicine",
        }.get(act, "unknown_topic")
        if act
        else "unknown_topic"
    )
    return _reply(c, essential(c.skill[key]))


#: Lists are read at most three items at a time (issue 14 item 4); the rest follow on "more".
MAX_LIST_ITEMS = 3


def _list_pages(
    c: LocaleContent, intro: str, entries: Sequence[str], more_intro: str | None = None
) -> list[Page]:
    """A list as pages of at most ``MAX_LIST_ITEMS`` items: the intro, then "also" for the rest."""
    groups = [list(entries[i : i + MAX_LIST_ITEMS]) for i in range(0, len(entries), MAX_LIST_ITEMS)]
    return [
        (
            items(
                intro if number == 0 else more_intro or c.skill["also_intro"],
                group,
                priority=Priority.ESSENTIAL,
            ),
        )
        for number, group in enumerate(groups)
    ]


def _cause_pages(c: LocaleContent, condition: Condition) -> tuple[Page, ...]:
    cause = c.conditions[condition]
    pages: list[Page] = [(essential(cause.summary),), (essential(cause.explanation),)]
    for part in cause.parts.values():
        pages.append((essential(part.mechanism),))
    pages += _list_pages(c, c.skill["signs_intro"], cause.signs)
    pages += _list_pages(c, c.skill["triggers_intro"], cause.triggers)
    if cause.sports:
        pages += _list_pages(c, c.skill["sports_intro"], cause.sports)
    if cause.other_causes:
        pages += _list_pages(c, c.skill["other_causes_intro"], cause.other_causes)
    pages += _list_pages(c, c.skill["at_risk_intro"], cause.at_risk)
    pages += _list_pages(c, c.skill["what_helps_intro"], cause.what_helps)
    return tuple(pages)


def _causes_pages(c: LocaleContent) -> tuple[Page, ...]:
    names = [c.conditions[condition].name for condition in Condition]
    return tuple(_list_pages(c, c.skill["causes_intro"], names, c.skill["causes_more"]))


def _doctor_pages(c: LocaleContent) -> tuple[Page, ...]:
    doctor = c.when_to_see_a_doctor
    signs = [sign.spoken for sign in doctor.warning_signs.values()]
    return (
        (essential(doctor.summary),),
        *_list_pages(c, c.skill["warning_signs_intro"], signs),
        (essential(doctor.breathing_emergency),),
        (essential(doctor.explanation),),
    )


def _tests_pages(c: LocaleContent) -> tuple[Page, ...]:
    tests = c.diagnostic_tests
    # The content's introduction already names the tests: no second list of them.
    first: Page = (essential(tests.intro),)
    return (first, *(page for test in DiagnosticTest for page in _test_pages(c, test)))


def _test_pages(c: LocaleContent, test: DiagnosticTest) -> tuple[Page, ...]:
    item = c.diagnostic_tests.tests[test]
    return ((essential(item.looks_for),), (essential(item.when_used),))


def _surgery_pages(c: LocaleContent) -> tuple[Page, ...]:
    """ "Will I need surgery": surgery, and nothing else, in the first sentence."""
    t = c.treatment
    return ((essential(c.skill["surgery_answer"], t.surgery.summary),), (essential(t.surgery.detail),))


def _physio_pages(c: LocaleContent) -> tuple[Page, ...]:
    t = c.treatment
    return ((essential(t.physical_therapy.summary), para(t.physical_therapy.detail)),)


def _treatment_pages(c: LocaleContent) -> tuple[Page, ...]:
    t = c.treatment
    return (
        (essential(t.intro), para(t.pain_relief_intro)),
        (essential(t.price.intro), para(t.price.newer_guidance, priority=Priority.DETAIL)),
        (essential(t.physical_therapy.summary), para(t.physical_therapy.detail, priority=Priority.DETAIL)),
        (essential(t.surgery.summary), para(t.surgery.detail, priority=Priority.DETAIL)),
    )


def _all_relief_pages(c: LocaleContent) -> tuple[Page, ...]:
    """The overview (with the pharmacist advice once), each medicine, then blood thinners."""
    t = c.treatment
    cautions = t.medicine_cautions
    first: Page = (essential(t.pain_relief_intro), para(cautions.ask_pharmacist, priority=Priority.HIGH))
    medicines = (page for relief in PainRelief for page in _relief_pages(c, relief, pharmacist=False))
    return (first, *medicines, (essential(cautions.blood_thinners),))


def _relief_pages(c: LocaleContent, relief: PainRelief, *, pharmacist: bool = True) -> tuple[Page, ...]:
    """The summary, then every caution, at most two to a page (each is spoken, none skipped)."""
    item = c.treatment.pain_relief[relief]
    summary: list[Block] = [essential(item.summary)]
    if pharmacist:
        summary.append(para(c.treatment.medicine_cautions.ask_pharmacist, priority=Priority.HIGH))
    cautions = item.cautions
    pages: list[Page] = [tuple(summary)]
    pages.extend((essential(*cautions[i : i + 2]),) for i in range(0, len(cautions), 2))
    return tuple(pages)


@dataclass(frozen=True)
class MedicineContext:
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
        return _relief_child(c)
    page = topic_page(c, topic, index)
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
    return Reply(
        blocks=(note, *page.blocks),
        reprompt=page.reprompt,
        card_title=page.card_title,
        end_session=page.end_session,
    )


@_once_per_locale
def _relief_child(c: LocaleContent) -> Reply:
    return _reply(c, essential(c.skill["relief_child"]), para(c.skill["what_you_can_ask"]))


def _prevention_pages(c: LocaleContent) -> tuple[Page, ...]:
    p = c.prevention
    tips = list(p.tips)
    return (
        (essential(p.summary), para(*tips[:MAX_LIST_ITEMS], priority=Priority.HIGH)),
        *(
            (essential(*tips[i : i + MAX_LIST_ITEMS]),)
            for i in range(MAX_LIST_ITEMS, len(tips), MAX_LIST_ITEMS)
        ),
    )


# --- more, slowly ---------------------------------------------------------------------------------


def spoken_more(c: LocaleContent, texts: tuple[str, ...], prompt: str | None = None) -> Reply:
    """What waited behind "more", then the offer still open (if any)."""
    tail = (para(prompt, priority=Priority.ESSENTIAL),) if prompt else ()
    return _reply(c, essential(*texts), *tail, reprompt=prompt)


def plain_overflow(blocks: tuple[Block, ...]) -> tuple[str, ...]:
    """The blocks cut for length, as plain text kept for "say more"."""
    return tuple(text for text in (block.text() for block in blocks) if text)


def slowly(ssml: str) -> str:
    """The same SSML read at a slow rate."""
    inner = ssml.strip()
    if inner.startswith("<speak>") and inner.endswith("</speak>"):
        inner = inner[len("<speak>") : -len("</speak>")]
    if inner.startswith('<prosody rate="slow">'):
        return f"<speak>{inner}</speak>"
    return f'<speak><prosody rate="slow">{inner}</prosody></speak>'
