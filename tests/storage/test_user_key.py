"""user_key: a keyed hash, never the raw id."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kneeskill.storage import KEY_SALT_ENV, user_key
from kneeskill.storage.model import DEV_KEY_SALT


@given(user_id=st.text(min_size=1), salt=st.text(min_size=1))
def test_key_is_stable_hex_and_hides_the_id(user_id: str, salt: str) -> None:
    key = user_key(user_id, salt=salt)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key == user_key(user_id, salt=salt)
    if len(user_id) >= 4:
        assert user_id not in key


@given(user_id=st.text(min_size=1), a=st.text(min_size=1), b=st.text(min_size=1))
def test_different_salts_give_different_keys(user_id: str, a: str, b: str) -> None:
    if a != b:
        assert user_key(user_id, salt=a) != user_key(user_id, salt=b)


@given(first=st.text(min_size=1), second=st.text(min_size=1))
def test_different_ids_give_different_keys(first: str, second: str) -> None:
    if first != second:
        assert user_key(first, salt="s") != user_key(second, salt="s")


def test_salt_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_SALT_ENV, raising=False)
    assert user_key("u") == user_key("u", salt=DEV_KEY_SALT)
    monkeypatch.setenv(KEY_SALT_ENV, "deployment-secret")
    assert user_key("u") == user_key("u", salt="deployment-secret")
    assert user_key("u") != user_key("u", salt=DEV_KEY_SALT)
