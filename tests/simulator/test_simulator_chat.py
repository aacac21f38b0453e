"""``python -m simulator.chat`` can be scripted through standard input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def chat(lines: str, *args: str) -> str:
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
    out = chat("open knee helper\nyes\n")
    replies = [line for line in out.splitlines() if line.startswith("Knee Helper: ")]
    assert len(replies) == 2
    assert "Welcome to Knee Helper" in replies[0]
    assert "?" in replies[1]  # the first interview question
    assert "<speak>" not in out


def test_the_chat_prints_ssml_and_what_it_understood_on_request() -> None:
    out = chat("open knee helper\ntell me about bakers sist\n", "--ssml", "--nlu", "--locale", "en-GB")
    assert "SSML: <speak>" in out
    assert "~ ExplainCauseIntent" in out and "cause=bakers_cyst" in out


def test_the_chat_prints_one_json_object_per_turn() -> None:
    out = chat("launch\nstop\n", "--json")
    turns = [json.loads(line) for line in out.splitlines()]
    assert [t["resolution"]["request_type"] for t in turns] == ["LaunchRequest", "IntentRequest"]
    assert turns[1]["resolution"]["intent"] == "AMAZON.StopIntent"
    assert turns[1]["ends_session"] is True


def test_the_chat_says_what_a_timer_would_do_and_exports_a_script() -> None:
    out = chat("open knee helper\ni'm icing my knee now\nno\n:export\n")
    assert "short of breath" in out  # the safety question before the first timer
    assert "(Alexa would: Timer" in out
    assert "turns:" in out and "- launch: {}" in out and "intent: IcingIntent" in out
    assert "intent: AMAZON.NoIntent" in out


def test_the_chat_marks_the_emergency_guidance() -> None:
    out = chat("open knee helper\ni can't breathe\n")
    assert "[EMERGENCY] " in out
    emergency = next(line for line in out.splitlines() if line.startswith("[EMERGENCY]"))
    assert "911" in emergency
