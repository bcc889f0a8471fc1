"""Checking `decompose` declarations (LANGUAGE.md §6): formulas over metric names, splits of an
additive metric by a dimension, and cycles among decompositions. Proving them exact is `exact.py`."""

from __future__ import annotations

from collections.abc import Sequence

from metricdsl.diagnostics import did_you_mean
from metricdsl.grains import TIME_PREFIX, is_time_name, parse_time_name
from metricdsl.ir import model as m
from metricdsl.ir.walk import first_index, is_product, is_sum, refs, walk_metric
from metricdsl.semantic.context import Scope
from metricdsl.semantic.cycles import find_cycles
from metricdsl.semantic.hints import time_hint
from metricdsl.semantic.metrics import MetricResolver, is_additive, metric_sources
from metricdsl.semantic.properties import location
from metricdsl.semantic.reach import check_reachable
from metricdsl.source import Span
from metricdsl.syntax import ast

NOT_ADDITIVE_HELP = ("only sums and counts (and their filtered references) split by a dimension; "
                     "count_distinct, avg, min, max and ratios double count or do not add up")


def check_decompositions(scope: Scope, decls: Sequence[ast.DecomposeDecl]) -> list[m.Decomposition]:
    """The decompositions that check, after reporting cycles among them."""
    decompositions = [d for d in (check_decomposition(scope, decl) for decl in decls) if d]
    _report_cycles(scope, decompositions)
    return decompositions


def check_decomposition(scope: Scope, decl: ast.DecomposeDecl) -> m.Decomposition | None:
    symbols = scope.symbols
    if not symbols.is_a(decl.metric, "metric"):
        if decl.metric not in symbols.broken:
            scope.report.error("E103", f"unknown metric `{decl.metric}`", decl.name_span,
                               did_you_mean(decl.metric, symbols.named("metric")))
        return None
    if decl.by is not None:
        return _check_by(scope, decl, decl.by)
    assert decl.expr is not None
    formula = MetricResolver(scope).expr(decl.expr)
    if formula is None:
        return None
    for node in walk_metric(formula):
        if isinstance(node, (m.AggLeaf, m.DistinctHaving, m.Lag, m.Cumulative)):
            scope.report.error("E404", "a decomposition is written over metric names: `revenue = aov * buyers`",
                               decl.expr.span)
            return None
    drivers = tuple(sorted(refs(formula), key=lambda n: first_index(formula, n)))
    kind = "multiplicative" if is_product(formula) else ("additive" if is_sum(formula) else "formula")
    return m.Decomposition(metric=decl.metric, kind=kind, drivers=drivers, formula=formula,  # type: ignore[arg-type]
                           location=location(decl.name_span))


def _check_by(scope: Scope, decl: ast.DecomposeDecl, by_name: ast.Name) -> m.Decomposition | None:
    """`decompose revenue by region`: the parts must sum to the metric, and reach the dimension."""
    by = by_name.dotted
    grain = parse_time_name(by)
    if is_time_name(by) and grain is None:
        scope.report.error("E104", f"unknown time dimension `{by}`", by_name.span, time_hint(by.removeprefix(TIME_PREFIX)))
        return None
    if grain is None and not scope.symbols.is_a(by, "dimension"):
        scope.report.error("E104", f"unknown dimension `{by}`", by_name.span,
                           did_you_mean(by, scope.symbols.named("dimension")))
        return None
    expr = scope.metric_exprs.get(decl.metric)
    if expr is None:
        return None
    if not is_additive(scope, expr):
        scope.report.error("E402", f"`decompose {decl.metric} by {by}`: `{decl.metric}` is not additive, so its "
                           "parts would not sum to it", decl.span, NOT_ADDITIVE_HELP)
        return None
    row: m.RowExpr = m.TimeRef(grain=grain) if grain is not None else m.DimRef(name=by)
    for base in sorted(metric_sources(scope, decl.metric)):
        check_reachable(scope, base, row, by_name.span, f"`decompose {decl.metric} by {by}`")
    return m.Decomposition(metric=decl.metric, kind="by", by=by, location=location(decl.name_span))


def _report_cycles(scope: Scope, decompositions: list[m.Decomposition]) -> None:
    """A cycle is reported at the decomposition of every metric on it."""
    graph: dict[str, list[str]] = {}
    spans: dict[str, Span] = {}
    for decomposition in decompositions:
        graph.setdefault(decomposition.metric, []).extend(decomposition.drivers)
        where = decomposition.location
        spans.setdefault(decomposition.metric, Span(where.file, where.line, where.column, where.line,
                                                    where.column + len(decomposition.metric)))
    for cycle in find_cycles(graph):
        text = " -> ".join([*cycle, cycle[0]])
        for metric in cycle:
            scope.report.error("E403", f"decompositions form a cycle: {text}", spans[metric],
                               "a driver cannot be decomposed back into the metric it drives")
