"""Text hygiene: ``clean`` keeps exactly the characters XML 1.0 allows."""

from __future__ import annotations

import re

from speech._xml import clean

#: The XML 1.0 ``Char`` production (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
#: [#x10000-#x10FFFF]) as written there, and everything else.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: C1 controls: XML allows them, ``clean`` drops them too (the next test).
_C1 = re.compile("[\x7f-\x9f]")
_SPACE = re.compile(r"\s")


def test_clean_keeps_every_character_xml_allows_and_drops_every_other() -> None:
    every = "".join(map(chr, range(0x110000)))
    # Every character but whitespace is kept or dropped as it is, so they are cleaned all at once,
    # in one text, in order. Whitespace is collapsed (a run becomes one space): each on its own.
    rest = _C1.sub("", _SPACE.sub("", every))
    cleaned, expected = clean(rest), _NOT_XML_CHAR.sub("", rest)
    assert cleaned == expected, sorted(map(ord, set(cleaned).symmetric_difference(expected)))[:20]
    for space in _SPACE.findall(every):
        if not _C1.match(space):
            assert (clean(space) != "") == (not _NOT_XML_CHAR.match(space)), hex(ord(space))


def test_c1_controls_are_dropped_too() -> None:
    assert clean("a\x85b\x9fc") == "abc"
