"""Export a simulated conversation as a YAML conversation script (``tests/golden/conversations``).

Each turn becomes ``launch: {}`` or ``intent:`` with ``slots:`` (resolved slots by their ids; numbers
and unresolved words as the slot Alexa sent), and ``expect:`` with a short fragment of the reply
(``says:``), the conversation mode, ``ends: true`` when the skill closed the session, and
``emergency_first: true`` when the reply opened with the emergency guidance.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from dialogue.modes import STATE_KEY, state_data
from simulator.engine import emergency_split, plain_words
from simulator.nlu import MatchStatus
from simulator.session import RecordedTurn, SimulatorSession

__all__ = ["export_script", "script_data"]

FRAGMENT_WORDS = 8
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def script_data(session: SimulatorSession, *, name: str | None = None) -> dict[str, Any]:
    """The script as plain data (what ``export_script`` writes as YAML)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return {
        "name": name or f"Recorded in the simulator ({session.locale}, {stamp})",
        "locales": [session.locale],
        "turns": [_turn(turn, session.locale) for turn in session.turns],
    }


def export_script(session: SimulatorSession, *, name: str | None = None) -> str:
    """The conversation so far as YAML text."""
    import yaml

    text: str = yaml.safe_dump(
        script_data(session, name=name),
        sort_keys=False,
        allow_unicode=True,
        width=110,
        default_flow_style=None,
    )
    return text


def _turn(turn: RecordedTurn, locale: str) -> dict[str, Any]:
    resolution = turn.resolution
    entry: dict[str, Any]
    if resolution.request_type == "LaunchRequest":
        entry = {"launch": {}}
    else:
        entry = {"intent": resolution.intent}
        sent = ((turn.request.get("request") or {}).get("intent") or {}).get("slots") or {}
        slots: dict[str, Any] = {}
        for slot in resolution.slots:
            if slot.value is None:
                continue
            if slot.status is MatchStatus.MATCH and slot.id is not None:
                slots[slot.name] = slot.id
            elif slot.name in sent:
                slots[slot.name] = {k: v for k, v in sent[slot.name].items() if k != "source"}
        if slots:
            entry["slots"] = slots
    entry["expect"] = _expect(turn.response, locale)
    return entry


def _expect(response: dict[str, Any], locale: str) -> dict[str, Any]:
    body = response.get("response") or {}
    ssml = str((body.get("outputSpeech") or {}).get("ssml", ""))
    speech = plain_words(ssml)
    expect: dict[str, Any] = {}
    if not speech:
        expect["no_speech"] = True
    else:
        if _emergency_opening(speech, locale):
            expect["emergency_first"] = True
        guidance, rest = emergency_split(response)
        expect["says"] = [_fragment(rest or guidance or speech)]
    state = state_data((response.get("sessionAttributes") or {}).get(STATE_KEY))
    if state is not None and isinstance(state.get("mode"), str):
        expect["mode"] = state["mode"]
    if body.get("shouldEndSession") is True:
        expect["ends"] = True
    return expect


def _fragment(text: str) -> str:
    """A few words of one sentence: the last question if there is one, else the first sentence."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    questions = [s for s in sentences if s.endswith("?")]
    sentence = questions[-1] if questions else (sentences[0] if sentences else "")
    words = sentence.split()
    return " ".join(words[:FRAGMENT_WORDS])


def _emergency_opening(speech: str, locale: str) -> str:
    """The emergency sentence the speech opens with ("" if none), as the script checker reads it."""
    import content

    c = content.load(locale)
    templates = c.emergency.templates
    digits = c.terms.emergency_number
    low = speech.lower()
    for sentences in (templates.dvt_see_today, templates.call_now):
        first = plain_words(sentences[0].replace("{emergency_number}", digits))
        if first and low.startswith(first.lower()):
            return speech[: len(first)]
    return ""
