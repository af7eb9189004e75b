"""Every JSON API request read and checked against AWS's model of the service, before
anything answers it — as AWS does.

AWS reads a JSON-protocol request in two steps before any operation runs, and answers
HTTP 400 from either:

1. deserialisation: the body is a JSON object and each member has the JSON type the model
   gives it. Otherwise ``SerializationException`` — "Start of structure or map found where
   not expected." for an object where a string belongs, "Start of list found where not
   expected" for a list where a map belongs. ``null`` stands for a member left out.
2. validation: members the model requires are there; lengths, value ranges, enum values
   and patterns are as the model states them. Otherwise ``1 validation error detected:
   Value 'x' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular
   expression pattern: [\\w-]+_[0-9a-zA-Z]+`` (every error, joined by "; "), under
   ``InvalidParameterException`` for user pools and ``ValidationException`` for identity
   pools. A sensitive member's value is never echoed ("Value at 'password' ...").

An operation the model does not have is ``UnknownOperationException``.

The model is botocore's: the same service description the AWS SDKs are generated from, so
the lab checks exactly what AWS documents for each member. Its patterns are Java regular
expressions; ``_java_pattern`` reads the ones Python can match exactly (``\\w`` and ``\\s``
are ASCII, ``\\p{L}`` and friends are Unicode categories) and skips any other.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
import warnings
from dataclasses import dataclass, field
from typing import Any

from .errors import (
    CognitoError,
    InvalidParameterException,
    SerializationException,
    UnknownOperationException,
    ValidationException,
)

# What each service calls a request that fails validation (step 2).
VALIDATION_ERROR: dict[str, type[CognitoError]] = {
    "cognito-idp": InvalidParameterException, "cognito-identity": ValidationException}

_INT_RANGE = {"integer": 2 ** 31, "long": 2 ** 63}
# Enum values an AWS page documents that botocore's model doesn't list yet (shape -> values):
# GetClientToken needs ALLOW_CLIENT_TOKEN_AUTH (AWS, GetClientToken), absent from botocore
# 1.44's ExplicitAuthFlowsType.
DOCUMENTED_BEYOND_THE_MODEL = {"ExplicitAuthFlowsType": ("ALLOW_CLIENT_TOKEN_AUTH",)}
_TYPE_NAME = {"string": "String", "integer": "Integer", "long": "Long", "boolean": "Boolean",
              "blob": "Blob", "timestamp": "Timestamp", "structure": "Structure",
              "list": "List", "map": "Map", "float": "Float", "double": "Double"}


# -- Java patterns in Python -----------------------------------------------------------------
# Java's \w, \d, \s are ASCII-only (no UNICODE_CHARACTER_CLASS); Python's are Unicode unless
# re.ASCII. Unicode categories (\p{L}) have no Python spelling, so every non-ASCII character
# of a value is replaced by a stand-in for its category before matching, and \p{L} becomes
# "the ASCII letters, or the letter stand-in".
_CATEGORIES = "LMSNPZC"
_STAND_IN = {cat: chr(0xE000 + i) for i, cat in enumerate(_CATEGORIES)}
_JAVA_PROPERTY = re.compile(r"\\p\{([A-Z])\}")


def _class_of(category: str) -> str:
    ascii_members = [chr(c) for c in range(128) if unicodedata.category(chr(c))[0] == category]
    return "".join(re.escape(c) for c in ascii_members) + _STAND_IN[category]


_PROPERTY_CLASS = {cat: _class_of(cat) for cat in "LMSNPZ"}


class _StandIns(dict):
    """``str.translate`` table: a non-ASCII character -> the stand-in for its category.
    Only ASCII is kept in the table, so no request can make it grow."""

    def __missing__(self, code: int) -> str:
        return _STAND_IN[unicodedata.category(chr(code))[0]]


_STAND_INS = _StandIns({code: code for code in range(128)})


def _java_pattern(pattern: str) -> re.Pattern | None:
    """The model's Java pattern as a Python one, or None if Python can't match it exactly."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        found = _JAVA_PROPERTY.match(pattern, i)
        if found:
            if found.group(1) not in _PROPERTY_CLASS:
                return None
            members = _PROPERTY_CLASS[found.group(1)]
            out.append(members if in_class else f"[{members}]")
            i = found.end()
            continue
        char = pattern[i]
        if char == "\\":
            if pattern[i + 1:i + 2] in ("p", "P"):
                return None                           # \P{..}, \pL: not read here
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "[":
            return None                               # Java class unions, intersections
        elif char == "]":
            in_class = False
        out.append(char)
        i += 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")            # a FutureWarning = a Java/Python doubt
            return re.compile("".join(out), re.ASCII)
    except (re.error, FutureWarning):
        return None


def _matches(pattern: re.Pattern, value: str) -> bool:
    return pattern.fullmatch(value if value.isascii() else value.translate(_STAND_INS)) \
        is not None


# -- the model, compiled once per shape -------------------------------------------------------
@dataclass(eq=False)
class _Shape:
    kind: str
    name: str
    members: dict[str, _Shape] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    member: _Shape | None = None                     # list element
    key: _Shape | None = None                        # map key
    value: _Shape | None = None                      # map value
    min: int | None = None
    max: int | None = None
    enum: frozenset[str] = frozenset()
    enum_text: str = ""
    pattern: re.Pattern | None = None
    pattern_text: str = ""
    sensitive: bool = False
    document: bool = False


class _Model:
    """One service's operations as compiled shapes (built as operations are first asked for)."""

    def __init__(self, service: str) -> None:
        from ..aws_models import service_model

        self.service = service
        self.model = service_model(service)
        self.operations = set(self.model.operation_names)
        self._shapes: dict[str, _Shape] = {}
        self._inputs: dict[str, _Shape | None] = {}
        self._lock = threading.Lock()

    def input_of(self, operation: str) -> _Shape | None:
        if operation not in self._inputs:
            with self._lock:
                shape = self.model.operation_model(operation).input_shape
                self._inputs[operation] = self._compile(shape) if shape is not None else None
        return self._inputs[operation]

    def _compile(self, shape: Any) -> _Shape:
        if shape.name in self._shapes:
            return self._shapes[shape.name]
        meta = shape.metadata
        node = _Shape(kind=shape.type_name, name=shape.name, min=meta.get("min"),
                      max=meta.get("max"), sensitive=bool(meta.get("sensitive")),
                      document=bool(meta.get("document")))
        self._shapes[shape.name] = node
        if meta.get("enum") or getattr(shape, "enum", None):
            values = [*shape.enum, *(v for v in DOCUMENTED_BEYOND_THE_MODEL.get(shape.name, ())
                                     if v not in shape.enum)]
            node.enum = frozenset(values)
            node.enum_text = ", ".join(values)
        if meta.get("pattern"):
            node.pattern_text = meta["pattern"]
            node.pattern = _java_pattern(meta["pattern"])
        if node.kind == "structure" and not node.document:
            node.members = {name: self._compile(s) for name, s in shape.members.items()}
            node.required = tuple(meta.get("required", ()))
        elif node.kind == "list":
            node.member = self._compile(shape.member)
        elif node.kind == "map":
            node.key, node.value = self._compile(shape.key), self._compile(shape.value)
        return node


_models: dict[str, _Model] = {}
_models_lock = threading.Lock()


def _model(service: str) -> _Model:
    with _models_lock:
        if service not in _models:
            _models[service] = _Model(service)
        return _models[service]


# -- reading a request ------------------------------------------------------------------------
def read_request(service: str, operation: str, body: bytes) -> tuple[dict, bytes]:
    """The parameters of one API request, as AWS's deserialiser leaves them (``null``
    members dropped, numbers in integer members truncated), and the body to hand on
    (the same bytes unless reading changed something). Raises :class:`CognitoError` with
    AWS's answer for a request AWS would refuse before running the operation."""
    model = _model(service)
    if operation not in model.operations:
        raise UnknownOperationException(
            f"{operation} is not an operation of {service}")
    params = parse_body(body)
    shape = model.input_of(operation)
    if shape is None:
        return params, body
    reader = _Reader()
    cleaned = reader.structure(shape, params, "")
    if reader.errors:
        count = len(reader.errors)
        raise VALIDATION_ERROR[service](
            f"{count} validation error{'s' if count > 1 else ''} detected: "
            + "; ".join(reader.errors))
    if reader.changed:
        return cleaned, json.dumps(cleaned).encode()
    return cleaned, body


def parse_body(body: bytes) -> dict:
    """A JSON-protocol body as a dict (an empty body is ``{}``), or SerializationException."""
    if not body.strip():
        return {}
    try:
        params = json.loads(body.decode("utf-8"), parse_constant=_not_json)
    except UnicodeDecodeError:
        raise SerializationException("request body is not UTF-8") from None
    except ValueError as exc:               # JSONDecodeError, and NaN/Infinity
        raise SerializationException(f"malformed JSON: {exc}") from None
    if not isinstance(params, dict):
        raise SerializationException("request body must be a JSON object")
    return params


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _at(path: str, name: str) -> str:
    member = name[:1].lower() + name[1:]
    return f"{path}.{member}" if path else member


def _shown(shape: _Shape, value: Any, hide: bool = False) -> str:
    if shape.sensitive or hide:
        return "Value at"
    if isinstance(value, list):
        return f"Value '[{', '.join(map(str, value))}]' at"
    return f"Value '{value}' at"


def _wrong_type(shape: _Shape, value: Any) -> CognitoError:
    if isinstance(value, dict):
        return SerializationException("Start of structure or map found where not expected.")
    if isinstance(value, list):
        return SerializationException("Start of list found where not expected")
    if isinstance(value, bool):
        kind = "TRUE_VALUE" if value else "FALSE_VALUE"
    elif isinstance(value, str):
        kind = "STRING_VALUE"
    else:
        kind = "NUMBER_VALUE"
    expected = _TYPE_NAME.get(shape.kind, shape.kind)
    return SerializationException(f"{kind} can not be converted to {expected}")


class _Reader:
    """One request's walk through its input shape: type errors raise at once (AWS's
    deserialiser stops at the first), constraint errors are collected (AWS reports all)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.changed = False

    def fail(self, shape: _Shape, value: Any, path: str, constraint: str, *,
             hide: bool = False) -> None:
        shown = "Value null at" if value is None else _shown(shape, value, hide)
        self.errors.append(f"{shown} '{path}' failed to satisfy constraint: {constraint}")

    def read(self, shape: _Shape, value: Any, path: str) -> Any:
        kind = shape.kind
        if shape.document:
            return value
        if kind == "string":
            if not isinstance(value, str):
                raise _wrong_type(shape, value)
            self.string(shape, value, path)
            return value
        if kind == "structure":
            if not isinstance(value, dict):
                raise _wrong_type(shape, value)
            return self.structure(shape, value, path)
        if kind == "list":
            if not isinstance(value, list):
                raise _wrong_type(shape, value)
            return self.read_list(shape, value, path)
        if kind == "map":
            if not isinstance(value, dict):
                raise _wrong_type(shape, value)
            return self.read_map(shape, value, path)
        if kind == "boolean":
            if not isinstance(value, bool):
                raise _wrong_type(shape, value)
            return value
        if kind in _INT_RANGE:
            return self.integer(shape, value, path)
        if kind == "timestamp":
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise _wrong_type(shape, value)
            return value
        if kind == "blob":
            if not isinstance(value, str):
                raise _wrong_type(shape, value)
            return value
        return value                                  # a type the Cognito models don't use

    def structure(self, shape: _Shape, value: dict, path: str) -> dict:
        cleaned = value
        for name, member in shape.members.items():
            if name not in value:
                continue
            item = value[name]
            if item is None:                          # JSON null: the member is left out
                if cleaned is value:
                    cleaned = dict(value)
                del cleaned[name]
                self.changed = True
                continue
            read = self.read(member, item, _at(path, name))
            if read is not item:
                if cleaned is value:
                    cleaned = dict(value)
                cleaned[name] = read
        for name in shape.required:
            if cleaned.get(name) is None:
                self.fail(shape.members[name], None, _at(path, name), "Member must not be null")
        return cleaned

    def read_list(self, shape: _Shape, value: list, path: str) -> list:
        self.length(shape, value, len(value), path)
        member = shape.member
        assert member is not None    # a list shape always has its member (_compile)
        cleaned = value
        problems: list[str] = []       # AWS names the list for its string elements' errors
        for i, item in enumerate(value):
            if item is None:
                self.fail(member, None, f"{path}.{i + 1}.member", "Member must not be null")
            elif member.kind == "string" and isinstance(item, str):
                problems += [p for p in self.string_problems(member, item) if p not in problems]
            else:
                read = self.read(member, item, f"{path}.{i + 1}.member")
                if read is not item:
                    if cleaned is value:
                        cleaned = list(value)
                    cleaned[i] = read
        if problems:
            self.fail(shape, value, path,
                      f"Member must satisfy constraint: [{', '.join(problems)}]",
                      hide=member.sensitive)
        return cleaned

    def read_map(self, shape: _Shape, value: dict, path: str) -> dict:
        self.length(shape, value, len(value), path)
        key_shape, value_shape = shape.key, shape.value
        assert key_shape is not None and value_shape is not None   # a map shape has both
        cleaned = value
        for key, item in value.items():
            self.string(key_shape, key, path)
            where = f"{path}.{key}" if path else key
            if item is None:     # AWS reads a null map value as absent (SDKs send some:
                if cleaned is value:  # identity-js's refresh sends DEVICE_KEY: null)
                    cleaned = dict(value)
                del cleaned[key]
                self.changed = True
                continue
            read = self.read(value_shape, item, where)
            if read is not item:
                if cleaned is value:
                    cleaned = dict(value)
                cleaned[key] = read
        return cleaned

    def integer(self, shape: _Shape, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong_type(shape, value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _wrong_type(shape, value)
            value = int(value)                        # AWS truncates numbers to integers
            self.changed = True
        limit = _INT_RANGE[shape.kind]
        if not -limit <= value < limit:
            raise SerializationException(
                f"NUMBER_VALUE out of range for {_TYPE_NAME[shape.kind]}")
        if shape.min is not None and value < shape.min:
            self.fail(shape, value, path, f"Member must have value greater than or equal to "
                                          f"{shape.min}")
        if shape.max is not None and value > shape.max:
            self.fail(shape, value, path, f"Member must have value less than or equal to "
                                          f"{shape.max}")
        return value

    def length(self, shape: _Shape, value: Any, length: int, path: str) -> None:
        if shape.min is not None and length < shape.min:
            self.fail(shape, value, path,
                      f"Member must have length greater than or equal to {shape.min}")
        if shape.max is not None and length > shape.max:
            self.fail(shape, value, path,
                      f"Member must have length less than or equal to {shape.max}")

    def string(self, shape: _Shape, value: str, path: str) -> None:
        for problem in self.string_problems(shape, value):
            self.fail(shape, value, path, problem)

    @staticmethod
    def string_problems(shape: _Shape, value: str) -> list[str]:
        problems = []
        if shape.min is not None and len(value) < shape.min:
            problems.append(f"Member must have length greater than or equal to {shape.min}")
        if shape.max is not None and len(value) > shape.max:
            problems.append(f"Member must have length less than or equal to {shape.max}")
        if shape.enum and value not in shape.enum:
            problems.append(f"Member must satisfy enum value set: [{shape.enum_text}]")
        elif shape.pattern is not None and not _matches(shape.pattern, value):
            problems.append(f"Member must satisfy regular expression pattern: "
                            f"{shape.pattern_text}")
        return problems
