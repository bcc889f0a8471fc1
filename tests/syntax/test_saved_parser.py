"""The parser saved between processes (metricdsl.syntax.saved_parser): it parses exactly as a freshly
built one, and a damaged or planted entry is rebuilt, never trusted."""

from __future__ import annotations

import pytest
from lark import Lark
from support.paths import REPO_ROOT

from metricdsl.syntax.parse import grammar_path
from metricdsl.syntax.saved_parser import build, decode, encode, entry_name, load_or_build


class DictCache:
    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}
        self.reads = 0

    def get_bytes(self, entry: str) -> bytes | None:
        self.reads += 1
        return self.entries.get(entry)

    def put_bytes(self, entry: str, data: bytes) -> None:
        self.entries[entry] = data


@pytest.fixture(scope="module")
def grammar() -> str:
    return grammar_path().read_text(encoding="utf-8")


def test_a_saved_parser_gives_the_same_trees_as_a_built_one(grammar: str) -> None:
    cache = DictCache()
    built = load_or_build(grammar, cache)
    assert list(cache.entries) == [entry_name(grammar)]
    loaded = load_or_build(grammar, cache)
    assert loaded is not built and cache.reads == 2
    for path in sorted((REPO_ROOT / "specs").glob("*.metric")):
        text = path.read_text(encoding="utf-8")
        assert loaded.parse(text) == built.parse(text), path


def test_the_saved_form_round_trips_tuples_and_integer_keys(grammar: str) -> None:
    saved = encode(build(grammar))
    data = decode(saved)
    assert decode(encode(Lark.load(data))) == data
    states = data["data"]["parser"]["parser"]["states"]
    assert all(isinstance(state, int) for state in states)
    assert any(isinstance(action, tuple) for actions in states.values() for action in actions.values())


@pytest.mark.parametrize("damaged", [b"", b"{}", b"not json", b'{"data": 1, "memo": 2}',
                                     b'{"data": {"__type__": "Lark"}, "memo": {}}'])
def test_a_damaged_entry_is_rebuilt_and_replaced(grammar: str, damaged: bytes) -> None:
    entry = entry_name(grammar)
    cache = _holding(entry, damaged)
    parser = load_or_build(grammar, cache)
    assert parser.parse("metric m = sum(orders.amount)\n") is not None
    replaced = Lark.load(decode(cache.entries[entry]))
    assert replaced.parse("metric m = sum(orders.amount)\n") == parser.parse("metric m = sum(orders.amount)\n")


def test_another_grammar_or_lark_version_reads_another_entry(grammar: str) -> None:
    assert entry_name(grammar) != entry_name(grammar + "\n// changed\n")


def _holding(entry: str, data: bytes) -> DictCache:
    cache = DictCache()
    cache.entries[entry] = data
    return cache
