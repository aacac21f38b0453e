"""The simulator page in a real browser: the system's headless Chromium driven by Playwright.

Chromium comes from the Debian packages ``chromium`` and ``chromium-driver`` (``make test`` installs
them when ``/usr/bin/chromium`` is missing); Playwright never downloads a browser. If Chromium cannot
be launched these tests FAIL: the browser is part of the test set-up, not optional.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from kneeskill.settings import Settings
from simulator.engine import plain_words
from simulator.web import EXTENSION_KEY
from tests.support.envelopes import TEST_SKILL_ID, Session
from tests.support.scripts import Script, play
from tests.support.transports import lambda_transport
from webapp.dev import create_dev_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CLOT_YES = {"pain_calf", "swelling_calf", "warmth", "one_leg", "skin_changes"}  # v2: the clot-signs screen
MAX_ANSWERS = 40

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = create_dev_app(Settings(skill_id=TEST_SKILL_ID))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="simulator-web", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions[EXTENSION_KEY]().close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:
            pytest.fail(
                f"could not launch the system Chromium at {CHROMIUM} ({type(error).__name__}: {error}). "
                "Install it with `make browser` (apt-get install chromium chromium-driver).",
                pytrace=False,
            )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    opened = context.new_page()
    opened.goto(f"{base_url}/simulator")
    opened.wait_for_selector("body[data-ready='true']")
    opened.check("#mute")
    try:
        yield opened
    finally:
        context.close()


def replies(page: Page) -> int:
    count: int = page.locator(".bubble.alexa").count()
    return count


def say_by_keyboard(page: Page, words: str) -> None:
    """Type into the focused message box and press Enter, as a keyboard user would."""
    before = replies(page)
    page.focus("#utterance")
    page.keyboard.type(words)
    page.keyboard.press("Enter")
    page.locator(".bubble.alexa").nth(before).wait_for()
    expect(page.locator("#utterance")).to_be_focused()


def attributes(page: Page) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(page.text_content("#attributes") or "{}")
    return data


def test_asking_why_the_knee_hurts_answers_first_then_shows_the_first_interview_question(page: Page) -> None:
    say_by_keyboard(page, "why does the back of my knee hurt")
    assert page.text_content("#intent", timeout=5000).startswith("KneePainIntent")  # type: ignore[union-attr]
    assert attributes(page)["kh"]["mode"] == "offer_interview"  # the answer first, then the offer
    say_by_keyboard(page, "yes")
    question = plain_words(page.text_content("#reprompt-ssml") or "")
    assert question.endswith("?")
    last = page.locator(".bubble.alexa").last
    assert question in (last.text_content() or "")
    assert attributes(page)["kh"]["mode"] == "interview"
    assert page.is_hidden("#emergency")
    assert question in (page.text_content("#live") or "")


def test_a_clot_scenario_puts_the_emergency_guidance_first_and_highlighted_and_exports_a_replayable_script(
    page: Page,
) -> None:
    say_by_keyboard(page, "why does the back of my knee hurt")
    say_by_keyboard(page, "yes")  # "shall I ask a few questions?"
    for _ in range(MAX_ANSWERS):
        state = attributes(page)["kh"]
        if state.get("mode") != "interview":
            break
        question = state.get("question")
        say_by_keyboard(page, "fifty" if question == "age" else "yes" if question in CLOT_YES else "no")
    assert page.is_visible("#emergency"), "the emergency guidance box is not shown"
    guidance = (page.text_content("#emergency-text") or "").strip()
    assert guidance and "911" in guidance
    speech = page.text_content("#speech-plain") or ""
    assert speech.startswith(guidance), "the guidance does not open the reply"
    bubble = page.locator(".bubble.alexa").last
    lead = bubble.locator(".emergency-lead")
    assert (lead.text_content() or "").strip() == guidance
    first_child_class = bubble.evaluate("b => b.children[1].className")
    assert first_child_class == "emergency-lead", "the guidance is not the first thing in the reply bubble"
    style = lead.evaluate(
        "e => { const s = getComputedStyle(e); return [s.fontWeight, s.color, s.backgroundColor]; }"
    )
    assert int(style[0]) >= 700 and style[1] != "rgb(27, 27, 27)" and style[2] != "rgba(0, 0, 0, 0)"
    assert page.get_attribute("#emergency", "role") == "alert"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "simulator_clot_emergency.png"), full_page=True)

    page.click("#export")
    page.wait_for_selector("#export-box:not([hidden])")
    text = page.input_value("#export-yaml")
    data = yaml.safe_load(text)
    assert data["locales"] == ["en-US"]
    assert data["turns"][0]["intent"] == "KneePainIntent"
    assert any(t["expect"].get("emergency_first") for t in data["turns"])
    script = Script(
        name=data["name"], path=Path("browser_export.yaml"), locales=data["locales"], turns=data["turns"]
    )
    responses = play(script, "en-US", lambda_transport(), Session(locale="en-US"))
    assert len(responses) == len(data["turns"])
    (ARTIFACTS / "simulator_clot_emergency.yaml").write_text(text, encoding="utf-8")


def test_the_page_reads_well_on_a_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/simulator")
        page.wait_for_selector("body[data-ready='true']")
        page.check("#mute")
        say_by_keyboard(page, "open knee helper")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, "the page scrolls sideways on a phone"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "simulator_phone.png"), full_page=True)
    finally:
        context.close()


def test_the_controls_are_reached_in_order_with_the_tab_key(page: Page) -> None:
    order: list[str] = []
    page.focus("#utterance")
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id"))
    # The microphone button is there only where the browser offers speech recognition.
    assert [i for i in order if i != "mic"][:5] == ["send", "locale", "mute", "start-over", "export"]
    for control in ("utterance", "locale", "mute"):
        assert page.locator(f"label[for='{control}'], label:has(#{control})").count() >= 1, control


def test_start_over_clears_the_conversation(page: Page) -> None:
    say_by_keyboard(page, "open knee helper")
    assert replies(page) == 1
    page.click("#start-over")
    expect(page.locator(".bubble")).to_have_count(0)
    say_by_keyboard(page, "yes")
    assert attributes(page) is not None
