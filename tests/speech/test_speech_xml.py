"""Text hygiene: ``clean`` keeps exactly the characters XML 1.0 allows."""

from __future__ import annotations

from speech._xml import clean


def _xml_char(code_point: int) -> bool:
    """The XML 1.0 ``Char`` production."""
    return (
        code_point in (0x9, 0xA, 0xD)
        or 0x20 <= code_point <= 0xD7FF
        or 0xE000 <= code_point <= 0xFFFD
        or 0x10000 <= code_point <= 0x10FFFF
    )


def test_clean_keeps_every_character_xml_allows_and_drops_every_other() -> None:
    wrong = [
        code_point
        for code_point in range(0x110000)
        if (clean(chr(code_point)) != "") != _xml_char(code_point) and not 0x7F <= code_point <= 0x9F
    ]
    assert wrong == []


def test_c1_controls_are_dropped_too() -> None:
    assert clean("a\x85b\x9fc") == "abc"
