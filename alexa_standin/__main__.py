"""Run the stand-in alone: ``python -m alexa_standin --port 5050``."""

from __future__ import annotations

import argparse
import threading

from alexa_standin.server import StandIn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alexa_standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=5050)
    parser.add_argument("--time-zone", default="America/Los_Angeles", help="answer for System.timeZone")
    args = parser.parse_args(argv)
    standin = StandIn.start(args.host, args.port)
    standin.time_zone = args.time_zone
    print(f"Alexa API stand-in on {standin.url} (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
        for line in standin.describe():
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
