"""The parse cache's format: a file's syntax tree and diagnostics as JSON, read back into our own classes only.

A dataclass becomes `[class name, field, field, …]`, a tuple a list, a Decimal `{"d": text}`, a date
`{"t": iso}`. Reading builds only the classes of `metricdsl.syntax.ast`, `Span`, `Diagnostic` and
`Note`, with exactly their fields, so a damaged or foreign entry can do nothing but fail to decode
(`decode` then returns None and the file is parsed again). Entries are also signed (`store`).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from metricdsl.diagnostics import Diagnostic, Note
from metricdsl.source import Span
from metricdsl.syntax import ast

CLASSES: dict[str, type] = {
    name: value for name, value in vars(ast).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == ast.__name__
} | {"Span": Span, "Diagnostic": Diagnostic, "Note": Note}
FIELDS = {name: tuple(f.name for f in dataclasses.fields(cls)) for name, cls in CLASSES.items()}


class Undecodable(ValueError):
    """The entry is not a tree this build wrote."""


def encode(parsed: tuple[ast.FileAST, list[Diagnostic]]) -> bytes:
    tree, diagnostics = parsed
    return json.dumps([_out(tree), [_out(d) for d in diagnostics]], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _out(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime.date):
        return {"t": value.isoformat()}
    if isinstance(value, tuple):
        return [_out(v) for v in value]
    name = type(value).__name__
    if CLASSES.get(name) is not type(value):
        raise TypeError(f"the parse cache cannot hold a {name}")
    return [name, *(_out(getattr(value, f)) for f in FIELDS[name])]


def decode(data: bytes) -> tuple[ast.FileAST, list[Diagnostic]] | None:
    try:
        tree, diagnostics = json.loads(data)
        parsed = _in(tree), [_in(d) for d in diagnostics]
    except (Undecodable, ValueError, TypeError, RecursionError, InvalidOperation):
        return None
    if not isinstance(parsed[0], ast.FileAST) or not all(isinstance(d, Diagnostic) for d in parsed[1]):
        return None
    return parsed


def _in(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, dict):
        if value.keys() == {"d"} and isinstance(value["d"], str):
            return Decimal(value["d"])
        if value.keys() == {"t"} and isinstance(value["t"], str):
            return datetime.date.fromisoformat(value["t"])
        raise Undecodable("unknown object")
    if not isinstance(value, list):
        raise Undecodable(f"unexpected {type(value).__name__}")
    if value and isinstance(value[0], str) and value[0] in CLASSES:
        name, *args = value
        if len(args) != len(FIELDS[name]):
            raise Undecodable(f"{name} with {len(args)} fields")
        return CLASSES[name](*(_in(a) for a in args))
    return tuple(_in(v) for v in value)
