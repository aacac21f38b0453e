"""Measure the model's inputs locally: ``python -m capacity --measure`` rewrites capacity/measured.json.

Everything runs on 127.0.0.1: the real ``lambda_function.lambda_handler`` in this process, DynamoDB
as a moto server behind the counting proxy of :mod:`capacity.wire` (boto3, the store's one client, as
on Lambda), and the Alexa APIs as ``alexa_standin``. Per conversation type it counts the turns, the
DynamoDB calls and request units, the Alexa API calls, the response and session-attribute sizes and
the log bytes, and times every turn's CPU on this thread (decoding the event, the handler, encoding
the answer: what the Lambda runtime does inside the billed duration). Cold starts are fresh
interpreters importing ``lambda_function`` and serving a first LaunchRequest with DynamoDB on.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from capacity.conversations import CONVERSATIONS, play
from capacity.inputs import MEASURED_FILE
from capacity.wire import CountingProxy, counting_proxy

ROOT = Path(__file__).resolve().parents[1]
TABLE = "knee-helper-capacity"
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000001"  # tests/support/envelopes.py's
#: moto reads the region from the Authorization header and checks no signature.
_UNSIGNED = ", ".join(
    (
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request",
        "SignedHeaders=host",
        "Signature=0",
    )
)
RUNTIME_PACKAGES = ("triage", "content", "speech", "dialogue", "kneeskill", "handlers", "lambda_function.py")

_COLD_CHILD = r"""
import json, sys, time
t0 = time.process_time()
import lambda_function
t1 = time.process_time()
event = json.loads(sys.stdin.read())
response = lambda_function.lambda_handler(event, None)
json.dumps(response)
t2 = time.process_time()
print(json.dumps({"import_cpu_ms": (t1 - t0) * 1000, "first_request_cpu_ms": (t2 - t1) * 1000}))
"""


def offline_env() -> dict[str, str]:
    from tests.support.offline import OFFLINE_AWS_ENV

    return dict(OFFLINE_AWS_ENV)


def skill_env(dynamodb_url: str) -> dict[str, str]:
    """The skill's settings for the run: DynamoDB through the proxy on its HTTP client (Lambda's path)."""
    return {
        **offline_env(),
        "SKILL_ID": SKILL_ID,
        "KNEE_HELPER_PERSISTENCE": "dynamodb",
        "KNEE_HELPER_TABLE": TABLE,
        "KNEE_HELPER_DYNAMODB_ENDPOINT": dynamodb_url,
        "KNEE_HELPER_ALLOW_LOOPBACK_APIS": "1",
        "KNEE_HELPER_KEY_SALT": "capacity-measurement-salt-" + "0" * 32,  # Lambda wants >= 32 characters
        "PYTHONHASHSEED": "0",
    }


@contextlib.contextmanager
def moto_dynamodb() -> Iterator[str]:
    """A moto DynamoDB server on 127.0.0.1 with the skill's table (key ``id``, on demand)."""
    saved_env = dict(os.environ)
    os.environ.update(offline_env())
    from moto.server import ThreadedMotoServer

    werkzeug = logging.getLogger("werkzeug")
    old_level = werkzeug.level
    werkzeug.setLevel(logging.ERROR)  # moto's request lines are not the skill's logs

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        create_table(url)
        yield url
    finally:
        server.stop()
        werkzeug.setLevel(old_level)
        os.environ.clear()
        os.environ.update(saved_env)


def create_table(url: str) -> None:
    import http.client

    body = json.dumps(
        {
            "TableName": TABLE,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }
    )
    host, port = url.split("://", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(
            "POST",
            "/",
            body=body,
            headers={
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "DynamoDB_20120810.CreateTable",
                "Authorization": _UNSIGNED,
            },
        )
        answer = connection.getresponse()
        text = answer.read()
        if answer.status != 200 and b"ResourceInUseException" not in text:  # moto keeps tables per process
            raise RuntimeError(f"CreateTable failed: {answer.status} {text[:200]!r}")
    finally:
        connection.close()


@contextlib.contextmanager
def offline_skill(*, repeatable_logs: bool = True) -> Iterator[tuple[Any, CountingProxy, Any, io.StringIO]]:
    """The skill in this process on moto (counted) and the Alexa stand-in; yields
    (lambda_function module, proxy, stand-in, captured log text)."""
    from alexa_standin import StandIn

    saved_env = dict(os.environ)
    reloaded = False
    with moto_dynamodb() as moto_url, counting_proxy(moto_url) as proxy, StandIn.start() as standin:
        os.environ.update(skill_env(proxy.url))
        sys.path.insert(0, str(ROOT))
        import lambda_function

        if lambda_function._SETTINGS.dynamodb_endpoint_url != proxy.url:
            lambda_function = _reload_lambda_function()
            reloaded = True
        captured = io.StringIO()
        handler = logging.StreamHandler(captured)
        handler.setLevel(logging.WARNING)
        # As the Lambda Python runtime does: the root logger at WARNING, one line per record.
        handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s\tREQUEST-ID\t%(message)s"))
        root = logging.getLogger()
        old_level, old_handlers = root.level, list(root.handlers)
        root.handlers = [handler]
        root.setLevel(logging.WARNING)
        try:
            yield lambda_function, proxy, standin, captured
        finally:
            root.handlers = old_handlers
            root.setLevel(old_level)
            # Leave the process as it was: the environment, and the entry point built from it (a
            # test process goes on to use lambda_function with its own settings).
            os.environ.clear()
            os.environ.update(saved_env)
            if reloaded:
                _reload_lambda_function()


def _reload_lambda_function() -> Any:
    import importlib

    import lambda_function

    return importlib.reload(lambda_function)


def machine() -> dict[str, Any]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu_model": model,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "calibration_ms": calibration_ms(),
    }


def calibration_ms() -> float:
    """CPU time of a fixed pure-Python workload (JSON and dict work), to compare machines."""
    payload = {"k": [{"a": i, "b": str(i) * 3} for i in range(200)]}
    best = float("inf")
    for _ in range(5):
        start = time.thread_time_ns()
        for _ in range(50):
            json.loads(json.dumps(payload))
        best = min(best, (time.thread_time_ns() - start) / 1e6)
    return round(best, 3)


def measure_types(repeats: int) -> dict[str, Any]:
    """Play every conversation type ``repeats`` times (after one warm-up each) and count."""
    from tests.support.envelopes import Session

    out: dict[str, Any] = {}
    with offline_skill() as (lf, proxy, standin, logs):
        for conversation in CONVERSATIONS.values():  # warm-up: first use of every code path
            play(conversation, Session(api_endpoint=standin.url), lambda e: lf.lambda_handler(e, None))
        for name, conversation in CONVERSATIONS.items():
            sessions: list[dict[str, Any]] = []
            samples: list[list[float]] = []
            for _ in range(repeats):
                standin.reset()
                logs.seek(0)
                logs.truncate()
                mark = proxy.mark()
                turns: list[dict[str, Any]] = []

                def send(envelope: dict[str, Any], turns: list[dict[str, Any]] = turns) -> dict[str, Any]:
                    raw = json.dumps(envelope).encode()
                    before_calls, before_alexa = proxy.mark(), len(standin.requests)
                    start = time.thread_time_ns()
                    response: dict[str, Any] = lf.lambda_handler(json.loads(raw), None)
                    encoded = json.dumps(response).encode()
                    cpu_ms = (time.thread_time_ns() - start) / 1e6
                    turns.append(
                        {
                            "cpu_ms": cpu_ms,
                            "ddb": proxy.mark() - before_calls,
                            "alexa": len(standin.requests) - before_alexa,
                            "response_bytes": len(encoded),
                            "attributes_bytes": len(json.dumps(response.get("sessionAttributes") or {})),
                        }
                    )
                    return response

                play(conversation, Session(api_endpoint=standin.url), send)
                calls = proxy.since(mark)
                sessions.append(
                    {
                        "turns": len(turns),
                        "reads": sum(1 for c in calls if c.is_read),
                        "writes": sum(1 for c in calls if c.is_write),
                        "rru": sum(c.read_units for c in calls),
                        "wru": sum(c.write_units for c in calls),
                        "item_max": max((max(c.item_before, c.item_after) for c in calls), default=0),
                        "req_bytes": sum(c.request_bytes for c in calls),
                        "ans_bytes": sum(c.answer_bytes for c in calls),
                        "alexa": len(standin.requests),
                        "keys": len({c.key for c in calls}),
                        "log_bytes": len(logs.getvalue().encode()),
                        "errors": sum(1 for c in calls if c.status != 200),
                        "responses": [t["response_bytes"] for t in turns],
                        "attributes": [t["attributes_bytes"] for t in turns],
                    }
                )
                samples.extend([round(t["cpu_ms"], 4), t["ddb"], t["alexa"]] for t in turns)
            out[name] = _profile(name, conversation.description, sessions, samples)
    return out


def _profile(
    name: str, description: str, sessions: list[dict[str, Any]], samples: list[list[float]]
) -> dict[str, Any]:
    first = sessions[0]
    for key in ("turns", "reads", "writes", "rru", "wru", "alexa", "keys", "errors"):
        values = {s[key] for s in sessions}
        if len(values) != 1:
            raise RuntimeError(f"{name}: {key} differs between identical sessions: {sorted(values)}")
    if first["errors"]:
        raise RuntimeError(f"{name}: DynamoDB answered errors")
    responses = [b for s in sessions for b in s["responses"]]
    attributes = [b for s in sessions for b in s["attributes"]]
    return {
        "description": description,
        "turns": first["turns"],
        "dynamodb_reads": first["reads"],
        "dynamodb_writes": first["writes"],
        "read_units": first["rru"],
        "write_units": first["wru"],
        "item_bytes_max": max(s["item_max"] for s in sessions),
        "dynamodb_keys": first["keys"],
        "dynamodb_request_bytes": max(s["req_bytes"] for s in sessions),
        "dynamodb_answer_bytes": max(s["ans_bytes"] for s in sessions),
        "alexa_api_calls": first["alexa"],
        "response_bytes_mean": round(statistics.fmean(responses), 1),
        "response_bytes_max": max(responses),
        "session_attributes_bytes_mean": round(statistics.fmean(attributes), 1),
        "session_attributes_bytes_max": max(attributes),
        "log_bytes": max(s["log_bytes"] for s in sessions),
        "samples": samples,
    }


def precompile() -> None:
    """Bytecode for the runtime packages, as a deployment ships it (this machine may not write any)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *RUNTIME_PACKAGES], cwd=ROOT, check=True, timeout=300
    )


def measure_cold(runs: int) -> dict[str, Any]:
    """Fresh interpreters: the whole process's CPU (interpreter start, import, first LaunchRequest)."""
    from tests.support.envelopes import Session

    precompile()
    total, imports, firsts = [], [], []
    first_calls = -1
    with moto_dynamodb() as moto_url, counting_proxy(moto_url) as proxy:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KNEE_HELPER_"))},
            **skill_env(proxy.url),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for _ in range(runs):
            mark = proxy.mark()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            run = subprocess.run(
                [sys.executable, "-c", _COLD_CHILD],
                cwd=ROOT,
                env=env,
                input=json.dumps(Session().launch()),
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if run.returncode != 0:
                raise RuntimeError(f"cold child failed: {run.stderr[-2000:]}")
            child = json.loads(run.stdout.strip().splitlines()[-1])
            cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
            total.append(round(cpu, 3))
            imports.append(round(child["import_cpu_ms"], 3))
            firsts.append(round(child["first_request_cpu_ms"], 3))
            calls = len(proxy.since(mark))
            if first_calls not in (-1, calls):
                raise RuntimeError("the first request's DynamoDB calls differ between runs")
            first_calls = calls
    return {
        "runs": runs,
        "total_cpu_ms": total,
        "import_cpu_ms": imports,
        "first_request_cpu_ms": firsts,
        "first_request_dynamodb_calls": first_calls,
    }


def measure(repeats: int, cold_runs: int, path: Path = MEASURED_FILE) -> dict[str, Any]:
    """Measure everything and write ``path``; returns what was written."""
    started = datetime.now(UTC)
    info = machine()
    types = measure_types(repeats)
    cold = measure_cold(cold_runs)
    info["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    result = {
        "measured_at": started.isoformat(timespec="seconds"),
        "command": f"python -m capacity --measure --repeats {repeats} --cold-runs {cold_runs}",
        "machine": info,
        "repeats": repeats,
        "note": (
            "samples: one [local CPU ms, DynamoDB calls, Alexa API calls] per warm turn; per-session "
            "counts were identical in every repeat. Each session is a new user."
        ),
        "types": types,
        "cold_start": cold,
    }
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result
