"""Profile the warm rows of ``make bench`` in process (cProfile over many requests).

    .venv/bin/python bench/profile_warm.py [ROW ...] [--n 300] [--top 25] [--sort tottime]

Builds the same envelopes as ``bench/bench_skill.py`` (same session state), prints each row's median
for both skills from a short interleaved run, then the profile of Knee Helper's row.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_skill

from alexa_standin import StandIn
from tests.support.envelopes import Session


def _package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/", maxsplit=1)[0]
    root = str(Path(__file__).resolve().parent.parent) + "/"
    if filename.startswith(root):
        return "/".join(filename[len(root) :].split("/")[:2])
    if filename.startswith("~") or filename.startswith("<"):
        return filename
    return "stdlib:" + filename.rsplit("/", 2)[-2] + "/" + filename.rsplit("/", 1)[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", nargs="*")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--minimal", action="store_true", help="profile the minimal skill instead")
    parser.add_argument("--by-package", action="store_true", help="total own time per package")
    parser.add_argument("--cpu", action="store_true", help="time with process_time (CPU), not wall-clock")
    args = parser.parse_args(argv)
    devnull = open(os.devnull, "w")  # noqa: SIM115
    logging.basicConfig(stream=devnull, level=logging.WARNING, force=True)
    with StandIn.start() as standin:
        knee, minimal = bench_skill._load_skills(standin.url)
        requests = bench_skill._knee_requests(knee, standin.url)
        ms = Session()
        minimal_requests: dict[str, Any] = {name: ms.intent("ColorIntent", color="red") for name in requests}
        minimal_requests["launch"] = ms.launch()
        minimal_requests["raises"] = ms.intent("AMAZON.HelpIntent")
        minimal_requests["icing_timer"] = Session(api_endpoint=standin.url).intent("TimerIntent")
        import kneeskill.turns  # noqa: PLC0415

        def boom(*a: object, **k: object) -> Any:
            raise RuntimeError("benchmark: a request that raises")

        for name in args.rows or list(requests):
            with contextlib.ExitStack() as stack:
                if name == "raises":
                    orig_r, orig_h = getattr(kneeskill.turns, "respond"), minimal.HelpIntentHandler.handle  # noqa: B009
                    setattr(kneeskill.turns, "respond", boom)  # noqa: B010
                    minimal.HelpIntentHandler.handle = boom
                    stack.callback(setattr, kneeskill.turns, "respond", orig_r)
                    stack.callback(setattr, minimal.HelpIntentHandler, "handle", orig_h)
                clock = time.process_time_ns if args.cpu else time.perf_counter_ns
                k: list[float] = []
                m: list[float] = []
                for i in range(args.n):
                    pairs = ((k, knee, requests), (m, minimal, minimal_requests))
                    for sink, skill, reqs in pairs[:: -1 if i % 2 else 1]:
                        t = clock()
                        skill.lambda_handler(reqs[name], None)
                        sink.append((clock() - t) / 1e6)
                    if name == "icing_timer" and i % 10 == 9:
                        standin.reset()
                km, mm = statistics.median(k[20:]), statistics.median(m[20:])
                print(f"{name}: {km:.3f} ms vs {mm:.3f} ms = {km / mm:.2f}x", flush=True)
                if args.no_profile:
                    continue
                prof = cProfile.Profile()
                prof.enable()
                skill, reqs = (minimal, minimal_requests) if args.minimal else (knee, requests)
                for i in range(args.n):
                    skill.lambda_handler(reqs[name], None)
                    if name == "icing_timer" and i % 10 == 9:
                        standin.reset()
                prof.disable()
                if args.by_package:
                    by: dict[str, float] = {}
                    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
                    for (filename, _, _), (_, _, tottime, _, _) in stats.items():
                        by[_package(filename)] = by.get(_package(filename), 0.0) + tottime
                    total = sum(by.values())
                    for package, seconds in sorted(by.items(), key=lambda kv: -kv[1])[: args.top]:
                        print(f"  {package:28s} {seconds / args.n * 1e3:7.3f} ms  {seconds / total:6.1%}")
                    continue
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats(args.sort).print_stats(args.top)
                print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
