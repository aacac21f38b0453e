"""Tests never leave the machine (issue 16 item 8): pytest-socket, configured in tests/conftest.py,
lets a test's sockets connect to loopback only, so a test that would reach Amazon fails at once
instead of trying."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError

from kneeskill.api_client import LoopbackAwareApiClient


@pytest.mark.parametrize("address", [("192.0.2.1", 443), ("52.94.236.248", 443), ("2001:db8::1", 443)])
def test_a_connection_off_the_machine_is_blocked(address: tuple[str, int]) -> None:
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(3)
        with pytest.raises(SocketConnectBlockedError):
            sock.connect(address)


def test_the_alexa_api_client_cannot_reach_amazon_from_a_test() -> None:
    from ask_sdk_model.services.api_client_request import ApiClientRequest

    request = ApiClientRequest(method="GET", url="https://52.94.236.248/v1/alerts/timers")
    with pytest.raises(SocketConnectBlockedError):
        LoopbackAwareApiClient(timeout=3).invoke(request)


def test_loopback_is_still_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=3):
            pass
