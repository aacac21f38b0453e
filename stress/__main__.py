"""``python -m stress [--short]``: run tests/reliability in its long form and print the summary table.

The long form: at least 50,000 fuzz cases across both entry points (and 4,000 more sent at the
production recursion limit, with deep nesting), a 60-second load at concurrency 32 under gunicorn
(3 workers), 2,000 icing users written and counted, a worker killed mid-load under 5,000 users (with
SQLite, and with DynamoDB answering every fifth call 2.5 s late: no record lost or stored twice),
every fault scenario, every dependency dripping its answers one byte at a time, lost and late
DynamoDB answers to icing writes, a SQLite file removed or replaced mid-run, and idle and slowloris
sockets held open against the documented gunicorn command. ``--short`` plays the form that
``make test`` runs. A wrk run (when ``wrk`` is installed) adds a raw-throughput row for the
health check and a Launch request.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from stress import load, report
from tests.support.offline import OFFLINE_AWS_ENV

ROOT = Path(__file__).resolve().parents[1]
TEST_ENV = {**OFFLINE_AWS_ENV, "PYTHONHASHSEED": "0"}


def wrk_row(seconds: int) -> dict[str, object] | None:
    """Raw throughput of one gunicorn (3 workers) with wrk: a Launch request, unsigned, on loopback."""
    if shutil.which("wrk") is None:
        return None
    sys.path.insert(0, str(ROOT))
    from tests.support.envelopes import TEST_SKILL_ID, Session

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "SKILL_ID": TEST_SKILL_ID,
            "KNEE_HELPER_VERIFY_SIGNATURES": "0",
            "KNEE_HELPER_PERSISTENCE": "none",
        }
        body = json.dumps(Session().launch())
        script = Path(tmp) / "launch.lua"
        script.write_text(
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(body)}\n"
            "done = function(summary, latency, requests)\n"
            "  local e = summary.errors\n"
            '  io.write(string.format("JSON %d %d %d %f\\n", summary.requests,'
            " e.connect + e.read + e.write + e.status + e.timeout,"
            " latency:percentile(99), summary.duration / 1e6))\n"
            "end\n"
        )
        with load.gunicorn({**TEST_ENV, **env}, workers=3, log_dir=Path(tmp)) as server:
            run = subprocess.run(
                ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(script), server.url],
                capture_output=True,
                text=True,
                timeout=seconds + 60,
                check=False,
            )
    line = next((x for x in run.stdout.splitlines() if x.startswith("JSON ")), None)
    if line is None:
        return {"errors": 1, "note": run.stderr[-200:]}
    requests, errors, p99_us, seconds_run = line.split()[1:5]
    figures = {
        "requests": int(requests),
        "errors": int(errors),
        "p99_us": int(p99_us),
        "seconds": float(seconds_run),
    }
    # The Launch request's timestamp is fixed at start-up: a run longer than 150 s would get 400s.
    return {
        "requests": figures["requests"],
        "errors": figures["errors"],
        "rps": round(figures["requests"] / figures["seconds"], 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stress", description=__doc__)
    parser.add_argument("--short", action="store_true", help="the short form (what make test runs)")
    parser.add_argument("--report", default=str(ROOT / "test-artifacts" / "reliability.json"))
    parser.add_argument("--wrk-seconds", type=int, default=30)
    args = parser.parse_args(argv)
    path = Path(args.report)
    path.unlink(missing_ok=True)
    env = {
        **os.environ,
        **TEST_ENV,
        report.REPORT_ENV: str(path),
        report.FORM_ENV: "short" if args.short else "long",
    }
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/reliability"],
        cwd=ROOT,
        env=env,
        check=False,
    )
    data = report.load(path)
    if not args.short:
        os.environ.update({report.REPORT_ENV: str(path)})
        row = wrk_row(args.wrk_seconds)
        if row is not None:
            data["load: wrk Launch (no persistence)"] = row
            path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    total_cases = sum(int(v.get("cases", 0)) for v in data.values())
    print()
    form = "short" if args.short else "long"
    print(f"Reliability ({form} form): {total_cases} cases; pytest exit {tests.returncode}")
    print(report.table(data))
    return tests.returncode


if __name__ == "__main__":
    raise SystemExit(main())
