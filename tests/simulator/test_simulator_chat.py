"""``python -m simulator.chat`` can be scripted through standard input.

The first test runs the command as a user does (a new Python process); the others call the same
``main`` in this process, with standard input and output as text, which tests the same chat without
starting and warming up a Python process for each (a second apiece).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.chat import main

ROOT = Path(__file__).resolve().parents[2]


Chat = Callable[..., str]


@pytest.fixture
def chat(monkeypatch: pytest.MonkeyPatch) -> Chat:
    """``simulator.chat.main`` in this process: ``chat(lines, *args)`` gives what it printed."""
    monkeypatch.setenv("KNEE_HELPER_PERSISTENCE", "none")

    def run(lines: str, *args: str) -> str:
        out = io.StringIO()
        assert main(list(args), stdin=io.StringIO(lines), stdout=out) == 0
        return out.getvalue()

    return run


def chat_command(lines: str, *args: str) -> str:
    """``python -m simulator.chat ARGS`` with ``lines`` on its standard input: what it printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KNEE_HELPER_PERSISTENCE": "none"}
    done = subprocess.run(
        [sys.executable, "-m", "simulator.chat", *args],
        input=lines,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_the_chat_answers_each_line_in_plain_words() -> None:
    out = chat_command("open knee helper\nyes\n")
    replies = [line for line in out.splitlines() if line.startswith("Knee Helper: ")]
    assert len(replies) == 2
    assert "Welcome to Knee Helper" in replies[0]
    assert "?" in replies[1]  # the first interview question
    assert "<speak>" not in out


def test_the_chat_prints_ssml_and_what_it_understood_on_request(chat: Chat) -> None:
    out = chat("open knee helper\ntell me about bakers sist\n", "--ssml", "--nlu", "--locale", "en-GB")
    assert "SSML: <speak>" in out
    assert "~ ExplainCauseIntent" in out and "cause=bakers_cyst" in out


def test_the_chat_prints_one_json_object_per_turn(chat: Chat) -> None:
    out = chat("launch\nstop\n", "--json")
    turns = [json.loads(line) for line in out.splitlines()]
    assert [t["resolution"]["request_type"] for t in turns] == ["LaunchRequest", "IntentRequest"]
    assert turns[1]["resolution"]["intent"] == "AMAZON.StopIntent"
    assert turns[1]["ends_session"] is True


def test_the_chat_says_what_a_timer_would_do_and_exports_a_script(chat: Chat) -> None:
    out = chat("open knee helper\ni'm icing my knee now\nno\n:export\n")
    assert "short of breath" in out  # the safety question before the first timer
    assert "(Alexa would: Timer" in out
    assert "turns:" in out and "- launch: {}" in out and "intent: IcingIntent" in out
    assert "intent: AMAZON.NoIntent" in out


def test_the_chat_marks_the_emergency_guidance(chat: Chat) -> None:
    out = chat("open knee helper\ni can't breathe\n")
    assert "[EMERGENCY] " in out
    emergency = next(line for line in out.splitlines() if line.startswith("[EMERGENCY]"))
    assert "911" in emergency
