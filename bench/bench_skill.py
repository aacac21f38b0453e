"""Benchmark: Knee Helper against a minimal ASK SDK skill, side by side, in one run (issue 8).

Measures cold start (fresh interpreters, interleaved A/B), warm in-process latency per request
type through ``lambda_handler``, HTTP throughput under gunicorn loaded by ``wrk``, peak memory
and the deployment package size. Machines are shared and noisy, so every figure is reported with
its ratio to the minimal skill measured in the same run, and the targets are checked on ratios.

Request verification is OFF for both HTTP apps (no signature check): Knee Helper runs with
``KNEE_HELPER_VERIFY_SIGNATURES=0`` (it still checks the timestamp and the skill id), the minimal
app with ``ASK_SDK_VERIFY_SIGNATURE=False`` (the SDK still checks the timestamp). Persistence is
off for both except in the DynamoDB cold-start row (a moto server on 127.0.0.1).

Run: ``make bench`` (or ``.venv/bin/python bench/bench_skill.py --help``). Writes
``bench/results/latest.json`` and a dated copy.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alexa_standin import StandIn  # noqa: E402
from tests.support.envelopes import TEST_SKILL_ID, Session  # noqa: E402
from tests.support.offline import OFFLINE_AWS_ENV  # noqa: E402

MINIMAL_DIR = ROOT / "bench" / "minimal_skill"
RESULTS_DIR = ROOT / "bench" / "results"
PY = sys.executable
KNEE, MINIMAL = "knee_helper", "minimal"

#: Targets: (metric key, comparison, bound). Ratios are Knee Helper / minimal skill.
TARGETS: dict[str, tuple[str, float]] = {
    "cold_import": ("<=", 1.3),
    "cold_total": ("<=", 1.5),
    # Issue 17's rule for the DynamoDB client (README, "The DynamoDB client"): boto3 is kept while
    # it stays inside 1.5x of the minimal skill with the SDK's DynamoDB adapter (it was 1.0x while
    # a hand-written client spared boto3's import).
    "cold_total_dynamodb": ("<=", 1.5),
    "warm_median": ("<=", 1.5),
    "warm_p99": ("<=", 2.0),
    "http_rps": (">=", 0.8),
    "peak_rss": ("<=", 1.3),
}

#: The environment of every child process: no cloud, dummy credentials, a region.
BASE_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KNEE_HELPER_", "MINIMAL_SKILL_"))},
    **OFFLINE_AWS_ENV,
    "SKILL_ID": TEST_SKILL_ID,
    "PYTHONHASHSEED": "0",
}
KNEE_ENV = {**BASE_ENV, "KNEE_HELPER_PERSISTENCE": "none"}
MINIMAL_ENV = dict(BASE_ENV)

#: One cold start: import the skill, then serve its first request. Wall-clock (perf_counter) and CPU
#: (process_time, less disturbed by other jobs on a shared machine) for each part.
_CHILD = r"""
import json, resource, sys, time
request = json.loads(sys.stdin.read() or "null")
t0, c0 = time.perf_counter(), time.process_time()
import lambda_function
t1, c1 = time.perf_counter(), time.process_time()
out = {"import_ms": (t1 - t0) * 1000, "import_cpu_ms": (c1 - c0) * 1000}
if request is not None:
    response = lambda_function.lambda_handler(request, None)
    t2, c2 = time.perf_counter(), time.process_time()
    out["first_request_ms"] = (t2 - t1) * 1000
    out["first_request_cpu_ms"] = (c2 - c1) * 1000
    out["total_ms"] = (t2 - t0) * 1000
    out["total_cpu_ms"] = (c2 - c0) * 1000
    out["speech"] = response["response"]["outputSpeech"]["ssml"][:60]
out["rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out["boto3_loaded"] = "boto3" in sys.modules
print(json.dumps(out))
"""


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def machine() -> dict[str, Any]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "loadavg": list(os.getloadavg()),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def precompile() -> None:
    """Bytecode for both skills, as a deployment ships it (this machine sets PYTHONDONTWRITEBYTECODE)."""
    targets = [
        "triage",
        "content",
        "speech",
        "dialogue",
        "kneeskill",
        "handlers",
        "composition",
        "webapp",
        "lambda_function.py",
    ]
    subprocess.run([PY, "-m", "compileall", "-q", *targets, str(MINIMAL_DIR)], cwd=ROOT, check=True)


def child(skill: str, env: dict[str, str], request: dict[str, Any] | None) -> dict[str, Any]:
    cwd = ROOT if skill == KNEE else MINIMAL_DIR
    run = subprocess.run(
        [PY, "-c", _CHILD],
        cwd=cwd,
        env=env,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if run.returncode != 0:
        raise RuntimeError(f"{skill} child failed: {run.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def interleaved(runs: int, a: Callable[[], Any], b: Callable[[], Any]) -> tuple[list[Any], list[Any]]:
    """Run ``a`` and ``b`` ``runs`` times each, alternating which goes first (A B, B A, ...)."""
    out_a: list[Any] = []
    out_b: list[Any] = []
    for i in range(runs):
        if i % 2 == 0:
            out_a.append(a())
            out_b.append(b())
        else:
            out_b.append(b())
            out_a.append(a())
    return out_a, out_b


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "p10": percentile(values, 0.10),
        "p90": percentile(values, 0.90),
        "p99": percentile(values, 0.99),
        "min": min(values),
        "n": len(values),
    }


# --------------------------------------------------------------------------------------------------
# 1. Cold start
# --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def moto_tables() -> Iterator[str]:
    """A moto DynamoDB server on 127.0.0.1 with one table per skill (key ``id``)."""
    from moto.server import ThreadedMotoServer  # noqa: PLC0415  # only for the DynamoDB rows

    for key, value in BASE_ENV.items():
        if key.startswith("AWS_"):
            os.environ[key] = value
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        import boto3  # noqa: PLC0415  # here too: never in this process before the children ran

        client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1")
        for table in ("knee-helper-bench", "minimal-skill-bench"):
            client.create_table(
                TableName=table,
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        yield url
    finally:
        server.stop()


#: The cold-start figures of each child: (result key, child key, unit).
_COLD_PARTS = (
    ("import", "import_ms", "ms"),
    ("first_request", "first_request_ms", "ms"),
    ("total", "total_ms", "ms"),
    ("import_cpu", "import_cpu_ms", "ms"),
    ("first_request_cpu", "first_request_cpu_ms", "ms"),
    ("total_cpu", "total_cpu_ms", "ms"),
)


def cold_start(runs: int) -> dict[str, Any]:
    """Fresh interpreters, interleaved A B / B A: each imports its skill and serves the first
    LaunchRequest; import, first request and their sum (what a user waits for) are reported."""
    results: dict[str, Any] = {}

    print(f"  cold import + first LaunchRequest, {runs} fresh interpreters each ...", flush=True)
    k, m = interleaved(
        runs,
        lambda: child(KNEE, KNEE_ENV, Session().launch()),
        lambda: child(MINIMAL, MINIMAL_ENV, Session().launch()),
    )
    for name, key, unit in _COLD_PARTS:
        results[f"cold_{name}"] = _pair([r[key] for r in k], [r[key] for r in m], unit)
    results["peak_rss"] = _pair([r["rss_kib"] / 1024 for r in k], [r["rss_kib"] / 1024 for r in m], "MiB")

    print(
        f"  the same with DynamoDB (moto on 127.0.0.1), {runs} each ...",
        flush=True,
    )
    with moto_tables() as url:
        knee_env = {
            **BASE_ENV,
            "KNEE_HELPER_PERSISTENCE": "dynamodb",
            "KNEE_HELPER_KEY_SALT": "bench-salt-" + "0" * 40,  # Lambda refuses to persist without one
            "KNEE_HELPER_TABLE": "knee-helper-bench",
            "KNEE_HELPER_DYNAMODB_ENDPOINT": url,
        }
        minimal_env = {
            **BASE_ENV,
            "MINIMAL_SKILL_TABLE": "minimal-skill-bench",
            "MINIMAL_SKILL_DYNAMODB_ENDPOINT": url,
        }
        k, m = interleaved(
            runs,
            lambda: child(KNEE, knee_env, Session().launch()),
            lambda: child(MINIMAL, minimal_env, Session().launch()),
        )
    for name, key, unit in _COLD_PARTS:
        results[f"cold_{name}_dynamodb"] = _pair([r[key] for r in k], [r[key] for r in m], unit)
    results["cold_total_dynamodb"]["boto3_loaded"] = {
        KNEE: k[0]["boto3_loaded"],
        MINIMAL: m[0]["boto3_loaded"],
    }
    results["importtime_top"] = {
        KNEE: importtime_top(KNEE, KNEE_ENV),
        MINIMAL: importtime_top(MINIMAL, MINIMAL_ENV),
    }
    return results


def _pair(knee: list[float], minimal: list[float], unit: str) -> dict[str, Any]:
    a, b = summary(knee), summary(minimal)
    return {"unit": unit, KNEE: a, MINIMAL: b, "ratio": a["median"] / b["median"]}


def importtime_top(skill: str, env: dict[str, str], runs: int = 5, top: int = 12) -> list[dict[str, Any]]:
    """``-X importtime``: the modules with the largest self time (minimum over ``runs``)."""
    cwd = ROOT if skill == KNEE else MINIMAL_DIR
    best: dict[str, tuple[int, int]] = {}
    for _ in range(runs):
        run = subprocess.run(
            [PY, "-X", "importtime", "-c", "import lambda_function"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        for line in run.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cumulative_us, name = line[len("import time:") :].split("|")
            key = name.strip()
            value = (int(self_us), int(cumulative_us))
            if key not in best or value[0] < best[key][0]:
                best[key] = value
    ranked = sorted(best.items(), key=lambda item: -item[1][0])[:top]
    total = sum(v[0] for v in best.values())
    return [{"module": n, "self_ms": s / 1000, "cumulative_ms": c / 1000} for n, (s, c) in ranked] + [
        {"module": "(sum of self times)", "self_ms": total / 1000, "cumulative_ms": 0.0}
    ]


# --------------------------------------------------------------------------------------------------
# 2. Warm latency, in process
# --------------------------------------------------------------------------------------------------


def _load_skills(standin_url: str) -> tuple[ModuleType, ModuleType]:
    os.environ.update(KNEE_ENV)
    os.environ["KNEE_HELPER_ALLOW_LOOPBACK_APIS"] = "1"
    os.environ.pop("MINIMAL_SKILL_TABLE", None)
    os.environ["MINIMAL_SKILL_TIMERS"] = "1"  # its timer intent: the counterpart of icing
    import lambda_function as knee  # noqa: PLC0415  # after its environment is set

    spec = importlib.util.spec_from_file_location(
        "minimal_lambda_function", MINIMAL_DIR / "lambda_function.py"
    )
    assert spec is not None and spec.loader is not None
    minimal = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(minimal)
    return knee, minimal


def _after(handler: Callable[..., dict[str, Any]], session: Session, *envelopes: dict[str, Any]) -> None:
    for envelope in envelopes:
        session.absorb(handler(envelope, None))


def _knee_requests(knee: ModuleType, standin_url: str) -> dict[str, dict[str, Any]]:
    """One envelope per request type, with the session state a real conversation would carry."""
    h = knee.lambda_handler
    s = Session()
    requests = {"launch": s.launch()}
    s = Session()
    requests["knee_pain_question"] = s.intent("KneePainIntent")
    # An answer to an interview question ("no" to the first screening question): the interview is
    # accepted first ("shall I ask a few questions?" "yes").
    _after(h, s, s.intent("KneePainIntent"))
    _after(h, s, s.intent("AMAZON.YesIntent"))
    requests["interview_answer"] = s.intent("AMAZON.NoIntent")
    s = Session()
    requests["explainer"] = s.intent("ExplainCauseIntent", cause="bakers_cyst")
    s = Session()
    _after(h, s, s.intent("PriceIntent"))
    requests["price_step"] = s.intent("AMAZON.NextIntent")
    s = Session(api_endpoint=standin_url)
    requests["icing_timer"] = s.intent("IcingIntent")
    requests["raises"] = Session().intent("AMAZON.HelpIntent")
    return requests


def warm_latency(runs: int, block: int = 10) -> dict[str, Any]:
    """Median and p99 per request type, both skills on the SDK's own ``DefaultSerializer``."""
    # Both skills log their failures (the "raises" row): format and write them, to /dev/null.
    devnull = open(os.devnull, "w")  # noqa: SIM115  # closed at exit with the process
    logging.basicConfig(stream=devnull, level=logging.WARNING, force=True)

    with StandIn.start() as standin:
        knee, minimal = _load_skills(standin.url)
        knee_requests = _knee_requests(knee, standin.url)
        ms = Session()
        color = ms.intent("ColorIntent", color="red")
        #: The minimal skill's counterpart of each request type: launch for launch, the intent with
        #: a slot for every intent, and a help request whose handler raises for "raises".
        minimal_requests = {name: color for name in knee_requests}
        minimal_requests["launch"] = ms.launch()
        minimal_requests["raises"] = ms.intent("AMAZON.HelpIntent")
        minimal_requests["icing_timer"] = Session(api_endpoint=standin.url).intent("TimerIntent")

        import kneeskill.turns  # noqa: PLC0415  # loaded with the skill above

        def boom(*args: object, **kwargs: object) -> Any:
            raise RuntimeError("benchmark: a request that raises")

        Timing = Callable[[str], tuple[float, float]]

        def timed(skill: ModuleType, requests: dict[str, dict[str, Any]]) -> Timing:
            """One request: its wall-clock and its CPU time (less disturbed by other jobs), in ms."""

            def call(name: str) -> tuple[float, float]:
                start, cpu = time.perf_counter_ns(), time.process_time_ns()
                response = skill.lambda_handler(requests[name], None)
                elapsed = (time.perf_counter_ns() - start) / 1e6, (time.process_time_ns() - cpu) / 1e6
                assert "outputSpeech" in response["response"], name
                return elapsed

            return call

        knee_call, minimal_call = timed(knee, knee_requests), timed(minimal, minimal_requests)

        results: dict[str, Any] = {}
        for name in knee_requests:
            with contextlib.ExitStack() as stack:
                if name == "raises":
                    # As tests/skill/test_lambda_entry.py does: the turn's responder raises.
                    original_respond = getattr(kneeskill.turns, "respond")  # noqa: B009
                    original_handle = minimal.HelpIntentHandler.handle
                    setattr(kneeskill.turns, "respond", boom)  # noqa: B010
                    minimal.HelpIntentHandler.handle = boom
                    stack.callback(setattr, kneeskill.turns, "respond", original_respond)
                    stack.callback(setattr, minimal.HelpIntentHandler, "handle", original_handle)
                for _ in range(20):  # warm-up
                    knee_call(name)
                    minimal_call(name)
                k: list[tuple[float, float]] = []
                m: list[tuple[float, float]] = []
                for i in range(max(1, runs // block)):
                    order = [(k, knee_call), (m, minimal_call)]
                    if i % 2:
                        order.reverse()
                    for sink, call in order:
                        sink.extend(call(name) for _ in range(block))
                    if name == "icing_timer":
                        standin.reset()
            a, b = summary([wall for wall, _ in k]), summary([wall for wall, _ in m])
            a_cpu, b_cpu = summary([cpu for _, cpu in k]), summary([cpu for _, cpu in m])
            results[name] = {
                "unit": "ms",
                KNEE: a,
                MINIMAL: b,
                "ratio_median": a["median"] / b["median"],
                "ratio_p99": a["p99"] / b["p99"],
                "cpu": {KNEE: a_cpu, MINIMAL: b_cpu, "ratio_median": a_cpu["median"] / b_cpu["median"]},
            }
            print(f"  {name}: {a['median']:.3f} ms vs {b['median']:.3f} ms", flush=True)
    return results


# --------------------------------------------------------------------------------------------------
# 3. HTTP under gunicorn, loaded by wrk
# --------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def gunicorn(skill: str, workers: int) -> Iterator[str]:
    port = _free_port()
    gunicorn_bin = str(Path(PY).with_name("gunicorn"))
    common = [gunicorn_bin, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    if skill == KNEE:
        cmd = [*common, "webapp.wsgi:app"]
        env = {**KNEE_ENV, "KNEE_HELPER_VERIFY_SIGNATURES": "0"}
    else:
        cmd = [*common, "--chdir", str(MINIMAL_DIR), "app:app"]
        env = dict(MINIMAL_ENV)
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while True:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"gunicorn for {skill} did not start: {log.read()[-2000:]!r}")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wrk(url: str, script: Path, seconds: float, connections: int) -> dict[str, Any]:
    run = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out: dict[str, Any] = {"non_2xx": 0, "socket_errors": ""}
    in_distribution = False
    for line in run.stdout.splitlines():
        text = line.strip()
        if text.startswith("Requests/sec:"):
            out["rps"] = float(text.split()[1])
        elif text.startswith("Latency Distribution"):
            in_distribution = True
        elif in_distribution and text[:3] in ("50%", "75%", "90%", "99%"):
            out[f"p{text[:2]}_ms"] = _ms(text.split()[1])
        elif text.startswith("Non-2xx"):
            out["non_2xx"] = int(text.split()[-1])
        elif text.startswith("Socket errors"):
            out["socket_errors"] = text
        elif in_distribution and not text[:1].isdigit():
            in_distribution = False
    return out


def _ms(text: str) -> float:
    for suffix, scale in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * scale
    return float(text)


def ensure_wrk() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make bench` (installs it) or `apt-get install -y wrk`")


def http_throughput(seconds: float, rounds: int, connections: int, workers: int) -> dict[str, Any]:
    ensure_wrk()
    body = json.dumps(Session().launch())  # timestamp now: valid for the 150 s window
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "launch.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(body)}\n"
        )
        runs: dict[str, list[dict[str, Any]]] = {KNEE: [], MINIMAL: []}
        with gunicorn(KNEE, workers) as knee_url, gunicorn(MINIMAL, workers) as minimal_url:
            urls = {KNEE: knee_url, MINIMAL: minimal_url}
            for skill in (KNEE, MINIMAL):  # warm-up
                _wrk(urls[skill], script, 1, connections)
            for i in range(rounds):
                order = [KNEE, MINIMAL] if i % 2 == 0 else [MINIMAL, KNEE]
                for skill in order:
                    print(
                        f"  wrk {skill} round {i + 1}/{rounds} ({seconds:g} s, {connections} conns) ...",
                        flush=True,
                    )
                    runs[skill].append(_wrk(urls[skill], script, seconds, connections))
    for skill, samples in runs.items():
        results[skill] = {
            "rps": statistics.median(s["rps"] for s in samples),
            **{
                key: statistics.median(s[key] for s in samples)
                for key in ("p50_ms", "p75_ms", "p90_ms", "p99_ms")
                if all(key in s for s in samples)
            },
            "non_2xx": sum(s["non_2xx"] for s in samples),
            "rounds": samples,
        }
    results["ratio_rps"] = results[KNEE]["rps"] / results[MINIMAL]["rps"]
    results["settings"] = {
        "seconds": seconds,
        "rounds": rounds,
        "connections": connections,
        "workers": workers,
    }
    return results


# --------------------------------------------------------------------------------------------------
# 4. Deployment package size
# --------------------------------------------------------------------------------------------------


def package_sizes() -> dict[str, Any]:
    """``make package`` for Knee Helper; the same pip flags and zip for the minimal skill."""
    build = ROOT / "build"
    make = subprocess.run(
        ["make", "--no-print-directory", "package"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if make.returncode != 0:
        return {"error": f"make package failed: {make.stderr[-1500:]}"}
    knee_zip = build / "knee-helper-lambda.zip"
    knee_pyc = sum(1 for _ in (build / "lambda").rglob("*.pyc"))
    compiled_note = next((line for line in make.stdout.splitlines() if line.startswith("note:")), "")

    target = build / "minimal-lambda"
    shutil.rmtree(target, ignore_errors=True)
    makefile = (ROOT / "Makefile").read_text()
    version = _make_var(makefile, "LAMBDA_PYTHON_VERSION")
    plat = _make_var(makefile, "LAMBDA_PLATFORM")
    # The same versions as Knee Helper's runtime lock (its pins; pip takes no hashes in constraints).
    runtime_lock = (ROOT / "requirements" / "runtime.lock").read_text()
    pins = re.findall(r"^([A-Za-z0-9._-]+==[^\s;\\]+)", runtime_lock, re.M)
    with (
        tempfile.NamedTemporaryFile("w", suffix=".txt") as req,
        tempfile.NamedTemporaryFile("w", suffix=".txt") as constraints,
    ):
        req.write("ask-sdk-core\n")
        req.flush()
        constraints.write("\n".join(pins) + "\n")
        constraints.flush()
        subprocess.run(
            [PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target", str(target),
             "--platform", plat, "--python-version", version, "--implementation", "cp",
             "--only-binary=:all:", "-r", req.name, "-c", constraints.name],
            check=True,
        )  # fmt: skip
    shutil.copy(MINIMAL_DIR / "lambda_function.py", target / "lambda_function.py")
    if platform.python_version().rsplit(".", 1)[0] == version:
        subprocess.run(
            [PY, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(target)],
            check=True,
        )
    minimal_zip = build / "minimal-lambda.zip"
    minimal_zip.unlink(missing_ok=True)
    subprocess.run(["zip", "-q", "-r", str(minimal_zip), "."], cwd=target, check=True)
    knee_size, minimal_size = knee_zip.stat().st_size, minimal_zip.stat().st_size
    return {
        "unit": "bytes",
        KNEE: knee_size,
        MINIMAL: minimal_size,
        "ratio": knee_size / minimal_size,
        "knee_helper_pyc_files": knee_pyc,
        "bytecode_note": compiled_note or "bytecode compiled",
    }


def _make_var(makefile: str, name: str) -> str:
    for line in makefile.splitlines():
        if line.startswith(f"{name} :="):
            return line.split(":=", 1)[1].strip()
    raise KeyError(name)


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def _check(metric: str, ratio: float) -> str:
    op, bound = TARGETS[metric]
    ok = ratio <= bound if op == "<=" else ratio >= bound
    return f"{'PASS' if ok else 'MISS'} ({op} {bound:g}x)"


def verdicts(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    cold = results.get("cold")
    if cold:
        for metric in ("cold_import", "cold_total", "cold_total_dynamodb", "peak_rss"):
            out[metric] = {"ratio": cold[metric]["ratio"]}
    warm = results.get("warm")
    if warm:
        out["warm_median"] = {
            "ratio": max(v["ratio_median"] for v in warm.values()),
            "worst_of": "request types",
        }
        out["warm_p99"] = {"ratio": max(v["ratio_p99"] for v in warm.values()), "worst_of": "request types"}
    http = results.get("http")
    if http:
        out["http_rps"] = {"ratio": http["ratio_rps"]}
    for metric, entry in out.items():
        entry["verdict"] = _check(metric, entry["ratio"])
    return out


def _warm_row(label: str, row: dict[str, Any], verdict: str) -> str:
    a, b = row[KNEE], row[MINIMAL]
    return (
        f"| {label} | {a['median']:.3f} / {a['p99']:.3f} ms | {b['median']:.3f} / {b['p99']:.3f} ms "
        f"| {row['ratio_median']:.2f}x / {row['ratio_p99']:.2f}x | {verdict} |"
    )


def _spread(stats: dict[str, float], unit: str) -> str:
    """The median with the 10th-90th percentile range, e.g. ``171.2 ms (160.4-190.0)``."""
    return f"{stats['median']:.1f} {unit} ({stats['p10']:.1f}-{stats['p90']:.1f})"


def render(results: dict[str, Any]) -> str:
    lines: list[str] = []
    m = results["machine"]
    lines.append(
        f"Machine: {m['nproc']} CPUs, {m['cpu_model']}, load {m['loadavg_before']} -> "
        f"{m['loadavg_after']}, Python {m['python']}"
    )
    lines.append("")
    cold = results.get("cold")
    if cold:
        n = cold["cold_total"][KNEE]["n"]
        lines.append(
            f"Cold rows: median of {n} fresh interpreters per skill and case, interleaved, bytecode "
            "compiled; in brackets the 10th-90th percentiles; ratios of the medians."
        )
        lines.append("")
    lines.append("| measure | Knee Helper | minimal ASK SDK skill | ratio | target |")
    lines.append("|---|---|---|---|---|")
    v = results["verdicts"]
    if cold:
        for key, label, metric in (
            ("cold_import", "cold: import lambda_function", "cold_import"),
            ("cold_first_request", "cold: first LaunchRequest", None),
            ("cold_total", "cold: import + first LaunchRequest", "cold_total"),
            ("cold_total_cpu", "cold: import + first LaunchRequest, CPU", None),
            ("cold_import_dynamodb", "cold, DynamoDB: import", None),
            ("cold_first_request_dynamodb", "cold, DynamoDB: first LaunchRequest", None),
            ("cold_total_dynamodb", "cold, DynamoDB: import + first LaunchRequest", "cold_total_dynamodb"),
            ("cold_total_cpu_dynamodb", "cold, DynamoDB: import + first LaunchRequest, CPU", None),
            ("peak_rss", "peak RSS after the first request", "peak_rss"),
        ):
            row = cold[key]
            target = v[metric]["verdict"] if metric else "-"
            lines.append(
                f"| {label} | {_spread(row[KNEE], row['unit'])} | {_spread(row[MINIMAL], row['unit'])} "
                f"| {row['ratio']:.2f}x | {target} |"
            )
    for name, row in (results.get("warm") or {}).items():
        verdict = f"{_check('warm_median', row['ratio_median'])} / {_check('warm_p99', row['ratio_p99'])}"
        lines.append(_warm_row(f"warm {name}: median / p99", row, verdict))
    for name, row in (results.get("warm") or {}).items():
        cpu = row.get("cpu")
        if cpu:
            a, b, ratio = cpu[KNEE]["median"], cpu[MINIMAL]["median"], cpu["ratio_median"]
            lines.append(f"| warm {name}: median, CPU | {a:.3f} ms | {b:.3f} ms | {ratio:.2f}x | - |")
    http = results.get("http")
    if http:
        a, b = http[KNEE], http[MINIMAL]
        lines.append(
            f"| HTTP LaunchRequest, requests/s | {a['rps']:.0f} | {b['rps']:.0f} "
            f"| {http['ratio_rps']:.2f}x | {v['http_rps']['verdict']} |"
        )
        lines.append(
            f"| HTTP latency p50 / p90 / p99 | {a.get('p50_ms', 0):.2f} / {a.get('p90_ms', 0):.2f} "
            f"/ {a.get('p99_ms', 0):.2f} ms "
            f"| {b.get('p50_ms', 0):.2f} / {b.get('p90_ms', 0):.2f} / {b.get('p99_ms', 0):.2f} ms | - | - |"
        )
    pkg = results.get("package")
    if pkg and "error" not in pkg:
        lines.append(
            f"| deployment zip | {pkg[KNEE] / 1e6:.2f} MB | {pkg[MINIMAL] / 1e6:.2f} MB "
            f"| {pkg['ratio']:.2f}x | - |"
        )
        lines.append(
            f"\nPackage: {pkg['knee_helper_pyc_files']} .pyc files in build/lambda; {pkg['bytecode_note']}"
        )
    elif pkg:
        lines.append(f"\nPackage: {pkg['error']}")
    if cold:
        lines.append("\n-X importtime, largest self times (min of 5), Knee Helper:")
        for row in cold["importtime_top"][KNEE]:
            lines.append(f"  {row['self_ms']:7.1f} ms  {row['module']}")
        lines.append("minimal skill:")
        for row in cold["importtime_top"][MINIMAL][:6] + cold["importtime_top"][MINIMAL][-1:]:
            lines.append(f"  {row['self_ms']:7.1f} ms  {row['module']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cold-runs", type=int, default=41, help="fresh interpreters per skill and case")
    parser.add_argument(
        "--warm-runs", type=int, default=400, help="timed requests per skill and request type"
    )
    parser.add_argument("--http-seconds", type=float, default=10.0)
    parser.add_argument("--http-rounds", type=int, default=2, help="wrk runs per skill, interleaved")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per skill")
    parser.add_argument("--skip", action="append", default=[], choices=["cold", "warm", "http", "package"])
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    started = datetime.now(UTC)
    info = machine()
    results: dict[str, Any] = {"started": started.isoformat(timespec="seconds"), "machine": info}
    info["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
    precompile()
    if "cold" not in args.skip:
        print("1. cold start", flush=True)
        results["cold"] = cold_start(args.cold_runs)
    if "warm" not in args.skip:
        print("2. warm latency, in process", flush=True)
        results["warm"] = warm_latency(args.warm_runs)
    if "http" not in args.skip:
        print("3. HTTP under gunicorn + wrk", flush=True)
        results["http"] = http_throughput(args.http_seconds, args.http_rounds, args.connections, args.workers)
    if "package" not in args.skip:
        print("4. deployment package", flush=True)
        results["package"] = package_sizes()
    info["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    results["verdicts"] = verdicts(results)
    table = render(results)
    print()
    print(table)
    args.output.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2) + "\n"
    (args.output / "latest.json").write_text(text)
    (args.output / f"{started.strftime('%Y-%m-%dT%H%M%SZ')}.json").write_text(text)
    (args.output / "latest.md").write_text(table + "\n")
    print(f"\nwrote {args.output / 'latest.json'}")
    missed = [name for name, entry in results["verdicts"].items() if entry["verdict"].startswith("MISS")]
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
