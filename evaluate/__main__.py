"""``python -m evaluate``: play every golden vignette through the real skill and print the table.

Exits 1 when a floor of issue 13 is missed (100% emergency escalation, 100% safe, 95% correct care
level), and, with --strict-conversation, when a target of issue 14 is missed (median <= 7
questions, max <= 10). Writes evaluate/results/latest.md and latest.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from evaluate import report, vignettes
from evaluate.run import evaluate, subset
from evaluate.scoring import summarise, verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluate", description=__doc__)
    parser.add_argument("--strict-conversation", action="store_true", help="enforce the issue 14 targets")
    parser.add_argument("--every", type=int, default=1, help="play every N-th vignette only (quick look)")
    parser.add_argument(
        "--only", action="append", default=[], help="play the vignette with this id (repeatable)"
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="persistence in SQLite in a temporary directory"
    )
    parser.add_argument(
        "--vignettes",
        type=Path,
        default=vignettes.VIGNETTES_PATH,
        help="a vignette file in the golden format (default: the golden vignettes)",
    )
    parser.add_argument("--out", type=Path, default=report.RESULTS_DIR, help="where latest.md/.json go")
    parser.add_argument("--label", default="golden vignettes through lambda_handler")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the vignettes not fully right")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="knee-evaluate-") as data_dir:
        if args.sqlite:
            os.environ["KNEE_HELPER_PERSISTENCE"] = "sqlite"
            os.environ["KNEE_HELPER_DATA_DIR"] = data_dir
        every_case = vignettes.load(args.vignettes)
        cases = every_case
        if args.only:
            cases = [v for v in cases if v.id in set(args.only)]
        cases = subset(cases, args.every)
        outcomes = evaluate(cases)
    summary = summarise(outcomes)
    result = verdict(summary)
    partial = len(cases) != len(every_case) or args.vignettes != vignettes.VIGNETTES_PATH
    out = args.out if not partial or args.out != report.RESULTS_DIR else args.out / "partial"
    report.write(summary, result, outcomes, strict=args.strict_conversation, label=args.label, directory=out)
    print(report.table(summary))
    print()
    if args.verbose:
        for line in report.failing_lines(outcomes):
            print("  -", line)
        print()
    for failure in result.failures:
        print(f"FLOOR MISSED: {failure}")
    for miss in result.conversation_misses:
        tag = "FAIL" if args.strict_conversation else "note"
        print(f"{tag}: conversation target missed: {miss}")
    print(f"results: {out / 'latest.md'}, {out / 'latest.json'}")
    return 0 if result.ok(args.strict_conversation) else 1


if __name__ == "__main__":
    sys.exit(main())
