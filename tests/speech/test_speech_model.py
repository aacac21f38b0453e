"""The reply model: inline pieces, blocks and emergency guidance say the right things."""

from __future__ import annotations

import msgspec
import pytest

from speech import (
    MAX_BREAK_MS,
    Duration,
    EmergencyGuidance,
    Emphasis,
    EmphasisLevel,
    InterpretAs,
    ListStyle,
    Paragraph,
    Pause,
    PhoneNumber,
    Priority,
    Reply,
    SayAs,
    Sentence,
    SpokenList,
    paragraph,
    sentence,
    spoken_list,
    steps,
    with_emergency,
)


def guidance(number: PhoneNumber) -> EmergencyGuidance:
    return EmergencyGuidance(
        full=(sentence("This may be a clot."), sentence("Call", number, "now.")),
        short=(sentence("Call", number, "now."),),
        card_title="Call now",
    )


def test_text_escapes_all_five_xml_metacharacters() -> None:
    assert sentence("a & b < c > d \" e ' f").ssml() == ("<s>a &amp; b &lt; c &gt; d &quot; e &apos; f</s>")


def test_text_drops_control_characters_and_lone_surrogates() -> None:
    said = sentence("ice\x00 the\x0b knee\ud800\x85 now\ufffe")
    assert said.text() == "ice the knee now"
    assert said.ssml() == "<s>ice the knee now</s>"


def test_text_keeps_emoji() -> None:
    assert sentence("rest 🦵").text() == "rest 🦵"


def test_inline_pieces_are_joined_with_one_space_but_never_before_punctuation() -> None:
    said = sentence("Call", PhoneNumber("911"), ", then", Emphasis("wait"), ".")
    assert said.text() == "Call 911, then wait."


def test_phone_number_with_a_spoken_form_uses_sub_alias() -> None:
    number = PhoneNumber("000", spoken="triple zero")
    assert number.ssml() == '<sub alias="triple zero">000</sub>'
    assert number.text_plain() == "000"


def test_phone_number_without_a_spoken_form_is_read_digit_by_digit() -> None:
    assert PhoneNumber("911").ssml() == '<say-as interpret-as="digits">911</say-as>'


@pytest.mark.parametrize("digits", ["", "91a", "+44", "1" * 21])
def test_phone_number_accepts_only_digits(digits: str) -> None:
    with pytest.raises(ValueError, match="digits"):
        PhoneNumber(digits)


def test_phone_number_alias_is_escaped() -> None:
    assert PhoneNumber("000", spoken='triple "0" & co').ssml() == (
        '<sub alias="triple &quot;0&quot; &amp; co">000</sub>'
    )


def test_pause_is_clamped_to_ten_seconds_and_never_negative() -> None:
    assert Pause(60_000).ms == MAX_BREAK_MS
    assert Pause(-5).ms == 0
    assert Pause(300).ssml() == '<break time="300ms"/>'


def test_emphasis_defaults_to_moderate_and_accepts_the_string_value() -> None:
    assert Emphasis("now").ssml() == '<emphasis level="moderate">now</emphasis>'
    assert Emphasis("now", "strong").level is EmphasisLevel.STRONG  # type: ignore[arg-type]


def test_emphasis_rejects_levels_alexa_does_not_know() -> None:
    with pytest.raises(ValueError):
        Emphasis("now", "loud")  # type: ignore[arg-type]


def test_say_as_rejects_interpretations_alexa_does_not_know() -> None:
    with pytest.raises(ValueError):
        SayAs("1", "bogus")  # type: ignore[arg-type]


def test_say_as_renders_interpret_as_and_date_format() -> None:
    assert SayAs("3", InterpretAs.ORDINAL).ssml() == '<say-as interpret-as="ordinal">3</say-as>'
    assert SayAs("01/02/2026", "date", "dmy").ssml() == (  # type: ignore[arg-type]
        '<say-as interpret-as="date" format="dmy">01/02/2026</say-as>'
    )


def test_say_as_format_is_only_for_dates() -> None:
    with pytest.raises(ValueError, match="date"):
        SayAs("3", InterpretAs.CARDINAL, "dmy")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (Duration(minutes=20), "20 minutes"),
        (Duration(minutes=1), "1 minute"),
        (Duration(hours=1, minutes=30), "1 hour and 30 minutes"),
        (Duration(hours=2, minutes=5, seconds=1), "2 hours, 5 minutes and 1 second"),
        (Duration(), "0 minutes"),
    ],
)
def test_duration_is_said_in_words(duration: Duration, words: str) -> None:
    assert duration.text_plain() == words


def test_duration_rejects_negative_values() -> None:
    with pytest.raises(ValueError):
        Duration(minutes=-1)


def test_empty_parts_say_nothing() -> None:
    assert sentence("", " ", Emphasis("")).ssml() == ""
    assert paragraph(sentence("")).ssml() == ""


def test_steps_are_read_first_then_and_finally_and_numbered_on_the_card() -> None:
    price = steps("rest", "ice it", "elevate it", intro=("Try this",))
    assert price.text() == "Try this. First, rest. Then, ice it. And finally, elevate it."
    assert price.card() == "Try this:\n1. rest\n2. ice it\n3. elevate it"
    assert price.ssml().startswith("<p><s>Try this.</s><s>First, rest.</s>")


def test_two_steps_are_read_first_then() -> None:
    assert steps("rest", "ice").text() == "First, rest. Then, ice."


def test_one_step_is_read_on_its_own() -> None:
    assert steps("rest").text() == "rest."


@pytest.mark.parametrize(
    ("items", "words"),
    [
        (("swelling",), "Look out for swelling."),
        (("swelling", "redness"), "Look out for swelling and redness."),
        (("swelling", "redness", "warmth"), "Look out for swelling, redness, and warmth."),
    ],
)
def test_plain_lists_are_read_a_b_and_c(items: tuple[str, ...], words: str) -> None:
    assert spoken_list(*items, intro=("Look out for",)).text() == words


def test_or_lists_are_read_a_b_or_c() -> None:
    said = spoken_list("yes", "no", "not sure", intro=("Say",), style=ListStyle.OR)
    assert said.text() == "Say yes, no, or not sure."


def test_list_items_may_be_several_inline_pieces() -> None:
    said = SpokenList((("ice for", Duration(minutes=20)), "rest"), ListStyle.STEPS)
    assert said.text() == "First, ice for 20 minutes. Then, rest."


def test_blocks_reject_things_that_are_not_inline_pieces() -> None:
    with pytest.raises(TypeError):
        Sentence((1,))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Reply((42,))  # type: ignore[arg-type]


def test_reply_answer_first_marks_the_answer_essential() -> None:
    reply = Reply.answer_first("It may be a strain.", sentence("More detail.", priority=Priority.DETAIL))
    assert reply.opens_with_essential
    assert reply.blocks[0].priority is Priority.ESSENTIAL
    assert reply.blocks[1].priority is Priority.DETAIL


def test_plain_strings_are_accepted_as_sentences_in_replies_and_paragraphs() -> None:
    reply = Reply(("Hello.",))  # type: ignore[arg-type]
    assert reply.blocks == (Sentence(("Hello.",)),)
    assert Paragraph(("One.", "Two.")).text() == "One. Two."  # type: ignore[arg-type]


def test_with_emergency_attaches_guidance_and_leaves_the_rest_alone() -> None:
    reply = Reply((sentence("Hello."),), card_title="Hi")
    sticky = with_emergency(reply, guidance(PhoneNumber("911")))
    assert sticky.emergency == guidance(PhoneNumber("911"))
    assert msgspec.structs.replace(sticky, emergency=None) == reply
    assert with_emergency(reply, None) is reply
    assert with_emergency(sticky, guidance(PhoneNumber("911"))) is sticky


def test_emergency_guidance_must_say_something() -> None:
    with pytest.raises(ValueError, match="say something"):
        EmergencyGuidance(full=(sentence(""),), short=(sentence("Call 911."),), card_title="Help")
    with pytest.raises(ValueError, match="card_title"):
        EmergencyGuidance(full=(sentence("Call 911."),), short=(sentence("Call 911."),), card_title=" ")


def test_emergency_guidance_too_long_to_always_fit_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="over"):
        EmergencyGuidance(
            full=(sentence("Call 911. " * 400),), short=(sentence("Call 911."),), card_title="Help"
        )
