"""Turns core results and content into structured replies (``speech.Reply``): the one place the
conversation asks for words.

Pure: content and triage in, replies out. Every spoken word comes from ``content``; the markers
``[count]``, ``[step]``, ``[cause]``, ``[reasons]`` and ``[topic]`` in skill texts are filled here.
Three parts:
- the reply catalogue (``dialogue.catalogue``): replies made of a locale's content alone, built once
  per locale from the content the turn holds (greetings, help, questions, pages, PRICE steps, the
  emergency guidance);
- replies built from answers (``dialogue.answers``): the result, "why do you think that", the
  read-back, pain relief tailored to the answers, a reply said again from its words; built afresh
  every turn;
- this module: the small replies worded for where the conversation is (fallbacks, offers,
  corrections), and the names the conversation calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from msgspec.structs import replace

from content import LocaleContent, PriceStep
from dialogue import answers
from dialogue.acts import Act
from dialogue.answers import (
    MAX_CAUSES_SPOKEN,
    RESULT_WORDS,
    MedicineContext,
    age_told,
    emergency_statement,
    from_words,
    read_back_texts,
    relief_page,
    result,
    why_think,
    within_words,
    words_of,
)
from dialogue.catalogue import (
    MAX_LIST_ITEMS,
    YES_NO_MODES,
    Page,
    asked_text,
    catalogue,
    guidance_plain,
    pending_prompt,
    topic_name,
    unknown_topic_key,
)
from dialogue.say import essential, para
from dialogue.state import EmergencyKind, Mode
from dialogue.wording import CARD_TITLE, fill, kept, numbered, skill
from dialogue.wording import reply as _reply
from speech import Block, EmergencyGuidance, Paragraph, Priority, Reply, Sentence
from triage import Question, QuestionKind
from triage.vocabulary import Finding

__all__ = [
    "CARD_TITLE",
    "MAX_CAUSES_SPOKEN",
    "MAX_LIST_ITEMS",
    "RESULT_WORDS",
    "MedicineContext",
    "Page",
    "age_told",
    "answers",
    "emergency_statement",
    "fill",
    "from_words",
    "guidance_plain",
    "numbered",
    "pending_prompt",
    "read_back_texts",
    "relief_page",
    "result",
    "skill",
    "topic_name",
    "why_think",
    "within_words",
    "words_of",
]

_YES_NO_MODES = YES_NO_MODES


# --- from the catalogue: replies made of the content alone ----------------------------------------


def guidance(c: LocaleContent, kind: EmergencyKind, *, short: bool = False) -> EmergencyGuidance:
    """The locale's emergency guidance for ``kind``, full or short (see ``Catalogue.guidance``)."""
    return catalogue(c).guidance(kind, short=short)


def guidance_openings(c: LocaleContent) -> tuple[EmergencyGuidance, ...]:
    """Every form of every kind of guidance the locale can open a response with."""
    return tuple(guidance(c, kind, short=short) for kind in EmergencyKind for short in (False, True))


def launch(c: LocaleContent, *, first_time: bool) -> Reply:
    """The greeting (with the disclaimer the first time) ending in an offer to start the questions."""
    return catalogue(c).launch(first_time=first_time)


def help_for(c: LocaleContent, mode: Mode, question: Question | None) -> Reply:
    """Help for where the conversation is."""
    pending = question if mode is Mode.INTERVIEW else None
    return catalogue(c).help_for(
        mode, pending.id if pending is not None else None, rephrased=pending is not None and pending.rephrased
    )


def home(c: LocaleContent) -> Reply:
    return catalogue(c).text("home", "what_you_can_ask")


def error(c: LocaleContent) -> Reply:
    return catalogue(c).text("error")


def nothing_to_repeat(c: LocaleContent) -> Reply:
    return catalogue(c).text("nothing_to_repeat", "what_you_can_ask")


def nothing_more(c: LocaleContent) -> Reply:
    return catalogue(c).text("nothing_more", "what_you_can_ask")


def nothing_next(c: LocaleContent) -> Reply:
    return catalogue(c).text("nothing_next", "what_you_can_ask")


def nothing_previous(c: LocaleContent) -> Reply:
    return catalogue(c).text("nothing_previous", "what_you_can_ask")


def nothing_to_resume(c: LocaleContent) -> Reply:
    return catalogue(c).text("nothing_to_resume", "what_you_can_ask")


def why_think_nothing_yet(c: LocaleContent) -> Reply:
    return catalogue(c).text("why_think_nothing")


def price_safety_check(c: LocaleContent) -> Reply:
    return catalogue(c).text("price_safety_check", reprompt=True)


def unknown_price_step(c: LocaleContent) -> Reply:
    return catalogue(c).text("unknown_price_step")


def unknown_topic(c: LocaleContent, act: Act | None) -> Reply:
    return catalogue(c).text(unknown_topic_key(act))


def headline(c: LocaleContent) -> Reply:
    """ "Why does the back of my knee hurt": answered first, then the offer to narrow it down."""
    return catalogue(c).headline()


def question(
    c: LocaleContent, q: Question, *, questions_left: int, intro: bool, for_someone: bool = False
) -> Reply:
    """An interview question, after the introduction on the first one, and "about N more" when
    ``questions_left`` is given (the conversation says it only when the number can be promised).
    ``for_someone``: the questions are about someone else's knee; say to answer them for that person."""
    return catalogue(c).question(
        q.id, left=max(0, questions_left), intro=intro, rephrased=q.rephrased, for_someone=for_someone
    )


def question_text(c: LocaleContent, question: Question) -> str:
    return asked_text(c, question.id, rephrased=question.rephrased)


def price_step(
    c: LocaleContent, step: PriceStep, index: int, *, intro: bool, detail: bool, clot_suspected: bool
) -> Reply:
    """One PRICE step."""
    return catalogue(c).price_step(step, index, intro=intro, detail=detail, clot_suspected=clot_suspected)


def price_unsafe(c: LocaleContent, *, checked: bool = False) -> Reply:
    """PRICE asked for with a clot, ischaemia, compartment or infection possible: what to do instead."""
    return catalogue(c).price_unsafe(checked=checked)


def topic_pages(c: LocaleContent, topic: str) -> tuple[Page, ...]:
    """The pages of an explainer topic, read one at a time with more, next and previous."""
    return catalogue(c).topic_pages(topic)


def topic_page(c: LocaleContent, topic: str, index: int) -> Reply:
    """Page ``index`` of a topic that has one (see ``topic_pages``)."""
    return catalogue(c).topic_page(topic, index)


# --- worded for where the conversation is -------------------------------------------------------


def launch_resume_price(c: LocaleContent, step: PriceStep) -> Reply:
    name = c.treatment.price.steps[step].name
    return _reply(
        c,
        essential(c.skill["welcome_back"], skill(c, "resume_price_offer", step=name)),
        reprompt=skill(c, "resume_price_offer", step=name),
    )


def goodbye(c: LocaleContent, state_mode: object) -> Reply:
    return _reply(c, essential(c.skill["goodbye"]), end=True)


def essential_reply(c: LocaleContent, text: str) -> Reply:
    """A one-paragraph reply that keeps the session open."""
    return _reply(c, essential(text))


def not_now(c: LocaleContent, mode: Mode) -> Reply:
    """A yes, no or age when nothing was asked: say so, and what can be said now."""
    return _reply(c, essential(c.skill["not_now"]), para(pending_prompt(c, mode)))


def misunderstood(
    c: LocaleContent,
    mode: Mode,
    question: Question | None,
    misses: int,
    *,
    prompt: str | None = None,
    symptom: bool = False,
    safety: bool = False,
) -> Reply:
    """A fallback that says what can be said right now: the pending question (with the choices
    after two misses), the open offer, or, with nothing asked, what people can ask.

    ``safety``: what was missed may have been a life-threatening sign (none is ruled out yet), so
    the call-now line comes right after the apology, never cut."""
    opening = c.skill["symptom_unclear" if symptom else "fallback"]
    warning = c.skill["fallback_safety"] if safety else ""
    if question is not None:
        asked = question_text(c, question)
        blocks: list[Block] = [essential(opening if symptom else c.skill["fallback_interview"], warning)]
        if misses >= 2:
            choices = "answer_choices_age" if question.kind is QuestionKind.AGE else "answer_choices"
            blocks.append(para(c.skill[choices], priority=Priority.HIGH))
        blocks.append(para(asked, priority=Priority.HIGH))
        return _reply(c, *blocks, reprompt=asked)
    if symptom:
        ask = c.skill["symptom_clarify"]
        return _reply(c, essential(opening, warning, ask), reprompt=ask)
    prompt = prompt or pending_prompt(c, mode)
    asks = mode in _YES_NO_MODES or mode in (Mode.PRICE, Mode.EXPLAINER)
    return _reply(
        c,
        essential(opening, warning),
        para(prompt, priority=Priority.HIGH),
        reprompt=prompt if asks else None,
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


def acknowledgement(c: LocaleContent, yes: bool) -> str:
    """What a corrected answer now is ("Got it: yes.")."""
    return c.skill["acknowledged_yes" if yes else "acknowledged_no"]


def prefixed(reply: Reply, texts: Sequence[str]) -> Reply:
    """The reply opening with ``texts`` (never cut)."""
    return _prefixed(reply, essential(*texts))


def without_repeats(reply: Reply, said: Sequence[Sentence] = ()) -> Reply:
    """The reply with no sentence said twice: a sentence already in ``said`` (the emergency guidance
    that opens it) or earlier in the reply is left out (issue 14 item 4)."""
    if not said:  # depends on the reply alone: worked out once per reply object
        return kept(reply, "_without_repeats", None, lambda: _without_repeats(reply, ()))
    return _without_repeats(reply, said)


def _without_repeats(reply: Reply, said: Sequence[Sentence]) -> Reply:
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
    return " ".join(_NOT_PLAIN.sub(" ", text.lower()).split())


_NOT_PLAIN = re.compile(r"[^a-z0-9 ]+")


def _prefixed(reply: Reply, first: Block) -> Reply:
    return replace(reply, blocks=(first, *reply.blocks))


def add_note(reply: Reply, note: str) -> Reply:
    """The same reply with a short note after its first block (say, that something was not saved).

    ``note`` is a skill text (content): the noted reply is kept on ``reply``, so a reply of the
    catalogue with its note is built, and rendered, once."""
    return kept(reply, "_noted", note, lambda: _with_note(reply, note))


def _with_note(reply: Reply, note: str) -> Reply:
    blocks = (*reply.blocks[:1], para(note, priority=Priority.HIGH), *reply.blocks[1:])
    return replace(reply, blocks=blocks)


def not_saved(c: LocaleContent) -> str:
    return c.skill["not_saved"]


def why_asking(c: LocaleContent, q: Question | None) -> Reply:
    if q is None:
        return _reply(c, essential(c.skill["why_asking_general"]))
    asked = question_text(c, q)
    return _reply(
        c, essential(c.interview.question(q.id).why), para(asked, priority=Priority.HIGH), reprompt=asked
    )


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


def explainer_end(c: LocaleContent, topic: str) -> Reply:
    return _reply(
        c, essential(skill(c, "explainer_end", topic=topic_name(c, topic))), para(c.skill["what_you_can_ask"])
    )


def spoken_more(c: LocaleContent, texts: tuple[str, ...], prompt: str | None = None) -> Reply:
    """What waited behind "more", then the offer still open (if any)."""
    tail = (para(prompt, priority=Priority.ESSENTIAL),) if prompt else ()
    return _reply(c, essential(*texts), *tail, reprompt=prompt)


def plain_overflow(blocks: tuple[Block, ...]) -> tuple[str, ...]:
    """The blocks cut for length, as plain text kept for "say more"."""
    return tuple(text for text in (block.text() for block in blocks) if text)
