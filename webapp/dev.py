"""The development app: the production app of :func:`webapp.server.create_app` plus the offline
simulator at ``/simulator`` (a development tool with dev-only dependencies, never in production).

``python -m webapp`` (``make run``) serves this app; ``gunicorn webapp.wsgi:app`` serves the
production app alone.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from kneeskill.settings import Settings
from simulator.web import simulator_blueprint
from webapp.server import create_app

__all__ = ["create_dev_app"]


def create_dev_app(settings: Settings | None = None, **options: Any) -> Flask:
    """``create_app(settings, **options)`` with the simulator blueprint (its own skill instance)."""
    settings = settings if settings is not None else Settings.from_env()
    app = create_app(settings, **options)
    app.register_blueprint(simulator_blueprint(settings))
    return app
