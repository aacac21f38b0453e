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
    handlers: list[Any] = [
        LaunchHandler(runtime),
        SessionEndedHandler(),
        IcingHandler(runtime),
        IcingStatusHandler(runtime),
        PermissionResponseHandler(runtime),
        DeleteDataHandler(runtime),
    ]
    handlers.append(IntentActHandler(runtime))
    handlers.extend([UnknownIntentHandler(runtime), OtherRequestHandler()])
    return handlers


def exception_handlers() -> list[Any]:
    return [CatchAllExceptionHandler()]
