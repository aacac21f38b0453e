"""``python -m capacity`` (``make capacity``): cost per million sessions, a peak's limits, a memory size.

By default it reads the committed measurements (capacity/measured.json) and prints in well under a
second. ``--measure`` first re-measures them on loopback (moto, the Alexa stand-in; ~20 s) and
rewrites the file; ``--load`` runs the load simulation of capacity/load.py.
"""

from __future__ import annotations

import argparse
import sys

from capacity import model, report
from capacity.inputs import (
    MEASURED_FILE,
    InputError,
    load_assumptions,
    load_measured,
    load_prices,
    parse_mix,
)


def _mix(text: str | None, default: dict[str, float]) -> dict[str, float]:
    if not text:
        return default
    shares: dict[str, float] = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        shares[name.strip()] = float(value)
    return parse_mix(shares, "--mix")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m capacity", description=__doc__.splitlines()[0])
    parser.add_argument("--peak", type=float, default=50.0, help="new sessions per second at the peak (50)")
    parser.add_argument("--memory", type=float, help="memory size in MB for the cost and peak tables "
                        "(default: the recommended size)")  # fmt: skip
    parser.add_argument("--reuse", type=float, help="container reuse rate, 0..1 (default: assumptions.yaml)")
    parser.add_argument(
        "--mix", help="conversation mix, e.g. headline=0.5,interview=0.5 (default: assumptions.yaml)"
    )
    parser.add_argument(
        "--measure", action="store_true", help="re-measure the inputs and rewrite measured.json"
    )
    parser.add_argument(
        "--repeats", type=int, default=20, help="sessions per conversation type when measuring"
    )
    parser.add_argument("--cold-runs", type=int, default=7, help="fresh interpreters when measuring")
    parser.add_argument("--load", action="store_true", help="run the loopback load simulation and report it")
    parser.add_argument("--users", type=int, default=60, help="simulated users for --load")
    parser.add_argument("--threads", type=int, default=8, help="concurrent threads for --load")
    parser.add_argument("--seconds", type=float, default=30.0, help="time bound for --load")
    args = parser.parse_args(argv)

    if args.measure:
        from capacity.measure import measure

        print(f"measuring ({args.repeats} sessions per type, {args.cold_runs} cold starts) ...", flush=True)
        measure(args.repeats, args.cold_runs)
        print(f"wrote {MEASURED_FILE}\n")
    try:
        prices, assumptions, measured = load_prices(), load_assumptions(), load_measured()
        mix = _mix(args.mix, dict(assumptions.default_mix))
    except (InputError, ValueError) as error:
        print(f"capacity: {error}", file=sys.stderr)
        return 2
    reuse = assumptions.container_reuse_rate if args.reuse is None else args.reuse
    region = prices.regions["us-east-1"]

    out: list[str] = report.inputs_table(measured)
    options = model.memory_options(measured, assumptions, region, "arm64", mix, reuse_rate=reuse)
    chosen = model.recommend(options)
    out += ["", *report.memory_table(options, assumptions, chosen)]
    for other in (0.99, 0.95):
        if other != reuse:
            alt = model.recommend(
                model.memory_options(measured, assumptions, region, "arm64", mix, reuse_rate=other)
            )
            out.append(
                f"At {other:.0%} container reuse the recommendation is "
                f"{f'{alt.memory_mb:.0f} MB' if alt else 'none (no size fits)'}."
            )
    memory = args.memory or (chosen.memory_mb if chosen else max(assumptions.memory_sizes_mb))
    (option,) = model.memory_options(
        measured, assumptions, region, "arm64", mix, reuse_rate=reuse, sizes=[memory]
    )
    p99 = option.p99_ms
    out += [
        "",
        *report.cost_table(measured, assumptions, prices=prices, memory_mb=memory, mix=mix, reuse=reuse),
    ]
    peak = model.peak(args.peak, measured, assumptions, memory, mix, p99_ms=p99, reuse_rate=reuse)
    out += ["", *report.peak_table(peak, memory)]
    out += ["", *report.sources_table(prices)]
    if args.load:
        from capacity.load import render, simulate

        print("\n".join(out), flush=True)
        out = ["", render(simulate(users=args.users, threads=args.threads, seconds=args.seconds))]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
