"""WSGI entry point: ``gunicorn webapp.wsgi:app`` (settings from the environment)."""

from __future__ import annotations

from webapp.server import create_app

__all__ = ["app"]

app = create_app()
