"""Every offer and question the skill speaks has samples for its natural replies: each reply in
tests/golden/paraphrases/prompt_replies.yaml is understood the way a device would understand it
(the simulator's NLU, given the Dialog.ElicitSlot the skill sends while a question is pending), and
the conversation, in the mode it was in, handles the act instead of falling back."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from msgspec.structs import replace

import content
from dialogue.context import TurnContext
from dialogue.conversation import respond
from dialogue.state import Mode, SessionState
from handlers.acts import INTENT_ACTS
from kneeskill.slots import elicitation
from simulator.engine import plain_words
from simulator.nlu import FALLBACK_INTENT, ElicitedSlot, resolve
from speech import render
from tests.support.envelopes import TEST_SKILL_ID, Session
from tests.support.handler_input import handler_input

DATA = Path(__file__).resolve().parents[1] / "golden" / "paraphrases" / "prompt_replies.yaml"
PROMPTS: list[dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))["prompts"]
LOCALES = ["en-US", "en-GB", "en-IN"]
#: Replies that mean the turn was not handled in this mode.
NOT_HANDLED = ("fallback", "fallback_interview", "not_now", "nothing_next", "nothing_previous",
               "nothing_to_resume", "nothing_more", "unknown_topic")  # fmt: skip


def _text(c: content.LocaleContent, key: str) -> str:
    node: Any = c
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    if isinstance(node, dict):
        return str(next(iter(node.values())))
    return str(node)


@functools.cache
def _spoken(locale: str, key: str) -> str:
    c = content.load(locale)
    if key.startswith("interview.findings."):
        from triage.vocabulary import Finding

        return c.interview.findings[Finding(key.split(".")[2])].question
    if key == "interview.age.question":
        return c.interview.age.question
    return c.skill[key.removeprefix("skill.")]


def _state(prompt: dict[str, Any]) -> SessionState:
    return replace(
        SessionState(),
        mode=Mode(prompt["mode"]),
        question=prompt.get("question"),
        topic=prompt.get("topic"),
        price_step=int(prompt.get("price_step", 0)),
    )


CASES = [
    pytest.param(locale, prompt, id=f"{locale}-{prompt['key']}") for locale in LOCALES for prompt in PROMPTS
]


def test_every_prompt_listed_is_a_text_the_skill_speaks() -> None:
    for prompt in PROMPTS:
        assert _spoken("en-US", prompt["key"]).rstrip().endswith("?") or prompt["mode"] in (
            "price",
            "explainer",
            "result",
        ), prompt["key"]


def _mishandled(locale: str, prompt: dict[str, Any], reply: str) -> str | None:
    """What goes wrong when ``reply`` answers ``prompt`` (None: understood and handled in its mode)."""
    c = content.load(locale)
    state = _state(prompt)
    target = elicitation(state.question, c) if state.mode is Mode.INTERVIEW else None
    resolution = resolve(reply, locale, ElicitedSlot(*target) if target else None)
    if resolution.intent in (None, FALLBACK_INTENT):
        return f"not understood after {_spoken(locale, prompt['key'])!r}"
    if resolution.intent not in INTENT_ACTS:
        return f"goes to {resolution.intent}, a dedicated flow"
    session = Session(locale=locale)
    session.attributes = {"kh": state.encode()}
    envelope = session.intent(
        resolution.intent, **{s.name: s.to_alexa(TEST_SKILL_ID) for s in resolution.slots if s.value}
    )
    act = INTENT_ACTS[resolution.intent](handler_input(envelope))
    turn = respond(state, act, TurnContext(content=c))
    said = plain_words(render(turn.reply).ssml) if turn.reply.__class__.__name__ == "Reply" else ""
    for key in NOT_HANDLED:
        text = c.skill.get(key, "")
        if text and text in said:
            return f"not handled in {state.mode.value}: {said!r}"
    return None


@pytest.mark.parametrize(("locale", "prompt"), CASES)
def test_a_natural_reply_to_a_prompt_is_understood_and_handled_in_its_mode(
    locale: str, prompt: dict[str, Any]
) -> None:
    """Every listed reply to this prompt (one test per prompt, every failing reply reported)."""
    wrong = {reply: problem for reply in prompt["replies"] if (problem := _mishandled(locale, prompt, reply))}
    assert not wrong, wrong
