"""Each intent the skill knows has exactly one handler, so the order the handlers are tried in
(``handlers.request_handlers``: the common intents early) never changes which one answers."""

from __future__ import annotations

import json

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from handlers import request_handlers
from handlers.acts import INTENT_ACTS, UnknownIntentHandler
from handlers.icing import DeleteDataHandler, IcingHandler, IcingStatusHandler
from handlers.session import OtherRequestHandler
from kneeskill.settings import PersistenceKind, Settings
from tests.support.envelopes import Session

_CATCH_ALL = (UnknownIntentHandler, OtherRequestHandler)
_INTENTS = sorted(
    {*INTENT_ACTS, *IcingHandler.intents, *IcingStatusHandler.intents, *DeleteDataHandler.intents}
)


def _input(envelope: dict[str, object]) -> HandlerInput:
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    return HandlerInput(request_envelope=request, attributes_manager=AttributesManager(request))


@pytest.mark.parametrize("intent", _INTENTS)
def test_each_intent_has_exactly_one_handler_before_the_catch_alls(intent: str) -> None:
    handlers = request_handlers(Settings.from_env(default_persistence=PersistenceKind.NONE))
    handler_input = _input(Session().intent(intent))
    able = [
        type(h).__name__ for h in handlers if not isinstance(h, _CATCH_ALL) and h.can_handle(handler_input)
    ]
    assert len(able) == 1, able


@pytest.mark.parametrize("kind", ["launch", "session_ended"])
def test_other_requests_have_exactly_one_handler_before_the_catch_alls(kind: str) -> None:
    session = Session()
    envelope = session.launch() if kind == "launch" else session.session_ended()
    handlers = request_handlers(Settings.from_env(default_persistence=PersistenceKind.NONE))
    handler_input = _input(envelope)
    able = [
        type(h).__name__ for h in handlers if not isinstance(h, _CATCH_ALL) and h.can_handle(handler_input)
    ]
    assert len(able) == 1, able
