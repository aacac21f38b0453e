"""The conversation: one user act plus the session state in, the next state and a reply out.

Pure: no ASK SDK, no I/O. Side effects the adapters must carry out are returned as ``effects``.
"""

from __future__ import annotations

from collections.abc import Callable

from msgspec.structs import replace

from content import PriceStep
from dialogue import icing  # icing's acts and answers (one hook)
from dialogue import presenter as p
from dialogue.acts import Act, UserAct
from dialogue.context import PRICE_ORDER, Effect, EffectKind, Turn, TurnContext
from dialogue.state import Mode, Said, SaidKind, SessionState
from dialogue.urgency import (
    EmergencyKind,
    clot_suspected,
    emergency_kind,
    is_child,
    kind_from_facts,
    self_care_unsafe,
    stronger,
)
from dialogue.urgency import (
    assessed as assess,  # triage's, once per facts within a request
)
from speech import Reply
from triage import ALL_QUESTIONS, Assessment, Facts, Question, QuestionKind, answer_question
from triage.engine import countdown
from triage.interview import LIFE_THREAT_FINDINGS, rephrase_pending
from triage.vocabulary import Answer, CareLevel, Finding

QUESTIONS: dict[str, Question] = {question.id: question for question in ALL_QUESTIONS}
MISSES_BEFORE_CHOICES = 2


#: Acts whose reply carries the full guidance whenever the session has one.
_FULL_GUIDANCE_ACTS = frozenset({Act.HELP, Act.STOP, Act.EMERGENCY})


def respond(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    """Choose the reply to one user act.

    While the session has emergency guidance, the turn that raises it (or makes it stronger), the
    result, help and goodbye open with its full form; every other turn with the short form. The
    turn says what it said (``Turn.said``: the act, and the question, page, step or result, or
    else its words), for Repeat.
    """
    turn = _decorated(state, act, ctx)
    if act.act in (Act.REPEAT, Act.SLOWER):
        return turn  # what was said stays what it was
    said = turn.said or Said(SaidKind.WORDS)  # the words are the reply's as sent (see ``remember``)
    return replace(turn, said=replace(said, act=act.act))


def _decorated(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    """The turn for ``act``, with the notes every turn may carry: the first-time disclaimer, the
    read-back of an answer that raised the guidance, the undo trail, the guidance's form."""
    turn = _respond(state, act, ctx)
    if ctx.new_session and not ctx.profile.disclaimer_heard and act.act is not Act.LAUNCH:
        turn = replace(_with_disclaimer(turn, ctx), said=None)  # said again as it was, note and all
    if turn.state.more and turn.state.more is state.more and act.act not in (Act.REPEAT, Act.SLOWER):
        turn = replace(turn, state=replace(turn.state, more=()))  # "more" is about the last reply only
    if act.act in _ANSWER_ACTS and _moved_on(state, turn.state):
        turn = replace(turn, state=turn.state.remembering(state.snapshot()))
    raised = _raised(state.emergency, turn.state.emergency)
    told = _age_told(state, turn.state)
    # An age told while something else was asked is said back: it was heard, and as what (seventy
    # and seventeen sound alike). An age that raises the guidance is read back below instead.
    if told is not None and act.act is Act.AGE and not raised and not _asked_age(state):
        turn = replace(_led(turn, ctx, (p.age_told(ctx.content, told),)), said=None)
    if turn.state.emergency is None:
        return turn
    if raised and act.act in _ANSWER_ACTS:
        turn = replace(_with_read_back(state, act, turn, ctx), said=None)
    if turn.full_guidance:
        return turn
    if raised or act.act in _FULL_GUIDANCE_ACTS or turn.reply.end_session:
        return replace(turn, full_guidance=True)
    return turn


def _age_told(before: SessionState, after: SessionState) -> int | None:
    """The age the turn was told, when it changed the one known."""
    age = after.facts.age
    return age if age is not None and age != before.facts.age else None


def _asked_age(state: SessionState) -> bool:
    """The pending question is the age question."""
    question = _current_question(state) if state.mode is Mode.INTERVIEW else None
    return question is not None and question.kind is QuestionKind.AGE


def _raised(before: EmergencyKind | None, after: EmergencyKind | None) -> bool:
    """The turn brought the session's guidance, or a stronger one (its answer is then read back)."""
    return after is not None and after is not before and stronger(before, after) is after


def _with_disclaimer(turn: Turn, ctx: TurnContext) -> Turn:
    """A first-time user hears the one-sentence disclaimer even on a one-shot request."""
    effects = turn.effects
    if not any(e.kind is EffectKind.MARK_DISCLAIMER_HEARD for e in effects):
        effects = (*effects, Effect(EffectKind.MARK_DISCLAIMER_HEARD))
    return replace(turn, reply=p.add_note(turn.reply, ctx.content.skill["disclaimer_short"]), effects=effects)


def _with_read_back(before: SessionState, act: UserAct, turn: Turn, ctx: TurnContext) -> Turn:
    """The answer that raised the emergency guidance, read back after it (Bickmore et al. 2021):
    guidance first, then "You said yes to ... If I misheard, say go back.". Only what was heard is
    read back: the findings, else the age told ("You told me you're 70"), else a yes; an activity
    word is never spoken back, so a turn raised by one alone reads nothing back. A result is worded
    again with the read-back inside its word budget (what does not fit then waits behind "more")."""
    facts = turn.state.facts
    heard = [
        finding
        for finding, answer in facts.answers.items()
        if answer in (Answer.PRESENT, Answer.UNCLEAR) and before.facts.answers.get(finding) is not answer
    ]
    said_yes = act.act is Act.YES or act.answer is Answer.PRESENT
    age = _age_told(before, turn.state)
    if not heard and not said_yes and age is None:
        return turn  # nothing heard to read back (a plain call for help): never "You said yes."
    return _led(turn, ctx, p.read_back_texts(ctx.content, heard, facts, said_yes=said_yes, age=age))


def _led(turn: Turn, ctx: TurnContext, texts: tuple[str, ...]) -> Turn:
    """The turn's reply opening with ``texts``: a result is worded again with them inside its word
    budget (what does not fit then waits behind "more"), any other reply gets them in front."""
    if turn.said is not None and turn.said.kind is SaidKind.RESULT:
        return _result(turn.state, ctx, assess(turn.state.facts), lead=texts)
    return replace(turn, reply=p.prefixed(turn.reply, texts))


def _moved_on(before: SessionState, after: SessionState) -> bool:
    """The act was taken as an answer: the facts, the question or an offer's mode changed."""
    return (
        after.facts != before.facts
        or after.question != before.question
        or (before.mode in _ANSWERABLE and after.mode is not before.mode)
    )


def _respond(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    if state.guess is not None and act.act not in (Act.REPEAT, Act.SLOWER):
        said = act.answer if act.act is Act.SYMPTOM and not act.findings else None
        if act.act in (Act.YES, Act.NO) or said in (Answer.PRESENT, Answer.ABSENT):
            return _guess_answer(state, act.act is Act.YES or said is Answer.PRESENT, ctx)
        state = replace(state, guess=None)  # anything else: the "did you mean" is dropped
    if act.act is Act.EMERGENCY:
        return _emergency(state, act, ctx)
    if icing.handles(state, act):
        return icing.respond_icing(state, act, ctx)
    if act.act in _GLOBAL:
        return _GLOBAL[act.act](state, act, ctx)
    if act.act is Act.FALLBACK:
        return _fallback(state, ctx)
    if state.mode is Mode.PRICE_CHECK and act.act in (Act.YES, Act.NO, Act.DONT_KNOW):
        return _price_check_answer(state, act, ctx)
    if _unheard_symptom(act):
        return _unclear_symptom(state, act, ctx)
    if state.mode is Mode.INTERVIEW and act.act in _INTERVIEW_ACTS:
        return _interview_answer(state, act, ctx)
    if state.mode in _OFFERS and act.act in (Act.YES, Act.NO):
        return _offer_answer(state, act, ctx)
    if act.act in _TOPICS:
        return _TOPICS[act.act](state, act, ctx)
    if act.act in (Act.YES, Act.NO, Act.DONT_KNOW, Act.AGE, Act.SYMPTOM):
        if _volunteers(act):
            return _start_interview(state, act, ctx)
        return _reply(state, ctx, p.not_now(ctx.content, state.mode))
    return _fallback(state, ctx)


def _unheard_symptom(act: UserAct) -> bool:
    """A symptom was heard but matched nothing certain (and nothing else was understood)."""
    return (
        act.act in (Act.SYMPTOM, Act.KNEE_PAIN)
        and act.unresolved
        and not act.findings
        and not act.inferred
        and act.answer is None
    )


def _unclear_symptom(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    """ "Did you mean ...?" with the skill's guess; with none, a clarifying question (and in the
    interview, the pending question again) - never "I wasn't asking a question"."""
    if act.topic is not None:
        name = p.guess_name(ctx.content, f"finding:{act.topic}")
        return _reply(replace(state, guess=f"finding:{act.topic}"), ctx, p.did_you_mean(ctx.content, name))
    question = _current_question(state) if state.mode is Mode.INTERVIEW else None
    misses = state.misses + 1
    safety = _may_have_missed_a_red_flag(state, question, misses)
    reply = p.misunderstood(ctx.content, state.mode, question, misses, symptom=True, safety=safety)
    return _reply(replace(state, misses=misses), ctx, reply)


def _guess_answer(state: SessionState, yes: bool, ctx: TurnContext) -> Turn:
    """The answer to "did you mean ...?": yes takes the guess as said, no leaves it."""
    guess = state.guess or ""
    state = replace(state, guess=None)
    kind, _, ident = guess.partition(":")
    if not yes:
        question = _current_question(state) if state.mode is Mode.INTERVIEW else None
        if question is not None:
            return _reply(state, ctx, p.went_back(ctx.content, p.question_text(ctx.content, question)))
        return _reply(state, ctx, p.not_that(ctx.content, state.mode))
    if kind == "finding":
        try:
            act = UserAct(Act.SYMPTOM, findings=(Finding(ident),))
        except ValueError:
            return _fallback(state, ctx)
        if state.mode is Mode.INTERVIEW:
            return _interview_answer(state, act, ctx)
        return _start_interview(state, act, ctx)
    return _explainer_page(state, ctx, guess, 0)


# --- launch, help, stop ---------------------------------------------------------------------------


def _launch(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    effects: tuple[Effect, ...] = ()
    if not ctx.profile.disclaimer_heard:
        effects = (Effect(EffectKind.MARK_DISCLAIMER_HEARD),)
    saved = ctx.profile.saved_price_step
    if saved is not None and 0 <= saved < len(PRICE_ORDER):
        new_state = replace(state, mode=Mode.OFFER_RESUME_PRICE, price_step=saved)
        return _reply(new_state, ctx, p.launch_resume_price(ctx.content, PRICE_ORDER[saved]), effects)
    reply = p.launch(ctx.content, first_time=not ctx.profile.disclaimer_heard)
    return _reply(replace(state, mode=Mode.OFFER_INTERVIEW), ctx, reply, effects)


def _help(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    question = _current_question(state)
    if state.mode in (Mode.OFFER_PRICE, Mode.OFFER_RESUME_PRICE):  # the offer's words vary
        return _reply(state, ctx, p.help_offer(ctx.content, _prompt(state, ctx)))
    return _reply(state, ctx, p.help_for(ctx.content, state.mode, question))


def _stop(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    effects: tuple[Effect, ...] = ()
    if state.mode is Mode.PRICE:
        effects = (Effect(EffectKind.SAVE_PRICE_STEP, state.price_step),)
    return _reply(state, ctx, p.goodbye(ctx.content, state), effects)


def _pause(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    if state.mode is Mode.PRICE:
        reply = p.price_paused(ctx.content, PRICE_ORDER[state.price_step])
        return _reply(state, ctx, reply, (Effect(EffectKind.SAVE_PRICE_STEP, state.price_step),))
    return _reply(state, ctx, p.goodbye(ctx.content, state))


def _navigate_home(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    new_state = replace(state, mode=Mode.IDLE, question=None, topic=None, page=0, more=(), misses=0)
    return _reply(new_state, ctx, p.home(ctx.content))


def _repeat(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    return _say_again(state, ctx, slow=False)


def _slower(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    return _say_again(state, ctx, slow=True)


def _say_again(state: SessionState, ctx: TurnContext, *, slow: bool) -> Turn:
    """Repeat: what was said, rendered again from where it came from (the question, the page, the
    PRICE step, the result from the facts) or from its words; slowly through the speech model
    when asked. The response path puts the session's emergency guidance first, as on every turn."""
    said = state.said
    reply = _again(state, ctx, said)
    if reply is None:
        return _reply(state, ctx, p.nothing_to_repeat(ctx.content))
    return Turn(state=state, reply=replace(reply, slow=slow), full_guidance=said.full, said=said)


def _again(state: SessionState, ctx: TurnContext, said: Said) -> Reply | None:
    c = ctx.content
    if said.kind is SaidKind.QUESTION:
        question = _current_question(state) if state.question == said.question else None
        return p.question(c, question, questions_left=0, intro=False) if question else None
    if said.kind is SaidKind.PAGE and said.topic:
        pages = p.topic_pages(c, said.topic)
        if said.page >= len(pages):
            return None
        if said.topic.partition(":")[0] == "relief":
            return p.relief_page(c, said.topic, said.page, _medicine_context(state, ctx))
        return p.topic_page(c, said.topic, said.page)
    if said.kind is SaidKind.PRICE_STEP and 0 <= said.page < len(PRICE_ORDER):
        if state.self_care_unsafe:
            return p.price_unsafe(c)
        return p.price_step(
            c,
            PRICE_ORDER[said.page],
            said.page,
            intro=said.variant == "intro",
            detail=said.variant == "detail",
            clot_suspected=state.emergency is not None,
        )
    if said.kind is SaidKind.RESULT and state.facts != Facts.empty():
        offer = said.variant == "offer" and not state.self_care_unsafe
        reply, _ = p.result(
            c, assess(state.facts), offer_price=offer, kind=state.emergency, facts=state.facts
        )
        return reply
    if said.kind is SaidKind.WORDS:
        return p.from_words(c, said.words, reprompt=said.reprompt, title=said.title, end=said.end)
    return None


def _more(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    if state.more:
        waiting = state.mode in _OFFERS or state.mode is Mode.PRICE_CHECK
        prompt = _prompt(state, ctx) if waiting else None
        return _reply(replace(state, more=()), ctx, p.spoken_more(ctx.content, state.more, prompt))
    if state.mode is Mode.EXPLAINER and state.topic:
        return _explainer_page(state, ctx, state.topic, state.page + 1)
    if state.mode is Mode.PRICE:
        return _price_step(state, ctx, state.price_step, detail=True)
    if state.mode is Mode.RESULT:
        return _why_think(state, act, ctx)
    if state.mode is Mode.INTERVIEW:
        return _ask(state, ctx, assess(state.facts))
    return _reply(state, ctx, p.nothing_more(ctx.content))


def _next(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    if state.mode in _OFFERS and state.mode is not Mode.OFFER_REMINDER:  # "carry on": what the offer said
        return _offer_answer(state, replace(act, act=Act.YES), ctx)
    if state.mode is Mode.PRICE:
        return _price_step(state, ctx, state.price_step + 1)
    if state.mode is Mode.EXPLAINER and state.topic:
        return _explainer_page(state, ctx, state.topic, state.page + 1)
    if state.mode is Mode.INTERVIEW:
        return _interview_answer(state, replace(act, act=Act.DONT_KNOW), ctx)
    return _reply(state, ctx, p.nothing_next(ctx.content))


def _previous(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    if state.mode is Mode.PRICE:
        return _price_step(state, ctx, max(0, state.price_step - 1))
    if state.mode is Mode.EXPLAINER and state.topic:
        return _explainer_page(state, ctx, state.topic, max(0, state.page - 1))
    if state.undo:  # in the questions or the result: take the last answer back
        return _take_back(state, ctx, None)
    return _reply(state, ctx, p.nothing_previous(ctx.content))


# --- corrections ------------------------------------------------------------------------------------


def _go_back(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    """ "Go back", "that's wrong": the previous step or page while reading one, else take back
    the last answer."""
    if state.mode is Mode.PRICE or (state.mode is Mode.EXPLAINER and state.topic):
        return _previous(state, act, ctx)
    return _take_back(state, ctx, None)


def _correct_no(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    return _take_back(state, ctx, Act.NO)


def _correct_yes(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    return _take_back(state, ctx, Act.YES)


def _take_back(state: SessionState, ctx: TurnContext, answer: Act | None) -> Turn:
    """Undo the last answer and, for "I meant no" / "I meant yes", give the right one instead.

    The state goes back to just before that answer, facts and question included. The emergency
    marker becomes what it was before the answer, plus whatever the corrected facts call for: it
    clears only when the answer that raised it is taken back, and never otherwise.
    """
    if not state.undo:
        return _reply(state, ctx, p.nothing_to_take_back(ctx.content, state.mode))
    before = state.undo[-1]
    emergency = stronger(before.emergency, kind_from_facts(before.facts))
    restored = replace(
        state,
        facts=before.facts,
        question=before.question,
        asked=before.asked,
        mode=before.mode,
        emergency=emergency,
        undo=state.undo[:-1],
        misses=0,
        guess=None,
        topic=None,
        more=(),
    )
    if answer is None:
        return _ask_again(restored, ctx)
    turn = respond(restored, UserAct(answer), ctx)
    if _raised(restored.emergency, turn.state.emergency):
        return replace(turn, said=None)  # its read-back ("You said yes to ...") says what the answer is
    return replace(_led(turn, ctx, (p.acknowledgement(ctx.content, answer is Act.YES),)), said=None)


def _ask_again(state: SessionState, ctx: TurnContext) -> Turn:
    """After "go back": what was pending before the answer, asked again."""
    question = _current_question(state)
    if state.mode is Mode.INTERVIEW and question is not None:
        return _reply(state, ctx, p.went_back(ctx.content, p.question_text(ctx.content, question)))
    return _reply(state, ctx, p.went_back(ctx.content, _prompt(state, ctx)))


def _start_over(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    if state.mode is Mode.PRICE:
        return _price_step(state, ctx, 0)
    if state.mode is Mode.EXPLAINER and state.topic:
        return _explainer_page(state, ctx, state.topic, 0)
    # A fresh interview; the emergency guidance stays sticky for the rest of the session.
    fresh = SessionState(emergency=state.emergency, said=state.said, someone_else=state.someone_else)
    return _start_interview(fresh, UserAct(Act.KNEE_PAIN), ctx, accepted=True)


def _resume(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    saved = ctx.profile.saved_price_step
    if state.mode in (Mode.OFFER_INTERVIEW, Mode.OFFER_PRICE):
        return _offer_answer(state, replace(act, act=Act.YES), ctx)  # "carry on": what the offer said
    if state.mode is Mode.PRICE:
        return _price_step(state, ctx, state.price_step)
    if state.mode in (Mode.OFFER_RESUME_PRICE, Mode.PRICE_CHECK):
        return _price_safety_check(state, ctx, state.price_step)
    if saved is not None and 0 <= saved < len(PRICE_ORDER):
        return _price_safety_check(state, ctx, saved)
    return _reply(state, ctx, p.nothing_to_resume(ctx.content))


def _fallback(state: SessionState, ctx: TurnContext) -> Turn:
    misses = state.misses + 1
    new_state = replace(state, misses=misses)
    question = _current_question(state) if state.mode is Mode.INTERVIEW else None
    prompt = _prompt(state, ctx)
    safety = _may_have_missed_a_red_flag(state, question, misses)
    reply = p.misunderstood(ctx.content, state.mode, question, misses, prompt=prompt, safety=safety)
    return _reply(new_state, ctx, reply)


def _may_have_missed_a_red_flag(state: SessionState, question: Question | None, misses: int) -> bool:
    """What was not understood may have been a life-threatening sign: the first miss in a row, with
    no emergency guidance in the session yet, while a life-threat screen is not answered "no" and is
    not the question being asked again (which asks it anyway)."""
    if misses != 1 or state.emergency is not None:
        return False
    if question is not None and question.finding in LIFE_THREAT_FINDINGS:
        return False
    resolved = state.facts.resolved
    return any(resolved.get(f) is not Answer.ABSENT for f in LIFE_THREAT_FINDINGS)


def _prompt(state: SessionState, ctx: TurnContext) -> str:
    """What can be said right now in this state (the open offer, check or cue)."""
    step = PRICE_ORDER[state.price_step] if state.mode is Mode.OFFER_RESUME_PRICE else None
    return p.pending_prompt(ctx.content, state.mode, arranging=_offer_arranging(state), price_step=step)


def _offer_arranging(state: SessionState) -> bool:
    """The PRICE offer is made while the user arranges to be seen (a same-day level or more)."""
    return state.facts != Facts.empty() and assess(state.facts).level >= CareLevel.CONSULTATION_24


# --- emergency --------------------------------------------------------------------------------------


def _emergency(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    """A sign said that needs a call now (the act carries it: breathing, fainting, a cold leg, the
    bladder), or a plain call for help (no sign). Either way the guidance is at least "phone now";
    the reason spoken is the sign's own, or the session's most urgent one, never another sign's."""
    facts = _with_volunteered(state.facts, act)
    assessment = assess(facts)
    kind = stronger(emergency_kind(assessment), EmergencyKind.CALL_NOW)
    new_state = replace(state, facts=facts, mode=Mode.RESULT, question=None).with_emergency(kind)
    # The reason is the sign just said (a cold leg after an earlier faint is about the leg), or,
    # for a plain call for help, the session's most urgent one.
    own = assess(_with_volunteered(Facts.empty(), act)) if act.findings else assessment
    reply = p.emergency_statement(ctx.content, own if own.urgent_flags else assessment)
    return Turn(state=new_state, reply=reply, full_guidance=True)


# --- the interview ----------------------------------------------------------------------------------


def _start_interview(state: SessionState, act: UserAct, ctx: TurnContext, *, accepted: bool = False) -> Turn:
    """The interview from the start. ``accepted``: a yes to the offer to start the questions (no
    headline answer again, no introduction: straight to the first question). A symptom told after
    the session's check (at its result, an explainer, PRICE) adds to what was already answered:
    the check goes on from there, never asks it all again."""
    volunteered = _volunteers(act)
    carried_on = state.mode is not Mode.INTERVIEW and volunteered and state.facts != Facts.empty()
    kept = state.mode is Mode.INTERVIEW or carried_on
    facts = _with_volunteered(state.facts if kept else Facts.empty(), act)
    new_state = replace(
        state,
        mode=Mode.INTERVIEW,
        facts=facts,
        asked=0,
        promised=0,
        misses=0,
        question=None,
        topic=None,
        more=(),
        # Whose knee: the session's for the same check (or the one just offered), else what was said.
        someone_else=(state.someone_else and (kept or accepted)) or act.someone_else,
    )
    assessment = assess(facts)
    new_state = _note_emergency(new_state, assessment)
    if assessment.complete:
        return _result(new_state, ctx, assessment)
    headline = act.act is Act.KNEE_PAIN and not volunteered and state.mode is not Mode.INTERVIEW
    if headline and not accepted:
        # "Why does the back of my knee hurt": answered first, then the offer to narrow it down.
        offered = replace(new_state, mode=Mode.OFFER_INTERVIEW, question=None)
        return _reply(offered, ctx, p.headline(ctx.content))
    return _ask(new_state, ctx, assessment, intro=not accepted and not carried_on)


def _interview_answer(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    question = _current_question(state)
    facts = state.facts
    answered = False
    if question is not None:
        answer = _answer_from(act, question)
        if answer is not None:
            facts = answer_question(facts, question, answer, act.number)
            answered = True
    if _volunteers(act):
        facts = _with_volunteered(facts, act)
        answered = True
    if not answered:
        return _fallback(state, ctx)
    new_state = replace(state, facts=facts, misses=0, someone_else=state.someone_else or act.someone_else)
    assessment = assess(facts)
    new_state = _note_emergency(new_state, assessment)
    if assessment.complete:  # a child is asked only what could make it an emergency (triage decides)
        return _result(new_state, ctx, assessment)
    return _ask(new_state, ctx, assessment)


def _volunteers(act: UserAct) -> bool:
    """The act tells something about the person, asked for or not: a finding, an activity, an age."""
    return bool(act.findings or act.inferred) or (act.act is Act.AGE and act.number is not None)


def _with_volunteered(facts: Facts, act: UserAct) -> Facts:
    """The facts with what the user volunteered: findings said as present, the findings an
    activity word implies as inferred (counted for ranking, never spoken back as a reason), and an
    age told while something else was asked ("I'm 70")."""
    if act.act is Act.AGE and act.number is not None and act.number != facts.age:
        facts = facts.with_age(act.number)
    for finding in act.findings:
        facts = facts.with_answer(finding, Answer.PRESENT)
    inferred = tuple(f for f in act.inferred if f not in facts.answers)
    return facts.with_inferred(*inferred) if inferred else facts


def _answer_from(act: UserAct, question: Question) -> Answer | None:
    if question.kind is QuestionKind.AGE:
        if act.act is Act.AGE and act.number is not None:
            return Answer.PRESENT
        if act.act is Act.DONT_KNOW or act.answer is Answer.UNKNOWN:
            return Answer.UNKNOWN
        return None
    if act.answer is not None:
        return act.answer
    if act.act is Act.YES:
        return Answer.PRESENT
    if act.act is Act.NO:
        return Answer.ABSENT
    if act.act is Act.DONT_KNOW:
        return Answer.UNKNOWN
    if act.act is Act.SYMPTOM and question.finding is not None and question.finding in act.findings:
        return Answer.PRESENT
    return None


def _ask(state: SessionState, ctx: TurnContext, assessment: Assessment, *, intro: bool = False) -> Turn:
    question = assessment.next_question
    if question is None:
        return _result(state, ctx, assessment)
    left = countdown(state.facts, assessment)
    # "About N more" only when N can be promised (``triage.engine.countdown``) and it is fewer than
    # the last number said: it never goes up and is never short by more than one (issue 14 item 2).
    if left is not None and state.promised and left >= state.promised:
        left = None
    new_state = replace(
        state,
        question=question.id,
        asked=state.asked + 1,
        promised=left if left is not None else state.promised,
    )
    # Asked for someone else ("my son's knee"): the first question says to answer for them.
    for_someone = state.someone_else and state.asked == 0
    reply = p.question(ctx.content, question, questions_left=left or 0, intro=intro, for_someone=for_someone)
    said = Said(SaidKind.QUESTION, question=question.id)
    return Turn(state=new_state, reply=reply, said=said)


def _result(
    state: SessionState, ctx: TurnContext, assessment: Assessment, *, lead: tuple[str, ...] = ()
) -> Turn:
    """The result (``lead``: what opens it, such as the read-back of the answer that raised the
    guidance, counted in its word budget)."""
    new_state = replace(state, mode=Mode.RESULT, question=None)
    offer_price = (
        assessment.level <= CareLevel.CONSULTATION_24
        and not self_care_unsafe(assessment)
        and not new_state.self_care_unsafe
        and not is_child(state.facts)
    )
    if offer_price:
        new_state = replace(new_state, mode=Mode.OFFER_PRICE)
    reply, more = p.result(
        ctx.content,
        assessment,
        offer_price=offer_price,
        kind=new_state.emergency,
        facts=state.facts,
        lead=lead,
    )
    said = Said(SaidKind.RESULT, variant="offer" if offer_price else "")
    return Turn(state=replace(new_state, more=more), reply=reply, full_guidance=True, said=said)


def _why_asking(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    question = _current_question(state) if state.mode is Mode.INTERVIEW else None
    return _reply(state, ctx, p.why_asking(ctx.content, question))


def _why_think(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    if state.facts == Facts.empty():
        return _reply(state, ctx, p.why_think_nothing_yet(ctx.content))
    return _reply(state, ctx, p.why_think(ctx.content, assess(state.facts), state.facts))


def _note_emergency(state: SessionState, assessment: Assessment) -> SessionState:
    return state.with_emergency(emergency_kind(assessment))


def _current_question(state: SessionState) -> Question | None:
    """The pending question, in its simpler wording when it is a red-flag question asked again
    after a first "not sure" (the facts say so: only the question id is kept in the session)."""
    question = QUESTIONS.get(state.question) if state.question else None
    finding = question.finding if question is not None else None
    if question is not None and finding is not None and rephrase_pending(state.facts, finding):
        return replace(question, rephrased=True)
    return question


# --- offers -----------------------------------------------------------------------------------------


def _offer_answer(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    yes = act.act is Act.YES
    if state.mode is Mode.OFFER_RESUME_PRICE:
        if yes:
            return _price_safety_check(state, ctx, state.price_step)
        new_state = replace(state, mode=Mode.IDLE, price_step=0)
        return _reply(new_state, ctx, p.home(ctx.content), (Effect(EffectKind.CLEAR_PRICE_STEP),))
    if state.mode is Mode.OFFER_PRICE:
        if yes:
            return _price(state, act, ctx)
        return _reply(replace(state, mode=Mode.RESULT), ctx, p.home(ctx.content))
    if state.mode is Mode.OFFER_INTERVIEW:
        if yes:
            return _start_interview(state, UserAct(Act.KNEE_PAIN), ctx, accepted=True)
        return _reply(replace(state, mode=Mode.IDLE), ctx, p.home(ctx.content))
    return _reply(replace(state, mode=Mode.IDLE), ctx, p.home(ctx.content))


# --- PRICE walk-through -----------------------------------------------------------------------------


def _price(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    if _clot_screen_skipped(state):
        return _price_safety_check(state, ctx, 0)
    return _price_step(state, ctx, 0, intro=True)


def _clot_screen_skipped(state: SessionState) -> bool:
    """After an interview that never asked the clot-signs screen (it stops asking what cannot raise
    the level, so another same-day sign can skip it), home care first asks the one-line check: a
    firm bandage or ice must not go on a calf that may hold a clot."""
    return (
        state.facts != Facts.empty()
        and state.facts.answer(Finding.SKIN_CHANGES) is not Answer.ABSENT
        and not state.icing.screened
    )


def _price_jump(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    try:
        step = PRICE_ORDER.index(PriceStep(act.topic or ""))
    except ValueError:
        return _reply(state, ctx, p.unknown_price_step(ctx.content))
    return _price_step(state, ctx, step)


def _price_safety_check(state: SessionState, ctx: TurnContext, step: int) -> Turn:
    """Symptoms are never stored, so PRICE picked up in a new session first asks one line."""
    if state.self_care_unsafe:
        return _price_step(state, ctx, step)
    new_state = replace(state, mode=Mode.PRICE_CHECK, price_step=step, question=None)
    return _reply(new_state, ctx, p.price_safety_check(ctx.content))


def _price_check_answer(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
    if act.act is Act.NO:  # the same question icing asks first: no need to ask it again for ice
        return _price_step(replace(state, icing=replace(state.icing, screened=True)), ctx, state.price_step)
    # "yes" or "not sure": a possible clot (the guidance also says what to do if breathless).
    new_state = replace(state, mode=Mode.IDLE, price_step=0).with_emergency(EmergencyKind.DVT)
    reply = p.price_unsafe(ctx.content, checked=True)
    return _reply(new_state, ctx, reply, (Effect(EffectKind.CLEAR_PRICE_STEP),))


def _price_step(
    state: SessionState, ctx: TurnContext, index: int, *, intro: bool = False, detail: bool = False
) -> Turn:
    if state.self_care_unsafe:
        # Never ice, a bandage, massage or stretching with a clot, ischaemia, compartment or infection.
        mode = Mode.IDLE if state.mode in _PRICE_MODES else state.mode
        return _reply(replace(state, mode=mode, price_step=0), ctx, p.price_unsafe(ctx.content))
    if index >= len(PRICE_ORDER):
        new_state = replace(state, mode=Mode.IDLE, price_step=0)
        reply = p.price_done(ctx.content, clot_suspected=state.emergency is not None)
        return _reply(new_state, ctx, reply, (Effect(EffectKind.CLEAR_PRICE_STEP),))
    new_state = replace(state, mode=Mode.PRICE, price_step=index, topic=None, more=())
    reply = p.price_step(
        ctx.content,
        PRICE_ORDER[index],
        index,
        intro=intro,
        detail=detail,
        clot_suspected=state.emergency is not None,
    )
    said = Said(SaidKind.PRICE_STEP, page=index, variant="intro" if intro else "detail" if detail else "")
    return Turn(new_state, reply, (Effect(EffectKind.SAVE_PRICE_STEP, index),), said=said)


# --- explainers -------------------------------------------------------------------------------------


def _topic(
    topic_for: Callable[[UserAct], str | None],
) -> Callable[[SessionState, UserAct, TurnContext], Turn]:
    def handle(state: SessionState, act: UserAct, ctx: TurnContext) -> Turn:
        topic = topic_for(act)
        if topic is None:
            return _reply(state, ctx, p.unknown_topic(ctx.content, act.act))
        if act.unresolved and act.topic and p.topic_pages(ctx.content, topic):
            # The skill's unsure match of words Alexa could not resolve: ask before answering.
            return _reply(
                replace(state, guess=topic),
                ctx,
                p.did_you_mean(ctx.content, p.topic_name(ctx.content, topic)),
            )
        return _explainer_page(state, ctx, topic, 0)

    return handle


def _explainer_page(state: SessionState, ctx: TurnContext, topic: str, page: int) -> Turn:
    pages = p.topic_pages(ctx.content, topic)
    if not pages:
        return _reply(state, ctx, p.unknown_topic(ctx.content, None))
    if page >= len(pages):
        new_state = replace(state, mode=Mode.EXPLAINER, topic=topic, page=len(pages))
        return _reply(new_state, ctx, p.explainer_end(ctx.content, topic))
    new_state = replace(state, mode=Mode.EXPLAINER, topic=topic, page=page, more=())
    said = Said(SaidKind.PAGE, topic=topic, page=page)
    if topic.partition(":")[0] == "relief":
        context = _medicine_context(state, ctx)
        return Turn(new_state, p.relief_page(ctx.content, topic, page, context), said=said)
    return Turn(new_state, p.topic_page(ctx.content, topic, page), said=said)


def _medicine_context(state: SessionState, ctx: TurnContext) -> p.MedicineContext:
    """What the session's answers say about pain relief (never stored beyond the session)."""
    facts = state.facts
    clot = state.emergency in (EmergencyKind.DVT, EmergencyKind.PE)
    if not clot and facts != Facts.empty():
        clot = clot_suspected(assess(facts))
    return p.MedicineContext(
        child=is_child(facts),
        clot=clot,
        blood_thinners=facts.answer(Finding.BLOOD_THINNERS) is Answer.PRESENT,
        pregnant=facts.answer(Finding.PREGNANT_OR_POSTPARTUM) is Answer.PRESENT,
        over_65=facts.age is not None and facts.age >= ctx.content.numbers.nsaid_caution_age,
    )


def _cause_topic(act: UserAct) -> str | None:
    return f"cause:{act.topic}" if act.topic else None


def _test_topic(act: UserAct) -> str | None:
    return f"test:{act.topic}" if act.topic else "tests"


def _relief_topic(act: UserAct) -> str | None:
    return f"relief:{act.topic}" if act.topic else "relief"


# --- shared -----------------------------------------------------------------------------------------


def _reply(state: SessionState, ctx: TurnContext, reply: Reply, effects: tuple[Effect, ...] = ()) -> Turn:
    return Turn(state=state, reply=reply, effects=effects)


def remember(state: SessionState, turn: Turn, reply: Reply, more: tuple[str, ...]) -> SessionState:
    """Store what was just said (for Repeat) and what was trimmed (for More). ``reply`` is the
    reply as sent, before the emergency guidance is attached (Repeat attaches it again)."""
    said = turn.said
    if said is None or (said.kind is SaidKind.WORDS and not said.words):
        said = replace(p.words_of(reply), act=said.act if said is not None else None)
    return replace(state, said=replace(said, full=turn.full_guidance), more=more)


_GLOBAL: dict[Act, Callable[[SessionState, UserAct, TurnContext], Turn]] = {
    Act.LAUNCH: _launch,
    Act.HELP: _help,
    Act.STOP: _stop,
    Act.PAUSE: _pause,
    Act.NAVIGATE_HOME: _navigate_home,
    Act.REPEAT: _repeat,
    Act.SLOWER: _slower,
    Act.MORE: _more,
    Act.NEXT: _next,
    Act.PREVIOUS: _previous,
    Act.START_OVER: _start_over,
    Act.RESUME: _resume,
    Act.WHY_ASKING: _why_asking,
    Act.WHY_THINK: _why_think,
    Act.GO_BACK: _go_back,
    Act.CORRECT_NO: _correct_no,
    Act.CORRECT_YES: _correct_yes,
}

_PRICE_MODES = frozenset({Mode.PRICE, Mode.PRICE_CHECK, Mode.OFFER_PRICE, Mode.OFFER_RESUME_PRICE})

#: Acts that answer something: each one that moves the conversation on can be taken back.
_ANSWER_ACTS = frozenset({Act.YES, Act.NO, Act.DONT_KNOW, Act.AGE, Act.SYMPTOM, Act.KNEE_PAIN, Act.EMERGENCY})
#: Modes where a yes or no answers something (a question, an offer, the PRICE safety check).
_ANSWERABLE = frozenset(
    {
        Mode.INTERVIEW,
        Mode.PRICE_CHECK,
        Mode.OFFER_INTERVIEW,
        Mode.OFFER_PRICE,
        Mode.OFFER_RESUME_PRICE,
        Mode.OFFER_REMINDER,
    }
)

_INTERVIEW_ACTS = frozenset({Act.YES, Act.NO, Act.DONT_KNOW, Act.AGE, Act.SYMPTOM, Act.KNEE_PAIN})

_OFFERS = frozenset({Mode.OFFER_INTERVIEW, Mode.OFFER_PRICE, Mode.OFFER_RESUME_PRICE, Mode.OFFER_REMINDER})

#: One topic per turn: "will I need surgery" is about surgery, "what about physio" about physio.
_TREATMENT_TOPICS = frozenset({"surgery", "physical_therapy"})

_TOPICS: dict[Act, Callable[[SessionState, UserAct, TurnContext], Turn]] = {
    Act.KNEE_PAIN: _start_interview,
    Act.LIST_CAUSES: _topic(lambda act: "causes"),
    Act.EXPLAIN_CAUSE: _topic(_cause_topic),
    Act.WHEN_DOCTOR: _topic(lambda act: "doctor"),
    Act.TESTS: _topic(_test_topic),
    Act.TREATMENT: _topic(lambda act: act.topic if act.topic in _TREATMENT_TOPICS else "treatment"),
    Act.PAIN_RELIEF: _topic(_relief_topic),
    Act.PREVENTION: _topic(lambda act: "prevention"),
    Act.PRICE: _price,
    Act.PRICE_STEP: _price_jump,
}
