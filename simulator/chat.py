"""Talk to Knee Helper in a terminal: ``python -m simulator.chat [--locale en-GB] [--ssml] [--json]``.

Reads one utterance per line from standard input, so it can be scripted::

    printf 'open knee helper\\nyes\\n' | python -m simulator.chat

Each reply is printed in plain words (``Knee Helper: ...``); the emergency guidance, when active, is
printed first on its own line marked ``[EMERGENCY]``. ``--ssml`` adds the SSML, ``--json`` prints
the whole turn as one JSON object per line instead, ``--nlu`` shows what each line was understood
as. Commands: ``:reset`` starts over, ``:export`` prints the conversation as a YAML script,
``:quit`` ends. Timers and reminders reach a local stand-in; what they would have done is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from kneeskill.settings import PersistenceKind, Settings
from simulator.engine import Simulator, TurnResult
from simulator.nlu import supported_locales

__all__ = ["main"]


def _print_turn(turn: TurnResult, args: argparse.Namespace, out: TextIO) -> None:
    if args.json:
        out.write(json.dumps(turn.to_json(), ensure_ascii=False) + "\n")
        return
    if args.nlu:
        resolution = turn.resolution
        slots = ", ".join(
            f"{s.name}={s.id or s.value} ({s.status or 'number'})" for s in resolution.slots if s.value
        )
        label = resolution.intent if resolution.request_type == "IntentRequest" else resolution.request_type
        out.write(
            f"  ~ {label} [{resolution.source}, {resolution.confidence:.2f}]"
            + (f" {slots}" if slots else "")
            + "\n"
        )
    data = turn.to_json()
    emergency = data["emergency"]["text"]
    if emergency:
        out.write(f"[EMERGENCY] {emergency}\n")
        out.write(f"Knee Helper: {data['speech']['after_emergency']}\n")
    else:
        out.write(f"Knee Helper: {data['speech']['plain'] or '(no speech)'}\n")
    if args.ssml:
        out.write(f"SSML: {turn.speech_ssml}\n")
    for line in turn.services:
        out.write(f"  (Alexa would: {line})\n")
    for directive in data["directives"]:
        out.write(f"  (directive: {directive.get('type')})\n")
    if turn.ends_session:
        out.write("  (the session ended)\n")


def main(argv: list[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulator.chat", description="Talk to Knee Helper offline."
    )
    parser.add_argument("--locale", default="en-US", choices=supported_locales())
    parser.add_argument("--ssml", action="store_true", help="also print the SSML of each reply")
    parser.add_argument("--json", action="store_true", help="print each turn as one JSON object per line")
    parser.add_argument("--nlu", action="store_true", help="show the intent and slots each line resolved to")
    args = parser.parse_args(argv)
    source = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    interactive = source.isatty() and out.isatty() and not args.json
    if interactive:
        out.write("Knee Helper simulator. Try 'open knee helper'. Commands: :reset :export :quit\n")
    with Simulator(Settings.from_env(default_persistence=PersistenceKind.SQLITE)) as simulator:
        session = simulator.store.create(args.locale)
        while True:
            if interactive:
                out.write("you> ")
                out.flush()
            line = source.readline()
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if text in (":quit", ":q", ":exit"):
                break
            if text == ":reset":
                session.start_over()
                out.write("  (started over)\n")
                continue
            if text == ":export":
                from simulator.export import export_script

                out.write(export_script(session))
                continue
            _print_turn(simulator.turn(session, text), args, out)
            out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
