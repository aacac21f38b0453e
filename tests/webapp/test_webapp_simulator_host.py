"""The offline simulator answers requests for a loopback host name only (review defect 15): a
DNS-rebinding page (its name re-pointed at 127.0.0.1) in the developer's browser must not drive it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from kneeskill.settings import Settings
from webapp.dev import create_dev_app


@pytest.fixture(scope="module")
def app_client() -> FlaskClient:
    return create_dev_app(Settings(verify_signatures=False)).test_client()  # the app make run serves


@pytest.mark.parametrize(
    "host",
    [
        "rebind.attacker.example:5203",
        "rebind.attacker.example",
        "127.0.0.1.nip.io:5000",
        "localhost.attacker.example",
        "192.0.2.7:5000",
        "[2001:db8::1]:5000",
        "",
    ],
)
def test_a_foreign_host_name_is_refused(app_client: FlaskClient, host: str) -> None:
    for path in ("/simulator", "/simulator/api/locales"):
        reply = app_client.get(path, headers={"Host": host})
        assert reply.status_code == 403, (path, host, reply.status_code)


@pytest.mark.parametrize("host", ["127.0.0.1:5000", "localhost:5000", "localhost", "[::1]:5000", "127.0.0.2"])
def test_loopback_host_names_are_served(app_client: FlaskClient, host: str) -> None:
    assert app_client.get("/simulator", headers={"Host": host}).status_code == 200
