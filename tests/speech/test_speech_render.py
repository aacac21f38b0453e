"""Rendering a reply: the emergency guarantee, trimming to Alexa's limits, say more, slow repeats."""

from __future__ import annotations

import gc
import json
import weakref

import pytest
from speech_testing import body_of, disallowed_markup, parse_speak, spoken_words

from speech import (
    DEFAULT_SAY_MORE,
    EmergencyGuidance,
    Limits,
    Paragraph,
    PhoneNumber,
    Priority,
    Reply,
    ResponseTooLarge,
    render,
    response_size,
    response_size_ok,
    say_more_reply,
    sentence,
    steps,
    with_emergency,
)

DVT = EmergencyGuidance(
    full=(
        sentence("Your answers may point to a blood clot in the leg."),
        sentence("Please call", PhoneNumber("000", "triple zero"), "now; I can't call for you."),
    ),
    short=(sentence("Please call", PhoneNumber("000", "triple zero"), "now."),),
    card_title="Call 000 now",
)


def long_paragraph(word: str, count: int, priority: Priority = Priority.NORMAL) -> Paragraph:
    return Paragraph(tuple(sentence(f"{word} {n} is a sentence of detail.") for n in range(count)), priority)


def test_a_short_reply_renders_as_speak_with_a_card_and_reprompt() -> None:
    reply = Reply(
        (sentence("It may be a strained muscle."),),
        reprompt=(sentence("Anything else?"),),
        card_title="Knee & calf",
    )
    rendered = render(reply)
    assert rendered.ssml == "<speak><s>It may be a strained muscle.</s></speak>"
    assert rendered.reprompt_ssml == "<speak><s>Anything else?</s></speak>"
    assert rendered.card_title == "Knee & calf"
    assert rendered.card_text == "It may be a strained muscle."
    assert rendered.plain_text == "It may be a strained muscle."
    assert rendered.overflow == ()
    assert not rendered.end_session


def test_emergency_guidance_opens_the_speech_the_card_and_the_reprompt() -> None:
    reply = with_emergency(
        Reply((sentence("Sit down while you wait."),), reprompt=(sentence("Did you call?"),)), DVT
    )
    rendered = render(reply)
    assert rendered.ssml.startswith("<speak>" + DVT.full_ssml)
    first = parse_speak(rendered.ssml)[0]
    assert spoken_words(first) == DVT.full_text
    assert rendered.card_text.startswith(DVT.full_text + "\n\n")
    assert rendered.plain_text.startswith(DVT.full_text)
    assert rendered.reprompt_ssml is not None
    assert rendered.reprompt_ssml.startswith("<speak>" + DVT.short_ssml)
    assert rendered.card_title == "Call 000 now"


def test_an_emergency_reply_that_keeps_the_session_open_always_gets_a_reprompt() -> None:
    rendered = render(Reply((sentence("Sit down."),), emergency=DVT))
    assert rendered.reprompt_ssml == f"<speak>{DVT.short_ssml}</speak>"
    assert rendered.reprompt_text == DVT.short_text


def test_an_emergency_reply_that_ends_the_session_has_no_reprompt() -> None:
    rendered = render(Reply((sentence("Goodbye."),), emergency=DVT, end_session=True))
    assert rendered.reprompt_ssml is None
    assert rendered.end_session


def test_slow_wraps_everything_in_slow_prosody_with_the_emergency_first_and_complete() -> None:
    rendered = render(Reply((sentence("Sit down."),), reprompt=(sentence("Ok?"),), emergency=DVT, slow=True))
    assert rendered.ssml == (f'<speak><prosody rate="slow">{DVT.full_ssml}<s>Sit down.</s></prosody></speak>')
    assert rendered.reprompt_ssml == (
        f'<speak><prosody rate="slow">{DVT.short_ssml}<s>Ok?</s></prosody></speak>'
    )


def test_a_long_reply_drops_the_lowest_priority_blocks_later_ones_first() -> None:
    answer = sentence("The answer comes first.", priority=Priority.ESSENTIAL)
    detail_early = long_paragraph("early-detail", 20, Priority.DETAIL)
    normal = long_paragraph("normal", 20, Priority.NORMAL)
    detail_late = long_paragraph("late-detail", 20, Priority.DETAIL)
    reply = Reply((answer, detail_early, normal, detail_late))
    room = len(render(Reply((answer, normal))).ssml) + len(DEFAULT_SAY_MORE) + 20
    assert room < len(render(Reply((answer, normal, detail_late))).ssml)
    rendered = render(reply, limits=Limits(speech_chars=room))
    assert rendered.overflow == (detail_early, detail_late)
    assert "normal 19" in rendered.plain_text
    assert rendered.plain_text.endswith(DEFAULT_SAY_MORE)


def test_the_say_more_offer_text_is_a_parameter() -> None:
    reply = Reply((sentence("Answer.", priority=Priority.ESSENTIAL), long_paragraph("x", 40)))
    rendered = render(reply, limits=Limits(speech_chars=500), say_more="Want more? Say more.")
    assert rendered.plain_text.endswith("Want more? Say more.")
    assert "Want more? Say more." not in rendered.card_text


def test_essential_text_that_does_not_fit_is_cut_at_a_sentence_boundary() -> None:
    reply = Reply((long_paragraph("essential", 40, Priority.ESSENTIAL),))
    rendered = render(reply, limits=Limits(speech_chars=600))
    kept = rendered.plain_text.removesuffix(" " + DEFAULT_SAY_MORE)
    assert kept.endswith("is a sentence of detail.")
    assert len(rendered.ssml) < 600
    (rest,) = rendered.overflow
    assert isinstance(rest, Paragraph)
    assert kept + " " + rest.text() == reply.blocks[0].text()


def test_one_enormous_sentence_is_cut_at_a_word_boundary() -> None:
    reply = Reply((sentence("word " * 20_000, priority=Priority.ESSENTIAL),))
    rendered = render(reply)
    assert len(rendered.ssml) < 8_000
    kept = rendered.plain_text.removesuffix(" " + DEFAULT_SAY_MORE)
    assert set(kept.split()) == {"word"}
    assert len(kept.split()) + len(rendered.overflow[0].text().split()) == 20_000


def test_say_more_walks_through_the_overflow_until_everything_was_said() -> None:
    reply = with_emergency(Reply((long_paragraph("part", 400, Priority.ESSENTIAL),)), DVT)
    heard: list[str] = []
    turns = 0
    current: Reply | None = reply
    while current is not None:
        rendered = render(current)
        assert rendered.ssml.startswith("<speak>" + DVT.full_ssml)
        heard.append(rendered.plain_text.removeprefix(DVT.full_text).removesuffix(DEFAULT_SAY_MORE).strip())
        current = say_more_reply(current, rendered)
        turns += 1
        assert turns < 20
    assert turns > 1
    assert " ".join(heard) == reply.blocks[0].text()


def test_the_emergency_block_is_never_trimmed_even_when_little_else_fits() -> None:
    reply = Reply((long_paragraph("detail", 200, Priority.DETAIL),), emergency=DVT)
    rendered = render(reply, limits=Limits(speech_chars=len(DVT.full_ssml) + 200))
    assert rendered.ssml.startswith("<speak>" + DVT.full_ssml)
    # The first sentences of the most important dropped block are still said, so "say more" progresses.
    assert rendered.plain_text == (
        f"{DVT.full_text} detail 0 is a sentence of detail."
        f" detail 1 is a sentence of detail. {DEFAULT_SAY_MORE}"
    )


def test_limits_too_small_for_the_emergency_guidance_raise_instead_of_shortening_it() -> None:
    with pytest.raises(ResponseTooLarge):
        render(Reply((), emergency=DVT), limits=Limits(speech_chars=50))


def test_large_session_attributes_leave_less_room_for_speech() -> None:
    reply = Reply((sentence("Answer.", priority=Priority.ESSENTIAL), long_paragraph("x", 150)))
    roomy = render(reply)
    tight = render(reply, session_attributes_json_size=16_000)
    assert len(tight.ssml) < len(roomy.ssml)
    assert response_size_ok(tight, 16_000)
    assert not response_size_ok(roomy, 16_000)


def test_response_size_counts_the_json_the_skill_will_send() -> None:
    rendered = render(Reply((sentence("Hi 😀"),), reprompt=(sentence("Ok?"),), card_title="T"))
    body = {
        "version": "1.0",
        "sessionAttributes": {"a": 1},
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": rendered.ssml},
            "card": {"type": "Simple", "title": rendered.card_title, "content": rendered.card_text},
            "shouldEndSession": False,
            "reprompt": {"outputSpeech": {"type": "SSML", "ssml": rendered.reprompt_ssml}},
        },
    }
    exact = len(json.dumps(body, separators=(",", ":")))
    assert response_size(rendered, len('{"a":1}')) == exact


def test_card_titles_are_plain_and_clipped() -> None:
    rendered = render(Reply((sentence("Hi."),), card_title="knee\x00 " + "pain " * 100))
    assert rendered.card_title is not None
    assert rendered.card_title.startswith("knee pain")
    assert len(rendered.card_title) <= 200


def test_a_price_list_card_is_numbered_while_speech_reads_it_naturally() -> None:
    rendered = render(Reply((steps("rest", "ice", "compress", "elevate", intro=("Try PRICE",)),)))
    assert "1. rest\n2. ice\n3. compress\n4. elevate" in rendered.card_text
    assert "First, rest. Then, ice. Then, compress. And finally, elevate." in rendered.plain_text
    assert disallowed_markup(rendered.ssml) == []


def test_the_speech_body_is_what_the_card_says_after_the_guidance() -> None:
    rendered = render(Reply((sentence("Rest & ice."),), emergency=DVT, slow=True))
    body = body_of(rendered.ssml)
    assert spoken_words(body) == rendered.plain_text


def test_a_reply_renders_once_and_the_rendering_lives_only_as_long_as_the_reply() -> None:
    reply = Reply((sentence("You mentioned calf swelling."),), reprompt=(sentence("Anything else?"),))
    first = render(reply)
    assert render(reply) is first
    assert render(reply, session_attributes_json_size=900) is not first
    watch = weakref.ref(first)
    del reply, first
    gc.collect()
    assert watch() is None  # no module-level cache kept text built from someone's answers
