"""A local stand-in for the Alexa service APIs, for tests and the offline simulator (loopback only)."""

from __future__ import annotations

from alexa_standin.server import (
    Announcement,
    RecordedRequest,
    StandIn,
    Timer,
    describe_request,
    parse_duration,
)

__all__ = ["Announcement", "RecordedRequest", "StandIn", "Timer", "describe_request", "parse_duration"]
