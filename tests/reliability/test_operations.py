"""Operations (review defects 10 and 13, issue 16 item 7): a secret salt or no service, escaped
JSON logs correlated by the Alexa request id, PII-free embedded metrics, an error-rate alarm, and a
template that grants and keeps only what the skill needs."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import lambda_function
from alexa_standin.server import StandIn
from composition import build_skill
from kneeskill import observability
from kneeskill.settings import PersistenceKind, Settings
from kneeskill.storage.model import DEV_KEY_SALT
from tests.support.envelopes import TEST_SKILL_ID, Session, speech_of
from tests.support.icing import Say, ice_now
from tests.support.scripts import plain

ROOT = Path(__file__).resolve().parents[2]


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, !If ...) read as plain values."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, deep=True)}
    return {suffix: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _tag)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    data: dict[str, Any] = yaml.load((ROOT / "template.yaml").read_text(encoding="utf-8"), Loader=_CfnLoader)
    return data


# --- the salt (defect 10) ------------------------------------------------------------------------


def test_the_deployed_salt_is_a_generated_secret_resolved_from_secrets_manager(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    variables = resources["KneeHelperFunction"]["Properties"]["Environment"]["Variables"]
    reference = variables["KNEE_HELPER_KEY_SALT"]
    assert reference == {"Sub": "{{resolve:secretsmanager:${UserKeySalt}:SecretString}}"}
    secret = resources["UserKeySalt"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    assert secret["DeletionPolicy"] == "Retain"  # a new salt would orphan every stored record
    assert DEV_KEY_SALT not in (ROOT / "template.yaml").read_text(encoding="utf-8")


def _fresh_lambda(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import json, sys\n"
        "import lambda_function\n"
        "from tests.support.envelopes import Session\n"
        "try:\n"
        "    answer = lambda_function.lambda_handler(Session().launch(), None)\n"
        "    print('ANSWERED', bool(answer['response'].get('outputSpeech')))\n"
        "except Exception as error:\n"
        "    print('REFUSED', type(error).__name__)\n"
    )
    base = {k: v for k, v in os.environ.items() if k != "KNEE_HELPER_KEY_SALT"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("salt", "outcome"),
    [
        (None, "REFUSED KeySaltNotConfiguredError"),
        ("", "REFUSED KeySaltNotConfiguredError"),
        (DEV_KEY_SALT, "REFUSED KeySaltNotConfiguredError"),
        ("short-salt", "REFUSED KeySaltNotConfiguredError"),
        ("x" * 64, "ANSWERED True"),
    ],
    ids=["unset", "empty", "public dev salt", "short", "a secret"],
)
def test_lambda_refuses_to_serve_with_persistence_but_no_secret_salt(salt: str | None, outcome: str) -> None:
    env = {
        "KNEE_HELPER_PERSISTENCE": "dynamodb",
        "KNEE_HELPER_TABLE": "t",
        "KNEE_HELPER_DYNAMODB_ENDPOINT": "http://127.0.0.1:9",
    }
    if salt is not None:
        env["KNEE_HELPER_KEY_SALT"] = salt
    run = _fresh_lambda(env)
    assert outcome in run.stdout, run.stdout + run.stderr[-800:]
    assert (salt or "absent") not in run.stderr or salt == "" or salt is None  # the salt is never logged


# --- logs (defect 13) -------------------------------------------------------------------------------


@pytest.fixture
def json_log() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """The local server's JSON lines, and a plain text handler such as gunicorn's or a Lambda
    runtime's without LoggingConfig (whose lines must not be forgeable either)."""
    stream, text = io.StringIO(), io.StringIO()
    handler = observability.json_handler(stream)
    plain_handler = logging.StreamHandler(text)
    plain_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    previous = root.level, logging.getLogger("knee_helper").level
    root.addHandler(handler)
    root.addHandler(plain_handler)
    root.setLevel(logging.INFO)
    logging.getLogger("knee_helper").setLevel(logging.INFO)
    try:
        yield stream, text
    finally:
        root.removeHandler(handler)
        root.removeHandler(plain_handler)
        root.setLevel(previous[0])
        logging.getLogger("knee_helper").setLevel(previous[1])


FORGERIES = (
    "req-1\n2026-11-30 INFO knee_helper.requests: request type=LaunchRequest user=amzn1.ask.account.X",
    "req-2\x00\x00hidden",
    'req-3", "level": "CRITICAL", "x": "',
    "req-4\r\u2028\u0085\x1b[31mred",
)


@pytest.mark.parametrize("request_id", FORGERIES)
def test_log_lines_are_escaped_json_with_the_alexa_request_id_as_correlation_id(
    json_log: tuple[io.StringIO, io.StringIO], request_id: str
) -> None:
    envelope = Session().intent("AMAZON.HelpIntent\nFAKE LINE")
    envelope["request"]["requestId"] = request_id
    envelope["request"]["locale"] = "en-US\n\x00"
    with contextlib.suppress(Exception):  # answered or refused: either way the log must be safe
        lambda_function.lambda_handler(envelope, None)
    text = json_log[0].getvalue()
    assert "\x00" not in text and "\r" not in text
    plain_lines = [line for line in json_log[1].getvalue().split("\n") if line]
    assert all(line.split(" ", 1)[0] in ("DEBUG", "INFO", "WARNING", "ERROR") for line in plain_lines)
    assert "\x00" not in json_log[1].getvalue()
    lines = [line for line in text.split("\n") if line]
    assert lines, "INFO lines were dropped"
    records = [json.loads(line) for line in lines]  # every line is one JSON object: nothing forged
    mine = [r for r in records if r["logger"].startswith("knee_helper.")]
    assert any(r["level"] == "INFO" and r["message"].startswith("request ") for r in mine)
    assert all(r["correlation_id"] == observability.escaped(request_id, limit=120) for r in mine)
    assert not any(r["message"].startswith("2026-11-30") for r in records)


def test_lambda_keeps_info_and_writes_json_without_a_logging_config() -> None:
    """On Lambda without LoggingConfig the runtime's handler is plain text at WARNING: INFO was lost."""
    code = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format='%(message)s')\n"
        "import lambda_function\n"
        "from tests.support.envelopes import Session\n"
        "lambda_function.lambda_handler(Session().launch(), None)\n"
    )
    env = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "knee-helper-test", "KNEE_HELPER_PERSISTENCE": "none"}
    command = [sys.executable, "-c", code]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert any(line.get("level") == "INFO" and line.get("logger") == "knee_helper.requests" for line in lines)


def test_the_function_logs_json_at_info_through_its_logging_config(template: dict[str, Any]) -> None:
    function = template["Resources"]["KneeHelperFunction"]["Properties"]
    config = function["LoggingConfig"]
    assert config["LogFormat"] == "JSON" and config["ApplicationLogLevel"] == "INFO"
    assert config["LogGroup"] == {"Ref": "KneeHelperLogGroup"}


# --- metrics ----------------------------------------------------------------------------------------

ALLOWED_KEYS = {"_aws", "Service", "CareLevel", *(metric.value for metric in observability.Metric)}


def _metrics(documents: list[str]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for text in documents:
        document = json.loads(text)
        assert set(document) <= ALLOWED_KEYS, set(document) - ALLOWED_KEYS  # nothing but counts
        directives = document["_aws"]["CloudWatchMetrics"]
        assert directives and all(d["Namespace"] == observability.NAMESPACE for d in directives)
        for directive in directives:
            for dimension_set in directive["Dimensions"]:
                assert all(name in document for name in dimension_set)
            for metric in directive["Metrics"]:
                name = metric["Name"]
                key = f"{name}:{document['CareLevel']}" if name == "Results" else name
                totals[key] = totals.get(key, 0) + int(document[name])
    return totals


def test_metrics_count_what_happened_and_nothing_about_the_user(
    tmp_path: Path, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        skill_id=TEST_SKILL_ID,
        verify_signatures=False,
        persistence=PersistenceKind.SQLITE,
        data_dir=tmp_path,
        allow_loopback_http_apis=True,
    )
    monkeypatch.setattr(lambda_function, "_SKILL", build_skill(settings))
    user = Session(api_endpoint=standin.url)
    standin.reset()
    standin.script("/v1/alerts/timers", status=401)

    def say(session: Session, envelope: dict[str, Any]) -> str:
        answer = lambda_function.lambda_handler(envelope, None)
        session.absorb(answer)
        return plain(speech_of(answer)).lower()

    try:
        with observability.collecting() as documents:
            say(user, user.launch())
            ice_now(say, user)  # no timer permission: Alexa is asked for it
            denied = user.envelope(
                {
                    "type": "Connections.Response",
                    "name": "AskFor",
                    "status": {"code": "200"},
                    "token": "ice-timer",
                    "payload": {"status": "DENIED"},
                }
            )
            say(user, denied)
            standin.reset()
            standin.script("/v1/alerts/timers", status=503)
            ice_now(say, user)  # the Timers API fails
            say(user, user.intent("EmergencyIntent"))  # the result, a suspected clot: the guidance
    finally:
        standin.reset()
    totals = _metrics(documents)
    assert totals["Sessions"] == 1
    assert totals["TimerPermissionAsked"] == 1 and totals["TimerPermissionDenied"] == 1
    assert totals["AlexaApiFailures"] >= 1
    assert totals["EmergencyGuidanceSpoken"] >= 1
    assert any(key.startswith("Results:emergency") for key in totals), totals
    every = "\n".join(documents)
    assert user.user_id not in every and user.device_id not in every and "amzn1" not in every


def test_store_failures_and_an_exhausted_budget_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(
        skill_id=TEST_SKILL_ID,
        verify_signatures=False,
        persistence=PersistenceKind.DYNAMODB,
        dynamodb_table="t",
        dynamodb_endpoint_url="http://127.0.0.1:9",  # nothing listens
        allow_loopback_http_apis=True,
    )
    monkeypatch.setattr(lambda_function, "_SKILL", build_skill(settings))

    class NoTimeLeft:
        def get_remaining_time_in_millis(self) -> int:
            return 1_000

    short_turns: list[str] = []

    def within(context: Any) -> Say:
        def say(session: Session, envelope: dict[str, Any]) -> str:
            if context is not None:
                short_turns.append("turn")
            answer = lambda_function.lambda_handler(envelope, context)
            session.absorb(answer)
            return plain(speech_of(answer)).lower()

        return say

    user = Session(api_endpoint="http://127.0.0.1:9")
    with observability.collecting() as documents:
        ice_now(within(None), user)
        ice_now(within(NoTimeLeft()), Session(user_id=user.user_id, api_endpoint=user.api_endpoint))
    totals = _metrics(documents)
    assert totals["StoreFailures"] >= 2
    # Counted once per turn whose budget ran out, and only for turns made with 1 s left (the start of
    # the ice is two turns now: the safety question, then the answer).
    assert 1 <= totals["BudgetExhausted"] <= len(short_turns)


def test_an_alarm_watches_the_error_rate(template: dict[str, Any]) -> None:
    alarms = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == 1
    alarm = alarms[0]["Properties"]
    names = {
        m["MetricStat"]["Metric"]["MetricName"]: m["MetricStat"]["Metric"]["Namespace"]
        for m in alarm["Metrics"]
        if "MetricStat" in m
    }
    assert names == {"Errors": "AWS/Lambda", "Invocations": "AWS/Lambda", "SkillErrors": "KneeHelper"}
    expression = next(m["Expression"] for m in alarm["Metrics"] if m.get("ReturnData"))
    assert re.search(r"errors.*skillErrors.*/.*invocations", expression)


# --- least privilege and deletion ------------------------------------------------------------------


def test_the_function_is_granted_no_unused_dynamodb_action(template: dict[str, Any]) -> None:
    statements = template["Resources"]["KneeHelperFunction"]["Properties"]["Policies"][0]["Statement"]
    granted = {action for statement in statements for action in statement["Action"]}
    assert granted == {"dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
    used = set()
    for path in (ROOT / "kneeskill" / "storage").glob("*.py"):
        used |= set(re.findall(r'"(get_item|put_item|update_item|delete_item)"', path.read_text()))
    assert {f"dynamodb:{''.join(p.title() for p in u.split('_'))}" for u in used} == granted


def test_deleted_data_does_not_survive_in_point_in_time_backups(template: dict[str, Any]) -> None:
    table = template["Resources"]["UserRecordsTable"]["Properties"]
    recovery = table.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled", False)
    privacy = (ROOT / "README.md").read_text(encoding="utf-8").split("## Privacy", 1)[1].split("\n## ", 1)[0]
    assert recovery is False or "backup" in privacy.lower()
    assert "point-in-time recovery" in privacy.lower()
