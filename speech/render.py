"""Render a ``Reply`` into SSML, a card and a reprompt that always fit Alexa's limits.

The emergency guarantee: when ``reply.emergency`` is set, the speech opens with the complete ``full``
guidance, the card text opens with the same words, and the reprompt opens with the ``short`` form.
Guidance is never shortened or dropped. When a reply is too long, blocks are dropped lowest priority
first (later first among equals) and an offer to "say more" is added; the dropped blocks come back in
``Rendered.overflow`` in their original order. If even the ESSENTIAL blocks do not fit, they are cut at a
sentence boundary (a single sentence longer than the whole budget is cut at a word boundary).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

import msgspec

from speech._xml import clean
from speech.model import (
    Block,
    EmergencyGuidance,
    Emphasis,
    Inline,
    Paragraph,
    Priority,
    Reply,
    SayAs,
    Sentence,
    inline_text,
)

#: What is offered when a reply had to be trimmed. Override with ``render(..., say_more=...)``.
DEFAULT_SAY_MORE = "There is more I can tell you. To hear it, say more."
#: A sentence is only ever cut inside a word when that word is longer than this.
HARD_CUT_WORD_CHARS = 40
#: Card titles longer than this are clipped (titles are never trimmed with the body).
CARD_TITLE_MAX_CHARS = 200


class Limits(msgspec.Struct, frozen=True):
    """Alexa response limits. Every value is an exclusive upper bound ("must be below")."""

    speech_chars: int = 8_000  # outputSpeech.ssml (and the reprompt's) length
    card_chars: int = 8_000  # card title + card text
    response_bytes: int = 24 * 1024  # the whole JSON response, session attributes included
    reprompt_bytes: int = 4 * 1024  # the reprompt's share of response_bytes (JSON-escaped)
    envelope_bytes: int = 1_024  # margin for version, directives, userAgent and the like


DEFAULT_LIMITS = Limits()


class ResponseTooLarge(ValueError):
    """Even the emergency guidance and the say-more offer alone do not fit the limits given."""


class Rendered(msgspec.Struct, frozen=True, weakref=True):
    """A rendered reply, ready for the response builder (``speak``, ``ask``, ``set_card``).

    Weak references allowed: the tests prove that no cache keeps a rendering beyond its reply."""

    ssml: str
    reprompt_ssml: str | None
    card_title: str | None
    card_text: str
    plain_text: str
    reprompt_text: str | None
    overflow: tuple[Block, ...]
    end_session: bool
    hand_over: bool = False  # Alexa speaks next: neither a reprompt nor shouldEndSession

    @property
    def trimmed(self) -> bool:
        """True when some blocks were left out (see ``overflow``) and "say more" was offered."""
        return bool(self.overflow)


#: The exact ASCII-escaped form ``json.dumps`` writes for a string, from the C encoder itself:
#: sizing a response this way costs a fraction of encoding a dict per candidate rendering.
_escaped = json.encoder.encode_basestring_ascii


@lru_cache(maxsize=4)
def _skeleton_size(with_reprompt: bool, end_session: bool) -> int:
    """Bytes of the response JSON with every string empty (strings are added as they come)."""
    response: dict[str, object] = {
        "outputSpeech": {"type": "SSML", "ssml": ""},
        "card": {"type": "Simple", "title": "", "content": ""},
        "shouldEndSession": end_session,
    }
    if with_reprompt:
        response["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": ""}}
    body = {"version": "1.0", "sessionAttributes": {}, "response": response}
    return len(json.dumps(body, separators=(",", ":"))) - 2


def response_size(rendered: Rendered, session_attributes_json_size: int = 0) -> int:
    """Bytes of the JSON response carrying ``rendered`` (ASCII-escaped, the worst case), envelope
    excluded: exactly ``len(json.dumps(body, separators=(",", ":")))`` of that response, with
    ``session_attributes_json_size`` in place of ``{}``."""
    reprompt = rendered.reprompt_ssml
    size = _skeleton_size(reprompt is not None, rendered.end_session)
    size += len(_escaped(rendered.ssml)) + len(_escaped(rendered.card_title or ""))
    size += len(_escaped(rendered.card_text)) - 6
    if reprompt is not None:
        size += len(_escaped(reprompt)) - 2
    return size + max(2, session_attributes_json_size)


def response_size_ok(
    rendered: Rendered, session_attributes_json_size: int = 0, *, limits: Limits = DEFAULT_LIMITS
) -> bool:
    """True when speech, reprompt, card and the whole JSON response are all within ``limits``."""
    if len(rendered.ssml) >= limits.speech_chars:
        return False
    if rendered.reprompt_ssml is not None and len(rendered.reprompt_ssml) >= limits.speech_chars:
        return False
    if len(rendered.card_title or "") + len(rendered.card_text) >= limits.card_chars:
        return False
    total = response_size(rendered, session_attributes_json_size) + limits.envelope_bytes
    return total < limits.response_bytes


def render(
    reply: Reply,
    *,
    limits: Limits = DEFAULT_LIMITS,
    session_attributes_json_size: int = 0,
    say_more: str | Sentence = DEFAULT_SAY_MORE,
) -> Rendered:
    """Render ``reply``; the result always satisfies ``response_size_ok`` for the same arguments.

    Raises ``ResponseTooLarge`` only if the emergency guidance plus the say-more offer cannot fit
    (possible with tiny custom limits or huge session attributes, never with the defaults and
    session attributes under 8 KB).

    Memoised on the reply itself: replies are immutable, and the dialogue builds each of its
    content-only replies (greetings, questions, explainer pages) once per locale and says that same
    object again, so those render once. A reply built from someone's answers is a new object each
    turn, rendered afresh: no module-level cache ever holds text derived from a user's answers.
    """
    key = (limits, session_attributes_json_size, say_more)
    renders: dict[object, Rendered] = reply.__dict__.setdefault("_renders", {})
    rendered = renders.get(key)
    if rendered is None:
        if len(renders) >= 8:
            renders.clear()
        rendered = renders[key] = _render(reply, limits, session_attributes_json_size, say_more)
    return rendered


def _render(
    reply: Reply, limits: Limits, session_attributes_json_size: int, say_more: str | Sentence
) -> Rendered:
    offer = say_more if isinstance(say_more, Sentence) else Sentence((say_more,))
    emergency = reply.emergency

    reprompt_ssml: str | None = None
    reprompt_text: str | None = None
    if reply.reprompt is not None or (emergency is not None and not reply.end_session):

        def build_reprompt(kept: Sequence[Block], _trimmed: bool) -> tuple[str, str]:
            inner = (emergency.short_ssml if emergency else "") + "".join(b.ssml() for b in kept)
            text = _join_text([emergency.short_text if emergency else "", *(b.text() for b in kept)])
            return _speak(inner, reply.slow), text

        def reprompt_fits(candidate: tuple[str, str]) -> bool:
            ssml = candidate[0]
            return len(ssml) < limits.speech_chars and _json_len(ssml) < limits.reprompt_bytes

        fitted, _ = _trim(reply.reprompt or (), build_reprompt, reprompt_fits)
        if not reprompt_fits(fitted):
            raise ResponseTooLarge("the short emergency guidance does not fit in the reprompt")
        reprompt_ssml, reprompt_text = fitted

    card_title = emergency.title if emergency else _clean_title(reply.card_title)

    def build(kept: Sequence[Block], trimmed: bool) -> Rendered:
        inner = (emergency.full_ssml if emergency else "") + "".join(b.ssml() for b in kept)
        spoken = [emergency.full_text if emergency else "", *(b.text() for b in kept)]
        if trimmed:
            inner += offer.ssml()
            spoken.append(offer.text())
        return Rendered(
            ssml=_speak(inner, reply.slow),
            reprompt_ssml=reprompt_ssml,
            card_title=card_title,
            card_text=_card_text(emergency, kept),
            plain_text=_join_text(spoken),
            reprompt_text=reprompt_text,
            overflow=(),
            end_session=reply.end_session,
        )

    def fits(candidate: Rendered) -> bool:
        return response_size_ok(candidate, session_attributes_json_size, limits=limits)

    rendered, overflow = _trim(reply.blocks, build, fits)
    if not fits(rendered):
        raise ResponseTooLarge("the emergency guidance and the say-more offer alone exceed the limits")
    return Rendered(
        ssml=rendered.ssml,
        reprompt_ssml=rendered.reprompt_ssml,
        card_title=rendered.card_title,
        card_text=rendered.card_text,
        plain_text=rendered.plain_text,
        reprompt_text=rendered.reprompt_text,
        overflow=overflow,
        end_session=rendered.end_session,
        hand_over=reply.hand_over,
    )


def say_more_reply(reply: Reply, rendered: Rendered) -> Reply | None:
    """The reply for "say more": the overflow of ``rendered`` with the same guidance, or None."""
    if not rendered.overflow:
        return None
    return Reply(
        blocks=rendered.overflow,
        reprompt=reply.reprompt,
        card_title=reply.card_title,
        emergency=reply.emergency,
        end_session=reply.end_session,
        slow=reply.slow,
        hand_over=reply.hand_over,
    )


def heard(ssml: str) -> str | None:
    """The words a listener hears in ``ssml``, as plain text (the tags read as XML, never cut by
    string matching); None when it is not one well-formed document."""
    from xml.etree import ElementTree  # noqa: PLC0415  # pyexpat (~4 ms): only the emergency guard reads SSML back

    try:
        root = ElementTree.fromstring(ssml)
    except ElementTree.ParseError:
        return None
    return " ".join(" ".join(root.itertext()).split())


def opens_with(ssml: str, *texts: str) -> bool:
    """True when the words heard in ``ssml`` open with one of ``texts`` (spacing aside)."""
    words = heard(ssml)
    if words is None:
        return False
    joined = "".join(words.split())
    return any(joined.startswith("".join(text.split())) for text in texts)


# --------------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------------


def _speak(inner: str, slow: bool) -> str:
    if slow:
        inner = f'<prosody rate="slow">{inner}</prosody>'
    return f"<speak>{inner}</speak>"


def _json_len(text: str) -> int:
    return len(_escaped(text)) - 2


def _join_text(pieces: Sequence[str]) -> str:
    return " ".join(p for p in pieces if p)


def _clean_title(title: str | None) -> str | None:
    """A card title as plain text, clipped to ``CARD_TITLE_MAX_CHARS`` (at a word boundary if possible)."""
    if title is None:
        return None
    text = clean(title).strip()
    if len(text) > CARD_TITLE_MAX_CHARS:
        cut = text.rfind(" ", 1, CARD_TITLE_MAX_CHARS)
        text = text[: cut if cut > 0 else CARD_TITLE_MAX_CHARS].rstrip()
    return text or None


def _card_text(emergency: EmergencyGuidance | None, blocks: Sequence[Block]) -> str:
    """Emergency guidance first, then each block; consecutive sentences share a paragraph."""
    chunks: list[str] = [emergency.full_text] if emergency else []
    previous_was_sentence = False
    for block in blocks:
        text = block.card()
        if not text:
            continue
        is_sentence = isinstance(block, Sentence)
        if chunks and is_sentence and previous_was_sentence:
            chunks[-1] += " " + text
        else:
            chunks.append(text)
        previous_was_sentence = is_sentence
    return "\n\n".join(chunks)


# --------------------------------------------------------------------------------------------------
# Trimming
# --------------------------------------------------------------------------------------------------

R = TypeVar("R")


def _trim(
    blocks: Sequence[Block],
    build: Callable[[Sequence[Block], bool], R],
    fits: Callable[[R], bool],
) -> tuple[R, tuple[Block, ...]]:
    """Keep as much as fits. ``build(kept, trimmed)`` renders a candidate; returns it and the overflow."""
    candidate = build(blocks, False)
    if fits(candidate):
        return candidate, ()

    kept: dict[int, Block] = dict(enumerate(blocks))
    # (original index, order within that index, block) for everything left out.
    left_out: list[tuple[int, int, Block]] = []

    # 1. Drop whole blocks: lowest priority first, later first among equals. ESSENTIAL never here.
    droppable = sorted(
        (i for i, b in kept.items() if b.priority < Priority.ESSENTIAL),
        key=lambda i: (blocks[i].priority, -i),
    )
    for index in droppable:
        left_out.append((index, 0, kept.pop(index)))
        if not any(block.text() for block in kept.values()):
            break  # saying nothing but "say more" is no answer: go on to step 2
        candidate = build(list(kept.values()), True)
        if fits(candidate):
            return candidate, _in_order(left_out)

    # 2. Only ESSENTIAL blocks remain and they do not fit: cut at a sentence boundary. When no
    #    ESSENTIAL block says anything, the most important dropped block (the last one dropped that
    #    says something) is cut instead, so every "say more" turn says something and the overflow shrinks.
    left_out.extend((i, 0, kept.pop(i)) for i in list(kept) if kept[i].priority < Priority.ESSENTIAL)
    if not any(block.text() for block in kept.values()):
        spoken = [entry for entry in left_out if entry[2].text()]
        if spoken:
            left_out.remove(spoken[-1])
            kept = {spoken[-1][0]: spoken[-1][2]}
    units: list[tuple[int, Sentence]] = [(i, s) for i, b in kept.items() for s in b.units()]

    def attempt(count: int, extra: tuple[int, Sentence] | None = None) -> R:
        return build(_regroup(kept, [*units[:count], *([extra] if extra else [])]), True)

    low, high = 0, len(units)  # the largest count that fits (even count=0 may not fit)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(attempt(middle)):
            low = middle
        else:
            high = middle - 1
    count = low
    candidate = attempt(count)
    tail_units = units[count:]

    if tail_units and not any(unit.text() for _, unit in units[:count]):
        # 3. Not one whole sentence fits: keep as many words of the first as fit, so "say more" progresses.
        owner, first = tail_units[0]
        best = 0
        low, high = 1, len(first.text())
        while low <= high:
            middle = (low + high) // 2
            head, _ = _cut_sentence(first, middle)
            if head.text() and fits(attempt(count, (owner, head))):
                best = middle
                low = middle + 1
            else:
                high = middle - 1
        if best:
            head, rest = _cut_sentence(first, best)
            candidate = attempt(count, (owner, head))
            tail_units = [(owner, rest), *tail_units[1:]]

    left_out.extend((index, 1, block) for index, block in _group(kept, tail_units).items())
    return candidate, _in_order(left_out)


def _in_order(left_out: list[tuple[int, int, Block]]) -> tuple[Block, ...]:
    return tuple(block for _, _, block in sorted(left_out, key=lambda entry: (entry[0], entry[1])))


def _group(kept: dict[int, Block], units: Sequence[tuple[int, Sentence]]) -> dict[int, Block]:
    """Rebuild blocks from sentence units: a block whose units are all there is reused as it is."""
    groups: dict[int, list[Sentence]] = {}
    for index, unit in units:
        groups.setdefault(index, []).append(unit)
    out: dict[int, Block] = {}
    for index, sentences in groups.items():
        block = kept[index]
        if tuple(sentences) == block.units():
            out[index] = block
        elif len(sentences) == 1 and isinstance(block, Sentence):
            out[index] = sentences[0]
        else:
            out[index] = Paragraph(tuple(sentences), block.priority)
    return out


def _regroup(kept: dict[int, Block], units: Sequence[tuple[int, Sentence]]) -> list[Block]:
    return list(_group(kept, units).values())


def _cut_sentence(sentence: Sentence, chars: int) -> tuple[Sentence, Sentence]:
    """Split a sentence after about ``chars`` characters of text, at a word boundary when possible."""
    head: list[Inline] = []
    tail: list[Inline] = []
    used = 0
    parts = sentence.parts
    for position, part in enumerate(parts):
        words = inline_text(part)
        if used + len(words) <= chars:
            head.append(part)
            used += len(words) + (1 if words else 0)
            continue
        room = chars - used
        cut = words.rfind(" ", 1, room + 1) if room > 0 else -1
        if cut <= 0 and room > 0 and len(words.split(" ", 1)[0]) > HARD_CUT_WORD_CHARS:
            cut = room  # a "word" this long is not language: cut it anywhere
        if cut > 0 and isinstance(part, (str, Emphasis, SayAs)):
            first, rest = words[:cut], words[cut:]
            if isinstance(part, str):
                head.append(first)
                tail.append(rest)
            else:
                head.append(msgspec.structs.replace(part, text=first))
                tail.append(msgspec.structs.replace(part, text=rest))
            tail.extend(parts[position + 1 :])
        else:
            tail.extend(parts[position:])
        break
    return Sentence(tuple(head), sentence.priority), Sentence(tuple(tail), sentence.priority)
