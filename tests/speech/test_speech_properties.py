"""Properties that hold for any reply, however awkward its text (hypothesis)."""

from __future__ import annotations

import json
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from speech_strategies import any_text, replies, short_text
from speech_testing import body_of, disallowed_markup, parse_speak, spoken_words

from speech import (
    DEFAULT_LIMITS,
    DEFAULT_SAY_MORE,
    Block,
    Priority,
    Rendered,
    Reply,
    render,
    response_size,
    response_size_ok,
    say_more_reply,
    sentence,
)

SESSION_SIZES = st.integers(min_value=0, max_value=8_000)
PROPERTY_SETTINGS = settings(  # the example count comes from the hypothesis profile (tests/conftest.py)
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _said(blocks: tuple[Block, ...]) -> str:
    return " ".join(t for t in (b.text() for b in blocks) if t)


def _letters(text: str) -> Counter[str]:
    return Counter("".join(text.split()))


def _kept_text(reply: Reply, rendered: Rendered) -> str:
    text = rendered.plain_text
    if reply.emergency is not None:
        text = text.removeprefix(reply.emergency.full_text)
    if rendered.trimmed:
        text = text.removesuffix(DEFAULT_SAY_MORE)
    return text


# Properties of one rendering are checked together, on one drawn reply and one rendering: drawing
# and rendering the large replies is most of the work, and each property still sees every example.


@PROPERTY_SETTINGS
@given(reply=replies, session=SESSION_SIZES)
def test_speech_always_parses_as_ssml_with_only_allowed_tags_and_values_and_respects_alexa_limits(
    reply: Reply, session: int
) -> None:
    rendered = render(reply, session_attributes_json_size=session)
    # Only allowed markup, in speech and reprompt.
    assert disallowed_markup(rendered.ssml) == []
    if rendered.reprompt_ssml is not None:
        assert disallowed_markup(rendered.reprompt_ssml) == []
    # Alexa's limits.
    assert len(rendered.ssml) < 8_000
    assert rendered.reprompt_ssml is None or len(rendered.reprompt_ssml) < 8_000
    assert len(rendered.card_title or "") + len(rendered.card_text) < 8_000
    assert response_size(rendered, session) + DEFAULT_LIMITS.envelope_bytes < 24 * 1024
    assert response_size_ok(rendered, session)


@PROPERTY_SETTINGS
@given(reply=replies, session=SESSION_SIZES)
def test_emergency_guidance_always_opens_speech_card_and_reprompt_complete(
    reply: Reply, session: int
) -> None:
    rendered = render(reply, session_attributes_json_size=session)
    guidance = reply.emergency
    if guidance is None:
        return
    # Speech: the first element of the body is the whole guidance, read through a real XML parser.
    first = body_of(rendered.ssml)[0]
    assert first.tag == "p"
    assert spoken_words(first) == " ".join(guidance.full_text.split())
    assert len(first) == len([s for s in guidance.full if s.ssml()])
    assert (body_of(rendered.ssml).text or "") == ""
    # Card and plain text open with the same words.
    assert rendered.card_text.startswith(guidance.full_text)
    assert rendered.plain_text.startswith(guidance.full_text)
    # Reprompt opens with the short form; a session left open always has one.
    if not reply.end_session:
        assert rendered.reprompt_ssml is not None
    if rendered.reprompt_ssml is not None:
        first_reprompt = body_of(rendered.reprompt_ssml)[0]
        assert spoken_words(first_reprompt) == " ".join(guidance.short_text.split())
        assert rendered.reprompt_text is not None
        assert rendered.reprompt_text.startswith(guidance.short_text)


@PROPERTY_SETTINGS
@given(reply=replies, session=SESSION_SIZES)
def test_trimming_loses_nothing_and_drops_the_least_important_blocks_first_and_later_ones_before_earlier(
    reply: Reply, session: int
) -> None:
    rendered = render(reply, session_attributes_json_size=session)
    # Nothing is lost: what is not said is in the overflow.
    assert _letters(_kept_text(reply, rendered)) + _letters(_said(rendered.overflow)) == _letters(
        _said(reply.blocks)
    )
    # The least important blocks are dropped first, and later ones before earlier ones.
    dropped = {id(block) for block in rendered.overflow}
    ranked = [(block.priority, -index) for index, block in enumerate(reply.blocks)]
    optional = [i for i, b in enumerate(reply.blocks) if b.priority < Priority.ESSENTIAL and b.text()]
    gone = [i for i in optional if id(reply.blocks[i]) in dropped]
    said = [i for i in optional if id(reply.blocks[i]) not in dropped]
    something_was_cut = any(all(o is not b for b in reply.blocks) for o in rendered.overflow)
    for d in gone:
        for k in said:
            assert ranked[k] > ranked[d]
    if something_was_cut:
        # Cutting inside a block happens only when no whole block fits: ESSENTIAL text first; an
        # optional block is cut only when no ESSENTIAL block says anything.
        assert len(said) <= 1
        if said:
            assert not any(b.priority is Priority.ESSENTIAL and b.text() for b in reply.blocks)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=replies)
def test_saying_more_eventually_says_everything(reply: Reply) -> None:
    heard: list[str] = []
    current: Reply | None = reply
    for _ in range(200):
        if current is None:
            break
        rendered = render(current)
        heard.append(_kept_text(current, rendered))
        current = say_more_reply(current, rendered)
    assert current is None
    assert sum((_letters(h) for h in heard), Counter()) == _letters(_said(reply.blocks))


@PROPERTY_SETTINGS
@given(text=st.one_of(short_text, any_text))
def test_any_text_round_trips_through_escaping(text: str) -> None:
    rendered = render(Reply((sentence(text),)))
    root = parse_speak(rendered.ssml)
    if rendered.trimmed:
        return
    assert spoken_words(root) == " ".join(rendered.plain_text.split())
    assert rendered.card_text == rendered.plain_text


@PROPERTY_SETTINGS
@given(
    ssml=st.text(max_size=300),
    reprompt=st.none() | st.text(max_size=100),
    title=st.none() | st.text(max_size=40),
    card=st.text(max_size=300),
    end=st.booleans(),
    attributes=st.dictionaries(st.text(max_size=5), st.text(max_size=50), max_size=3),
)
def test_response_size_is_exactly_the_length_of_the_json_sent(
    *, ssml: str, reprompt: str | None, title: str | None, card: str, end: bool, attributes: dict[str, str]
) -> None:
    rendered = Rendered(
        ssml=ssml,
        reprompt_ssml=reprompt,
        card_title=title,
        card_text=card,
        plain_text="",
        reprompt_text=None,
        overflow=(),
        end_session=end,
    )
    response: dict[str, object] = {
        "outputSpeech": {"type": "SSML", "ssml": ssml},
        "card": {"type": "Simple", "title": title or "", "content": card},
        "shouldEndSession": end,
    }
    if reprompt is not None:
        response["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": reprompt}}
    body = {"version": "1.0", "sessionAttributes": attributes, "response": response}
    exact = len(json.dumps(body, separators=(",", ":")))
    attributes_size = len(json.dumps(attributes, separators=(",", ":")))
    assert response_size(rendered, attributes_size) == exact
