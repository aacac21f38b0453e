"""An independent client, the npm package virtual-alexa, drives the real local server from utterances.

virtual-alexa matches utterances literally against the interaction model, so real Alexa NLU will be
more forgiving than it is; and it takes any utterance containing "ask", "tell", "open" or "launch" for
a launch request (an unanchored pattern in its VirtualAlexa.parseLaunchRequest), so the utterances
below avoid those words. It does not sign requests: signature checking is switched off for this
server explicitly (signed requests are tested in tests/webapp); timestamps and the skill ID are checked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kneeskill.settings import PersistenceKind, Settings
from tests.support.envelopes import TEST_SKILL_ID
from tests.support.scripts import emergency_opening, plain

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("virtual_alexa_driver.js")


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import threading

    from werkzeug.serving import make_server

    from webapp.server import create_app

    settings = Settings(
        skill_id=TEST_SKILL_ID,
        verify_signatures=False,
        persistence=PersistenceKind.SQLITE,
        data_dir=tmp_path_factory.mktemp("virtual-alexa"),
    )
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=5)


def converse(url: str, locale: str, utterances: list[str]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    assert node, "Node.js is needed (make test installs the npm test tools)"
    assert (ROOT / "node_modules" / "virtual-alexa").is_dir(), "run make test (npm ci) first"
    model = ROOT / "skill" / "interactionModels" / "custom" / f"{locale}.json"
    run = subprocess.run(
        [node, str(DRIVER), str(model), url, TEST_SKILL_ID, locale],
        input=json.dumps(utterances),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-AU"])
def test_an_independent_alexa_emulator_can_hold_a_whole_conversation(server_url: str, locale: str) -> None:
    turns = converse(
        server_url,
        locale,
        [
            "<launch>",
            "why does the back of my knee hurt",
            "why does that matter",
            "what is a baker's cyst",
            "more",
            "walk me through price",
            "next",
            "say that again slowly",
            "stop",
        ],
    )
    intents = [turn["intent"] for turn in turns]
    assert intents == [
        "LaunchRequest",
        "KneePainIntent",
        "WhyAskingIntent",
        "ExplainCauseIntent",
        "MoreIntent",
        "PriceIntent",
        "AMAZON.NextIntent",
        "SlowerIntent",
        "AMAZON.StopIntent",
    ]
    said = [plain(turn["ssml"]) for turn in turns]
    assert "Knee Helper" in said[0]
    assert said[1].endswith("?")
    assert "cyst" in said[3].lower()
    assert "step 1 of five" in said[5].lower() and "step 2 of five" in said[6].lower()
    assert turns[7]["ssml"].startswith('<speak><prosody rate="slow">')
    assert turns[-1]["end"] is True


def test_an_emergency_said_to_the_emulator_gets_the_guidance_first(server_url: str) -> None:
    turns = converse(server_url, "en-GB", ["why does the back of my knee hurt", "i can't breathe", "help"])
    assert [turn["intent"] for turn in turns] == ["KneePainIntent", "EmergencyIntent", "AMAZON.HelpIntent"]
    opening = emergency_opening("en-GB")
    for turn in turns[1:]:
        assert any(plain(turn["ssml"]).startswith(o) for o in opening)


def test_on_the_emulator_a_question_elicits_its_slot_and_a_bare_answer_fills_it(server_url: str) -> None:
    # The headline question is answered first; "yes" to "shall I ask a few questions?" starts them.
    turns = converse(server_url, "en-GB", ["why does the back of my knee hurt", "yes", "yeah a bit"])[1:]
    elicit = [d for d in turns[0]["directives"] if d["type"] == "Dialog.ElicitSlot"]
    assert len(elicit) == 1 and elicit[0]["intent"] == "SymptomIntent"
    assert turns[1]["intent"] == "SymptomIntent"
    assert turns[1]["slots"].get("answer") == "yeah"
    assert turns[1]["dialogState"] in ("STARTED", "IN_PROGRESS")
    assert not plain(turns[1]["ssml"]).startswith("I didn't catch")


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_the_paraphrase_corpus_routes_right_through_the_emulator(locale: str) -> None:
    """virtual-alexa matches only what a sample plus slot values spells out exactly, and no corpus
    utterance is a sample (the build leaves them out of the grammar's expansions), so this is the
    literal matcher's figure for phrasings it was never given. On the first corpus and the probe3
    batch every utterance it matches routes right; at least 65% of the first corpus route right
    (65-73% measured per locale), 28% of the fresh batch (29-47%) and 37% of the probe3 batch
    (38-50%, seen while fixing). The issue's target of nine in ten is NOT met on this reader: a
    real Alexa NLU generalises from the samples, virtual-alexa does not (see the README's
    Understanding section)."""
    from voicemodel.measure import load_corpus, routed_right, virtual_alexa_reading

    cases = load_corpus(locale)
    reading = virtual_alexa_reading(locale)
    outcomes = [reading[case.say] for case in cases]
    first = [(c, o) for c, o in zip(cases, outcomes, strict=True) if c.batch is None]
    fresh = [(c, o) for c, o in zip(cases, outcomes, strict=True) if c.batch == "fresh"]
    probe3 = [(c, o) for c, o in zip(cases, outcomes, strict=True) if c.batch == "probe3"]
    wrong = [(c.say, o.intent) for c, o in (*first, *probe3) if o.intent and not routed_right(c, o)]
    assert wrong == []
    right_first = sum(routed_right(c, o) for c, o in first)
    assert right_first >= 0.65 * len(first), [c.say for c, o in first if not routed_right(c, o)]
    right_fresh = sum(routed_right(c, o) for c, o in fresh)
    assert right_fresh >= 0.28 * len(fresh), [c.say for c, o in fresh if not routed_right(c, o)]
    right_probe3 = sum(routed_right(c, o) for c, o in probe3)
    assert right_probe3 >= 0.37 * len(probe3), [c.say for c, o in probe3 if not routed_right(c, o)]
