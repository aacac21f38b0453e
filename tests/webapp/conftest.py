"""Fixtures for the webapp tests: one test CA per session and app builders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from ask_sdk_core.dispatch_components.request_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils.predicate import is_request_type
from ask_sdk_model.response import Response
from cryptography.x509.verification import Store
from flask import Flask
from webapp_testkit import NOW, SKILL_ID, CertAuthority, RecordingFetcher, fixed_clock, make_test_ca

from kneeskill.settings import Settings
from webapp.server import create_app

AppFactory = Callable[..., Flask]


class _HelloLaunch(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        result: bool = is_request_type("LaunchRequest")(handler_input)
        return result

    def handle(self, handler_input: HandlerInput) -> Response:
        response: Response = handler_input.response_builder.speak("hello").response
        return response


def small_skill(skill_id: str | None = SKILL_ID) -> CustomSkill:
    """A real CustomSkill with one handler, so verification tests do not depend on the content."""
    builder = SkillBuilder()
    builder.skill_id = skill_id  # type: ignore[assignment]  # the SDK annotates it as None
    builder.add_request_handler(_HelloLaunch())
    skill: CustomSkill = builder.create()
    return skill


@pytest.fixture(scope="session")
def ca() -> CertAuthority:
    return make_test_ca()


@pytest.fixture
def make_app(ca: CertAuthority) -> AppFactory:
    """Build the real app with the test CA's chain served by an injected fetcher."""

    def build(
        *,
        pem: bytes | None = None,
        store: Store | None = None,
        skill_id: str | None = SKILL_ID,
        verify: bool = True,
        now: datetime = NOW,
        fetcher: RecordingFetcher | None = None,
        max_body_bytes: int = 128 * 1024,
    ) -> Flask:
        settings = Settings(skill_id=skill_id, verify_signatures=verify, max_body_bytes=max_body_bytes)
        return create_app(
            settings,
            skill=small_skill(skill_id),
            fetcher=fetcher or RecordingFetcher(ca.chain() if pem is None else pem),
            trust_store=store or ca.store,
            now=fixed_clock(now),
        )

    return build
