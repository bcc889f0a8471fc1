"""What is under the cursor (`resolve`), where it is defined, the places a metric is named
(rename) and the outline of a file (document symbols). Works on the syntax trees only, so it
answers while the file does not check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from metricdsl.grains import TIME_GRAINS
from metricdsl.source import Span
from metricdsl.syntax import ast
from metricdsl.syntax.keywords import KEYWORDS
from metricdsl.tools.lsp.index import DeclarationSite, ProjectState

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# The properties whose values name metrics, per kind of block.
METRIC_REFERENCE_KEYS = {"query": ("metrics", "order"), "target": ("metric", "tree", "fixed", "cap", "weight")}


# ---- what is under the cursor ------------------------------------------------------------------
@dataclass(frozen=True)
class Resolved:
    kind: str  # metric dimension source column time query calendar target
    name: str  # `source.column` for columns
    site: DeclarationSite | None = None
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


def resolve(state: ProjectState, path: str, line0: int, column0: int) -> Resolved | None:
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
        return Resolved("time", "time", None, span)
    if len(parts) > 1 and parts[0] in state.sources:
        return Resolved("source", parts[0], state.sources[parts[0]], span)
    return resolve_bare(state, path, parts[0], line0 + 1, span)


def resolve_member(state: ProjectState, owner: str, member: str, span: Span) -> Resolved | None:
    if owner == "time" and member in TIME_GRAINS:
        return Resolved("time", f"time.{member}", None, span)
    if owner in state.sources:
        return Resolved("column", f"{owner}.{member}", state.sources[owner], span)
    return None


def resolve_bare(state: ProjectState, path: str, name: str, line: int, span: Span) -> Resolved | None:
    enclosing = enclosing_declaration(state.files[path].tree, line)
    if isinstance(enclosing, ast.SourceDecl) and name in source_columns(enclosing):
        return Resolved("column", f"{enclosing.name}.{name}", DeclarationSite(path, enclosing), span)
    if name in state.shared:
        site = state.shared[name]
        return Resolved(kind_of(site.decl), name, site, span)
    if name in state.sources:
        return Resolved("source", name, state.sources[name], span)
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


def scorecard_kpis(decl: ast.BlockDecl) -> list[ast.Property]:
    """The KPI entries of a scorecard's `kpis { … }` (a metric each)."""
    return [p for e in decl.block.entries if isinstance(e, ast.NestedBlock) and e.name == "kpis"
            for p in e.block.properties()]


def definition(resolved: Resolved) -> tuple[str, Span] | None:
    if resolved.site is None:
        return None
    decl = resolved.site.decl
    if resolved.kind == "column" and isinstance(decl, ast.SourceDecl):
        column = source_columns(decl).get(resolved.name.split(".", 1)[1])
        return (resolved.site.path, column.key_span if column else decl.name_span)
    return resolved.site.path, decl.name_span


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
    elif isinstance(decl, ast.BlockDecl) and decl.kind == "scorecard":
        yield from (kpi.key_span for kpi in scorecard_kpis(decl) if kpi.key == name)
    elif isinstance(decl, ast.BlockDecl) and decl.kind in METRIC_REFERENCE_KEYS:
        for prop in decl.block.properties():
            if prop.key in METRIC_REFERENCE_KEYS[decl.kind]:
                for item in prop.items:
                    yield from _metric_names(item.expr, name)


def _metric_names(expr: ast.Expr | None, name: str) -> Iterator[Span]:
    """Bare names in a metric expression (the argument of `count(source)` is a source, not a metric);
    iterative, so a chain of a thousand terms is no deeper than one."""
    pending = [] if expr is None else [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            if node.parts == (name,):
                yield node.span
            continue
        if isinstance(node, ast.Call) and node.name == "count" and len(node.args) == 1 and \
                isinstance(node.args[0], ast.Name):
            continue
        pending.extend(reversed(ast.children(node)))


class RenameRefused(Exception):
    pass


def rename_edits(state: ProjectState, resolved: Resolved, new_name: str) -> dict[str, list[Span]]:
    if resolved.kind != "metric":
        raise RenameRefused("only metrics can be renamed")
    if not IDENTIFIER.fullmatch(new_name) or new_name in KEYWORDS:
        raise RenameRefused(f"`{new_name}` is not a valid name")
    if new_name in state.shared and new_name != resolved.name:
        raise RenameRefused(f"`{new_name}` is already declared")
    edits: dict[str, list[Span]] = {}
    for span in metric_references(state, resolved.name):
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
        elif isinstance(decl, ast.BlockDecl) and decl.kind == "scorecard":
            children = tuple(Symbol(p.key, "kpi", None, p.span, p.key_span) for p in scorecard_kpis(decl))
        symbols.append(Symbol(decl.name, kind_of(decl), getattr(decl, "label", None), _whole(decl), decl.name_span,
                              children))
    return symbols


def _whole(decl: ast.Declaration) -> Span:
    """The declaration's span, widened to contain its name (the range must contain the selection)."""
    span, name = decl.span, decl.name_span
    start = min((span.line, span.column), (name.line, name.column))
    end = max((span.end_line, span.end_column), (name.end_line, name.end_column))
    return Span(span.file, start[0], start[1], end[0], end[1])
