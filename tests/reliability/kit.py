"""Shared pieces of the reliability tests: hostile envelopes (hypothesis) and response checks."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

from hypothesis import strategies as st

import content
from dialogue.modes import state_data
from simulator.nlu import EMERGENCY_INTENTS
from tests.support.envelopes import TEST_SKILL_ID, Session, speech_of
from tests.support.scripts import emergency_opening, plain

SPEECH_LIMIT = 8000
KNOWN_INTENTS = (
    "KneePainIntent", "SymptomIntent", "AgeIntent", "ExplainCauseIntent", "DiagnosticTestIntent",
    "PainReliefIntent", "PriceStepIntent", "IcingIntent", "IcingStatusIntent", "DeleteDataIntent",
    *sorted(EMERGENCY_INTENTS), "ListCausesIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
    "AMAZON.RepeatIntent",
    "SlowerIntent", "MoreIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.HelpIntent",
    "AMAZON.StopIntent", "AMAZON.StartOverIntent", "AMAZON.ResumeIntent", "AMAZON.FallbackIntent",
    "DontKnowIntent", "PriceIntent", "WhyAskingIntent", "WhyThinkIntent",
)  # fmt: skip
SLOT_NAMES = (
    "symptom",
    "bodyPlace",
    "activity",
    "answer",
    "age",
    "minutes",
    "cause",
    "test",
    "medicine",
    "priceStep",
)
SLOT_IDS = (
    "pain_calf",
    "swelling_calf",
    "bakers_cyst",
    "hamstring",
    "ultrasound",
    "ibuprofen",
    "ice",
    "yes",
    "no",
)
METACHARACTERS = (
    "<",
    ">",
    "&",
    "'",
    '"',
    "]]>",
    "<speak>",
    "</speak>",
    "<!--",
    "&amp;",
    "\x00",
    "\ud800",
    "\ufffe",
)

# --- hostile values ---------------------------------------------------------------------------------

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(METACHARACTERS),
    st.builds(lambda c, n: c * n, st.sampled_from(("x", "<", "&", "💥", " ")), st.integers(1000, 20_000)),
    st.sampled_from(("", " ", "42", "-1", "99999999999999999999", "1e9", "NaN", "en-US", "dvt", "pe")),
)
json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), hostile_text
)
hostile_json = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(("kh", "mode", "last", "ssml", "x")) | st.text(max_size=8), inner, max_size=4
        ),
    ),
    max_leaves=12,
)


def deep(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"d": [value]}
    return value


def slot_entry(name: str, draw: st.DrawFn) -> Any:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return {"name": name, "value": draw(hostile_text), "confirmationStatus": "NONE"}
    if kind == 1:  # resolved, possibly to an id the skill does not know
        value_id = draw(st.sampled_from(SLOT_IDS) | hostile_text)
        return {
            "name": name,
            "value": draw(hostile_text),
            "resolutions": {
                "resolutionsPerAuthority": [
                    {
                        "authority": "amzn1.er-authority.echo-sdk.x",
                        "status": {
                            "code": draw(
                                st.sampled_from(
                                    ("ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT", "BOGUS")
                                )
                            )
                        },
                        "values": [{"value": {"name": draw(hostile_text), "id": value_id}}],
                    }
                ]
            },
        }
    if kind == 2:  # empty
        return {"name": name, "confirmationStatus": "NONE"}
    return draw(hostile_json)


def kh_attributes(draw: st.DrawFn) -> Any:
    """Session attributes: none, a damaged "kh", or a valid emergency "kh" with hostile parts."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return {}
    if kind == 1:
        return {"kh": draw(hostile_json)}
    if kind == 2:
        return draw(hostile_json)
    state: dict[str, Any] = {
        "v": 1,
        "mode": draw(
            st.sampled_from(
                (
                    "idle",
                    "interview",
                    "result",
                    "explainer",
                    "price",
                    "icing",
                    "offer_reminder",
                    "confirm_delete",
                )
            )
            | hostile_text
        ),
        "question": draw(st.sampled_from(("age", "pain_calf", None)) | hostile_text),
        "asked": draw(json_leaf),
        "facts": draw(hostile_json),
        "more": draw(st.lists(hostile_text, max_size=3)),
        "page": draw(json_leaf),
        "topic": draw(st.sampled_from(("cause:bakers_cyst", None)) | hostile_text),
        "last": {
            "ssml": draw(hostile_text | st.just("<speak>fine</speak>")),
            "reprompt": draw(hostile_text),
            "card_text": draw(hostile_text),
            "end": draw(json_leaf),
        },
    }
    if kind >= 3:
        state["emergency"] = draw(st.sampled_from(("dvt", "pe")))
    return {"kh": state, **({"other": draw(hostile_json)} if kind == 5 else {})}


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A real Alexa envelope with hostile contents."""
    session = Session(locale=draw(st.sampled_from((*content.SUPPORTED_LOCALES, "fr-FR", "de", "", "xx-XX"))))
    kind = draw(st.sampled_from(("intent", "intent", "intent", "launch", "ended", "connections", "other")))
    if kind == "launch":
        envelope = session.launch()
    elif kind == "ended":
        envelope = session.session_ended(
            draw(st.sampled_from(("USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS", "x")))
        )
    elif kind == "connections":
        envelope = session.envelope(
            {
                "type": "Connections.Response",
                "name": "AskFor",
                "status": {"code": "200"},
                "token": draw(st.sampled_from(("ice-timer", "ice-reminder")) | hostile_text),
                "payload": {"status": draw(st.sampled_from(("ACCEPTED", "DENIED")) | hostile_text)},
            }
        )
    elif kind == "other":
        envelope = session.envelope(
            {
                "type": draw(
                    st.sampled_from(
                        ("AlexaSkillEvent.SkillEnabled", "Messaging.MessageReceived", "Bogus.Request")
                    )
                    | st.text(max_size=20)
                )
            }
        )
    else:
        name = draw(st.sampled_from(KNOWN_INTENTS) | st.text(min_size=1, max_size=30))
        names = draw(st.lists(st.sampled_from(SLOT_NAMES) | st.text(max_size=10), max_size=4, unique=True))
        envelope = session.envelope(
            {
                "type": "IntentRequest",
                "dialogState": draw(st.sampled_from(("STARTED", "IN_PROGRESS", "COMPLETED", "BOGUS"))),
                "intent": {
                    "name": name,
                    "confirmationStatus": "NONE",
                    "slots": {n: slot_entry(n, draw) for n in names},
                },
            }
        )
    envelope["session"]["new"] = draw(st.booleans())
    envelope["session"]["attributes"] = kh_attributes(draw)
    mutation = draw(st.integers(0, 14))
    if mutation == 0:
        del envelope["session"]
    elif mutation == 1:
        del envelope["context"]
    elif mutation == 2:  # stale or future timestamps
        shift = draw(st.sampled_from((-(10**6), -151, -149, 149, 151, 10**6)))
        envelope["request"]["timestamp"] = (datetime.now(UTC) + timedelta(seconds=shift)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    elif mutation == 3:  # wrong types at a random place
        path = draw(
            st.sampled_from(
                (
                    ("request", "locale"),
                    ("request", "timestamp"),
                    ("request", "intent"),
                    ("session", "attributes"),
                    ("session", "user"),
                    ("context", "System"),
                    ("session", "new"),
                    ("request", "type"),
                    ("version",),
                    ("request", "intent", "slots"),
                )
            )
        )
        _put(envelope, path, draw(hostile_json))
    elif mutation == 4:
        envelope["session"]["attributes"] = {
            "kh": {"emergency": "pe", "facts": deep(draw(st.integers(10, 400)))}
        }
    elif mutation == 5:
        envelope["context"]["System"]["application"]["applicationId"] = draw(
            st.sampled_from(("amzn1.ask.skill.other", ""))
        )
    elif mutation == 6:
        envelope["request"]["locale"] = draw(hostile_text)
    return envelope


def _put(envelope: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target: Any = envelope
    for key in path[:-1]:
        if not isinstance(target, dict) or not isinstance(target.get(key), dict):
            return
        target = target[key]
    if isinstance(target, dict):
        target[path[-1]] = value


garbage_bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    hostile_json.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(
        (b"", b"{", b"null", b"[]", b'{"version": "1.0"}', b"\xff\xfe", b'{"request": {"type": 1}}')
    ),
)

# --- checks -----------------------------------------------------------------------------------------


def expected_emergency(envelope: dict[str, Any]) -> bool:
    """A valid "kh" with a suspected DVT or PE in a session: the guidance must come first."""
    session = envelope.get("session")
    attributes = session.get("attributes") if isinstance(session, dict) else None
    kh = state_data(attributes.get("kh")) if isinstance(attributes, dict) else None
    return kh is not None and kh.get("emergency") in ("dvt", "pe")


def ssml_problem(ssml: object, what: str) -> str | None:
    if not isinstance(ssml, str):
        return f"{what} is not a string"
    if len(ssml) >= SPEECH_LIMIT:
        return f"{what} is {len(ssml)} characters"
    try:
        root = ElementTree.fromstring(ssml)
    except ElementTree.ParseError as error:
        return f"{what} is not XML: {error}"
    if root.tag != "speak":
        return f"{what} root is <{root.tag}>"
    return None


def response_problem(envelope: dict[str, Any], answer: object) -> str | None:
    """Why ``answer`` is not a well-formed, safe Alexa response to ``envelope`` (None when it is)."""
    if (
        not isinstance(answer, dict)
        or answer.get("version") != "1.0"
        or not isinstance(answer.get("response"), dict)
    ):
        return "not an Alexa response"
    response = answer["response"]
    speech = response.get("outputSpeech")
    if speech is not None:
        problem = ssml_problem(speech.get("ssml"), "outputSpeech")
        if problem:
            return problem
    reprompt = (response.get("reprompt") or {}).get("outputSpeech")
    if reprompt is not None:
        problem = ssml_problem(reprompt.get("ssml"), "reprompt")
        if problem:
            return problem
    if len(json.dumps(answer)) >= 24 * 1024:
        return "response over 24 KB"
    if expected_emergency(envelope) and speech is not None:
        request = envelope.get("request")
        locale = request.get("locale") if isinstance(request, dict) else None
        resolved = content.load(locale if isinstance(locale, str) else None).locale
        heard = plain(speech_of(answer)).lower()
        if not any(heard.startswith(opening.lower()) for opening in emergency_opening(resolved)):
            return "emergency guidance is not first"
    return None


def is_intent(envelope: dict[str, Any]) -> bool:
    request = envelope.get("request")
    return isinstance(request, dict) and request.get("type") == "IntentRequest"


def wrong_skill(envelope: dict[str, Any]) -> bool:
    try:
        return bool(envelope["context"]["System"]["application"]["applicationId"] != TEST_SKILL_ID)
    except (KeyError, TypeError):
        return True


class TimedTurns:
    """Sends one turn, checks it is a well-formed, spoken answer inside ``limit`` seconds, returns
    what was said (lower case); keeps the slowest answer and the number of turns for the report."""

    def __init__(self, send: Callable[[dict[str, Any]], dict[str, Any]], limit: float) -> None:
        self.send = send
        self.limit = limit
        self.slowest = 0.0
        self.turns = 0

    def __call__(self, session: Session, envelope: dict[str, Any]) -> str:
        started = time.perf_counter()
        answer = self.send(envelope)
        took = time.perf_counter() - started
        self.slowest = max(self.slowest, took)
        self.turns += 1
        session.absorb(answer)
        assert took < self.limit, f"answered after {took:.1f} s"
        problem = response_problem(envelope, answer)
        assert problem is None, problem
        said = plain(speech_of(answer)).lower()
        assert said, "no spoken answer"
        return said

    def record(self, row: str) -> None:
        """One row of the stress report: cases, no failures, the slowest answer as its p99."""
        from stress import report

        report.record(row, {"cases": self.turns, "failures": 0, "p99_ms": round(self.slowest * 1000)})
