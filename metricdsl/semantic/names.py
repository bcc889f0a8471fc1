"""Collecting the project's names: reserved words, duplicates, and the declarations to check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from metricdsl.diagnostics import Note, did_you_mean
from metricdsl.semantic.context import Scope, Symbol, SymbolKind
from metricdsl.source import Span
from metricdsl.syntax import ast
from metricdsl.syntax.keywords import KEYWORDS

BLOCK_KINDS: dict[str, SymbolKind] = {"query": "query", "calendar": "calendar", "target": "target",
                                      "scorecard": "scorecard"}


@dataclass
class Declarations:
    """The declarations to check, in file order: the first of each name (later ones are duplicates)."""

    sources: list[ast.SourceDecl] = field(default_factory=list)
    dimensions: list[ast.DimensionDecl] = field(default_factory=list)
    metrics: list[ast.MetricDecl] = field(default_factory=list)
    decompositions: list[ast.DecomposeDecl] = field(default_factory=list)
    queries: list[ast.BlockDecl] = field(default_factory=list)
    calendars: list[ast.BlockDecl] = field(default_factory=list)
    targets: list[ast.BlockDecl] = field(default_factory=list)
    scorecards: list[ast.BlockDecl] = field(default_factory=list)


def collect_names(scope: Scope, files: Sequence[ast.FileAST]) -> Declarations:
    """Fill the symbol table and return the declarations to check."""
    found = Declarations()
    for file in files:
        scope.symbols.broken |= set(file.broken_names)
        for decl in file.declarations:
            if isinstance(decl, ast.DecomposeDecl):
                found.decompositions.append(decl)
            elif isinstance(decl, ast.SourceDecl):
                if _declare_source(scope, decl):
                    found.sources.append(decl)
            elif _declare_shared(scope, decl):
                _add_shared(found, decl)
    return found


def name_argument(scope: Scope, call: ast.Call, usage: str) -> ast.Name | None:
    """The one plain name a function such as planned(T) or time_progress(cal) takes, else E110 with `usage`."""
    arg = call.args[0] if len(call.args) == 1 else None
    if not isinstance(arg, ast.Name) or len(arg.parts) != 1:
        scope.report.error("E110", usage, call.span)
        return None
    return arg


def unknown_source(scope: Scope, name: str, span: Span) -> None:
    if name in scope.symbols.broken:
        return
    scope.report.error("E101", f"unknown source `{name}`", span, did_you_mean(name, scope.symbols.named("source")))


def _declare_source(scope: Scope, decl: ast.SourceDecl) -> bool:
    _reserved_word(scope, "source", decl)
    if decl.name == "time":
        scope.report.error("E106", "no source may be called `time`: it is the built-in time dimension",
                           decl.name_span, "rename the source, e.g. `time_dim`")
        return False
    first = scope.symbols.sources.get(decl.name)
    if first is not None:
        _duplicate(scope, "source", decl, first)
        return False
    _same_but_case(scope, "source", decl)
    scope.symbols.declare(decl.name, Symbol("source", decl.name_span))
    return True


def _declare_shared(scope: Scope, decl: ast.DimensionDecl | ast.MetricDecl | ast.BlockDecl) -> bool:
    kind = _kind(decl)
    _reserved_word(scope, kind, decl)
    first = scope.symbols.shared.get(decl.name)
    if first is not None:
        _duplicate(scope, kind, decl, first)
        return False
    _same_but_case(scope, kind, decl)
    scope.symbols.declare(decl.name, Symbol(kind, decl.name_span))
    return True


def _same_but_case(scope: Scope, kind: str, decl: ast.Declaration) -> None:
    """E112: a name that differs from an earlier one only in case. DuckDB and Impala match quoted
    identifiers case-insensitively, so `revenue` and `Revenue` would become one output column
    (or one table alias) and one would silently take the other's numbers."""
    is_source = kind == "source"
    first_name = scope.symbols.same_but_case(decl.name, is_source)
    if first_name is None:
        return
    first = (scope.symbols.sources if is_source else scope.symbols.shared)[first_name]
    notes = [Note(first.span, f"{first.kind} `{first_name}` is declared here")] if first.span is not None else []
    space = "sources" if kind == "source" else "metrics, dimensions, queries, calendars and targets"
    scope.report.error("E112", f"{kind} `{decl.name}` differs from {first.kind} `{first_name}` only in case",
                       decl.name_span, f"names of {space} must differ in more than case (databases such as DuckDB "
                       "and Impala do not tell them apart); rename one", notes)


def _add_shared(found: Declarations, decl: ast.DimensionDecl | ast.MetricDecl | ast.BlockDecl) -> None:
    if isinstance(decl, ast.DimensionDecl):
        found.dimensions.append(decl)
    elif isinstance(decl, ast.MetricDecl):
        found.metrics.append(decl)
    else:
        {"query": found.queries, "calendar": found.calendars, "target": found.targets,
         "scorecard": found.scorecards}[_kind(decl)].append(decl)


def _reserved_word(scope: Scope, kind: str, decl: ast.Declaration) -> None:
    if decl.name in KEYWORDS:
        scope.report.error("E106", f"`{decl.name}` is a keyword and cannot name a {kind}", decl.name_span,
                           f"rename the {kind}, e.g. `{decl.name}_`")


def _duplicate(scope: Scope, kind: str, decl: ast.Declaration, first: Symbol) -> None:
    name = decl.name
    if kind == first.kind:
        message = f"{kind} `{name}` is declared twice"
    else:
        message = f"{kind} `{name}` has the same name as {first.kind} `{name}`"
    help_text = ("rename one of the two sources" if kind == "source" else
                 "metrics, dimensions, queries, calendars and targets share one namespace; rename one")
    notes = [Note(first.span, f"{first.kind} `{name}` is first declared here")] if first.span is not None else []
    scope.report.error("E105", message, decl.name_span, help_text, notes)


def _kind(decl: ast.DimensionDecl | ast.MetricDecl | ast.BlockDecl) -> SymbolKind:
    if isinstance(decl, ast.DimensionDecl):
        return "dimension"
    if isinstance(decl, ast.MetricDecl):
        return "metric"
    return BLOCK_KINDS[decl.kind]
