"""The reply catalogue: for one locale, every reply made of its content alone (the greeting, help,
the interview questions, explainer pages, PRICE steps, the emergency guidance), built once from the
content on first use (for the locale that asks) and then the same objects, which keep their own
rendering (see ``speech.render``).

Built from the ``LocaleContent`` the turn already holds: nothing here loads content again. Nothing
here is built from someone's answers (that is ``dialogue.answers``), so no text derived from a
user ever stays in memory between turns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from content import DiagnosticTest, LocaleContent, PainRelief, PriceStep
from dialogue.acts import Act
from dialogue.say import essential, items, para
from dialogue.say import guidance as build_guidance
from dialogue.state import EmergencyKind, Mode
from dialogue.wording import reply, skill
from speech import Block, EmergencyGuidance, Priority, Reply
from triage.vocabulary import Condition

__all__ = ["MAX_LIST_ITEMS", "Catalogue", "Page", "catalogue", "pending_prompt"]

_T = TypeVar("_T")
Page = tuple[Block, ...]


class Catalogue:
    """The replies of one locale's content, each built on first use and then kept."""

    def __init__(self, c: LocaleContent) -> None:
        self.content = c
        self._built: dict[tuple[object, ...], object] = {}

    def _once(self, key: tuple[object, ...], build: Callable[[], _T]) -> _T:
        if key not in self._built:
            self._built[key] = build()
        found: _T = self._built[key]  # type: ignore[assignment]
        return found

    # --- the emergency guidance ---------------------------------------------------------------

    def guidance(self, kind: EmergencyKind, *, short: bool = False) -> EmergencyGuidance:
        """The guidance for ``kind``: the full form (the turn that raises it, the result, help and
        goodbye) or the short form that opens every other turn; the reprompt opens with the short
        form either way."""
        return self._once(("guidance", kind, short), lambda: _guidance(self.content, kind, short))

    # --- fixed replies ------------------------------------------------------------------------

    def text(self, key: str, *more: str, reprompt: bool = False) -> Reply:
        """A reply of skill texts (``key``, then ``more`` after it), asking ``key`` again as its
        reprompt when ``reprompt``."""
        c = self.content

        def build() -> Reply:
            blocks = (essential(c.skill[key]), *(para(c.skill[k]) for k in more))
            return reply(c, *blocks, reprompt=c.skill[key] if reprompt else None)

        return self._once(("text", key, more, reprompt), build)

    def launch(self, *, first_time: bool) -> Reply:
        c = self.content
        text = c.skill["launch"] if first_time else c.skill["launch_returning"]
        return self._once(
            ("launch", first_time), lambda: reply(c, essential(text), reprompt=c.skill["launch_reprompt"])
        )

    def headline(self) -> Reply:
        """ "Why does the back of my knee hurt": a real answer in two sentences (the usual causes,
        and the rare clot that needs a doctor today), then the offer to narrow it down."""
        c = self.content
        offer = c.skill["headline_narrow"]
        return self._once(
            ("headline",),
            lambda: reply(
                c,
                essential(c.skill["headline_answer"]),
                para(offer, priority=Priority.ESSENTIAL),
                reprompt=offer,
            ),
        )

    def help_for(self, mode: Mode, question_id: str | None, *, rephrased: bool = False) -> Reply:
        """Help for where the conversation is: the pending question, the walk-through, the
        explainer, the offer still open, or what can be asked."""
        return self._once(
            ("help", mode, question_id, rephrased), lambda: self._help(mode, question_id, rephrased)
        )

    def _help(self, mode: Mode, question_id: str | None, rephrased: bool) -> Reply:
        c = self.content
        if question_id is not None:
            text = asked_text(c, question_id, rephrased=rephrased)
            return reply(c, essential(c.skill["help_interview"]), para(text), reprompt=text)
        if mode is Mode.PRICE:
            return reply(c, essential(c.skill["help_price"]), reprompt=c.skill["price_cue"])
        if mode is Mode.EXPLAINER:
            return reply(c, essential(c.skill["help_explainer"]), reprompt=c.skill["explainer_cue"])
        if mode in YES_NO_MODES:
            prompt = pending_prompt(c, mode)
            return reply(c, essential(c.skill["help_offer"]), para(prompt), reprompt=prompt)
        if mode is Mode.RESULT:
            return reply(c, essential(c.skill["help_result"]), para(c.skill["disclaimer"]))
        return reply(c, essential(c.skill["help"]), para(c.skill["disclaimer"]))

    # --- the interview ------------------------------------------------------------------------

    def question(
        self,
        question_id: str,
        *,
        left: int = 0,
        intro: bool = False,
        rephrased: bool = False,
        for_someone: bool = False,
    ) -> Reply:
        """An interview question, after the introduction (``intro``), the note to answer for the
        person whose knee it is (``for_someone``) and how many are left about (``left``, 0: not said)."""
        return self._once(
            ("question", question_id, left, intro, rephrased, for_someone),
            lambda: self._question(question_id, left, intro, rephrased, for_someone),
        )

    def _question(
        self, question_id: str, left: int, intro: bool, rephrased: bool, for_someone: bool
    ) -> Reply:
        c = self.content
        text = asked_text(c, question_id, rephrased=rephrased)
        opening = [para(c.skill["interview_intro"], priority=Priority.HIGH)] if intro else []
        if for_someone:
            opening.append(para(c.skill["answer_for_them"], priority=Priority.HIGH))
        asked = essential(text)
        if left:  # "about N more" only while the turn stays short: a long question goes without it
            note = para(skill(c, "questions_left", count=str(left)), priority=Priority.NORMAL)
            if _words(*opening, note, asked) <= QUESTION_WORDS:
                opening.append(note)
        return reply(c, *opening, asked, reprompt=text)

    # --- PRICE --------------------------------------------------------------------------------

    def price_step(
        self, step: PriceStep, index: int, *, intro: bool, detail: bool, clot_suspected: bool
    ) -> Reply:
        return self._once(
            ("price", step, index, intro, detail, clot_suspected),
            lambda: self._price_step(step, index, intro, detail, clot_suspected),
        )

    def _price_step(
        self, step: PriceStep, index: int, intro: bool, detail: bool, clot_suspected: bool
    ) -> Reply:
        c = self.content
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
        return reply(c, *blocks, reprompt=c.skill["price_cue"], title=price.name)

    def price_unsafe(self, *, checked: bool = False) -> Reply:
        """PRICE asked for with a clot, ischaemia, compartment or infection possible: what to do
        instead."""
        c = self.content

        def build() -> Reply:
            first = (c.skill["price_check_positive"],) if checked else ()
            return reply(c, essential(*first, c.skill["price_unsafe"]), para(c.skill["result_options"]))

        return self._once(("price_unsafe", checked), build)

    # --- explainers ---------------------------------------------------------------------------

    def topic_pages(self, topic: str) -> tuple[Page, ...]:
        """The pages of an explainer topic ("cause:bakers_cyst", "tests", "relief:ibuprofen"...),
        read one at a time with more, next and previous (none for an unknown topic)."""
        if len(topic) > 64:
            return ()
        return self._once(("pages", topic), lambda: _build_topic_pages(self.content, topic))

    def topic_page(self, topic: str, index: int) -> Reply:
        """Page ``index`` of a topic that has one, with the cue to go on (or the last page's)."""
        return self._once(
            ("page", topic, index), lambda: explainer_page(self.content, self.topic_pages(topic), index)
        )


#: A question turn stays within this many words (issue 14 item 6: 90% of turns within 40).
QUESTION_WORDS = 40


def _words(*blocks: Block) -> int:
    return sum(len(block.text().split()) for block in blocks)


_CATALOGUES: dict[str, Catalogue] = {}


def catalogue(c: LocaleContent) -> Catalogue:
    """The catalogue of ``c``'s locale, built on first use for the locale that asks (and again
    should the content be loaded afresh)."""
    found = _CATALOGUES.get(c.locale)
    if found is None or found.content is not c:
        found = _CATALOGUES[c.locale] = Catalogue(c)
    return found


def asked_text(c: LocaleContent, question_id: str, *, rephrased: bool) -> str:
    """The question's words: the simpler wording when a red-flag question is asked again after a
    first "not sure" (triage's ``Question.rephrased``)."""
    text = c.interview.question(question_id)
    return text.simpler if rephrased and text.simpler else text.question


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


def _guidance(c: LocaleContent, kind: EmergencyKind, short: bool) -> EmergencyGuidance:
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


#: Modes waiting for a yes or no (an offer or the PRICE safety check).
YES_NO_MODES = frozenset(
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


def explainer_page(c: LocaleContent, pages: tuple[Page, ...], index: int) -> Reply:
    page = pages[index]
    cue = c.skill["explainer_cue"] if index + 1 < len(pages) else c.skill["explainer_last_cue"]
    return reply(c, *page, para(cue, priority=Priority.HIGH), reprompt=cue)


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


def unknown_topic_key(act: Act | None) -> str:
    """The skill text for a topic that was not understood, by what was asked about."""
    keys = {
        Act.EXPLAIN_CAUSE: "unknown_cause",
        Act.TESTS: "unknown_test",
        Act.PAIN_RELIEF: "unknown_medicine",
    }
    return keys.get(act, "unknown_topic") if act else "unknown_topic"
