"""Process-wide resources shared by every request (never user state)."""

from __future__ import annotations

import threading

from kneeskill import observability
from kneeskill.settings import PersistenceKind, Settings
from kneeskill.storage import StoreUnavailable, UserStore, open_store

_log = observability.logger("knee_helper.runtime")


class Runtime:
    """Settings plus the lazily opened store. Opening the store imports boto3 only for DynamoDB."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: UserStore | None = None
        self._opened = False
        self._lock = threading.Lock()

    @property
    def persistence_enabled(self) -> bool:
        return self.settings.persistence is not PersistenceKind.NONE

    def store(self) -> UserStore | None:
        """The user store, opened on first use; None when persistence is off or cannot open."""
        if self._opened:
            return self._store
        with self._lock:
            if not self._opened:
                try:
                    self._store = open_store(self.settings)
                except StoreUnavailable as error:
                    _log.warning("storage unavailable at open: %s", error)
                    return None
                self._opened = True
        return self._store

    def drop_connections(self) -> None:
        """Close the open store's kept-alive connections, if it keeps any (after a SnapStart
        restore); the store reconnects on its next call."""
        drop = getattr(self._store, "drop_connections", None) if self._opened else None
        if callable(drop):
            drop()
