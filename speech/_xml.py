"""Text hygiene for SSML: drop characters XML 1.0 forbids, tidy whitespace, escape metacharacters.

Every piece of text that reaches SSML, a card or the plain-text rendering passes through ``clean``;
everything that goes between tags or into an attribute value also passes through ``escape``.
"""

from __future__ import annotations

import re

# XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
# Everything else (C0 controls, lone surrogates, U+FFFE, U+FFFF) is removed. Written as that small
# complement: the negated class with the astral range costs ~9 ms to compile at cold start.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# C1 controls are legal XML but never wanted in speech or a card.
_C1_CONTROLS = re.compile("[\x7f-\x9f]")
_WHITESPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Remove characters that are invalid in XML 1.0 or are control characters; collapse whitespace.

    Leading and trailing whitespace is kept as a single space, so callers can tell whether a text
    piece asked to be separated from its neighbours.
    """
    text = _NOT_XML_CHAR.sub("", text)
    text = _C1_CONTROLS.sub("", text)
    return _WHITESPACE.sub(" ", text)


def escape(text: str) -> str:
    """Escape the five XML metacharacters ``& < > " '`` (for text and attribute values alike)."""
    # Chained replace is much faster than str.translate on long non-ASCII text; "&" must go first.
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def attr(name: str, value: str) -> str:
    """One ``name="value"`` attribute with the value cleaned and escaped."""
    return f'{name}="{escape(clean(value))}"'
