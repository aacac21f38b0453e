"""Persistence of the few non-health facts about a user (see :mod:`kneeskill.storage.model`).

``open_store(settings)`` picks the back end: none, a local SQLite file, or a DynamoDB table.
boto3 is imported only for DynamoDB (it is the one DynamoDB client).
"""

from __future__ import annotations

import os

from kneeskill.settings import PersistenceKind, Settings
from kneeskill.storage.model import (
    ICING_WINDOW,
    KEY_SALT_ENV,
    PermissionState,
    StoreUnavailable,
    UserRecord,
    UserStore,
    icing_token,
    user_key,
)

__all__ = [
    "ICING_WINDOW",
    "KEY_SALT_ENV",
    "PermissionState",
    "StoreUnavailable",
    "UserRecord",
    "UserStore",
    "icing_token",
    "open_store",
    "user_key",
]


def open_store(settings: Settings) -> UserStore | None:
    """The configured store, or ``None`` when persistence is switched off.

    Raises :class:`StoreUnavailable` when the back end cannot be opened (for example an unwritable
    data directory) and ``ValueError`` for an incomplete configuration (DynamoDB without a table).
    """
    if settings.persistence is PersistenceKind.NONE:
        return None
    if settings.persistence is PersistenceKind.SQLITE:
        from kneeskill.storage.sqlite import DB_FILE_NAME, SqliteUserStore  # noqa: PLC0415  # one backend

        path = os.path.join(settings.data_dir, DB_FILE_NAME)
        return SqliteUserStore(path, retention_days=settings.retention_days)
    if settings.persistence is PersistenceKind.DYNAMODB:
        from kneeskill.storage.dynamodb import DynamoDbUserStore  # noqa: PLC0415  # one backend

        if not settings.dynamodb_table:
            raise ValueError("KNEE_HELPER_TABLE must name the DynamoDB table when persistence is dynamodb")
        return DynamoDbUserStore(
            settings.dynamodb_table,
            retention_days=settings.retention_days,
            endpoint_url=settings.dynamodb_endpoint_url,
        )
    raise ValueError(f"unknown persistence kind {settings.persistence!r}")
