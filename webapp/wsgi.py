"""WSGI entry point: ``gunicorn -c webapp/gunicorn.conf.py webapp.wsgi:app``.

Settings come from the environment; SQLite by default."""

from __future__ import annotations

from kneeskill.settings import PersistenceKind, Settings
from webapp.server import create_app

__all__ = ["app"]

app = create_app(Settings.from_env(default_persistence=PersistenceKind.SQLITE))
