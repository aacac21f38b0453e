"""Independent checks on rendered SSML, shared by the speech tests.

These do not reuse the builder's code: they parse with ``xml.etree`` and compare against the tag and
attribute rules in section 3 of docs/alexa-platform.md. They also cover what ``ssml-check`` misses
(any say-as value, no length limit).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NODE_CHECKER = Path(__file__).with_name("ssml_check.js")
SSML_CHECK_PACKAGE = REPO / "node_modules" / "ssml-check"

#: Alexa tags and the attribute values this project may emit (a subset of what Alexa supports).
_BREAK_TIME = re.compile(r"(\d+)ms")
_ALLOWED: dict[str, dict[str, frozenset[str] | None]] = {
    "speak": {},
    "p": {},
    "s": {},
    "break": {"time": None},
    "emphasis": {"level": frozenset({"strong", "moderate", "reduced"})},
    "say-as": {
        "interpret-as": frozenset(
            {
                "cardinal",
                "number",
                "ordinal",
                "digits",
                "fraction",
                "unit",
                "date",
                "time",
                "telephone",
                "characters",
                "spell-out",
                "interjection",
                "expletive",
                "address",
            }
        ),
        "format": frozenset({"mdy", "dmy", "ymd", "md", "dm", "ym", "my", "d", "m", "y"}),
    },
    "sub": {"alias": None},
    "prosody": {"rate": frozenset({"x-slow", "slow", "medium", "fast", "x-fast"})},
}


def parse_speak(ssml: str) -> ET.Element:
    """Parse SSML with a real XML parser; the root must be ``<speak>``."""
    root = ET.fromstring(ssml)
    assert root.tag == "speak", f"root is <{root.tag}>, not <speak>"
    return root


def disallowed_markup(ssml: str) -> list[str]:
    """Every tag, attribute or attribute value in ``ssml`` outside the allowed set (empty when clean)."""
    problems: list[str] = []
    for element in parse_speak(ssml).iter():
        rules = _ALLOWED.get(element.tag)
        if rules is None:
            problems.append(f"tag <{element.tag}>")
            continue
        for name, value in element.attrib.items():
            if name not in rules:
                problems.append(f"<{element.tag} {name}>")
                continue
            allowed = rules[name]
            if allowed is not None and value not in allowed:
                problems.append(f'<{element.tag} {name}="{value}">')
        if element.tag == "break":
            match = _BREAK_TIME.fullmatch(element.attrib.get("time", ""))
            if match is None or int(match.group(1)) > 10_000:
                problems.append(f"<break time={element.attrib.get('time')!r}>")
        if element.tag == "sub" and not element.attrib.get("alias"):
            problems.append("<sub> without alias")
    return problems


def spoken_words(element: ET.Element) -> str:
    """The words of an element as a reader would see them (digits for <sub>), whitespace collapsed.

    Sentence and paragraph boundaries separate words; inline tags and breaks do not (the builder
    already puts a space around a pause wherever the plain text has one).
    """
    pieces: list[str] = []

    def walk(node: ET.Element) -> None:
        boundary = node.tag in {"speak", "prosody", "p", "s"}  # a break adds no word boundary
        if boundary:
            pieces.append(" ")
        pieces.append(node.text or "")
        for child in node:
            walk(child)
            pieces.append(child.tail or "")
        if boundary:
            pieces.append(" ")

    walk(element)
    return " ".join("".join(pieces).split())


def body_of(ssml: str) -> ET.Element:
    """The element holding the speech: ``<speak>``, or its ``<prosody>`` child in the slow variant."""
    root = parse_speak(ssml)
    children = list(root)
    if len(children) == 1 and children[0].tag == "prosody" and not (root.text or "").strip():
        return children[0]
    return root


def node_checker_available() -> bool:
    return shutil.which("node") is not None and SSML_CHECK_PACKAGE.is_dir()


def run_ssml_check(ssml_strings: list[str], locale: str = "en-US") -> list[object]:
    """Run the npm ``ssml-check`` validator (platform amazon) over many strings in one node process."""
    completed = subprocess.run(
        ["node", str(NODE_CHECKER)],
        input=json.dumps(ssml_strings),
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"PATH": _path_env(), "SSML_CHECK_LOCALE": locale},
        timeout=120,
    )
    results: list[object] = json.loads(completed.stdout)
    assert len(results) == len(ssml_strings)
    return results


def _path_env() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")
