"""Build-time validation of the content: JSON Schemas derived from ``content.schema``, checked by
``jsonschema``. Never imported at run time (``content.compile`` and the tests use it).

:func:`json_schema` turns the Struct tree into a JSON Schema for one kind of source (``facts``,
``text``, ``locale``; ``all`` for a whole bundle): unknown keys are refused everywhere, missing keys
where required, and a mapping keyed by an enum must name every member. :func:`from_dict` validates
plain data and builds the Structs; errors read ``where: a.b.c: problem`` (:class:`SchemaError`).
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any, Final, Literal, TypeVar

import jsonschema
import msgspec

from content.schema import Content, Source
from triage.vocabulary import CareLevel

Mode = Literal["all", "facts", "text", "locale", "compiled"]
T = TypeVar("T", bound=Content)

#: How a JSON type is named in an error (the words the content editors read).
_TYPE_WORDS: Final = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
    "boolean": "true or false",
}
_PY_TYPE_WORDS: Final = {
    str: "str",
    list: "list",
    tuple: "list",
    dict: "dict",
    int: "int",
    float: "float",
    bool: "bool",
    type(None): "NoneType",
}


class SchemaError(ValueError):
    """A source or bundle does not match the schema. ``str()`` reads ``where: a.b.c: problem``."""

    def __init__(self, path: tuple[str, ...], problem: str, where: str = "") -> None:
        self.path = path
        self.problem = problem
        self.where = where
        super().__init__(self._message())

    def _message(self) -> str:
        dotted = ".".join(self.path) or "<top>"
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{dotted}: {self.problem}"

    def located(self, where: str) -> SchemaError:
        return SchemaError(self.path, self.problem, where)


def enum_key(member: Enum) -> str:
    """The stable string id of an enum member (``CareLevel`` uses ``.key``)."""
    if isinstance(member, CareLevel):
        return member.key
    return str(member.value)


# --------------------------------------------------------------------------------------------------
# The Struct tree as JSON Schema
# --------------------------------------------------------------------------------------------------


def _is_struct(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Content)


def _structs_in(tp: Any) -> list[type[Content]]:
    if _is_struct(tp):
        return [tp]
    found: list[type[Content]] = []
    for arg in typing.get_args(tp):
        found.extend(_structs_in(arg))
    return found


def _source_of(cls: type[Content], name: str, tp: Any) -> Source | None:
    """The kind of source of a leaf field; ``None`` for a field that holds Structs."""
    if _structs_in(tp):
        return None
    return cls.SOURCES.get(name, cls.SOURCE)


@functools.cache
def _fields(cls: type[Content], mode: Mode) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, required) of the fields of ``cls`` that a source of kind ``mode`` provides."""
    hints = typing.get_type_hints(cls)
    out = []
    for field in msgspec.structs.fields(cls):
        tp = hints[field.name]
        src = _source_of(cls, field.name, tp)
        if src is None:
            covered = any(_fields(struct, mode) for struct in _structs_in(tp))
        else:
            covered = mode in ("all", src)
        if covered:
            out.append((field.name, tp, field.required))
    return tuple(out)


def fields_for(cls: type[Content], mode: Mode) -> tuple[str, ...]:
    """Names of the fields of ``cls`` that a source of kind ``mode`` must provide."""
    return tuple(name for name, _, _ in _fields(cls, mode))


def _type_schema(tp: Any, mode: Mode, partial: bool, defs: dict[str, Any]) -> dict[str, Any]:
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"enum": [enum_key(m) for m in tp], "x-name": tp.__name__}
    if _is_struct(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # reserved: a Struct met again while it is being built
            fields = _fields(tp, mode)
            defs[name] = {
                "type": "object",
                "x-name": name,
                "properties": {n: _type_schema(ftp, mode, partial, defs) for n, ftp, _ in fields},
                "additionalProperties": False,
                **({} if partial else {"required": [n for n, _, required in fields if required]}),
            }
        return {"$ref": f"#/$defs/{name}"}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        is_level = set(args) == {level.key for level in CareLevel}
        return {"enum": list(args), "x-name": "CareLevel" if is_level else "known value"}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(args[0], mode, partial, defs)}
    if origin is Mapping:
        key_tp, value_tp = args
        schema: dict[str, Any] = {
            "type": "object",
            "additionalProperties": _type_schema(value_tp, mode, partial, defs),
        }
        if key_tp is not str:
            keys = [enum_key(m) for m in key_tp]
            schema["propertyNames"] = {"enum": keys, "x-name": key_tp.__name__}
            if not partial:
                schema["required"] = keys
                schema["x-missing"] = f"missing {key_tp.__name__} entries"
        return schema
    raise TypeError(f"unsupported schema type {tp!r}")  # pragma: no cover - a schema bug


@functools.cache
def json_schema(cls: type[Content], mode: Mode = "all", partial: bool = False) -> dict[str, Any]:
    """The JSON Schema of ``cls`` for a source of kind ``mode`` (``partial``: no key is required)."""
    defs: dict[str, Any] = {}
    root = _type_schema(cls, mode, partial, defs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **root, "$defs": defs}


#: Draft 2020-12, with tuples (as Structs hold lists) counted as arrays.
_Validator: Final = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "array", lambda _checker, instance: isinstance(instance, list | tuple)
    ),
)


@functools.cache
def _validator(cls: type[Content], mode: Mode, partial: bool) -> Any:
    schema = json_schema(cls, mode, partial)
    jsonschema.Draft202012Validator.check_schema(schema)
    return _Validator(schema)


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------


def _problem(error: jsonschema.ValidationError) -> SchemaError:
    """One jsonschema error in the words of a content editor, with its dotted path."""
    path = tuple(str(p) for p in error.absolute_path)
    schema, instance = error.schema, error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties", {}) if isinstance(schema, dict) else {}
        extra = next((str(k) for k in instance if k not in known), "?")
        return SchemaError((*path, extra), "unknown key")
    if error.validator == "required" and isinstance(instance, dict) and isinstance(schema, dict):
        missing = [str(k) for k in error.validator_value if k not in instance]
        if "x-missing" in schema:
            return SchemaError(path, f"{schema['x-missing']}: {', '.join(sorted(missing))}")
        return SchemaError((*path, missing[0]), "missing key")
    if error.validator == "enum" and isinstance(schema, dict):
        kind = schema.get("x-name") or "known value"
        key = str(instance)
        if list(error.relative_schema_path)[-2:-1] == ["propertyNames"]:
            path = (*path, key)
        allowed = ", ".join(sorted(str(v) for v in error.validator_value))
        return SchemaError(path, f"{instance!r} is not a {kind} (one of: {allowed})")
    if error.validator == "type":
        expected = _TYPE_WORDS.get(str(error.validator_value), str(error.validator_value))
        got = _PY_TYPE_WORDS.get(type(instance), type(instance).__name__)
        if isinstance(schema, dict) and "x-name" in schema and expected == "a mapping":
            return SchemaError(path, f"expected a mapping for {schema['x-name']}, got {got}")
        return SchemaError(path, f"expected {expected}, got {got}")
    return SchemaError(path, error.message)  # pragma: no cover - a validator the schema does not use


def _first_error(cls: type[Content], raw: object, mode: Mode, partial: bool) -> SchemaError | None:
    errors = sorted(
        _validator(cls, mode, partial).iter_errors(raw),
        key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]),
    )
    return _problem(errors[0]) if errors else None


def validate(
    cls: type[Content], raw: object, mode: Mode = "all", where: str = "", partial: bool = False
) -> None:
    """Check plain data against the schema of ``cls`` for ``mode``; raise :class:`SchemaError`."""
    problem = _first_error(cls, raw, mode, partial)
    if problem is not None:
        raise problem.located(where)


def from_dict(cls: type[T], raw: object, where: str = "") -> T:
    """Build ``cls`` from plain data, strictly. Raises :class:`SchemaError` naming ``where`` and the path."""
    validate(cls, raw, "all", where)
    return msgspec.convert(raw, cls)


def validate_source(
    cls: type[Content], raw: object, mode: Mode, where: str = "", partial: bool = False
) -> None:
    """Check one YAML source against the fields of kind ``mode`` (``facts``, ``text`` or ``locale``).

    With ``partial`` (locale overrides) missing keys are allowed, unknown keys are not.
    """
    validate(cls, raw, mode, where, partial)


def _plain(obj: Any) -> Any:
    if isinstance(obj, types.MappingProxyType):
        return dict(obj)
    raise TypeError(f"cannot encode {type(obj).__name__}")  # pragma: no cover


def to_dict(obj: Content) -> Any:
    """Plain JSON-ready data from a schema object (the inverse of :func:`from_dict`)."""
    return msgspec.to_builtins(obj, enc_hook=_plain)
