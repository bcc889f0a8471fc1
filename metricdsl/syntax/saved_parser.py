"""The grammar's LALR parser, saved between processes: building it from metric.lark costs more than a
cold `metricdsl sql` spends on everything else it parses.

A saved parser is lark's own serialised form (`Lark.memo_serialize`: dicts, lists, tuples, strings,
numbers) written as JSON, with a tuple as `{"\\u0000t": [...]}` and a dict with integer keys (the
parse table's states) as `{"\\u0000i": [[key, value], ...]}`. Reading it builds plain data that lark
turns into a parser; nothing is executed, so a damaged entry can only fail to load (and the parser
is built again). The cache that holds it (the pipeline's signed store) is given by the caller.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any, Protocol

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

OPTIONS: dict[str, Any] = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": True}
TUPLE = "\0t"
INT_KEYS = "\0i"


class ParserCache(Protocol):
    """Where a built parser is kept between processes."""

    def get_bytes(self, entry: str) -> bytes | None: ...

    def put_bytes(self, entry: str, data: bytes) -> None: ...


def build(grammar: str) -> Lark:
    return Lark(grammar, **OPTIONS)


def entry_name(grammar: str) -> str:
    """The cache entry of this grammar under this lark, these options and this Python."""
    parts = [grammar, lark.__version__, repr(sorted(OPTIONS.items())), sys.version]
    return "grammar-" + hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def load_or_build(grammar: str, cache: ParserCache) -> Lark:
    """The parser saved in `cache` for this grammar, else built and saved there."""
    entry = entry_name(grammar)
    saved = cache.get_bytes(entry)
    loaded = _loaded(saved) if saved is not None else None
    if loaded is not None:
        return loaded
    built = build(grammar)
    try:
        cache.put_bytes(entry, encode(built))
    except (TypeError, ValueError):
        pass  # a parser this format cannot hold (a later lark) is only built again next time
    return built


def _loaded(saved: bytes) -> Lark | None:
    try:
        return Lark.load(decode(saved))
    except Exception:  # noqa: BLE001 - lark rejects bad data in many ways; each means "build it again"
        return None


def encode(parser: Lark) -> bytes:
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    return json.dumps(_tagged({"data": data, "memo": memo}), separators=(",", ":")).encode("utf-8")


def decode(saved: bytes) -> dict[str, Any]:
    value = json.loads(saved, object_hook=_untagged)
    if not isinstance(value, dict) or set(value) != {"data", "memo"}:
        raise ValueError("not a saved parser")
    return value


def _tagged(value: Any) -> Any:
    if isinstance(value, tuple):
        return {TUPLE: [_tagged(item) for item in value]}
    if isinstance(value, list):
        return [_tagged(item) for item in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _tagged(item) for key, item in value.items()}
        return {INT_KEYS: [[int(key), _tagged(item)] for key, item in value.items()]}
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"a saved parser holds no {type(value).__name__}")


def _untagged(value: dict[str, Any]) -> Any:
    if len(value) == 1:
        if TUPLE in value:
            return tuple(value[TUPLE])
        if INT_KEYS in value:
            return {int(key): item for key, item in value[INT_KEYS]}
    return value
