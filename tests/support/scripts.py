"""Conversation scripts as data: load a YAML script and play it against a transport.

A script is a list of turns. Each turn sends one request and checks the reply::

    - launch: {}
      expect: {says: ["knee helper"], ends: false}
    - intent: ExplainCauseIntent
      slots: {cause: bakers_cyst}
      expect: {says: ["fluid"], emergency_first: false}
    - interview: {yes_to: [pain_calf, swelling_calf], age: 45}   # answers every question until the result
      expect: {emergency_first: true}
    - interview: {until: age}   # ... or until the skill asks that question (the next turn answers it)
    - interview: {never_asked: [age]}   # ... and fail if it asks any of these

Expectations compare against the plain words of the speech (tags stripped, entities unescaped),
case-insensitively. ``{emergency_number}`` in an expectation becomes the locale's digits.

A script with ``alexa_standin: true`` plays against the loopback stand-in for the Alexa APIs
(``alexa_standin``; ``tests/skill/test_icing_scripts.py``) and may use its state::

    - standin: {require_permission: true}   # or {advance_minutes: 5}, {fail: {path: ..., status: 503}}
      expect: {announced: ["check your skin under the ice"]}
    - new_session: {}                        # the user comes back later (same user, fresh session)
    - intent: IcingIntent
      expect: {timers: [{minutes: 5, says: "check your skin"}, {minutes: 20, says: "ice off"}],
               asks_permission: false}
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import content
from content import yaml_source
from dialogue.modes import state_data
from tests.support.envelopes import Session, card_of, reprompt_of, speech_of
from tests.support.transports import Transport

if TYPE_CHECKING:
    from alexa_standin import StandIn

SCRIPTS_DIR = Path(__file__).resolve().parent.parent / "golden" / "conversations"
_TAG = re.compile(r"<[^>]+>")
MAX_INTERVIEW_TURNS = 40


def plain(ssml: str) -> str:
    """What a listener hears, as text: tags removed, entities decoded, spaces collapsed."""
    text = html.unescape(_TAG.sub(" ", ssml))
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Script:
    name: str
    path: Path
    locales: list[str]
    turns: list[dict[str, Any]]
    persistence: bool = False
    tags: list[str] = field(default_factory=list)
    standin: bool = False  # plays against the Alexa API stand-in (tests/skill/test_icing_scripts.py)


def load_scripts(*, standin: bool = False) -> list[Script]:
    """The scripts that need the Alexa API stand-in (``standin``) or the ones that don't."""
    scripts = []
    for path in sorted(SCRIPTS_DIR.glob("*.yaml")):
        data = yaml_source.load(path.read_text(encoding="utf-8"))
        if bool(data.get("alexa_standin", False)) is not standin:
            continue
        locales = data.get("locales") or list(content.SUPPORTED_LOCALES)
        scripts.append(
            Script(
                name=data["name"],
                path=path,
                locales=locales,
                turns=data["turns"],
                persistence=bool(data.get("persistence", False)),
                tags=list(data.get("tags", [])),
                standin=standin,
            )
        )
    return scripts


def emergency_opening(locale: str) -> list[str]:
    """The first sentence of each kind and form of emergency guidance, with the numbers as digits:
    a possible clot first, then phone now, then go to the emergency department."""
    from dialogue.presenter import guidance_openings

    c = content.load(locale)
    firsts = [plain(g.full[0].text()) for g in guidance_openings(c)]
    return list(dict.fromkeys(firsts))


class ScriptFailure(AssertionError):
    pass


def play(
    script: Script,
    locale: str,
    send: Transport,
    session: Session | None = None,
    standin: StandIn | None = None,
) -> list[dict[str, Any]]:
    """Play every turn of a script; raise ScriptFailure naming the turn that did not match."""
    if session is None:
        session = Session(locale=locale, api_endpoint=standin.url) if standin else Session(locale=locale)
    responses: list[dict[str, Any]] = []
    for number, turn in enumerate(script.turns, 1):
        where = f"{script.path.name} [{locale}] turn {number}"
        if "standin" in turn or "new_session" in turn:
            if "new_session" in turn:
                session.reset()
            else:
                _drive_standin(turn["standin"] or {}, standin, where)
            _check_standin(turn.get("expect") or {}, standin, where)
            continue
        if "interview" in turn:
            response = _interview(turn["interview"], session, send, where)
        else:
            response = send(_request(turn, session))
            session.absorb(response)
        _check(turn.get("expect") or {}, response, locale, where)
        _check_again(turn.get("expect") or {}, response, responses, where)
        _check_standin(turn.get("expect") or {}, standin, where)
        responses.append(response)
    return responses


def _check_again(
    expect: dict[str, Any], response: dict[str, Any], earlier: list[dict[str, Any]], where: str
) -> None:
    """``same_as: N`` (the words heard, card and reprompt equal those of turn N, counted from 1
    among the turns that spoke) and ``slow`` (the whole speech at a slow rate, or not)."""
    if "same_as" in expect:
        other = earlier[int(expect["same_as"]) - 1]
        for part in (speech_of, card_of, reprompt_of):
            if plain(part(response)) != plain(part(other)):
                raise ScriptFailure(
                    f"{where}: {part.__name__} differs from turn {expect['same_as']}: "
                    f"{plain(part(response))!r} != {plain(part(other))!r}"
                )
    if "slow" in expect:
        root = ElementTree.fromstring(speech_of(response))
        slow = len(root) == 1 and root[0].tag == "prosody" and root[0].get("rate") == "slow"
        if slow != bool(expect["slow"]):
            raise ScriptFailure(f"{where}: slow={slow}, expected {expect['slow']}")


def _drive_standin(spec: dict[str, Any], standin: StandIn | None, where: str) -> None:
    if standin is None:
        raise ScriptFailure(f"{where}: this script needs the Alexa API stand-in (alexa_standin: true)")
    if "require_permission" in spec:
        standin.require_permission(bool(spec["require_permission"]))
    if "advance_minutes" in spec:
        standin.advance(float(spec["advance_minutes"]))
    if "fail" in spec:
        fail = spec["fail"]
        standin.script(
            fail["path"],
            status=fail.get("status"),
            delay=float(fail.get("delay", 0)),
            method=fail.get("method"),
        )


def _check_standin(expect: dict[str, Any], standin: StandIn | None, where: str) -> None:
    """Expectations on what Alexa holds: running timers and what timers have announced."""
    keys = {"timers", "announced", "no_timers"} & set(expect)
    if not keys:
        return
    if standin is None:
        raise ScriptFailure(f"{where}: {sorted(keys)} need the Alexa API stand-in")
    timers = standin.timers
    if expect.get("no_timers") and timers:
        raise ScriptFailure(f"{where}: expected no running timers, the stand-in holds {timers}")
    for wanted in expect.get("timers", []):
        minutes = wanted["minutes"]
        says = str(wanted.get("says", "")).lower()
        match = [
            t
            for t in timers
            if t.operation == "ANNOUNCE"
            and t.duration.total_seconds() == minutes * 60
            and any(says in text.lower() for _, text in t.announce)
        ]
        if not match:
            held = [(t.duration, t.operation, t.announce) for t in timers]
            raise ScriptFailure(f"{where}: no announce timer of {minutes} minutes saying {says!r}: {held}")
    spoken = [a.text.lower() for a in standin.announced]
    for text in expect.get("announced", []):
        if not any(text.lower() in said for said in spoken):
            raise ScriptFailure(f"{where}: nothing announced {text!r}; announced: {spoken}")


def _request(turn: dict[str, Any], session: Session) -> dict[str, Any]:
    if "launch" in turn:
        return session.launch()
    if "intent" in turn:
        return session.intent(turn["intent"], **(turn.get("slots") or {}))
    if "session_ended" in turn:
        return session.session_ended(turn.get("session_ended") or "USER_INITIATED")
    if "connections_response" in turn:
        spec = turn["connections_response"]
        return session.envelope(
            {
                "type": "Connections.Response",
                "name": "AskFor",
                "status": {"code": "200", "message": "OK"},
                "token": spec.get("token", ""),
                "payload": {"status": spec["status"]},
            }
        )
    raise ScriptFailure(f"unknown turn {turn!r}")


def _interview(spec: dict[str, Any], session: Session, send: Transport, where: str) -> dict[str, Any]:
    """Answer each question the skill asks: yes for the listed findings, the age if asked, else no;
    with ``until``, stop when the skill asks that question (its response is the step's); a question
    in ``never_asked`` fails the step when asked."""
    from triage.vocabulary import FINDING_GROUPS

    def with_groups(values: set[str]) -> set[str]:  # a grouped question covers its atoms
        return values | {g.value for g, atoms in FINDING_GROUPS.items() if values & {a.value for a in atoms}}

    yes = with_groups(set(spec.get("yes_to", [])))
    unknown = with_groups(set(spec.get("not_sure_to", []))) - yes
    age = spec.get("age")
    until = spec.get("until")
    never = set(spec.get("never_asked", []))
    response: dict[str, Any] | None = None
    for _ in range(MAX_INTERVIEW_TURNS):
        state = state_data(session.attributes.get("kh")) or {}
        if state.get("mode") == "offer_interview":  # "shall I ask a few questions?": yes
            response = send(session.intent("AMAZON.YesIntent"))
            session.absorb(response)
            state = state_data(session.attributes.get("kh")) or {}
        if state.get("mode") != "interview":
            raise ScriptFailure(f"{where}: not in an interview (mode {state.get('mode')!r})")
        question = state.get("question")
        if question in never:
            raise ScriptFailure(f"{where}: asked {question!r}, which was already told")
        if until is not None and question == until:
            if response is None:
                raise ScriptFailure(f"{where}: {until!r} was asked before this step answered anything")
            return response
        if question == "age":
            request = (
                session.intent("AgeIntent", age={"name": "age", "value": str(age)})
                if age is not None
                else session.intent("DontKnowIntent")
            )
        elif question in yes:
            request = session.intent("AMAZON.YesIntent")
        elif question in unknown:
            request = session.intent("DontKnowIntent")
        else:
            request = session.intent("AMAZON.NoIntent")
        response = send(request)
        session.absorb(response)
        if (state_data(session.attributes.get("kh")) or {}).get("mode") != "interview":
            if until is not None:
                raise ScriptFailure(f"{where}: the interview ended before it asked {until!r}")
            return response
    raise ScriptFailure(f"{where}: the interview did not finish in {MAX_INTERVIEW_TURNS} answers")


def _check(expect: dict[str, Any], response: dict[str, Any], locale: str, where: str) -> None:
    c = content.load(locale)
    speech = plain(speech_of(response))
    low = speech.lower()

    def fill(text: str) -> str:
        return text.replace("{emergency_number}", c.terms.emergency_number).lower()

    for fragment in expect.get("says", []):
        if fill(fragment) not in low:
            raise ScriptFailure(f"{where}: expected {fragment!r} in speech: {speech!r}")
    for fragment in expect.get("says_not", []):
        if fill(fragment) in low:
            raise ScriptFailure(f"{where}: did not expect {fragment!r} in speech: {speech!r}")
    if "emergency_first" in expect:
        openings = [o.lower() for o in emergency_opening(locale)]
        starts = any(low.startswith(o) for o in openings)
        if starts != bool(expect["emergency_first"]):
            raise ScriptFailure(
                f"{where}: emergency_first={expect['emergency_first']} but speech is {speech!r}"
            )
        if expect["emergency_first"]:
            if c.terms.emergency_number not in plain(card_of(response)):
                raise ScriptFailure(f"{where}: card lacks the emergency number")
            ends = response.get("response", {}).get("shouldEndSession") is True
            if not ends and c.terms.emergency_number not in plain(reprompt_of(response)):
                raise ScriptFailure(f"{where}: reprompt lacks the emergency number")
    if "ends" in expect:
        ends = response.get("response", {}).get("shouldEndSession") is True
        if ends != bool(expect["ends"]):
            raise ScriptFailure(f"{where}: ends={ends}, expected {expect['ends']}: {speech!r}")
    if "mode" in expect:
        mode = (state_data(response.get("sessionAttributes", {}).get("kh")) or {}).get("mode")
        if mode != expect["mode"]:
            raise ScriptFailure(f"{where}: mode {mode!r}, expected {expect['mode']!r}")
    if "asks_permission" in expect:
        directives = response.get("response", {}).get("directives") or []
        asks = any(
            d.get("type") == "Connections.SendRequest" and d.get("name") == "AskFor" for d in directives
        )
        if asks != bool(expect["asks_permission"]):
            raise ScriptFailure(f"{where}: asks_permission={asks}, expected {expect['asks_permission']}")
    _check_more(expect, response, speech, fill, where)
    if "no_speech" in expect and expect["no_speech"] and speech_of(response):
        raise ScriptFailure(f"{where}: expected no speech, got {speech!r}")


def _check_more(expect: dict[str, Any], response: dict[str, Any], speech: str, fill: Any, where: str) -> None:
    """``says_in_order`` (fragments in this order), ``max_words`` (the whole speech), ``reprompt``
    (false: none at all; or fragments the reprompt must say) and ``reprompt_says_not``."""
    low = speech.lower()
    position = 0
    for fragment in expect.get("says_in_order", []):
        found = low.find(fill(fragment), position)
        if found < 0:
            raise ScriptFailure(f"{where}: expected {fragment!r} (in order) in speech: {speech!r}")
        position = found + len(fill(fragment))
    # Words a listener hears: a full stop left alone after a number's tag is not a word.
    heard = [token for token in speech.split() if any(ch.isalnum() for ch in token)]
    if "max_words" in expect and len(heard) > int(expect["max_words"]):
        raise ScriptFailure(f"{where}: {len(heard)} words > {expect['max_words']}: {speech!r}")
    has_reprompt = bool(response.get("response", {}).get("reprompt"))
    said_again = plain(reprompt_of(response)).lower() if has_reprompt else ""
    if "reprompt" in expect:
        wanted = expect["reprompt"]
        if wanted is False and has_reprompt:
            raise ScriptFailure(f"{where}: expected no reprompt, got {said_again!r}")
        for fragment in wanted if isinstance(wanted, list) else []:
            if fill(fragment) not in said_again:
                raise ScriptFailure(f"{where}: expected {fragment!r} in reprompt: {said_again!r}")
    for fragment in expect.get("reprompt_says_not", []):
        if fill(fragment) in said_again:
            raise ScriptFailure(f"{where}: did not expect {fragment!r} in reprompt: {said_again!r}")
