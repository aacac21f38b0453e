"""Serve Knee Helper locally: ``python -m webapp --host 127.0.0.1 --port 5000`` (what ``make run`` does).

Uses Flask's development server (threaded) and the development app (:mod:`webapp.dev`, with the
simulator at ``/simulator``). Settings come from the environment
(:class:`kneeskill.settings.Settings`):

- ``SKILL_ID``: your skill's id (``amzn1.ask.skill....``). Unset, every request's applicationId is
  accepted and a loud WARNING is logged at start-up.
- ``KNEE_HELPER_VERIFY_SIGNATURES``: Alexa request-signature verification, ON by default.
  ``0``/``false``/``off`` turns it off for curl testing on your own machine, with a loud
  start-up WARNING (development only)::

      KNEE_HELPER_VERIFY_SIGNATURES=0 make run
      curl -s -H 'Content-Type: application/json' --data @launch.json http://127.0.0.1:5000/

  The timestamp (150 s) and skill-id checks stay on, so put a fresh ``request.timestamp`` in the file.
- ``KNEE_HELPER_MAX_BODY_BYTES``: request size cap (default 128 KiB, larger bodies get 413).

Alexa developer console simulator: keep signature verification on, start
``SKILL_ID=amzn1.ask.skill... make run``, point an HTTPS tunnel (ngrok, cloudflared) at
``http://127.0.0.1:5000``, and in the console set
Endpoint -> HTTPS -> the tunnel's URL with the SSL certificate type
"My development endpoint is a sub-domain of a domain that has a wildcard certificate from a
certificate authority".

For anything beyond local development use gunicorn with threaded workers:
``gunicorn -c webapp/gunicorn.conf.py webapp.wsgi:app`` (see the README).
"""

from __future__ import annotations

import argparse
import logging

from kneeskill import observability
from kneeskill.settings import PersistenceKind, Settings
from webapp.dev import create_dev_app


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, build the app from the environment and serve it."""
    parser = argparse.ArgumentParser(prog="python -m webapp", description="Serve Knee Helper locally.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="TCP port (default 5000)")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, handlers=[observability.json_handler()])  # escaped JSON lines
    app = create_dev_app(Settings.from_env(default_persistence=PersistenceKind.SQLITE))
    app.run(host=arguments.host, port=arguments.port, threaded=True, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
