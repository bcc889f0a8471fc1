"""Incremental parsing: a file is parsed declaration by declaration, and the parse of every
declaration whose text did not change is reused (its spans moved to its new line)."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from itertools import pairwise
from typing import Any

from metricdsl.diagnostics import Diagnostic
from metricdsl.source import SourceFile, Span
from metricdsl.syntax import ast
from metricdsl.syntax.keywords import DECLARATION_START
from metricdsl.syntax.parse import parse_file


@dataclass(frozen=True)
class Chunk:
    """The parse of one declaration's text (from its first line to the next declaration's)."""

    line: int  # the 1-based line it started on when its spans were computed
    declarations: tuple[ast.Declaration, ...]
    broken: tuple[str, ...]
    problems: tuple[Diagnostic, ...]


def shift(root: Any, delta: int) -> Any:
    """A copy of an AST node or diagnostic with every span moved down by `delta` lines.

    Iterative (an explicit stack, children before parents): a left-deep chain of a thousand
    terms must not exhaust Python's recursion limit."""
    pending: list[tuple[Any, bool]] = [(root, False)]
    done: list[Any] = []
    while pending:
        value, expanded = pending.pop()
        if isinstance(value, Span):
            done.append(Span(value.file, value.line + delta, value.column, value.end_line + delta, value.end_column))
        elif isinstance(value, tuple):
            if expanded:
                done.append(_take(done, len(value), tuple))
            else:
                pending.append((value, True))
                pending.extend((item, False) for item in reversed(value))
        elif is_dataclass(value) and not isinstance(value, type):
            names = [f.name for f in fields(value) if f.init]
            if expanded:
                done.append(replace(value, **dict(zip(names, _take(done, len(names), list), strict=True))))
            else:
                pending.append((value, True))
                pending.extend((getattr(value, name), False) for name in reversed(names))
        else:
            done.append(value)
    return done[0]


def _take(done: list[Any], count: int, kind: Any) -> Any:
    taken = done[len(done) - count:]
    del done[len(done) - count:]
    return kind(taken)


def parse_chunk(path: str, text: str, line: int) -> Chunk:
    tree, problems = parse_file(SourceFile(path, text), first_line=line)
    return Chunk(line, tree.declarations, tree.broken_names, tuple(problems))


def parse_incremental(path: str, text: str, cache: dict[str, Chunk]) -> tuple[ast.FileAST, list[Diagnostic],
                                                                               dict[str, Chunk]]:
    """Parse a file declaration by declaration, reusing the parse of every declaration whose text
    did not change (its spans moved to its new line). Returns the tree, the syntax errors and the
    new cache."""
    bounds = sorted({0, len(text), *(m.start() for m in DECLARATION_START.finditer(text))})
    fresh: dict[str, Chunk] = {}
    declarations: list[ast.Declaration] = []
    broken: list[str] = []
    problems: list[Diagnostic] = []
    line = 1
    for begin, end in pairwise(bounds):
        piece = text[begin:end]
        chunk = fresh.get(piece) or cache.get(piece) or parse_chunk(path, piece, line)
        if chunk.line != line:
            chunk = Chunk(line, shift(chunk.declarations, line - chunk.line), chunk.broken,
                          shift(chunk.problems, line - chunk.line))
        fresh[piece] = chunk
        declarations.extend(chunk.declarations)
        broken.extend(chunk.broken)
        problems.extend(chunk.problems)
        line += piece.count("\n")
    return ast.FileAST(path, tuple(declarations), tuple(broken)), problems, fresh
