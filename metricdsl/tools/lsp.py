"""The language server (`metricdsl lsp`): diagnostics as you type, hover, go to definition,
completion, document symbols and rename, over stdio with pygls.

The project state lives in `ProjectState`: the text and parsed tree of every `.metric` file of
the workspace folder (open documents override the files on disk). A change re-parses only the
declarations of the changed file whose text changed (the others are reused, their spans moved);
a request (hover, completion, …) brings the trees and the name index up to date first. The
checker runs over the cached trees ~150 ms after the last change, and then the diagnostics of
every file are published.

Positions: our spans are 1-based lines and code-point columns; LSP positions are 0-based and
counted in the units the client and server agreed on (UTF-16 unless the client prefers another).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from metricdsl.diagnostics import Diagnostic, sort_key
from metricdsl.ir.model import TIME_GRAINS
from metricdsl.source import SourceFile, Span
from metricdsl.syntax import ast
from metricdsl.syntax.parse import KEYWORDS, parse_file
from metricdsl.tools.catalog import formula_text, span_text

DEBOUNCE_SECONDS = 0.15
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
DECLARATION = re.compile(r"^[ \t]*(source|dimension|metric|decompose|query|calendar|target)\b", re.MULTILINE)
PROPERTY_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?!:)")
AGGREGATES = ("sum", "avg", "min", "max", "count", "count_distinct")
TIME_FUNCTIONS = ("lag", "growth", "cumulative")
ROW_FUNCTIONS = ("coalesce", "abs", "round", "floor", "ceil", "lower", "upper", "length", "year", "quarter", "month",
                 "week", "day", "date_trunc")
METRIC_CARD_KEYS = ("description", "unit", "format", "owner", "category", "core", "kpi", "status", "version",
                    "dimensions")
QUERY_KEYS = ("metrics", "by", "where", "period", "order", "limit")
SOURCE_KEYS = ("table", "time", "key")
METRIC_REFERENCE_KEYS = {"query": ("metrics", "order"), "target": ("metric", "tree", "fixed", "cap", "weight")}


# ---- positions -------------------------------------------------------------------------------
def units(text: str, encoding: str) -> int:
    """Length of `text` in the client's position units."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def to_client_column(line: str, column0: int, encoding: str) -> int:
    return units(line[:column0], encoding)


def from_client_column(line: str, character: int, encoding: str) -> int:
    """Code-point index in `line` of a client position (clamped to the line)."""
    count = 0
    for index, char in enumerate(line):
        if count >= character:
            return index
        count += units(char, encoding)
    return len(line)


# ---- incremental parsing ---------------------------------------------------------------------
DECLARATION_LINE = re.compile(r"^[ \t]*(?:source|dimension|metric|decompose|query|calendar|target)\b(?![ \t]*:)", re.MULTILINE)


@dataclass(frozen=True)
class Chunk:
    """The parse of one declaration's text (from its first line to the next declaration's)."""

    line: int  # the 1-based line it started on when its spans were computed
    declarations: tuple[ast.Declaration, ...]
    broken: tuple[str, ...]
    problems: tuple[Diagnostic, ...]


def shift(value: Any, delta: int) -> Any:
    """A copy of an AST node or diagnostic with every span moved down by `delta` lines."""
    if isinstance(value, Span):
        return Span(value.file, value.line + delta, value.column, value.end_line + delta, value.end_column)
    if isinstance(value, tuple):
        return tuple(shift(item, delta) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: shift(getattr(value, f.name), delta) for f in fields(value) if f.init})
    return value


def parse_chunk(path: str, text: str, line: int) -> Chunk:
    tree, problems = parse_file(SourceFile(path, "\n" * (line - 1) + text))
    return Chunk(line, tree.declarations, tree.broken_names, tuple(problems))


def parse_incremental(path: str, text: str, cache: dict[str, Chunk]) -> tuple[ast.FileAST, list[Diagnostic],
                                                                               dict[str, Chunk]]:
    """Parse a file declaration by declaration, reusing the parse of every declaration whose text
    did not change (its spans moved to its new line). Returns the tree, the syntax errors and the
    new cache."""
    bounds = sorted({0, len(text), *(m.start() for m in DECLARATION_LINE.finditer(text))})
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


# ---- project state -----------------------------------------------------------------------------
@dataclass
class Parsed:
    source: SourceFile
    tree: ast.FileAST
    problems: list[Diagnostic]

    def lines(self) -> list[str]:
        return [line.rstrip("\r") for line in self.source.text.split("\n")]


@dataclass
class Declared:
    path: str
    decl: ast.Declaration


@dataclass
class ProjectState:
    root: Path | None = None
    files: dict[str, Parsed] = field(default_factory=dict)
    dirty: dict[str, str] = field(default_factory=dict)  # path → new text, not parsed yet
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    sources: dict[str, Declared] = field(default_factory=dict)
    shared: dict[str, Declared] = field(default_factory=dict)  # metrics, dimensions, queries, calendars, targets
    chunks: dict[str, dict[str, Chunk]] = field(default_factory=dict)  # path → declaration text → parsed
    checked: bool = False

    def load_folder(self, root: Path) -> None:
        from metricdsl.source import find_files

        self.root = root
        for path in find_files(root):
            key = str(path.resolve())
            if key not in self.files and key not in self.dirty:
                try:
                    self.dirty[key] = path.read_text(encoding="utf-8").removeprefix("\ufeff")
                except (OSError, UnicodeDecodeError):
                    continue
        self.checked = False

    def set_text(self, path: str, text: str) -> None:
        self.dirty[path] = text
        self.checked = False

    def refresh(self) -> bool:
        """Parse the changed files and rebuild the name index; False when nothing changed.

        The checker is not run here (see `check`): hover, definition and completion only need
        the trees, so they stay fast on large projects; diagnostics follow after the debounce.
        """
        if not self.dirty:
            return False
        for path, text in self.dirty.items():
            tree, problems, self.chunks[path] = parse_incremental(path, text, self.chunks.get(path, {}))
            self.files[path] = Parsed(SourceFile(path, text), tree, problems)
        self.dirty.clear()
        self.build_index()
        self.checked = False
        return True

    def check(self) -> bool:
        """Bring the trees up to date and run the checker; False when nothing changed."""
        self.refresh()
        if self.checked:
            return False
        self.run_checker()
        self.checked = True
        return True

    def run_checker(self) -> None:
        from metricdsl.semantic import check

        found: list[Diagnostic] = [d for parsed in self.files.values() for d in parsed.problems]
        try:
            found.extend(check([self.files[path].tree for path in sorted(self.files)]).diagnostics)
        except Exception as error:  # noqa: BLE001 - a half-typed file must never stop the server
            found.append(Diagnostic("E002", f"internal checker error: {type(error).__name__}: {error}", None))
        self.diagnostics = {path: [] for path in self.files}
        for diagnostic in sorted(set(found), key=sort_key):
            if diagnostic.span is not None and diagnostic.span.file in self.diagnostics:
                self.diagnostics[diagnostic.span.file].append(diagnostic)

    def build_index(self) -> None:
        self.sources, self.shared = {}, {}
        for path in sorted(self.files):
            for decl in self.files[path].tree.declarations:
                if isinstance(decl, ast.SourceDecl):
                    self.sources.setdefault(decl.name, Declared(path, decl))
                elif not isinstance(decl, ast.DecomposeDecl):
                    self.shared.setdefault(decl.name, Declared(path, decl))

    def of_kind(self, kind: type) -> dict[str, Declared]:
        return {name: d for name, d in self.shared.items() if isinstance(d.decl, kind)}

    def shown(self, path: str) -> str:
        if self.root is not None:
            try:
                return Path(path).relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path


# ---- what is under the cursor ------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    kind: str  # metric dimension source column time query calendar target
    name: str  # `source.column` for columns
    declared: Declared | None = None
    span: Span | None = None  # the occurrence under the cursor


def word_at(line: str, column0: int) -> tuple[list[str], int, int] | None:
    """The dotted name around a code-point column: its parts, which part, and the part's start."""
    for match in DOTTED.finditer(line):
        if match.start() <= column0 <= match.end():
            parts = match.group().split(".")
            offset = match.start()
            for index, part in enumerate(parts):
                if column0 <= offset + len(part):
                    return parts, index, offset
                offset += len(part) + 1
    return None


def resolve(state: ProjectState, path: str, line0: int, column0: int) -> Target | None:
    parsed = state.files.get(path)
    if parsed is None:
        return None
    found = word_at(parsed.lines()[line0] if line0 < len(parsed.lines()) else "", column0)
    if found is None:
        return None
    parts, index, start = found
    span = Span(path, line0 + 1, start + 1, line0 + 1, start + 1 + len(parts[index]))
    if index >= 1:
        return resolve_member(state, parts[index - 1], parts[index], span)
    if len(parts) > 1 and parts[0] == "time":
        return Target("time", "time", None, span)
    if len(parts) > 1 and parts[0] in state.sources:
        return Target("source", parts[0], state.sources[parts[0]], span)
    return resolve_bare(state, path, parts[0], line0 + 1, span)


def resolve_member(state: ProjectState, owner: str, member: str, span: Span) -> Target | None:
    if owner == "time" and member in TIME_GRAINS:
        return Target("time", f"time.{member}", None, span)
    if owner in state.sources:
        return Target("column", f"{owner}.{member}", state.sources[owner], span)
    return None


def resolve_bare(state: ProjectState, path: str, name: str, line: int, span: Span) -> Target | None:
    enclosing = enclosing_declaration(state.files[path].tree, line)
    if isinstance(enclosing, ast.SourceDecl) and name in source_columns(enclosing):
        return Target("column", f"{enclosing.name}.{name}", Declared(path, enclosing), span)
    if name in state.shared:
        declared = state.shared[name]
        return Target(kind_of(declared.decl), name, declared, span)
    if name in state.sources:
        return Target("source", name, state.sources[name], span)
    return None


def enclosing_declaration(tree: ast.FileAST, line: int) -> ast.Declaration | None:
    return next((d for d in tree.declarations if d.span.line <= line <= d.span.end_line), None)


def kind_of(decl: ast.Declaration) -> str:
    if isinstance(decl, ast.BlockDecl):
        return decl.kind
    return {ast.SourceDecl: "source", ast.DimensionDecl: "dimension", ast.MetricDecl: "metric",
            ast.DecomposeDecl: "decompose"}[type(decl)]


def source_columns(decl: ast.SourceDecl) -> dict[str, ast.Property]:
    for entry in decl.block.entries:
        if isinstance(entry, ast.NestedBlock) and entry.name == "columns":
            return {p.key: p for p in entry.block.properties()}
    return {}


# ---- hover and definition ------------------------------------------------------------------------
def definition(state: ProjectState, target: Target) -> tuple[str, Span] | None:
    if target.declared is None:
        return None
    decl = target.declared.decl
    if target.kind == "column" and isinstance(decl, ast.SourceDecl):
        column = source_columns(decl).get(target.name.split(".", 1)[1])
        return (target.declared.path, column.key_span if column else decl.name_span)
    return target.declared.path, decl.name_span


def hover_markdown(state: ProjectState, target: Target) -> str | None:
    if target.kind == "time":
        grain = target.name.partition(".")[2] or "day … year"
        return (f"**time dimension** `time.{grain}`\n\nBuilt in: buckets each metric's own source on its `time:` "
                "column; the value is the first day of the bucket (weeks start on Monday).")
    if target.declared is None:
        return None
    declared = target.declared
    source = state.files[declared.path].source
    where = f"\n\ndefined at {state.shown(declared.path)}:{declared.decl.name_span.line}"
    decl = declared.decl
    if target.kind == "column" and isinstance(decl, ast.SourceDecl):
        return column_hover(decl, target.name, source) + where
    if isinstance(decl, ast.MetricDecl):
        return metric_hover(decl, source) + where
    if isinstance(decl, ast.DimensionDecl):
        return f"**dimension** `{decl.name}`{_label(decl.label)}\n\n```metric\n{formula_text(source, decl)}\n```" + where
    if isinstance(decl, ast.SourceDecl):
        return source_hover(decl, source) + where
    return f"**{kind_of(decl)}** `{decl.name}`{_label(getattr(decl, 'label', None))}" + where


def _label(label: str | None) -> str:
    return f" — {label}" if label else ""


def block_values(block: ast.Block | None, source: SourceFile) -> dict[str, str]:
    """key → value of each property, labels unquoted, other values as written."""
    values: dict[str, str] = {}
    for prop in block.properties() if block else []:
        items = [item.expr.value if isinstance(item.expr, ast.Text) and item.kind == "plain"
                 else span_text(source, item.span) for item in prop.items]
        values[prop.key] = ", ".join(items)
    return values


def metric_hover(decl: ast.MetricDecl, source: SourceFile) -> str:
    card = block_values(decl.block, source)
    flags = [flag for flag, key in (("core", "core"), ("KPI", "kpi")) if card.get(key) == "true"]
    facts = [f"{key}: {card[key]}" for key in ("unit", "owner", "category", "status", "version") if key in card]
    lines = [f"**metric** `{decl.name}`{_label(decl.label)}", "", f"```metric\n{formula_text(source, decl)}\n```"]
    if "description" in card:
        lines += ["", card["description"]]
    if facts or flags:
        lines += ["", " · ".join(facts + flags)]
    if "dimensions" in card:
        lines += ["", f"dimensions: {card['dimensions']}"]
    return "\n".join(lines)


def source_hover(decl: ast.SourceDecl, source: SourceFile) -> str:
    values = block_values(decl.block, source)
    facts = [f"{key}: `{values[key]}`" for key in SOURCE_KEYS if key in values]
    columns = [f"- `{name}`: {span_text(source, prop.items[0].span) if prop.items else ''}"
               for name, prop in source_columns(decl).items()]
    joins = [f"- join `{e.target}`" for e in decl.block.entries if isinstance(e, ast.JoinEntry)]
    return "\n".join([f"**source** `{decl.name}`{_label(decl.label)}", "", " · ".join(facts), "", *columns, *joins])


def column_hover(decl: ast.SourceDecl, name: str, source: SourceFile) -> str:
    column = source_columns(decl).get(name.split(".", 1)[1])
    kind = span_text(source, column.items[0].span) if column and column.items else "undeclared"
    return f"**column** `{name}`: `{kind}`\n\nof source `{decl.name}`{_label(decl.label)}"


# ---- completion ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Suggestion:
    label: str
    kind: str  # metric dimension source column time keyword function property
    detail: str | None = None


def complete(state: ProjectState, path: str, line0: int, column0: int) -> list[Suggestion]:
    parsed = state.files.get(path)
    if parsed is None:
        return []
    lines = parsed.lines()
    before = lines[line0][:column0] if line0 < len(lines) else ""
    member = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]*)$", before)
    if member:
        return member_suggestions(state, member.group(1))
    offset = sum(len(line) + 1 for line in lines[:line0]) + len(before)
    text = "\n".join(lines)[:offset]
    declarations = list(DECLARATION.finditer(text))
    if not declarations or (not before.strip() and text.count("{") == text.count("}")):
        return keyword_suggestions(("source", "dimension", "metric", "decompose", "query", "calendar", "target"))
    head = declarations[-1]
    return in_declaration(state, head.group(1), text[head.start():])


def member_suggestions(state: ProjectState, owner: str) -> list[Suggestion]:
    if owner == "time":
        return [Suggestion(grain, "time", f"time.{grain}") for grain in TIME_GRAINS]
    declared = state.sources.get(owner)
    if declared is None or not isinstance(declared.decl, ast.SourceDecl):
        return []
    source = state.files[declared.path].source
    return [Suggestion(name, "column", span_text(source, prop.items[0].span) if prop.items else None)
            for name, prop in source_columns(declared.decl).items()]


def in_declaration(state: ProjectState, kind: str, text: str) -> list[Suggestion]:
    in_block = text.count("{") > text.count("}")
    keys = PROPERTY_KEY.findall(text)
    key = keys[-1] if keys and in_block else None
    if kind == "query":
        return query_suggestions(state, key) if in_block else []
    if kind == "metric":
        if in_block:
            return [Suggestion(k, "property") for k in METRIC_CARD_KEYS] + names(state, ast.DimensionDecl, "dimension")
        if re.search(r"\b(where|having)\b", text):
            return names(state, ast.DimensionDecl, "dimension") + source_names(state) + functions(AGGREGATES)
        return (names(state, ast.MetricDecl, "metric") + source_names(state) + functions(AGGREGATES + TIME_FUNCTIONS)
                + keyword_suggestions(("where", "having")))
    if kind == "dimension":
        return source_names(state) + functions(ROW_FUNCTIONS) + keyword_suggestions(("case", "when", "then", "else"))
    if kind == "decompose":
        return names(state, ast.MetricDecl, "metric") + names(state, ast.DimensionDecl, "dimension")
    if kind == "source":
        return [Suggestion(k, "property") for k in SOURCE_KEYS] + keyword_suggestions(("join",)) + source_names(state)
    return names(state, ast.MetricDecl, "metric") + names(state, ast.DimensionDecl, "dimension")


def query_suggestions(state: ProjectState, key: str | None) -> list[Suggestion]:
    metrics = names(state, ast.MetricDecl, "metric")
    dimensions = names(state, ast.DimensionDecl, "dimension") + [Suggestion("time", "time", "time.day … time.year")]
    by_key = {"metrics": metrics, "by": dimensions, "where": dimensions, "order": metrics + dimensions}
    if key in by_key:
        return by_key[key]
    return [Suggestion(k, "property") for k in QUERY_KEYS]


def names(state: ProjectState, kind: type, label: str) -> list[Suggestion]:
    return [Suggestion(name, label, getattr(d.decl, "label", None)) for name, d in sorted(state.of_kind(kind).items())]


def source_names(state: ProjectState) -> list[Suggestion]:
    return [Suggestion(name, "source", getattr(d.decl, "label", None)) for name, d in sorted(state.sources.items())]


def functions(names_: Iterable[str]) -> list[Suggestion]:
    return [Suggestion(name, "function") for name in names_]


def keyword_suggestions(words: Iterable[str]) -> list[Suggestion]:
    return [Suggestion(word, "keyword") for word in words]


# ---- references and rename ---------------------------------------------------------------------
def metric_references(state: ProjectState, name: str) -> list[Span]:
    """Every place a metric is named: its declaration, metric expressions, decompositions, queries, targets."""
    spans: list[Span] = []
    for path in sorted(state.files):
        for decl in state.files[path].tree.declarations:
            spans.extend(_references_in(decl, name))
    return spans


def _references_in(decl: ast.Declaration, name: str) -> Iterator[Span]:
    if isinstance(decl, ast.MetricDecl):
        if decl.name == name:
            yield decl.name_span
        yield from _metric_names(decl.expr, name)
    elif isinstance(decl, ast.DecomposeDecl):
        if decl.metric == name:
            yield decl.name_span
        yield from _metric_names(decl.expr, name)
    elif isinstance(decl, ast.BlockDecl) and decl.kind in METRIC_REFERENCE_KEYS:
        for prop in decl.block.properties():
            if prop.key in METRIC_REFERENCE_KEYS[decl.kind]:
                for item in prop.items:
                    yield from _metric_names(item.expr, name)


def _metric_names(expr: ast.Expr | None, name: str) -> Iterator[Span]:
    """Bare names in a metric expression (the argument of `count(source)` is a source, not a metric)."""
    if expr is None:
        return
    if isinstance(expr, ast.Name):
        if expr.parts == (name,):
            yield expr.span
        return
    if isinstance(expr, ast.Call) and expr.name == "count" and len(expr.args) == 1 and isinstance(expr.args[0], ast.Name):
        return
    for child in ast.children(expr):
        yield from _metric_names(child, name)


class RenameRefused(Exception):
    pass


def rename_edits(state: ProjectState, target: Target, new_name: str) -> dict[str, list[Span]]:
    if target.kind != "metric":
        raise RenameRefused("only metrics can be renamed")
    if not IDENTIFIER.fullmatch(new_name) or new_name in KEYWORDS:
        raise RenameRefused(f"`{new_name}` is not a valid name")
    if new_name in state.shared and new_name != target.name:
        raise RenameRefused(f"`{new_name}` is already declared")
    edits: dict[str, list[Span]] = {}
    for span in metric_references(state, target.name):
        edits.setdefault(span.file, []).append(span)
    return edits


# ---- symbols -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Symbol:
    name: str
    kind: str
    detail: str | None
    span: Span
    selection: Span
    children: tuple[Symbol, ...] = ()


def document_symbols(state: ProjectState, path: str) -> list[Symbol]:
    parsed = state.files.get(path)
    if parsed is None:
        return []
    symbols = []
    for decl in parsed.tree.declarations:
        children: tuple[Symbol, ...] = ()
        if isinstance(decl, ast.SourceDecl):
            children = tuple(Symbol(n, "column", None, p.span, p.key_span) for n, p in source_columns(decl).items())
        symbols.append(Symbol(decl.name, kind_of(decl), getattr(decl, "label", None), _whole(decl), decl.name_span,
                              children))
    return symbols


def _whole(decl: ast.Declaration) -> Span:
    """The declaration's span, widened to contain its name (the range must contain the selection)."""
    span, name = decl.span, decl.name_span
    start = min((span.line, span.column), (name.line, name.column))
    end = max((span.end_line, span.end_column), (name.end_line, name.end_column))
    return Span(span.file, start[0], start[1], end[0], end[1])


# ---- the server (pygls) ---------------------------------------------------------------------------
def build_server() -> Any:
    from lsprotocol import types as t
    from pygls.lsp.server import LanguageServer

    server = LanguageServer("metricdsl", "0.1.0", text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
    session = Session(server)
    session.register(t)
    return server


class Session:
    """The pygls wiring: protocol types in, ProjectState queries, protocol types out."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.state = ProjectState()
        self.timer: asyncio.TimerHandle | None = None
        self.published: set[str] = set()

    # -- conversion
    def encoding(self) -> str:
        value = self.server.workspace.position_encoding or "utf-16"
        return str(getattr(value, "value", value))

    def path_of(self, uri: str) -> str:
        from pygls.uris import to_fs_path

        return str(Path(to_fs_path(uri) or uri).resolve())

    def uri_of(self, path: str) -> str:
        from pygls.uris import from_fs_path

        return from_fs_path(path) or path

    def range_of(self, t: Any, span: Span) -> Any:
        lines = self.state.files[span.file].lines() if span.file in self.state.files else []

        def position(line: int, column: int) -> Any:
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            return t.Position(line=max(line - 1, 0), character=to_client_column(text, max(column - 1, 0), self.encoding()))
        return t.Range(start=position(span.line, span.column), end=position(span.end_line, span.end_column))

    def cursor(self, uri: str, position: Any) -> tuple[str, int, int]:
        path = self.path_of(uri)
        self.state.refresh()
        parsed = self.state.files.get(path)
        line = parsed.lines()[position.line] if parsed and position.line < len(parsed.lines()) else ""
        return path, position.line, from_client_column(line, position.character, self.encoding())

    # -- state
    def ensure_root(self, uri: str) -> None:
        if self.state.root is not None:
            return
        folders = list(self.server.workspace.folders.values())
        from pygls.uris import to_fs_path

        root = to_fs_path(folders[0].uri) if folders else self.server.workspace.root_path
        self.state.load_folder(Path(root) if root else Path(self.path_of(uri)).parent)

    def changed(self, uri: str) -> None:
        self.ensure_root(uri)
        document = self.server.workspace.get_text_document(uri)
        self.state.set_text(self.path_of(uri), document.source)
        self.schedule()

    def schedule(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = asyncio.get_running_loop().call_later(DEBOUNCE_SECONDS, self.flush)

    def flush(self) -> None:
        """The debounced step: parse what changed, check the project, publish the diagnostics."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.state.check():
            self.publish()

    def publish(self) -> None:
        from lsprotocol import types as t

        for path, found in self.state.diagnostics.items():
            uri = self.uri_of(path)
            if not found and uri not in self.published:
                continue
            items = [self.lsp_diagnostic(t, d) for d in found]
            self.server.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=items))
            if found:
                self.published.add(uri)
            else:
                self.published.discard(uri)

    def lsp_diagnostic(self, t: Any, diagnostic: Diagnostic) -> Any:
        assert diagnostic.span is not None
        severity = t.DiagnosticSeverity.Warning if diagnostic.severity == "warning" else t.DiagnosticSeverity.Error
        message = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
        related = [t.DiagnosticRelatedInformation(location=t.Location(uri=self.uri_of(n.span.file),
                                                                       range=self.range_of(t, n.span)),
                                                  message=n.message) for n in diagnostic.notes]
        return t.Diagnostic(range=self.range_of(t, diagnostic.span), message=message, severity=severity,
                            code=diagnostic.code, source="metricdsl", related_information=related or None)

    # -- features
    def register(self, t: Any) -> None:
        s = self.server
        s.feature(t.INITIALIZED)(lambda params: self.on_initialized())
        s.feature(t.TEXT_DOCUMENT_DID_OPEN)(lambda params: self.changed(params.text_document.uri))
        s.feature(t.TEXT_DOCUMENT_DID_CHANGE)(lambda params: self.changed(params.text_document.uri))
        s.feature(t.TEXT_DOCUMENT_DID_SAVE)(lambda params: self.changed(params.text_document.uri))
        s.feature(t.TEXT_DOCUMENT_DID_CLOSE)(lambda params: self.closed(params.text_document.uri))
        s.feature(t.TEXT_DOCUMENT_HOVER)(lambda params: self.hover(t, params))
        s.feature(t.TEXT_DOCUMENT_DEFINITION)(lambda params: self.definition(t, params))
        s.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=["."]))(
            lambda params: self.completion(t, params))
        s.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(lambda params: self.symbols(t, params))
        s.feature(t.TEXT_DOCUMENT_RENAME)(lambda params: self.rename(t, params))

    def on_initialized(self) -> None:
        folders = list(self.server.workspace.folders.values())
        if folders or self.server.workspace.root_path:
            self.ensure_root(folders[0].uri if folders else self.server.workspace.root_uri)
            self.flush()

    def closed(self, uri: str) -> None:
        path = Path(self.path_of(uri))
        if path.is_file():
            self.state.set_text(str(path), path.read_text(encoding="utf-8", errors="replace"))
        self.schedule()

    def hover(self, t: Any, params: Any) -> Any:
        path, line, column = self.cursor(params.text_document.uri, params.position)
        target = resolve(self.state, path, line, column)
        text = hover_markdown(self.state, target) if target else None
        if text is None or target is None or target.span is None:
            return None
        return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text),
                       range=self.range_of(t, target.span))

    def definition(self, t: Any, params: Any) -> Any:
        path, line, column = self.cursor(params.text_document.uri, params.position)
        target = resolve(self.state, path, line, column)
        found = definition(self.state, target) if target else None
        if found is None:
            return None
        return t.Location(uri=self.uri_of(found[0]), range=self.range_of(t, found[1]))

    def completion(self, t: Any, params: Any) -> Any:
        path, line, column = self.cursor(params.text_document.uri, params.position)
        kinds = {"metric": t.CompletionItemKind.Function, "dimension": t.CompletionItemKind.Field,
                 "source": t.CompletionItemKind.Class, "column": t.CompletionItemKind.Property,
                 "time": t.CompletionItemKind.EnumMember, "keyword": t.CompletionItemKind.Keyword,
                 "function": t.CompletionItemKind.Method, "property": t.CompletionItemKind.Property}
        items = [t.CompletionItem(label=s.label, kind=kinds[s.kind], detail=s.detail or s.kind)
                 for s in complete(self.state, path, line, column)]
        return t.CompletionList(is_incomplete=False, items=items)

    def symbols(self, t: Any, params: Any) -> Any:
        self.state.refresh()
        kinds = {"source": t.SymbolKind.Class, "dimension": t.SymbolKind.Field, "metric": t.SymbolKind.Function,
                 "decompose": t.SymbolKind.Operator, "query": t.SymbolKind.Interface, "calendar": t.SymbolKind.Event,
                 "target": t.SymbolKind.Object, "column": t.SymbolKind.Property}

        def convert(symbol: Symbol) -> Any:
            return t.DocumentSymbol(name=symbol.name, kind=kinds.get(symbol.kind, t.SymbolKind.Variable),
                                    detail=symbol.detail, range=self.range_of(t, symbol.span),
                                    selection_range=self.range_of(t, symbol.selection),
                                    children=[convert(c) for c in symbol.children] or None)
        return [convert(s) for s in document_symbols(self.state, self.path_of(params.text_document.uri))]

    def rename(self, t: Any, params: Any) -> Any:
        from pygls.exceptions import JsonRpcInvalidParams

        path, line, column = self.cursor(params.text_document.uri, params.position)
        target = resolve(self.state, path, line, column)
        if target is None:
            return None
        try:
            edits = rename_edits(self.state, target, params.new_name)
        except RenameRefused as refused:
            raise JsonRpcInvalidParams(str(refused)) from None
        changes = {self.uri_of(file): [t.TextEdit(range=self.range_of(t, span), new_text=params.new_name)
                                       for span in spans] for file, spans in edits.items()}
        return t.WorkspaceEdit(changes=changes)


def serve() -> None:
    build_server().start_io()
