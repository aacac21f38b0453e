"""The one gate every Alexa request passes before the ASK SDK sees it (Lambda and the web app).

The SDK's deserializer and its attributes manager trust the envelope's shape: they recurse into
nested values, deep-copy session attributes outside the skill's error handling, and ``setattr``
every unknown JSON key onto the model object it belongs to. So a hostile envelope could crash a
request before any handler (and its emergency guidance) runs. :func:`admit` closes each of those
paths, the same way for both entry points and whichever serializer the skill uses:

* **Depth and size.** Nothing anywhere in the envelope may nest deeper than :data:`MAX_DEPTH`
  (refused). Session attributes keep only the skill's own state key, and a state given as a JSON
  object or array is cut to :data:`MAX_ATTRIBUTE_DEPTH` levels and :data:`MAX_ATTRIBUTE_NODES`
  values, breadth first, so its top-level fields (the emergency marker) survive the cut.
* **Timestamps.** ``request.timestamp``, when present, must be an ISO 8601 time that converts to
  UTC (an offset such as ``9999-12-31T23:59:59-23:59`` does not).
* **Model attribute names.** A JSON key that the SDK would ``setattr`` over one of the model's own
  attributes (``session.__dict__``, ``context.system``, ``request.object_type``, ``to_dict``...) is
  refused: walking the envelope with the SDK's own type map, every key of a model-typed object must
  be one of its JSON names or a harmless extra name.

Refusal is :class:`EnvelopeRefused` (a ``ValueError``); the web app answers it with 400 (through
:class:`GuardedSerializer`) and Lambda raises, as for a wrong skill id. Every walk is iterative:
no input can exhaust the interpreter's recursion limit here.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from collections import deque
from contextlib import AbstractContextManager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from dialogue.modes import STATE_KEY

__all__ = [
    "MAX_ATTRIBUTE_DEPTH",
    "MAX_ATTRIBUTE_NODES",
    "MAX_DEPTH",
    "EnvelopeRefused",
    "GuardedSerializer",
    "admit",
    "decode",
]

#: Containers nested deeper than this anywhere in an envelope are refused (Alexa's own are < 15).
MAX_DEPTH = 48
#: The skill's state, when sent as a JSON object rather than its usual string, is cut to this depth...
MAX_ATTRIBUTE_DEPTH = 16
#: ... and to this many values (breadth first).
MAX_ATTRIBUTE_NODES = 4096

_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")
_NATIVE = frozenset({"int", "long", "float", "str", "bool", "date", "datetime", "object"})


class EnvelopeRefused(ValueError):
    """The event is not an Alexa request the skill can safely hand to the SDK (short reason, no data)."""


def admit(event: object) -> dict[str, Any]:
    """``event`` bounded and checked for the SDK, or :class:`EnvelopeRefused`.

    Returns a new top-level dict (the caller's event is not changed); only the session attributes
    are replaced by their bounded form.
    """
    admitted = _bounded(event)
    _check(admitted, None)
    return admitted


def decode(serializer: Any, event: object, payload: str | None = None) -> RequestEnvelope:
    """The admitted event as a ``RequestEnvelope``, through whichever serializer the skill uses.

    ``payload``, when given, is the JSON text ``event`` was parsed from: when admitting it changed
    nothing, the serializer reads that text again instead of a new encoding of the same content."""
    admitted = _bounded(event)
    text = payload if payload is not None and admitted == event else _encoded(admitted)
    _check(admitted, text)
    envelope = serializer.deserialize(
        payload=text if text is not None else json.dumps(admitted), obj_type=RequestEnvelope
    )
    if not isinstance(envelope, RequestEnvelope):
        raise EnvelopeRefused("the request is not an Alexa request envelope")
    return envelope


def _bounded(event: object) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise EnvelopeRefused("the request is not a JSON object")
    admitted = dict(event)
    session = admitted.get("session")
    if isinstance(session, dict) and "attributes" in session:
        admitted["session"] = {**session, "attributes": _bounded_attributes(session["attributes"])}
    return admitted


def _check(admitted: dict[str, Any], text: str | None) -> None:
    """Refuse ``admitted`` (bounded) when it is too deep, has an unusable timestamp or a key that
    collides with a model attribute. ``text``: JSON that encodes it, or more (None: unknown)."""
    # A container can lie no deeper than the number of containers, and that is at most the number
    # of brackets in the JSON text: with no more brackets than MAX_DEPTH, the walk is not needed.
    if (text is None or text.count("{") + text.count("[") > MAX_DEPTH) and _depth_exceeds(
        admitted, MAX_DEPTH
    ):
        raise EnvelopeRefused("the request is nested too deeply")
    _check_timestamp(admitted.get("request"))
    _check_model_keys(admitted)


def _encoded(admitted: dict[str, Any]) -> str | None:
    """``json.dumps(admitted)``, or None when it cannot be encoded (the checks say why, or the
    encoding is tried again after them and raises as it always did)."""
    try:
        return json.dumps(admitted)
    except (TypeError, ValueError, RecursionError):
        return None


class GuardedSerializer(DefaultSerializer):
    """The skill's serializer with :func:`admit` in front of every request envelope (the web app's
    ``SkillAdapter`` deserializes the body itself; a refusal becomes ``SerializationException``,
    which the app answers with 400). Everything else is the wrapped serializer's work."""

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self.inner = inner

    def serialize(self, obj: Any) -> Any:
        return self.inner.serialize(obj)

    def deserialize(self, payload: str | None, obj_type: Any) -> Any:
        if obj_type is not RequestEnvelope:
            return self.inner.deserialize(payload, obj_type)
        known = _PARSED.get()
        if known is not None and payload is not None and known[0] == payload:
            event: object = known[1]  # the same text, already parsed by the caller (``parsed``)
        else:
            try:
                event = json.loads(payload or "")
            except (ValueError, RecursionError) as error:
                raise SerializationException("the request is not JSON") from error
        try:
            return decode(self.inner, event, payload)
        except EnvelopeRefused as error:
            raise SerializationException(str(error)) from error


#: The body the web app's view has already parsed (its text and ``json.loads`` of it), for this request.
_PARSED: ContextVar[tuple[str, object] | None] = ContextVar("knee_helper_parsed_body", default=None)


def parsed(text: str, event: object) -> AbstractContextManager[None]:
    """Within the block, :class:`GuardedSerializer` takes ``event`` for a payload equal to ``text``
    instead of parsing that text again (``event`` must be ``json.loads(text)``, unchanged)."""
    return _Parsed((text, event))


class _Parsed:
    __slots__ = ("_body", "_token")

    def __init__(self, body: tuple[str, object]) -> None:
        self._body = body

    def __enter__(self) -> None:
        self._token = _PARSED.set(self._body)

    def __exit__(self, *exc_info: object) -> None:
        _PARSED.reset(self._token)


# --------------------------------------------------------------------------------- depth and size


def _bounded_attributes(attributes: object) -> object:
    """Only the skill's own state survives; as a string it is kept whole (its parser is iterative
    and the transport bounds its size), as a container it is cut breadth first."""
    if not isinstance(attributes, dict):
        return attributes  # the SDK refuses a non-object; nothing here to bound
    if STATE_KEY not in attributes:
        return {}
    return {STATE_KEY: _cut(attributes[STATE_KEY])}


def _cut(value: object) -> object:
    """A copy of ``value`` with at most MAX_ATTRIBUTE_NODES values and MAX_ATTRIBUTE_DEPTH levels;
    what lies beyond is dropped (a dropped container becomes ``None``)."""
    if not isinstance(value, dict | list):
        return value
    root: dict[str, Any] | list[Any] = {} if isinstance(value, dict) else []
    queue: deque[tuple[Any, dict[str, Any] | list[Any], int]] = deque([(value, root, 1)])
    nodes = 1
    while queue:
        source, target, depth = queue.popleft()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, child in items:
            nodes += 1
            if nodes > MAX_ATTRIBUTE_NODES:
                return root
            copy: object = child
            if isinstance(child, dict | list):
                if depth >= MAX_ATTRIBUTE_DEPTH:
                    copy = None
                else:
                    copy = {} if isinstance(child, dict) else []
                    queue.append((child, copy, depth + 1))  # type: ignore[arg-type]
            if isinstance(target, dict):
                target[str(key)] = copy
            else:
                target.append(copy)
    return root


def _depth_exceeds(value: object, limit: int) -> bool:
    """True when a container lies deeper than ``limit`` levels (level by level, no recursion)."""
    if not isinstance(value, _CONTAINERS):
        return False
    level: list[Any] = [value]
    depth = 1
    while level:
        if depth > limit:
            return True
        below: list[Any] = []
        for current in level:
            below += [
                child
                for child in (current.values() if isinstance(current, dict) else current)
                if isinstance(child, _CONTAINERS)
            ]
        level = below
        depth += 1
    return False


_CONTAINERS = (dict, list)


# ---------------------------------------------------------------------------------- timestamps


def parse_timestamp(text: object) -> datetime | None:
    """An Alexa request timestamp as an aware UTC datetime, or None when it is not a usable one
    (not a string, not ISO 8601, or an offset that pushes it outside the representable range)."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _check_timestamp(request: object) -> None:
    if isinstance(request, dict) and "timestamp" in request and parse_timestamp(request["timestamp"]) is None:
        raise EnvelopeRefused("request.timestamp is not a usable ISO 8601 time")


# --------------------------------------------------------------------------- model attribute names


@functools.cache
def _load(name: str) -> Any:
    module, _, attribute = name.rpartition(".")
    if not module:
        return None
    try:
        return getattr(importlib.import_module(module), attribute, None)
    except ImportError:
        return None


@functools.cache
def _json_names(model: type) -> dict[str, str]:
    """JSON key -> Python attribute name, as the SDK's deserializer maps them."""
    attribute_map: dict[str, str] = dict(getattr(model, "attribute_map", {}) or {})
    types: dict[str, str] = dict(getattr(model, "deserialized_types", {}) or {})
    names = {json_name: python_name for python_name, json_name in attribute_map.items()}
    names.update({python_name: python_name for python_name in types if python_name not in attribute_map})
    return names


def _collides(model: type, key: str) -> bool:
    """True when the SDK's ``setattr(model_object, key, ...)`` would overwrite something of the model."""
    python_names = getattr(model, "deserialized_types", None) or {}
    return key.startswith("_") or key in python_names or hasattr(model, key)


_LISTED, _MAPPED, _MODEL, _OTHER = range(4)


@functools.cache
def _parse_kind(kind: str) -> tuple[int, Any]:
    """One type string of the SDK's type map, parsed once: ``(_LISTED, item kinds)``,
    ``(_MAPPED, value kind)``, ``(_MODEL, model type)`` or ``(_OTHER, None)`` (a native type, or
    nothing the walk checks)."""
    kind = kind.strip()
    listed = _LIST.fullmatch(kind)
    if listed is not None:
        return _LISTED, tuple(part.strip() for part in listed.group(1).split(","))
    mapped = _DICT.fullmatch(kind)
    if mapped is not None:
        return _MAPPED, mapped.group(2)
    if kind in _NATIVE:
        return _OTHER, None
    model = _load(kind)
    return (_MODEL, model) if _is_model(model) else (_OTHER, None)


@functools.cache
def _is_model(kind: object) -> bool:
    return isinstance(kind, type) and not issubclass(kind, Enum) and hasattr(kind, "deserialized_types")


@functools.cache
def _fields(model: type) -> tuple[dict[str, str | None], bool]:
    """JSON key -> the type string of its value, as the SDK's deserializer maps them (None for a
    native type: nothing below it to check); and whether the model picks a subtype per value.
    A type string becomes a step (:func:`_step`) only when its key is present: resolving every
    field's type would import the SDK's model modules for whatever an envelope could hold (APL,
    the audio player...), which the SDK itself imports only when they come."""
    types: dict[str, str] = getattr(model, "deserialized_types", None) or {}
    fields: dict[str, str | None] = {}
    for json_name, python_name in _json_names(model).items():
        kind = types.get(python_name, "object")
        fields[json_name] = None if kind.strip() in _NATIVE else kind
    return fields, hasattr(model, "get_real_child_model")


def _check_model_keys(event: dict[str, Any]) -> None:
    """Walk ``event`` with the SDK's own type map; refuse a key that collides with a model attribute."""
    stack: list[tuple[object, Any]] = [(event, RequestEnvelope)]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        value, step = pop()
        if type(step) is tuple:  # a list or a map of something checked (see _step)
            shape, detail = step
            if shape == _LISTED:
                if isinstance(value, list):
                    if len(detail) == 1:
                        item_step = detail[0]
                        if item_step is not None:
                            extend((item, item_step) for item in value if item is not None)
                    else:
                        extend(
                            (v, d)
                            for v, d in zip(value, detail, strict=False)
                            if d is not None and v is not None
                        )
            elif isinstance(value, dict):
                extend((item, detail) for item in value.values() if item is not None)
            continue
        if not isinstance(value, dict):
            continue  # the SDK refuses a wrong type itself (SerializationException)
        kind = step
        steps = _STEPS.get(kind)
        if steps is None:
            steps = _steps(kind)
        if steps is _POLYMORPHIC:
            try:
                child = kind.get_real_child_model(value)
            except Exception:
                continue  # the SDK cannot resolve it either and refuses the request
            kind = _load(child) if isinstance(child, str) else None
            if not isinstance(kind, type):
                continue
            steps = _STEPS.get(kind)
            if steps is None:
                steps = _steps(kind)
        for key, child_value in value.items():
            child_step = steps.get(key, _UNKNOWN)
            if child_step is _UNKNOWN:
                child_step = _learn(kind, steps, key)
            if child_step is not None and child_value is not None:
                push((child_value, child_step))


#: Per model type: JSON key -> its walk step (``_step`` of the field's type; None: nothing below
#: it is checked), filled as keys are met (only the model's own keys: never a key a request made
#: up); ``_POLYMORPHIC`` for a model that picks a subtype per value.
_STEPS: dict[type, dict[str, Any]] = {}
_POLYMORPHIC: dict[str, Any] = {}


def _steps(model: type) -> dict[str, Any]:
    found: dict[str, Any] = _POLYMORPHIC if _fields(model)[1] else {}
    _STEPS[model] = found
    return found


def _learn(model: type, steps: dict[str, Any], key: object) -> Any:
    """The step of ``key`` in ``model`` (remembered when it is one of the model's own keys), or
    EnvelopeRefused when an unknown key collides with something of the model."""
    fields = _fields(model)[0]
    if not isinstance(key, str) or key not in fields:
        if _collides(model, str(key)):
            raise EnvelopeRefused("the request has a field that is not part of the Alexa format")
        return None
    kind = fields[key]
    step = steps[key] = None if kind is None else _step(kind)
    return step


_UNKNOWN = object()


@functools.cache
def _step(kind: str) -> Any:
    """One type string of the SDK's type map as the walk uses it: a model type, ``(_LISTED, item
    steps)``, ``(_MAPPED, value step)``, or None when nothing below it is checked."""
    shape, detail = _parse_kind(kind)
    if shape == _MODEL:
        return detail
    if shape == _LISTED:
        items = tuple(_step(part) for part in detail)
        return None if all(item is None for item in items) else (_LISTED, items)
    if shape == _MAPPED:
        value = _step(detail)
        return None if value is None else (_MAPPED, value)
    return None
