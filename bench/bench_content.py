"""Cold load time of one content bundle, measured in fresh processes.

    .venv/bin/python bench/bench_content.py

Prints the import time of ``content`` and the first ``content.load()`` (JSON read plus strict
conversion) per locale, each in a new interpreter so nothing is cached. Target: well under 10 ms.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
import content
t1 = time.perf_counter()
c = content.load(sys.argv[1])
t2 = time.perf_counter()
content.load(sys.argv[1])
t3 = time.perf_counter()
assert "yaml" not in sys.modules, "the run-time loader imported yaml"
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "load_ms": (t2 - t1) * 1e3, "cached_ms": (t3 - t2) * 1e3}))
"""


def measure(locale: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, locale], cwd=ROOT, check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from content.loader import SUPPORTED_LOCALES  # noqa: PLC0415  # after the sys.path set-up

    runs = 5
    worst = 0.0
    for locale in SUPPORTED_LOCALES:
        samples = [measure(locale) for _ in range(runs)]
        load = sorted(s["load_ms"] for s in samples)[runs // 2]
        imp = sorted(s["import_ms"] for s in samples)[runs // 2]
        cached = sorted(s["cached_ms"] for s in samples)[runs // 2]
        worst = max(worst, load)
        print(
            f"{locale}: import content {imp:6.2f} ms, cold load {load:6.2f} ms, "
            f"cached {cached * 1000:6.1f} us"
        )
    print(f"worst median cold load: {worst:.2f} ms (target < 10 ms)")
    return 0 if worst < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
