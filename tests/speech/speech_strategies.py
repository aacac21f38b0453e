"""Hypothesis strategies for replies full of awkward text: XML metacharacters, control characters,
lone surrogates, emoji, empty parts and very long (up to 100,000 characters) strings."""

from __future__ import annotations

from hypothesis import strategies as st

from speech import (
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
)

NASTY = (
    "&<>\"' ;&amp;&lt;<![CDATA[ ]]> <!-- --> </s><speak> \x00\x01\x08\x0b\x0c\x1f\x7f\x85 \ud800\udbff\udc00"
    "\udfff \ufffe\uffff 😀👍🏽🦵\u200b\u202e\n\t\r .,!?"
)
characters = st.one_of(st.characters(), st.sampled_from(NASTY))
short_text = st.text(alphabet=characters, max_size=40)
blank_text = st.sampled_from(["", " ", "\n\t ", "\x00"])
long_text = st.builds(
    lambda chunk, size: (chunk * (size // len(chunk) + 1))[:size],
    st.text(alphabet=characters, min_size=1, max_size=8),
    st.integers(min_value=1_000, max_value=100_000),
)
any_text = st.one_of(short_text, blank_text, long_text)
priorities = st.sampled_from(Priority)

phone_numbers = st.builds(
    PhoneNumber,
    st.sampled_from(["000", "911", "999", "112", "111", "0800123456"]),
    st.one_of(st.none(), st.sampled_from(["triple zero", "nine nine nine", "one one two"])),
)


def inline(text: st.SearchStrategy[str]) -> st.SearchStrategy[object]:
    return st.one_of(
        text,
        text,
        st.builds(Emphasis, text, st.sampled_from(EmphasisLevel)),
        st.builds(SayAs, text, st.sampled_from(InterpretAs)),
        st.builds(
            Duration,
            hours=st.integers(0, 3),
            minutes=st.integers(0, 90),
            seconds=st.integers(0, 90),
        ),
        phone_numbers,
        st.builds(Pause, st.integers(min_value=-5_000, max_value=60_000)),
    )


parts = st.lists(inline(any_text), max_size=4).map(tuple)
sentences = st.builds(Sentence, parts, priorities)
paragraphs = st.builds(Paragraph, st.lists(sentences, max_size=4).map(tuple), priorities)
spoken_lists = st.builds(
    SpokenList,
    st.lists(st.one_of(inline(any_text), parts), max_size=5).map(tuple),
    st.sampled_from(ListStyle),
    priorities,
    st.lists(inline(short_text), max_size=2).map(tuple),
)
blocks = st.one_of(sentences, paragraphs, spoken_lists)

# Guidance comes from content, is short, and always says something ("Call …").
_guidance_sentence = st.builds(
    lambda extra, number, tail: Sentence(("Call", number, *extra, tail)),
    st.lists(inline(short_text), max_size=2),
    phone_numbers,
    short_text,
)
emergencies = st.builds(
    EmergencyGuidance,
    st.lists(_guidance_sentence, min_size=1, max_size=3).map(tuple),
    st.lists(_guidance_sentence, min_size=1, max_size=1).map(tuple),
    st.builds(lambda t: "Urgent: " + t, short_text),
)

replies = st.builds(
    Reply,
    st.lists(blocks, max_size=6).map(tuple),
    st.one_of(st.none(), st.lists(blocks, max_size=2).map(tuple)),
    st.one_of(st.none(), any_text),
    st.one_of(st.none(), emergencies),
    st.booleans(),
    st.booleans(),
)
