"""The session state's two readers agree: whatever arrives in the session attributes, the typed
reader (``SessionState.decode``, one msgspec pass over the string the skill wrote) gives exactly
what the tolerant reader (``SessionState.from_json``) gives, and the state the skill writes is read
back as it was written."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogue.acts import Act
from dialogue.icing_state import IcingState
from dialogue.state import EmergencyKind, Mode, Said, SaidKind, SessionState, Undo
from triage.facts import Facts
from triage.vocabulary import Answer, Finding

#: Strings at and around every bound the state declares (ids 63, timer ids 80, titles 199, texts
#: 9,000 characters), the enums' own values, and text JSON escapes or cannot carry as UTF-8.
EDGE_STRINGS: tuple[str, ...] = (
    "",
    *("x" * n for n in (63, 64, 80, 81, 199, 200, 9000, 9001)),
    "caf\u00e9 \u2019 \U0001f9b5",
    "lone \ud800 surrogate",
    '\x00\n\t"\\',
    # one value of each enum: right for its own fields, wrong for every other
    Mode.PRICE.value,
    SaidKind.WORDS.value,
    EmergencyKind.PE.value,
    Act.YES.value,
    Finding.PE_SIGNS.value,
    Answer.PRESENT.value,
)
#: Integers at and around every bound (priorities 1-4, steps 4, misses 10, lists 40, pages 50,
#: minutes 60, counts 100, ages 130) and past what JSON numbers in C can hold.
EDGE_INTS: tuple[int, ...] = (
    -1,
    0,
    1,
    2,
    3,
    4,
    5,
    10,
    11,
    40,
    41,
    49,
    50,
    51,
    60,
    61,
    100,
    101,
    130,
    131,
    2**63,
    2**64,
)
EDGE_TEXT = st.sampled_from(EDGE_STRINGS)
text = st.one_of(st.text(max_size=30), EDGE_TEXT)
ids = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["x" * 63, "pe_signs", "cause:bakers_cyst"]))
EDGE_INT = st.sampled_from(EDGE_INTS)

facts = st.builds(
    Facts,
    st.dictionaries(st.sampled_from(Finding), st.sampled_from(Answer), max_size=8),
    st.one_of(st.none(), st.integers(0, 130)),
    st.booleans(),
    st.frozensets(st.sampled_from(Finding), max_size=3),
)
said = st.builds(
    Said,
    kind=st.sampled_from(SaidKind),
    act=st.one_of(st.none(), st.sampled_from(Act)),
    topic=ids,
    page=st.integers(0, 50),
    question=ids,
    variant=st.sampled_from(["", "detail", "intro", "offer"]),
    full=st.booleans(),
    words=st.lists(st.tuples(st.integers(1, 4), text), max_size=3).map(tuple),
    reprompt=text,
    title=st.text(max_size=30),
    end=st.booleans(),
)
icing = st.builds(
    IcingState,
    screened=st.booleans(),
    unsure=st.integers(0, 1),
    timer_ids=st.lists(st.text(min_size=1, max_size=80), max_size=2).map(tuple),
    last_start=st.one_of(st.none(), st.integers(1, 2**40)),
    walkthrough=st.booleans(),
)
undo = st.builds(
    Undo,
    facts=facts,
    question=ids,
    asked=st.integers(0, 100),
    mode=st.sampled_from(Mode),
    emergency=st.one_of(st.none(), st.sampled_from(EmergencyKind)),
)
states = st.builds(
    SessionState,
    mode=st.sampled_from(Mode),
    facts=facts,
    question=ids,
    asked=st.integers(0, 100),
    promised=st.integers(0, 100),
    misses=st.integers(0, 10),
    emergency=st.one_of(st.none(), st.sampled_from(EmergencyKind)),
    topic=ids,
    page=st.integers(0, 50),
    price_step=st.integers(0, 4),
    more=st.lists(text, max_size=4).map(tuple),
    said=said,
    offered_timer_minutes=st.integers(0, 60),
    icing=icing,
    undo=st.lists(undo, max_size=3).map(tuple),
    guess=ids,
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        EDGE_INT,
        st.integers(),
        st.floats(),
        text,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), EDGE_TEXT), inner, max_size=4),
    ),
    max_leaves=6,
)


def both_readers(value: object) -> tuple[SessionState, SessionState]:
    return SessionState.decode(value), SessionState.from_json(value)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value (object keys and array indexes), the value itself first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found.extend(paths(inner, (*prefix, key)))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found.extend(paths(inner, (*prefix, i)))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: object) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = replaced(value[head], rest, new)
    return copy


@settings(max_examples=60)
@given(states)
def test_a_state_the_skill_wrote_is_read_the_same_by_both_readers(state: SessionState) -> None:
    encoded = state.encode()
    fast, tolerant = both_readers(encoded)
    assert fast == tolerant
    # What a state remembers within its bounds comes back as it was written; only the derived
    # parts change (the emergency marker from the facts, an empty WORDS memory).
    assert fast.facts == state.facts and fast.undo == state.undo and fast.icing == state.icing
    assert fast.mode is state.mode and fast.question == state.question and fast.guess == state.guess


@settings(max_examples=120)
@given(states, st.data())
def test_a_damaged_or_hostile_state_is_read_the_same_by_both_readers(
    state: SessionState, data: st.DataObject
) -> None:
    document = json.loads(state.encode())
    path = data.draw(st.sampled_from(paths(document)))
    change = data.draw(st.sampled_from(["replace", "drop", "add"]))
    if change == "replace":
        document = replaced(document, path, data.draw(json_values))
    elif change == "drop" and path:
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
    else:
        target = document
        for step in path:
            target = target[step]
        if isinstance(target, dict):
            target[data.draw(st.one_of(st.text(max_size=8), EDGE_TEXT))] = data.draw(json_values)
        elif isinstance(target, list):
            target.append(data.draw(json_values))
    attribute = json.dumps(document)
    fast, tolerant = both_readers(attribute)
    assert fast == tolerant


def test_a_repeated_key_means_its_last_value_to_both_readers() -> None:
    encoded = SessionState(mode=Mode.PRICE, price_step=2).encode()
    attribute = encoded.replace('{"v":1,', '{"v":1,"mode":"interview","price_step":4,', 1)
    fast, tolerant = both_readers(attribute)
    assert fast == tolerant
    assert fast.mode is Mode.PRICE and fast.price_step == 2


def test_a_string_from_a_session_begun_before_the_typed_reader_is_read_as_before() -> None:
    # Exactly what the skill wrote before (json.dumps of its own dicts), mid-interview.
    written_before = (
        '{"v":1,"mode":"interview","facts":{"answers":{"pe_signs":"absent"},"age":null,"age_asked":false,'
        '"inferred":["mech_overuse"]},"question":"faint","asked":2,"promised":0,"misses":0,"emergency":null,'
        '"topic":null,"page":0,"price_step":0,"more":["Say \\u201cmore\\u201d."],"said":{"kind":"question",'
        '"act":"no","question":"faint"},"timer_minutes":0,"icing":{"screened":false,"unsure":0,"timers":[],'
        '"last":null,"walk":false},"undo":[{"facts":{"answers":{},"age":null,"age_asked":false,"inferred":[]},'
        '"question":"pe_signs","asked":1,"mode":"interview","emergency":null}],"guess":null}'
    )
    fast, tolerant = both_readers(written_before)
    assert fast == tolerant
    assert fast.facts.answers == {Finding.PE_SIGNS: Answer.ABSENT}
    assert fast.facts.inferred == frozenset({Finding.MECH_OVERUSE})
    assert fast.question == "faint" and fast.asked == 2 and fast.more == ("Say \u201cmore\u201d.",)
    assert fast.undo[0].question == "pe_signs"


def test_a_state_holding_a_lone_surrogate_is_still_written_and_read() -> None:
    state = SessionState(more=("lone \ud800 surrogate",))
    fast, tolerant = both_readers(state.encode())
    assert fast == tolerant
    assert fast.more == state.more


def test_facts_that_call_for_guidance_bring_the_marker_back_to_both_readers() -> None:
    clot = (
        Facts()
        .with_answer(Finding.SWELLING_CALF, Answer.PRESENT)
        .with_answer(Finding.ONE_LEG, Answer.PRESENT)
    )
    document = json.loads(SessionState(facts=clot).encode())
    document["emergency"] = None  # the marker lost or removed: the facts still call for guidance
    fast, tolerant = both_readers(json.dumps(document))
    assert fast == tolerant
    assert fast.emergency is not None


#: Every kind of value a field can be given in place of its own, and every bound's edges.
EDGE_VALUES: tuple[object, ...] = (
    None,
    True,
    False,
    1.0,
    float("nan"),
    [],
    {},
    [None],
    {"x": 1},
    *EDGE_INTS,
    *EDGE_STRINGS,
    [Finding.PE_SIGNS.value, "no_such_finding"],
    ["x" * 9001],
    [[1, "a"], [5, "b"]],
    [[1, "a", 3]],
    ["a"] * 41,
)


#: One value of every JSON kind (a wrong type for most fields).
OTHER_KINDS: tuple[object, ...] = (None, True, 0, 1.0, "", [], {}, [None], {"x": 1})


def a_state_with_every_part_filled() -> SessionState:
    facts = (
        Facts().with_answer(Finding.PE_SIGNS, Answer.ABSENT).with_age(44).with_inferred(Finding.MECH_OVERUSE)
    )
    return SessionState(
        mode=Mode.INTERVIEW,
        facts=facts,
        question="faint",
        asked=3,
        promised=2,
        misses=1,
        emergency=EmergencyKind.DVT,
        topic="cause:bakers_cyst",
        page=1,
        price_step=2,
        more=("One.", "Two."),
        said=Said(
            SaidKind.WORDS,
            act=Act.NO,
            words=((2, "Words."), (3, "More words.")),
            reprompt="Again?",
            title="T",
        ),
        offered_timer_minutes=20,
        icing=IcingState(
            screened=True, unsure=1, timer_ids=("a", "b"), last_start=1_700_000_000, walkthrough=True
        ),
        undo=(
            Undo(facts, "pe_signs", 2, Mode.INTERVIEW, None),
            Undo(Facts(), None, 0, Mode.IDLE, EmergencyKind.PE),
        ),
        guess="finding:tight_calf",
        someone_else=True,
    )


def test_every_field_given_every_edge_value_is_read_the_same_by_both_readers() -> None:
    document = json.loads(a_state_with_every_part_filled().encode())
    differ = []
    for path in paths(document):
        here: Any = document
        for step in path:
            here = here[step]
        # a list also at every length a bound can cut (its own first item repeated)
        longer = [here[:1] * n for n in (2, 3, 4, 40, 41)] if isinstance(here, list) and here else []
        # Every edge of its own kind (a string's lengths, an integer's range) where the field holds
        # that kind or nothing; elsewhere one value of each other kind says "wrong type" as well.
        edges = (
            EDGE_VALUES
            if here is None
            else (*OTHER_KINDS, *(v for v in EDGE_VALUES if type(v) is type(here) or v is None))
        )
        for value in (*edges, *longer):
            attribute = json.dumps(replaced(document, path, value))
            fast, tolerant = both_readers(attribute)
            if fast != tolerant:
                shown = f"{len(value)} characters" if isinstance(value, str) and len(value) > 20 else value
                differ.append((path, shown))
    assert differ == []
