"""Stage 1: text → syntax tree (metricdsl.syntax.ast), with every syntax error of a file as a diagnostic.

The grammar lives beside this module in metricdsl/syntax/metric.lark (package data of the wheel).
After a syntax error, the file is parsed again declaration by declaration, each on its own text
with its positions moved to its line (so recovery costs about one more parse of the file), and
one run reports the errors of every declaration. How a parse error is worded is
metricdsl.syntax.syntax_errors.

An expression nested deeper than MAX_NESTING levels is an error (E006): every later stage walks
expressions recursively. A chain of one associative operator (`a + b - c + …`, `a * b * …`,
`… and …`, `… or …`) and repeated signs (`- - x`) count as one level, however long: the checker
regroups them, so a sum of a thousand terms compiles.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import re
import sys
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedEOF, UnexpectedInput

from metricdsl.diagnostics import Diagnostic
from metricdsl.source import SourceFile, Span
from metricdsl.syntax import ast
from metricdsl.syntax.keywords import DECLARATION_START, DECLARED_NAME, KEYWORDS
from metricdsl.syntax.saved_parser import ParserCache, build, load_or_build
from metricdsl.syntax.syntax_errors import syntax_diagnostic


def grammar_path() -> Path:
    return Path(__file__).parent / "metric.lark"


_PARSER_CACHES: list[ParserCache] = []


def use_parser_cache(cache: ParserCache) -> None:
    """Load the parser from `cache`, and save it there once built, instead of building it in every process."""
    if not _PARSER_CACHES:
        _PARSER_CACHES.append(cache)


@lru_cache(maxsize=1)
def parser() -> Lark:
    grammar = grammar_path().read_text(encoding="utf-8")
    return load_or_build(grammar, _PARSER_CACHES[0]) if _PARSER_CACHES else build(grammar)


MAX_NESTING = 50  # levels of nested expressions (an associative chain counts once); see the module doc
# Rules whose left operand continues the same chain (regrouped by the checker), and repeated signs.
CHAINS = {"add": "sum", "sub": "sum", "mul": "product", "and_op": "and", "or_op": "or",
          "neg": "sign", "pos": "sign", "not_op": "not"}
# The rules that nest one expression in another (lists, clauses and blocks add no level).
EXPRESSION_RULES = frozenset({*CHAINS, "compare", "equals", "div", "in_op", "between_op", "like_op", "is_null_op",
                              "case", "call"})


def parse_file(source: SourceFile, first_line: int = 1) -> tuple[ast.FileAST, list[Diagnostic]]:
    """Parse one file; returns the declarations that parsed and a diagnostic per syntax error.

    `first_line` is the line of the file on which `source.text` starts (the language server
    parses a file declaration by declaration); every position is counted from there."""
    lines = _LineIndex(source.text, first_line - 1)
    try:
        return _build(source, _parse(source.text), lines.offset)
    except UnexpectedInput:
        pass
    declarations: list[ast.Declaration] = []
    diagnostics: list[Diagnostic] = []
    broken: list[str] = []
    for begin, end in _declaration_chunks(source.text):
        parsed, chunk_diagnostics = _parse_chunk(source, lines, begin, end)
        declarations.extend(parsed.declarations)
        diagnostics.extend(chunk_diagnostics)
        broken.extend(parsed.broken_names)
        if any(d.code in ("E002", "E003") for d in chunk_diagnostics):
            broken.extend(DECLARED_NAME.findall(source.text[begin:end])[:1])
    return ast.FileAST(source.path, tuple(declarations), tuple(broken)), diagnostics


def _parse(text: str) -> Tree[Any]:
    """The one place that runs the parser (tests count the characters it is given)."""
    return parser().parse(text)


class _LineIndex:
    """Line starts of a text, to turn offsets into lines without rescanning the text."""

    def __init__(self, text: str, offset: int) -> None:
        self.offset = offset  # lines of the file before the text
        self.starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def line_of(self, position: int) -> int:
        """The 0-based line (within the text) that holds `position`."""
        return bisect.bisect_right(self.starts, position) - 1


def _build(source: SourceFile, tree: Tree[Any], line_offset: int) -> tuple[ast.FileAST, list[Diagnostic]]:
    builder = AstBuilder(source.path, line_offset)
    declarations: list[ast.Declaration] = []
    broken: list[str] = []
    try:
        for node in tree.children:
            deep = _too_deep(node)
            if deep is None:
                declarations.append(builder.convert(node))
                continue
            builder.diagnostics.append(Diagnostic(
                "E006", f"expression nested more than {MAX_NESTING} levels deep", builder._span(deep.meta),
                "split it into smaller metrics or dimensions that refer to each other"))
            if not str(node.data).startswith("decompose"):  # a decompose names a metric declared elsewhere
                broken.extend(str(child) for child in node.children[:1] if isinstance(child, Token))
    except LiteralError as error:
        return ast.FileAST(source.path, ()), [error.diagnostic]
    return ast.FileAST(source.path, tuple(declarations), tuple(broken)), builder.diagnostics


def _too_deep(declaration: Any) -> Tree[Any] | None:
    """The first node nested deeper than MAX_NESTING in a declaration's tree, or None (iterative)."""
    stack: list[tuple[Tree[Any], int]] = [(declaration, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return node
        chain = CHAINS.get(str(node.data))
        for index, child in enumerate(node.children):
            if isinstance(child, Tree):
                same_chain = chain is not None and CHAINS.get(str(child.data)) == chain and (
                    index == 0 or chain in ("sign", "not"))
                level = str(child.data) in EXPRESSION_RULES and not same_chain
                stack.append((child, depth + level))
    return None


def _declaration_chunks(text: str) -> list[tuple[int, int]]:
    """Each declaration's text, from the start of its first line to the next declaration's."""
    starts = [m.start() for m in DECLARATION_START.finditer(text)]
    bounds = [0, *starts, len(text)] if not starts or starts[0] != 0 else [*starts, len(text)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if text[a:b].strip()]


def _parse_chunk(source: SourceFile, lines: _LineIndex, begin: int, end: int) -> tuple[ast.FileAST, list[Diagnostic]]:
    """Parse one declaration's text (positions moved to its line); on an error keep what parses
    before the bad line."""
    line_offset = lines.offset + lines.line_of(begin)
    try:
        return _build(source, _parse(source.text[begin:end]), line_offset)
    except UnexpectedInput as error:
        diagnostic = syntax_diagnostic(error, source, _last_token_end(source, lines, begin, end), line_offset)
        error_offset = _error_offset(error, begin, end)
        if diagnostic.message.startswith("unexpected end of declaration"):
            diagnostic = unclosed_brace(source, lines, begin, end) or diagnostic
    line_start = source.text.rfind("\n", begin, error_offset) + 1
    if line_start > begin:
        try:
            parsed, more = _build(source, _parse(source.text[begin:line_start]), line_offset)
            return parsed, [diagnostic, *more]
        except UnexpectedInput:
            pass
    return ast.FileAST(source.path, ()), [diagnostic]


STRINGS_AND_COMMENTS = re.compile(r"'[^'\n]*'|\"(?:\\.|[^\"\\\n])*\"|#[^\n]*")


def unclosed_brace(source: SourceFile, lines: _LineIndex, begin: int, end: int) -> Diagnostic | None:
    """A declaration that ends inside a `{ … }`: the `{` that is never closed, found by matching
    braces and, where a `}` is indented less than the line of the `{` it would close, reading it
    as the close of an outer block (so `columns {` without its `}` is named, not the source)."""
    text = STRINGS_AND_COMMENTS.sub(lambda match: " " * len(match.group()), source.text[begin:end])
    open_braces: list[int] = []
    unclosed: int | None = None
    for match in re.finditer("[{}]", text):
        position = match.start()
        if match.group() == "{":
            open_braces.append(position)
            continue
        if not open_braces:
            return None
        opened = open_braces.pop()
        if open_braces and unclosed is None and _indent(text, position) < _indent(text, opened):
            unclosed = opened
            open_braces.pop()
    if unclosed is None and not open_braces:
        return None
    offset = begin + (unclosed if unclosed is not None else open_braces[-1])
    index = lines.line_of(offset)
    column = offset - lines.starts[index] + 1
    line = index + lines.offset + 1
    before = source.text[lines.starts[index]:offset].split("{")[-1].strip()
    owner = f"`{before} {{`" if before else "`{`"
    return Diagnostic("E002", f"{owner} is never closed", Span(source.path, line, column, line, column + 1),
                      "add the missing `}` after the block's last entry")


def _indent(text: str, position: int) -> int:
    """The indentation of the line that holds `position`."""
    start = text.rfind("\n", 0, position) + 1
    line = text[start:]
    return len(line) - len(line.lstrip(" \t"))


def _error_offset(error: UnexpectedInput, begin: int, default: int) -> int:
    position = getattr(error, "pos_in_stream", None)
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedEOF) or position is None or (token is not None and token.type == "$END"):
        return default
    return begin + int(position)


def _last_token_end(source: SourceFile, lines: _LineIndex, begin: int, end: int) -> Span:
    """Where an unexpected end of a declaration is reported: just after its last character."""
    offset = begin + len(source.text[begin:end].rstrip())
    line = lines.line_of(offset)
    column = offset - lines.starts[line] + 1
    line += lines.offset + 1
    return Span(source.path, line, column, line, column)  # zero width: the point just after the text


FLOAT_MAX = Decimal(sys.float_info.max)
FLOAT_MIN = Decimal(sys.float_info.min)


class LiteralError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _unescape_text(raw: str) -> str:
    return re.sub(r'\\(["\\])', r"\1", raw[1:-1])


class AstBuilder:
    """lark tree → metricdsl.syntax.ast nodes: one method per grammar rule (or alias), bottom-up."""

    def __init__(self, path: str, line_offset: int = 0) -> None:
        self.path = path
        self.line_offset = line_offset  # lines of the file before the parsed text
        self.diagnostics: list[Diagnostic] = []

    def convert(self, root: Any) -> Any:
        """Bottom-up, with an explicit stack: a chain of a thousand terms is as deep as its terms."""
        if not isinstance(root, Tree):
            return root
        pending: list[tuple[Any, bool]] = [(root, False)]
        done: list[Any] = []
        while pending:
            node, expanded = pending.pop()
            if not isinstance(node, Tree):
                done.append(node)
            elif expanded:
                count = len(node.children)
                children = done[len(done) - count:]
                del done[len(done) - count:]
                done.append(getattr(self, str(node.data))(node.meta, children))
            else:
                pending.append((node, True))
                pending.extend((child, False) for child in reversed(node.children))
        return done[0]

    def _span(self, meta: Any) -> Span:
        shift = self.line_offset
        return Span(self.path, meta.line + shift, meta.column, meta.end_line + shift, meta.end_column)

    def _token_span(self, token: Token) -> Span:
        shift = self.line_offset
        return Span(self.path, (token.line or 0) + shift, token.column or 0, (token.end_line or 0) + shift,
                    token.end_column or 0)

    # declarations
    def start(self, meta: Any, children: list[Any]) -> list[ast.Declaration]:
        return children

    def source_decl(self, meta: Any, c: list[Any]) -> ast.SourceDecl:
        name, label, block = c
        return ast.SourceDecl(str(name), _label(label), block, self._span(meta), self._token_span(name))

    def dimension_decl(self, meta: Any, c: list[Any]) -> ast.DimensionDecl:
        name, label, expr, block = c
        return ast.DimensionDecl(str(name), _label(label), expr, block, self._span(meta), self._token_span(name))

    def metric_decl(self, meta: Any, c: list[Any]) -> ast.MetricDecl:
        name, label, expr, having, where, block = c
        return ast.MetricDecl(str(name), _label(label), expr, having, where, block, self._span(meta),
                              self._token_span(name))

    def having_clause(self, meta: Any, c: list[Any]) -> ast.Expr:
        return c[0]  # type: ignore[no-any-return]

    def where_clause(self, meta: Any, c: list[Any]) -> ast.Expr:
        return c[0]  # type: ignore[no-any-return]

    def decompose_identity(self, meta: Any, c: list[Any]) -> ast.DecomposeDecl:
        return ast.DecomposeDecl(str(c[0]), c[1], None, self._span(meta), self._token_span(c[0]))

    def decompose_by(self, meta: Any, c: list[Any]) -> ast.DecomposeDecl:
        return ast.DecomposeDecl(str(c[0]), None, c[1], self._span(meta), self._token_span(c[0]))

    def _block_decl(self, kind: str, meta: Any, c: list[Any]) -> ast.BlockDecl:
        name, label, block = c
        return ast.BlockDecl(kind, str(name), _label(label), block, self._span(meta), self._token_span(name))

    def query_decl(self, meta: Any, c: list[Any]) -> ast.BlockDecl:
        return self._block_decl("query", meta, c)

    def calendar_decl(self, meta: Any, c: list[Any]) -> ast.BlockDecl:
        return self._block_decl("calendar", meta, c)

    def target_decl(self, meta: Any, c: list[Any]) -> ast.BlockDecl:
        return self._block_decl("target", meta, c)

    def scorecard_decl(self, meta: Any, c: list[Any]) -> ast.BlockDecl:
        return self._block_decl("scorecard", meta, c)

    # blocks
    def block(self, meta: Any, c: list[Any]) -> ast.Block:
        return ast.Block(tuple(c), self._span(meta))

    def property(self, meta: Any, c: list[Any]) -> ast.Property:
        key, items = c
        return ast.Property(_key(key), items, self._span(meta), self._key_span(key))

    def keyed_entry(self, meta: Any, c: list[Any]) -> ast.KeyedEntry:
        key, items = c
        raw = str(key).rstrip()[:-1].rstrip()
        return ast.KeyedEntry(_unescape_text(raw), items, self._span(meta), self._key_span(key))

    def _key_span(self, key: Token) -> Span:
        span = self._token_span(key)
        length = len(str(key).rstrip()[:-1].rstrip())
        return Span(span.file, span.line, span.column, span.line, span.column + length)

    def nested_block(self, meta: Any, c: list[Any]) -> ast.NestedBlock:
        return ast.NestedBlock(str(c[0]), c[1], self._span(meta), self._token_span(c[0]))

    def join_entry(self, meta: Any, c: list[Any]) -> ast.JoinEntry:
        return ast.JoinEntry(str(c[0]), c[1], self._span(meta), self._token_span(c[0]))

    def item_list(self, meta: Any, c: list[Any]) -> tuple[ast.Item, ...]:
        return tuple(item if isinstance(item, ast.Item) else ast.Item("plain", item, item.span)
                     for item in c if item is not None)

    def suffixed_item(self, meta: Any, c: list[Any]) -> ast.Item:
        return ast.Item("direction", c[0], self._span(meta), direction=str(c[1]))

    def weighted_item(self, meta: Any, c: list[Any]) -> ast.Item:
        return ast.Item("weighted", c[0], self._span(meta), weight=self.number(None, [c[1]]))

    def range_item(self, meta: Any, c: list[Any]) -> ast.Item:
        return ast.Item("range", c[0], self._span(meta), upper=c[1])

    def by_item(self, meta: Any, c: list[Any]) -> ast.Item:
        by = c[1]
        if isinstance(by, Token):  # `by weights { … }`: a block name
            by = ast.Name((str(by),), self._token_span(by))
        return ast.Item("by", c[0], self._span(meta), by=by, block=c[2])

    def word_item(self, meta: Any, c: list[Any]) -> ast.Item:
        return ast.Item("word", self.percent(None, [c[1]]), self._span(meta), word=str(c[0]))

    def target_item(self, meta: Any, c: list[Any]) -> ast.Item:
        return ast.Item("word", c[0], self._span(meta), word="target")

    def word_range_item(self, meta: Any, c: list[Any]) -> ast.Item:
        return ast.Item("word", c[1], self._span(meta), upper=c[2], word="range")

    # expressions
    def _binary(self, op: str, meta: Any, c: list[Any]) -> ast.Binary:
        return ast.Binary(op, c[0], c[-1], self._span(meta))

    def or_op(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("or", meta, c)

    def and_op(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("and", meta, c)

    def not_op(self, meta: Any, c: list[Any]) -> ast.Unary:
        return ast.Unary("not", c[-1], self._span(meta))

    def compare(self, meta: Any, c: list[Any]) -> ast.Binary:
        op = "!=" if str(c[1]) == "<>" else str(c[1])
        return ast.Binary(op, c[0], c[2], self._span(meta))

    def equals(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("=", meta, c)

    def add(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("+", meta, c)

    def sub(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("-", meta, c)

    def mul(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("*", meta, c)

    def div(self, meta: Any, c: list[Any]) -> ast.Binary:
        return self._binary("/", meta, c)

    def neg(self, meta: Any, c: list[Any]) -> ast.Unary:
        return ast.Unary("-", c[0], self._span(meta))

    def pos(self, meta: Any, c: list[Any]) -> ast.Unary:
        return ast.Unary("+", c[0], self._span(meta))

    def in_op(self, meta: Any, c: list[Any]) -> ast.InList:
        return ast.InList(c[0], tuple(c[2]), c[1] is not None, self._span(meta))

    def between_op(self, meta: Any, c: list[Any]) -> ast.Between:
        return ast.Between(c[0], c[2], c[3], c[1] is not None, self._span(meta))

    def like_op(self, meta: Any, c: list[Any]) -> ast.Like:
        return ast.Like(c[0], c[2], c[1] is not None, self._span(meta))

    def is_null_op(self, meta: Any, c: list[Any]) -> ast.IsNull:
        return ast.IsNull(c[0], c[1] is not None, self._span(meta))

    def case(self, meta: Any, c: list[Any]) -> ast.Case:
        *whens, otherwise = c
        return ast.Case(tuple(whens), otherwise, self._span(meta))

    def when_clause(self, meta: Any, c: list[Any]) -> tuple[ast.Expr, ast.Expr]:
        return (c[0], c[1])

    def expr_list(self, meta: Any, c: list[Any]) -> list[ast.Expr]:
        return c

    def call(self, meta: Any, c: list[Any]) -> ast.Call:
        name, args = c
        return ast.Call(str(name), tuple(args or ()), self._span(meta), self._token_span(name))

    def call_with_options(self, meta: Any, c: list[Any]) -> ast.Call:
        name, *args, (within, direction) = c
        return ast.Call(str(name), tuple(args), self._span(meta), self._token_span(name), within, direction)

    def call_options(self, meta: Any, c: list[Any]) -> tuple[tuple[ast.Name, ...], str | None]:
        direction = str(c[-1]) if c and isinstance(c[-1], Token) and c[-1].type == "DIRECTION" else None
        return tuple(n for n in c if isinstance(n, ast.Name)), direction

    def qualified(self, meta: Any, c: list[Any]) -> ast.Name:
        return ast.Name(tuple(str(t) for t in c), self._span(meta))

    # literals
    def number(self, meta: Any, c: list[Any]) -> ast.Number:
        token = c[0]
        return ast.Number(self._decimal(token, str(token)), str(token), self._token_span(token))

    def _decimal(self, token: Token, text: str) -> Decimal:
        try:
            value = Decimal(text.replace("_", ""))
        except InvalidOperation:
            raise LiteralError(Diagnostic("E004", f"invalid number `{text}`", self._token_span(token))) from None
        if value and not FLOAT_MIN <= value.copy_abs() <= FLOAT_MAX:
            self.diagnostics.append(Diagnostic(
                "E004", f"number `{text}` is out of range", self._token_span(token),
                "numbers must be finite in a 64-bit float: between 2.2e-308 and 1.7e308 in size (or 0)"))
            return Decimal(0)
        return value

    def sql_string(self, meta: Any, c: list[Any]) -> ast.SqlString:
        return ast.SqlString(str(c[0])[1:-1].replace("''", "'"), self._token_span(c[0]))

    def text(self, meta: Any, c: list[Any]) -> ast.Text:
        return ast.Text(_unescape_text(str(c[0])), self._token_span(c[0]))

    def date(self, meta: Any, c: list[Any]) -> ast.Expr:
        token = c[0]
        try:
            value = datetime.date.fromisoformat(str(token))
        except ValueError:
            self.diagnostics.append(Diagnostic("E004", f"invalid date `{token}`", self._token_span(token),
                                               "dates are YYYY-MM-DD with a real month and day"))
            return ast.Null(self._token_span(token))
        return ast.DateLiteral(value, self._token_span(token))

    def multiplier(self, meta: Any, c: list[Any]) -> ast.Multiplier:
        token = c[0]
        return ast.Multiplier(self._decimal(token, str(token)[:-1]), str(token), self._token_span(token))

    def percent(self, meta: Any, c: list[Any]) -> ast.Percent:
        token = c[0]
        return ast.Percent(self._decimal(token, str(token)[:-1]) / 100, str(token), self._token_span(token))

    def duration(self, meta: Any, c: list[Any]) -> ast.Duration:
        count, unit = str(c[0]).split()
        return ast.Duration(int(count), unit.rstrip("s"), self._token_span(c[0]))

    def relative_period(self, meta: Any, c: list[Any]) -> ast.RelativePeriod:
        words = str(c[0]).split()
        count = int(words[1]) if words[0] == "last" else None
        return ast.RelativePeriod(words[0], count, words[-1].rstrip("s"), self._token_span(c[0]))

    def true(self, meta: Any, c: list[Any]) -> ast.Boolean:
        return ast.Boolean(True, self._span(meta))

    def false(self, meta: Any, c: list[Any]) -> ast.Boolean:
        return ast.Boolean(False, self._span(meta))

    def null(self, meta: Any, c: list[Any]) -> ast.Null:
        return ast.Null(self._span(meta))


def _label(token: Token | None) -> str | None:
    return None if token is None else _unescape_text(str(token))


def _key(token: Token) -> str:
    return str(token).rstrip()[:-1].rstrip()


def parse_text(text: str, path: str = "<text>") -> tuple[ast.FileAST, list[Diagnostic]]:
    return parse_file(SourceFile(path, text))


# KEYWORDS stays importable here, beside the parser that reserves them.
__all__ = ["KEYWORDS", "parse_file", "parse_text"]
