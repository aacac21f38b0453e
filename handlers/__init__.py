"""ASK SDK request handlers for Knee Helper, in dispatch order."""

from __future__ import annotations

from typing import Any

from handlers.acts import IntentActHandler, LaunchHandler, UnknownIntentHandler
from handlers.errors import CatchAllExceptionHandler
from handlers.icing import (
    DeleteDataHandler,
    IcingHandler,
    IcingStatusHandler,
    PermissionResponseHandler,
)
from handlers.session import OtherRequestHandler, SessionEndedHandler
from kneeskill.runtime import Runtime
from kneeskill.settings import Settings


def request_handlers(settings: Settings, runtime: Runtime | None = None) -> list[Any]:
    """Every request handler, most specific first; the last ones catch whatever is left."""
    runtime = runtime or Runtime(settings)
    # The intents of IntentActHandler and of the icing handlers are disjoint, so the most common
    # requests (intents mapped to acts) are tried second, before the rarer request types.
    return [
        LaunchHandler(runtime),
        IntentActHandler(runtime),
        SessionEndedHandler(),
        IcingHandler(runtime),
        IcingStatusHandler(runtime),
        PermissionResponseHandler(runtime),
        DeleteDataHandler(runtime),
        UnknownIntentHandler(runtime),
        OtherRequestHandler(),
    ]


def exception_handlers() -> list[Any]:
    return [CatchAllExceptionHandler()]
