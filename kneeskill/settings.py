"""Run-time settings, read once from the environment.

Every setting has an embedded default so ``make run`` works with no cloud account.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum

import msgspec

_FALSE_WORDS = frozenset({"0", "false", "off", "no"})


class PersistenceKind(StrEnum):
    """Where the few non-health user records are kept."""

    NONE = "none"
    SQLITE = "sqlite"
    DYNAMODB = "dynamodb"


class Settings(msgspec.Struct, frozen=True):
    """Configuration for both entry points (Lambda and the local server)."""

    skill_id: str | None = None
    verify_signatures: bool = True
    max_body_bytes: int = 128 * 1024
    persistence: PersistenceKind = PersistenceKind.NONE
    data_dir: str | os.PathLike[str] = "var"  # a plain str by default: pathlib is not loaded at import
    dynamodb_table: str | None = None
    dynamodb_endpoint_url: str | None = None
    retention_days: int = 30
    allow_loopback_http_apis: bool = False

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        default_persistence: PersistenceKind = PersistenceKind.NONE,
    ) -> Settings:
        """Build settings from environment variables (``os.environ`` by default).

        ``default_persistence`` applies when KNEE_HELPER_PERSISTENCE is unset: the local server
        passes SQLITE (its embedded default); Lambda gets DYNAMODB from template.yaml.
        """
        source = os.environ if env is None else env
        skill_id = source.get("SKILL_ID", "").strip() or None
        kind_text = source.get("KNEE_HELPER_PERSISTENCE", "").strip().lower()
        try:
            persistence = PersistenceKind(kind_text) if kind_text else default_persistence
        except ValueError as error:
            raise ValueError(
                f"KNEE_HELPER_PERSISTENCE must be one of {[k.value for k in PersistenceKind]}"
            ) from error
        return cls(
            skill_id=skill_id,
            verify_signatures=_flag(source.get("KNEE_HELPER_VERIFY_SIGNATURES"), default=True),
            max_body_bytes=_positive_int(source.get("KNEE_HELPER_MAX_BODY_BYTES"), 128 * 1024),
            persistence=persistence,
            data_dir=source.get("KNEE_HELPER_DATA_DIR", "var"),
            dynamodb_table=source.get("KNEE_HELPER_TABLE", "").strip() or None,
            dynamodb_endpoint_url=source.get("KNEE_HELPER_DYNAMODB_ENDPOINT", "").strip() or None,
            retention_days=_positive_int(source.get("KNEE_HELPER_RETENTION_DAYS"), 30),
            allow_loopback_http_apis=_flag(source.get("KNEE_HELPER_ALLOW_LOOPBACK_APIS"), default=False),
        )


def _flag(text: str | None, *, default: bool) -> bool:
    if text is None or not text.strip():
        return default
    return text.strip().lower() not in _FALSE_WORDS


def _positive_int(text: str | None, default: int) -> int:
    if text is None or not text.strip():
        return default
    value = int(text)
    if value <= 0:
        raise ValueError("expected a positive whole number")
    return value
