#!/usr/bin/env python3
"""Listen to what the skill says: render SSML (or plain text) to WAV files with espeak-ng.

    python scripts/listen.py                       # every tests/golden/ssml/*.ssml
    python scripts/listen.py path/to/reply.ssml    # given files (.ssml is SSML, anything else is text)
    python scripts/listen.py '<speak>Hi</speak>' 'plain words'   # literal SSML or text
    python scripts/listen.py --voice en-gb --out /tmp/audio ...

WAV files go to test-artifacts/audio/ (git-ignored). espeak-ng understands a subset of SSML, so
Alexa-only markup is simplified first: amazon:* / alexa:* tags, <w>, <phoneme>, <lang>, <voice> are
unwrapped, <audio> is dropped, <sub> is replaced by its alias (what Alexa says), and
<say-as interpret-as="digits|telephone|characters|spell-out"> is spelled out one character at a time.
The voice follows the file name (``_en_gb`` -> en-gb; espeak-ng has no en-AU voice, so ``_en_au`` ->
en-gb) unless --voice is given.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

REPO = Path(__file__).resolve().parents[1]
GOLDEN_DIR = REPO / "tests" / "golden" / "ssml"
DEFAULT_OUT = REPO / "test-artifacts" / "audio"

_VENDOR_TAG = re.compile(r"</?(?:amazon|alexa):[^>]*>")
_KEEP = {"speak", "p", "s", "break", "emphasis", "prosody"}
_DROP = {"audio"}
_SPELL = {"digits", "telephone", "characters", "spell-out"}
_VOICES = {"en_us": "en-us", "en_gb": "en-gb", "en_au": "en-gb", "en_ca": "en-us", "en_in": "en-gb"}


def espeak_ssml(ssml: str) -> str:
    """Alexa SSML reduced to the tags espeak-ng understands."""
    root = ET.fromstring(_VENDOR_TAG.sub("", ssml))

    def inner(node: ET.Element) -> str:
        out = [escape(node.text or "")]
        for child in node:
            out.append(render(child))
            out.append(escape(child.tail or ""))
        return "".join(out)

    def render(node: ET.Element) -> str:
        tag = node.tag
        if tag in _DROP:
            return ""
        if tag == "sub":
            return escape(node.attrib.get("alias", "".join(node.itertext())))
        if tag == "say-as":
            text = "".join(node.itertext())
            if node.attrib.get("interpret-as") in _SPELL:
                return escape(" ".join(ch for ch in text if not ch.isspace()))
            return escape(text)
        if tag in _KEEP:
            attrs = "".join(f" {name}={quoteattr(value)}" for name, value in node.attrib.items())
            body = inner(node)
            return f"<{tag}{attrs}>{body}</{tag}>" if body or tag != "break" else f"<{tag}{attrs}/>"
        return inner(node)  # unwrap anything else (w, phoneme, lang, voice, ...)

    if root.tag != "speak":
        raise ValueError("SSML must have <speak> at the root")
    return render(root)


def _voice_for(name: str, override: str | None) -> str:
    if override:
        return override
    for marker, voice in _VOICES.items():
        if marker in name:
            return voice
    return "en-us"


def _inputs(args: list[str]) -> list[tuple[str, str, bool]]:
    """(output stem, content, is_ssml) for each argument, or for every golden file when none."""
    if not args:
        return [
            (p.name.removesuffix(".ssml"), p.read_text("utf-8"), True)
            for p in sorted(GOLDEN_DIR.glob("*.ssml"))
        ]
    items: list[tuple[str, str, bool]] = []
    for number, arg in enumerate(args, 1):
        path = Path(arg)
        if path.is_file():
            items.append(
                (path.name.removesuffix(path.suffix), path.read_text("utf-8"), path.suffix == ".ssml")
            )
        else:
            is_ssml = arg.lstrip().startswith("<speak")
            items.append((f"{'ssml' if is_ssml else 'text'}-{number}", arg, is_ssml))
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "inputs", nargs="*", help="SSML/text files or literal SSML/text (default: golden SSML)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})"
    )
    parser.add_argument("--voice", help="espeak-ng voice, e.g. en-us, en-gb (default: from the file name)")
    args = parser.parse_args(argv)

    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print(
            "espeak-ng is not installed, so there is nothing to speak with.\n"
            "Install it with:  sudo apt-get install espeak-ng   (macOS: brew install espeak-ng)\n"
            "then run this script again.",
            file=sys.stderr,
        )
        return 2

    items = _inputs(args.inputs)
    if not items:
        print(f"No input given and no golden SSML found in {GOLDEN_DIR}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for stem, content, is_ssml in items:
            try:
                speech = espeak_ssml(content) if is_ssml else content
            except (ET.ParseError, ValueError) as error:
                print(f"skip {stem}: not valid SSML ({error})", file=sys.stderr)
                failures += 1
                continue
            source = Path(scratch) / f"{stem}.txt"
            source.write_text(speech, encoding="utf-8")
            wav = args.out / f"{stem}.wav"
            command = [espeak, "-v", _voice_for(stem, args.voice), "-w", str(wav), "-f", str(source)]
            if is_ssml:
                command.insert(1, "-m")
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0 or not wav.exists() or wav.stat().st_size <= 44:
                print(f"FAILED {stem}: {result.stderr.strip() or 'no audio written'}", file=sys.stderr)
                failures += 1
                continue
            shown = wav.relative_to(REPO) if wav.is_relative_to(REPO) else wav
            print(f"{shown}  ({wav.stat().st_size:,} bytes)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
