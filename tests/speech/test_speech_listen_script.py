"""scripts/listen.py turns Alexa SSML into something espeak-ng can read aloud."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import wave
from pathlib import Path
from types import ModuleType

import pytest
from speech_testing import REPO


def _load_listen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("knee_listen_script", REPO / "scripts" / "listen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


listen = _load_listen()


def test_alexa_only_markup_is_simplified_for_espeak() -> None:
    ssml = (
        '<speak><amazon:effect name="whispered">Call</amazon:effect> <sub alias="triple zero">000</sub>'
        '<say-as interpret-as="digits">911</say-as><w role="amazon:VB">read</w><break time="300ms"/>'
        '<audio src="https://example.invalid/a.mp3"/><prosody rate="slow">&amp; slowly</prosody></speak>'
    )
    assert listen.espeak_ssml(ssml) == (
        '<speak>Call triple zero9 1 1read<break time="300ms"/>'
        '<prosody rate="slow">&amp; slowly</prosody></speak>'
    )


def test_a_missing_espeak_ng_gets_a_helpful_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(listen.shutil, "which", lambda _name: None)
    assert listen.main(["plain words"]) == 2
    assert "apt-get install espeak-ng" in capsys.readouterr().err


def test_golden_ssml_becomes_a_wav_file(tmp_path: Path) -> None:
    # A missing tool fails, like the npm ones: `make test` installs espeak-ng (make browser).
    assert shutil.which("espeak-ng"), "espeak-ng missing: apt-get install espeak-ng (make test does)"
    golden = REPO / "tests" / "golden" / "ssml" / "dvt_emergency_en_au.reprompt.ssml"
    assert listen.main([str(golden), "--out", str(tmp_path)]) == 0
    with wave.open(str(tmp_path / "dvt_emergency_en_au.reprompt.wav")) as audio:
        assert audio.getnframes() / audio.getframerate() > 1.0
