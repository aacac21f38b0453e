"""A valid signed LaunchRequest reaches the real Knee Helper skill (``build_skill``) and gets its answer."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import requests
from webapp_testkit import (
    NOW,
    SKILL_ID,
    CertAuthority,
    RecordingFetcher,
    fixed_clock,
    launch_body,
    serve,
    signed_headers,
)

from composition import build_skill
from kneeskill.settings import Settings
from webapp.server import create_app


def test_a_signed_launch_request_gets_200_and_a_well_formed_alexa_response(ca: CertAuthority) -> None:
    settings = Settings.from_env({"SKILL_ID": SKILL_ID})
    app = create_app(
        settings,
        skill=build_skill(settings),
        fetcher=RecordingFetcher(ca.chain()),
        trust_store=ca.store,
        now=fixed_clock(NOW),
    )
    body = launch_body()
    with serve(app) as base:
        response = requests.post(base + "/", data=body, headers=signed_headers(body, ca.leaf.key), timeout=10)
    assert response.status_code == 200
    envelope = response.json()
    assert envelope["version"] == "1.0"
    speech = envelope["response"]["outputSpeech"]
    assert speech["type"] == "SSML"
    assert ET.fromstring(speech["ssml"]).tag == "speak"
    assert "knee-helper" in envelope.get("userAgent", "")
