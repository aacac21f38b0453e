"""Simulated conversations build real envelopes, run through the real skill, and stay bounded."""

from __future__ import annotations

from alexa_standin import StandIn
from simulator.engine import API_ACCESS_TOKEN, Simulator
from simulator.nlu import resolve
from simulator.session import SessionStore, SimulatorSession, is_conversation_id
from tests.support.envelopes import TEST_SKILL_ID as SKILL_ID


def test_a_launch_opens_a_new_session_with_the_configured_skill_id_and_the_stand_in(
    simulator: Simulator, standin: StandIn
) -> None:
    session = simulator.store.create("en-GB")
    turn = simulator.turn(session, "open knee helper")
    envelope = turn.request
    assert envelope["version"] == "1.0"
    assert envelope["session"]["new"] is True
    assert envelope["session"]["attributes"] == {}
    assert envelope["request"]["type"] == "LaunchRequest"
    assert envelope["request"]["locale"] == "en-GB"
    assert envelope["request"]["timestamp"].endswith("Z")
    system = envelope["context"]["System"]
    assert system["application"]["applicationId"] == SKILL_ID
    assert system["apiEndpoint"] == standin.url
    assert system["apiAccessToken"] == API_ACCESS_TOKEN
    assert "knee helper" in turn.speech.lower()


def test_session_attributes_are_carried_from_each_response_into_the_next_request(
    simulator: Simulator,
) -> None:
    session = simulator.store.create("en-US")
    first = simulator.turn(session, "why does the back of my knee hurt")
    assert first.state["mode"] == "offer_interview"  # answered, then "shall I ask a few questions?"
    second = simulator.turn(session, "no")
    assert second.request["session"]["new"] is False
    assert second.request["session"]["sessionId"] == first.request["session"]["sessionId"]
    assert second.request["session"]["attributes"] == first.session_attributes
    assert second.request["request"]["intent"]["name"] == "AMAZON.NoIntent"


def test_stop_ends_the_session_and_the_next_turn_opens_a_new_one(simulator: Simulator) -> None:
    session = simulator.store.create("en-US")
    first = simulator.turn(session, "open knee helper")
    stop = simulator.turn(session, "stop")
    assert stop.ends_session
    again = simulator.turn(session, "open knee helper")
    assert again.request["session"]["new"] is True
    assert again.request["session"]["sessionId"] != first.request["session"]["sessionId"]


def test_icing_starts_a_timer_on_the_stand_in_and_says_what_alexa_would_do(simulator: Simulator) -> None:
    session = simulator.store.create("en-US")
    simulator.turn(session, "open knee helper")
    asked = simulator.turn(session, "i am icing my knee now")
    assert asked.resolution.intent == "IcingIntent"
    assert "short of breath" in asked.speech.lower() and not asked.services  # the safety question first
    turn = simulator.turn(session, "no")
    assert turn.resolution.intent == "AMAZON.NoIntent"
    assert any("Timer" in line and "20 minutes" in line for line in turn.services), turn.services
    assert turn.to_json()["services"] == list(turn.services)


def test_the_clot_answers_bring_the_emergency_guidance_first(simulator: Simulator) -> None:
    session = simulator.store.create("en-US")
    simulator.turn(session, "why does the back of my knee hurt")
    turn = simulator.turn(session, "yes")  # "shall I ask a few questions?"
    yes = {"pain_calf", "swelling_calf", "warmth", "one_leg", "skin_changes"}  # v2's clot-signs screen
    for _ in range(40):
        question = turn.state.get("question")
        turn = simulator.turn(session, "fifty" if question == "age" else "yes" if question in yes else "no")
        if turn.emergency_kind is not None:
            break
    data = turn.to_json()
    assert data["emergency"]["active"] is True
    assert data["emergency"]["text"]
    assert data["speech"]["plain"].startswith(data["emergency"]["text"])
    assert "911" in data["emergency"]["text"]


def test_start_over_forgets_the_conversation_but_keeps_the_user() -> None:
    session = SimulatorSession("a" * 24, locale="en-US")
    session.attributes = {"kh": {"mode": "interview"}}
    session.new = False
    user = session.user_id
    old_session_id = session.session_id
    session.start_over("en-AU")
    assert session.attributes == {} and session.new and session.locale == "en-AU"
    assert session.user_id == user and session.session_id != old_session_id


def test_the_envelope_carries_slots_as_alexa_sends_them() -> None:
    session = SimulatorSession("b" * 24, locale="en-US")
    envelope = session.envelope(
        resolve("tell me about bakers sist", "en-US"),
        skill_id=SKILL_ID,
        api_endpoint="http://127.0.0.1:1",
        api_access_token="t",
    )
    slot = envelope["request"]["intent"]["slots"]["cause"]
    assert slot["value"] == "bakers sist"
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == "bakers_cyst"


def test_the_store_holds_at_most_its_limit_and_drops_the_least_recently_used() -> None:
    store = SessionStore(max_sessions=3)
    sessions = [store.create("en-US") for _ in range(3)]
    assert store.get(sessions[0].conversation_id) is sessions[0]  # now the most recent
    store.create("en-US")
    assert len(store) == 3
    assert store.get(sessions[1].conversation_id) is None
    assert store.get(sessions[0].conversation_id) is sessions[0]


def test_the_store_forgets_idle_conversations() -> None:
    now = [1000.0]
    store = SessionStore(max_idle_seconds=60, clock=lambda: now[0])
    old = store.create("en-US")
    now[0] += 30
    fresh = store.create("en-US")
    now[0] += 45
    assert store.get(old.conversation_id) is None
    assert store.get(fresh.conversation_id) is fresh
    assert len(store) == 1


def test_conversation_ids_are_random_and_malformed_ones_are_refused() -> None:
    store = SessionStore()
    a, b = store.create("en-US"), store.create("en-US")
    assert a.conversation_id != b.conversation_id
    assert is_conversation_id(a.conversation_id)
    for bad in (None, "", "short", "../../etc/passwd-xxxxxxxxxxxx", 42):
        assert not is_conversation_id(bad)
        assert store.get(bad) is None  # type: ignore[arg-type]
