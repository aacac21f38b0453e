"""The ASK SDK's serializer with the same results, without its per-request overheads.

The profiler (``make bench``, README "Benchmarks") put the SDK's ``DefaultSerializer`` at about half
of a warm request: for every model in the request it re-parses type strings with regular
expressions, re-imports the class by name and re-merges the attribute maps, and it reads every
timestamp with ``dateutil``'s general-purpose parser (the request's, and three per Timers API
answer). ``FastSerializer`` keeps the SDK's rules and output (checked against ``DefaultSerializer``
in ``tests/skill/test_serializer.py``) and only remembers what does not change between requests:

- type strings (``list[...]``, ``dict(str, ...)``, class paths) resolve once to a decoder;
- each model class's (attribute, JSON key, type) table is built once;
- ISO 8601 timestamps (what Alexa sends) go through ``datetime.fromisoformat``; anything else
  still goes to ``dateutil``, exactly as the SDK does.

``decode`` also takes JSON that is already parsed, so the Lambda entry point does not encode the
event to a string only for the SDK to parse it back.
"""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

__all__ = ["FastSerializer"]

_Decoder = Callable[[Any], Any]
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")
_PRIMITIVES: tuple[type, ...] = DefaultSerializer.PRIMITIVE_TYPES


class FastSerializer(DefaultSerializer):
    """``DefaultSerializer``, same results, with per-type work done once (see the module notes)."""

    def deserialize(self, payload: Any, obj_type: Any) -> Any:
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception as error:
            raise SerializationException(f"Couldn't parse response body: {payload}") from error
        return self.decode(data, obj_type)

    def decode(self, data: Any, obj_type: Any) -> Any:
        """Deserialize already-parsed JSON (``deserialize`` without the ``json.loads``)."""
        if data is None:
            return None
        return _decoder(obj_type)(data)

    def serialize(self, obj: Any) -> Any:
        return _serialize(obj)


# --- decoding ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _decoder(obj_type: Any) -> _Decoder:
    """The decoder for a type (a class, or a type string as the SDK's models write them)."""
    if isinstance(obj_type, str):
        if obj_type.startswith("list["):
            found = _LIST.match(obj_type)
            if found is None:
                return lambda payload: []
            inner = found.group(1)
            if "," in inner:
                decoders = [_decoder(part.strip()) for part in inner.split(",")]
                return lambda payload: [
                    _none_or(decode, item) for item, decode in zip(payload, decoders, strict=False)
                ]
            item_decoder = _decoder(inner.strip())
            return lambda payload: [_none_or(item_decoder, item) for item in payload]
        if obj_type.startswith("dict("):
            found = _DICT.match(obj_type)
            if found is None:
                return lambda payload: {}
            value_decoder = _decoder(found.group(2))
            return lambda payload: {key: _none_or(value_decoder, value) for key, value in payload.items()}
        native = DefaultSerializer.NATIVE_TYPES_MAPPING.get(obj_type)
        obj_type = native if native is not None else _load_class(obj_type)
    if obj_type in _PRIMITIVES:
        return _primitive(obj_type)
    if obj_type is object:
        return _same
    if obj_type is date or obj_type is datetime:
        return _timestamp(obj_type)
    return _model(obj_type)


def _none_or(decode: _Decoder, payload: Any) -> Any:
    return None if payload is None else decode(payload)


def _same(payload: Any) -> Any:
    return payload


@lru_cache(maxsize=512)
def _load_class(class_name: str) -> Any:
    try:
        module_name, _, name = class_name.rpartition(".")
        if not module_name:
            import ask_sdk_core.serialize as here

            return getattr(here, name)
        module = __import__(module_name, fromlist=[name])
        return getattr(module, name)
    except Exception as error:
        raise SerializationException(
            f"Unable to resolve class {class_name} from installed modules: {error}"
        ) from error


def _primitive(kind: type) -> _Decoder:
    def decode(payload: Any) -> Any:
        try:
            return kind(payload)
        except UnicodeEncodeError:
            return str(payload)
        except TypeError:
            return payload
        except ValueError as error:
            raise SerializationException(
                f"Failed to parse {payload} into '{kind.__name__}' object"
            ) from error

    return decode


def _timestamp(kind: type) -> _Decoder:
    def decode(payload: Any) -> Any:
        parsed: datetime | None = None
        if isinstance(payload, str):
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                parsed = None
        if parsed is None:
            try:
                from dateutil.parser import parse  # type: ignore[import-untyped]
            except ImportError:  # pragma: no cover - dateutil is a dependency of ask-sdk-core
                return payload
            try:
                parsed = parse(payload)
            except ValueError as error:
                raise SerializationException(
                    f"Failed to parse {payload} into '{kind.__name__}' object"
                ) from error
        return parsed.date() if kind is date else parsed

    return decode


def _model(cls: Any) -> _Decoder:
    """A model class (with ``deserialized_types``), an Enum, or anything else (kept as it is)."""
    if isinstance(cls, type) and issubclass(cls, Enum):

        def decode_enum(payload: Any) -> Any:
            try:
                return cls(payload)
            except Exception as error:
                raise SerializationException(str(error)) from error

        return decode_enum
    if not hasattr(cls, "deserialized_types"):
        return _same
    if hasattr(cls, "get_real_child_model"):

        def decode_by_discriminator(payload: Any) -> Any:
            try:
                name = cls.get_real_child_model(payload)
            except Exception as error:
                raise SerializationException(str(error)) from error
            if not name:
                raise SerializationException(f"Couldn't resolve object by discriminator type for {cls} class")
            return _fields(_load_class(name))(payload)

        return decode_by_discriminator
    return _fields(cls)


@lru_cache(maxsize=1024)
def _fields(cls: Any) -> _Decoder:
    """Build a model from its JSON: each known key through its type's decoder, unknown keys as they are."""
    attribute_map = _attribute_map(cls)
    table = [(attribute, key, cls.deserialized_types[attribute]) for attribute, key in attribute_map.items()]
    known_keys = frozenset(attribute_map.values())
    resolved: dict[str, _Decoder] = {}

    def decode(payload: Any) -> Any:
        try:
            model = cls()
            for attribute, key, type_name in table:
                if key in payload:
                    value = payload[key]
                    if value is not None:
                        decode_value = resolved.get(type_name)
                        if decode_value is None:
                            decode_value = resolved[type_name] = _decoder(type_name)
                        value = decode_value(value)
                    setattr(model, attribute, value)
            for key in payload:
                if key not in known_keys:
                    setattr(model, key, payload[key])
            return model
        except SerializationException:
            raise
        except Exception as error:
            raise SerializationException(str(error)) from error

    return decode


def _attribute_map(cls: Any) -> dict[str, str]:
    """The model's attribute → JSON key map, completed as the SDK completes it (in place)."""
    attribute_map: dict[str, str] = getattr(cls, "attribute_map", {})
    attribute_map.update({k: k for k in cls.deserialized_types if k not in attribute_map})
    return attribute_map


# --- encoding ---------------------------------------------------------------------------------------


def _serialize(obj: Any) -> Any:
    if obj is None:
        return None
    if isinstance(obj, _PRIMITIVES):
        return obj
    if isinstance(obj, list):
        return [_serialize(item) for item in obj]
    if isinstance(obj, tuple):
        return tuple(_serialize(item) for item in obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, decimal.Decimal):
        return int(obj) if obj % 1 == 0 else float(obj)
    if isinstance(obj, dict):
        return {key: _serialize(value) for key, value in obj.items()}
    out: dict[str, Any] = {}
    cls: Any = type(obj)
    for attribute, key in _keys(cls):
        value = getattr(obj, attribute)
        if value is not None:
            out[key] = _serialize(value)
    return out


@lru_cache(maxsize=1024)
def _keys(cls: Any) -> tuple[tuple[str, str], ...]:
    """(attribute, JSON key) pairs of a model class, in ``deserialized_types`` order."""
    attribute_map = _attribute_map(cls)
    return tuple((attribute, attribute_map[attribute]) for attribute in cls.deserialized_types)
