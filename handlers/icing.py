"""Icing, timers, reminders and "delete my data": thin handlers over ``handlers.icing_flows``.

Their ``can_handle`` is pure and cheap; the flows (and the Alexa service models they need) load on
the first such request, so a cold start does not pay for them.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from dialogue.modes import Mode
from kneeskill.runtime import Runtime
from kneeskill.state_attribute import state_data_of


class _FlowHandler(AbstractRequestHandler):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime


class IcingHandler(_FlowHandler):
    """ "I'm icing my knee now": safety guidance, a timer (asking permission if needed), and a record."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("IcingIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        from handlers.icing_flows import icing_now

        return icing_now(self.runtime, handler_input)


class IcingStatusHandler(_FlowHandler):
    """ "When can I ice again?" and "how many times have I iced today?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        # "how long is left" and "I've taken the ice off" are answered here until icing v2 reads the timer
        return any(
            is_intent_name(name)(handler_input)
            for name in ("IcingStatusIntent", "TimeLeftIntent", "IceDoneIntent")
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        from handlers.icing_flows import icing_status

        return icing_status(self.runtime, handler_input)


class ReminderYesHandler(_FlowHandler):
    """ "Yes" to "shall I remind you?": schedule the next icing reminder."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_intent_name("AMAZON.YesIntent")(handler_input):
            return False
        state = state_data_of(handler_input)
        return state is not None and state.get("mode") == Mode.OFFER_REMINDER.value

    def handle(self, handler_input: HandlerInput) -> Response:
        from handlers.icing_flows import schedule_next_reminder

        return schedule_next_reminder(self.runtime, handler_input)


class PermissionResponseHandler(_FlowHandler):
    """Alexa's answer after asking the user for timer or reminder permission."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("Connections.Response")(handler_input):
            return False
        return getattr(handler_input.request_envelope.request, "name", None) == "AskFor"

    def handle(self, handler_input: HandlerInput) -> Response:
        from handlers.icing_flows import permission_answer

        return permission_answer(self.runtime, handler_input)


class DeleteDataHandler(_FlowHandler):
    """ "Delete my data": remove every stored record of this user, then confirm."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("DeleteDataIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        from handlers.icing_flows import delete_data

        return delete_data(self.runtime, handler_input)
