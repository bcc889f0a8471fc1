"""Reachability through joins (LANGUAGE.md §2, §4): can the rows of a metric's base source see
the columns that a dimension, a condition or a query's `by` reads, along exactly one join path?"""

from __future__ import annotations

from metricdsl.grains import time_name
from metricdsl.ir import model as m
from metricdsl.ir.walk import walk_row
from metricdsl.semantic.context import Scope
from metricdsl.source import Span


def column_sources(scope: Scope, expr: m.RowExpr | None) -> set[str]:
    """The sources whose columns the expression reads, through the dimensions it names."""
    found: set[str] = set()
    for node in walk_row(expr):
        if isinstance(node, m.Col):
            found.add(node.source)
        elif isinstance(node, m.DimRef) and node.name in scope.dimensions:
            found |= column_sources(scope, scope.dimensions[node.name].expr)
    return found


def check_reachable(scope: Scope, base: str, expr: m.RowExpr | None, span: Span, what: str) -> bool:
    """Report every column, dimension and time bucket of `expr` that rows of `base` cannot reach."""
    ok = True
    for node in walk_row(expr):
        if isinstance(node, m.TimeRef) and scope.sources[base].time_column is None:
            scope.report.error("E406", f"source `{base}` has no `time:` column, so {what} cannot use "
                               f"{time_name(node.grain)}", span)
            ok = False
        if isinstance(node, m.DimRef) and node.name in scope.dimensions:
            for target in sorted(column_sources(scope, scope.dimensions[node.name].expr)):
                ok &= reach(scope, base, target, span, f"dimension `{node.name}` ({what})")
        if isinstance(node, m.Col):
            ok &= reach(scope, base, node.source, span, f"`{node.source}.{node.column}` ({what})")
    return ok


def reach(scope: Scope, base: str, target: str, span: Span, what: str) -> bool:
    """Exactly one join path from `base` to `target` (E301 when none, E302 when two)."""
    if base == target or base not in scope.sources:
        return True
    paths = scope.joins.paths(base, target)
    if not paths:
        scope.report.error("E301", f"{what} is not reachable from source `{base}`", span,
                           f"no chain of `join`s leads from `{base}` to `{target}`")
        return False
    if len(paths) > 1:
        shown = " and ".join(" -> ".join((base, *p)) for p in paths[:2])
        scope.report.error("E302", f"two join paths lead from `{base}` to `{target}`: {shown}", span,
                           "remove one of the joins, or declare a dimension on the intended path's source")
        return False
    return True


def check_groupable(scope: Scope, base: str, row: m.TimeRef | m.DimRef, span: Span, metric: str) -> None:
    """Can a metric reading `base` be grouped by the query dimension `row`? (E406, E305, E302)"""
    dim = time_name(row.grain) if isinstance(row, m.TimeRef) else row.name
    if isinstance(row, m.TimeRef):
        if scope.sources[base].time_column is None:
            scope.report.error("E406", f"metric `{metric}` reads `{base}`, which has no `time:` column, so it "
                               f"cannot be grouped by `{dim}`", span, f"add `time: <date column>` to source `{base}`")
        return
    for target in sorted(column_sources(scope, row)):
        if base == target:
            continue
        paths = scope.joins.paths(base, target)
        if not paths:
            scope.report.error("E305", f"dimension `{dim}` is not reachable from source `{base}` of metric "
                               f"`{metric}`", span, f"no chain of `join`s leads from `{base}` to `{target}`")
        elif len(paths) > 1:
            reach(scope, base, target, span, f"dimension `{dim}` (metric `{metric}`)")
