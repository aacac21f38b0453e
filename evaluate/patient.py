"""The simulated patient: answers the skill's spoken questions from the vignette's facts, by keywords.

The patient hears a :class:`~evaluate.device.Heard` (speech, card, reprompt, directives) and
nothing else: it never sees the session attributes or the skill's question ids. It takes the
question part of the speech (the last sentence ending in "?"), finds which finding it asks about
with :mod:`evaluate.keywords`, and answers from the vignette:

- present findings "yes", everything else "no";
- ``unsure`` findings "I'm not sure", every time they are asked;
- ``past`` findings (in the last few days, not now) "no" to a question limited to "right now";
- ``corrected`` findings: first the wrong answer, then "no, I meant no" / "I meant yes" on the
  next turn, when the voice model can route a correction at all (otherwise the right answer at
  once, counted as a skipped correction);
- ``yes_if_asked`` patterns: an over-literal "yes" (for instance diarrhoea and a vague "any bowel
  problems?" question);
- the age question with the vignette's age (or "not sure");
- an offer to start the questions "yes".
The conversation is over when the skill ends the session or asks nothing the patient recognises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evaluate.device import Heard, Say
from evaluate.keywords import AGE, START_OFFER, asked_positively, understand
from evaluate.text import question_part
from evaluate.vignettes import HEADLINE, Style, Truth, Vignette

YES = Say("yes", intent="AMAZON.YesIntent", answer_id="present")
NO = Say("no", intent="AMAZON.NoIntent", answer_id="absent")
NOT_SURE = Say("I'm not sure", intent="DontKnowIntent", answer_id="unknown")
_RIGHT_NOW = re.compile(r"\b(?:right now|at the moment|currently|just now)\b")
_RECENT = re.compile(r"\b(?:last few days|recent|past|yesterday|since|earlier)\b")
#: How the patient takes back a misheard answer (issue 14, item 5).
CORRECTION = {Truth.NO: "no, I meant no", Truth.YES: "I meant yes"}
MAX_START_OFFERS = 2


def age_say(age: int | None) -> Say:
    if age is None:
        return NOT_SURE
    return Say(
        f"I'm {age}",
        intent="AgeIntent",
        slots={"age": {"name": "age", "value": str(age), "confirmationStatus": "NONE"}},
        number=age,
    )


def _say(truth: Truth) -> Say:
    return {Truth.YES: YES, Truth.NO: NO, Truth.UNSURE: NOT_SURE}[truth]


@dataclass
class Asked:
    """One question the skill asked and what the patient answered."""

    question: str
    key: str
    answer: str
    ambiguous: tuple[str, ...] = ()


@dataclass
class Patient:
    vignette: Vignette
    corrections_routable: bool = True
    asked: list[Asked] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    corrections_made: int = 0
    corrections_skipped: int = 0
    opening_understood: bool = True
    _pending_correction: Truth | None = None
    _corrected: set[str] = field(default_factory=set)
    _start_offers: int = 0
    _reopened: bool = False
    done: bool = False

    def opening(self) -> Say:
        return Say(self.vignette.opening, new_session=True)

    def reply(self, heard: Heard) -> Say | None:
        """The patient's next words after hearing ``heard``, or None when the conversation is over."""
        if self._pending_correction is not None:
            truth, self._pending_correction = self._pending_correction, None
            self.corrections_made += 1
            return Say(CORRECTION[truth])
        if heard.ends:
            self.done = True
            return None
        question = question_part(heard.speech)
        understood = understand(question)
        key = understood.key
        if not self.asked and not self._reopened and self._not_understood(heard):
            key = None  # "Sorry, I didn't catch that symptom. Could you say it another way, ...?"
        if key is None:
            if not self.asked and not self._reopened and not self._states_level(heard):
                # The opening was not understood: say the headline question, as a person would.
                self._reopened = True
                self.opening_understood = False
                self.notes.append(f"opening not understood: {heard.speech[:120]!r}")
                return Say(HEADLINE)
            self.done = True
            return None
        if key == START_OFFER:
            self._start_offers += 1
            if self._start_offers > MAX_START_OFFERS:
                self.done = True
                return None
            return YES
        if understood.ambiguous:
            self.notes.append(f"ambiguous question {question!r}: {', '.join(understood.ambiguous)}")
        if key == AGE:
            say = age_say(self.vignette.age)
            self.asked.append(Asked(question, key, say.words, understood.ambiguous))
            return say
        truth = self._truth(key, question)
        if not asked_positively(key, question) and truth is not Truth.UNSURE:
            spoken = Truth.NO if truth is Truth.YES else Truth.YES
        else:
            spoken = truth
        if key in self.vignette.corrected and key not in self._corrected and spoken is not Truth.UNSURE:
            self._corrected.add(key)
            if self.corrections_routable:
                wrong = Truth.NO if spoken is Truth.YES else Truth.YES
                self._pending_correction = spoken
                self.asked.append(Asked(question, key, f"{wrong.value} (misheard, corrected next)"))
                return _say(wrong)
            self.corrections_skipped += 1
            self.notes.append(f"correction of {key} skipped: the voice model cannot route it")
        self.asked.append(Asked(question, key, spoken.value, understood.ambiguous))
        return _say(spoken)

    def _not_understood(self, heard: Heard) -> bool:
        """The skill said it did not catch what was said (its fallback or unclear-symptom words): its
        examples of what to say are not questions to answer."""
        from evaluate import judge

        lt = judge.locale_text(self.vignette.locale)
        said = lt.norm(heard.speech)
        return any(s in said for s in lt.not_understood)

    def _states_level(self, heard: Heard) -> bool:
        """The reply gave a care level (an emergency opening was understood, say)."""
        from evaluate import judge

        return judge.level_of(heard.speech, judge.locale_text(self.vignette.locale)) is not None

    def _truth(self, key: str, question: str) -> Truth:
        v = self.vignette
        low = question.lower()
        if any(re.search(p, low) for p in v.yes_if_asked):
            return Truth.YES
        truth = v.truth(key)
        if truth is Truth.YES and _RIGHT_NOW.search(low) and not _RECENT.search(low):
            atoms = v.groups.get(key, frozenset()) | {key}
            now = (v.true_findings - v.past) & atoms
            if not now:
                return Truth.NO  # it happened in the last few days, not right now
        return truth

    @property
    def style(self) -> Style:
        return self.vignette.style
