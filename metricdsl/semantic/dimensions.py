"""Checking `dimension` declarations (LANGUAGE.md §4): an expression over the columns of one
source and of the sources reachable from it."""

from __future__ import annotations

from metricdsl.ir import model as m
from metricdsl.ir.walk import walk_row
from metricdsl.semantic.context import Scope
from metricdsl.semantic.properties import location, properties, text_value
from metricdsl.semantic.reach import column_sources
from metricdsl.semantic.rows import RowResolver
from metricdsl.semantic.vocabulary import DIMENSION_PROPERTIES
from metricdsl.syntax import ast


def check_dimension(scope: Scope, decl: ast.DimensionDecl) -> None:
    """Add the dimension to `scope.dimensions` when it checks."""
    report = scope.report
    props = properties(report, decl.block, DIMENSION_PROPERTIES, "dimension")
    mark = report.mark()
    expr, expr_type = RowResolver(scope).resolve(decl.expr)
    if report.failed_since(mark):
        return  # already reported: no follow-up error about the same expression
    for node in walk_row(expr):
        if isinstance(node, (m.DimRef, m.TimeRef)):
            report.error("E109", "a dimension is an expression over columns (`source.column`)", decl.expr.span)
            return
    mentioned = sorted(column_sources(scope, expr))
    base = next((c for c in mentioned if all(scope.joins.path(c, o) for o in mentioned if o != c)), None)
    if base is None:
        if mentioned:
            report.error("E304", "a dimension reads one source and the sources reachable from it; "
                         + ", ".join(mentioned) + " are not joined", decl.expr.span)
        elif not _column_reported_on_line(scope, decl.span.line):
            report.error("E109", "a dimension needs at least one column (`source.column`)", decl.expr.span)
        return
    scope.dimension_types[decl.name] = expr_type
    description = text_value(report, props["description"]) if "description" in props else None
    scope.dimensions[decl.name] = m.Dimension(
        name=decl.name, label=decl.label, expr=expr, source=base, type=expr_type,
        description=description, location=location(decl.name_span))


def _column_reported_on_line(scope: Scope, line: int) -> bool:
    return any(d.code in ("E101", "E102") and d.span and d.span.line == line for d in scope.report.diagnostics)
