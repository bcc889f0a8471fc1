"""Walking the model's trees: row and metric expressions, references, base sources and additivity.
Pure functions over metricdsl.ir.model, for the semantic passes and the tools that read a checked
project."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from metricdsl.ir import model as m


def row_children(expr: m.RowExpr) -> list[m.RowExpr]:
    """The direct sub-expressions of a row expression, in source order."""
    if isinstance(expr, m.Apply):
        return list(expr.args)
    if isinstance(expr, m.CaseExpr):
        pairs = [part for pair in expr.whens for part in pair]
        return pairs + ([expr.otherwise] if expr.otherwise is not None else [])
    if isinstance(expr, m.Agg):
        return [expr.arg] if expr.arg is not None else []
    return []


def walk_row(expr: m.RowExpr | None) -> Iterable[m.RowExpr]:
    """A row expression and every expression inside it, depth first."""
    if expr is None:
        return
    yield expr
    for child in row_children(expr):
        yield from walk_row(child)


def inside_aggregate(condition: m.RowExpr, target: m.Col) -> bool:
    return any(isinstance(n, m.Agg) and any(x is target for x in walk_row(n.arg)) for n in walk_row(condition))


def metric_children(expr: m.MetricExpr) -> list[m.MetricExpr]:
    """The direct metric sub-expressions (an aggregate leaf's row expressions are not metric expressions)."""
    if isinstance(expr, m.Arith):
        return list(expr.args)
    if isinstance(expr, (m.Filtered, m.Lag, m.Cumulative, m.Total, m.Rank, m.Balance)):
        return [expr.expr]
    if isinstance(expr, m.Cohort):
        return [expr.expr] if expr.other is None else [expr.expr, expr.other]
    return []


def walk_metric(expr: m.MetricExpr) -> Iterable[m.MetricExpr]:
    """A metric expression and every metric expression inside it, depth first."""
    yield expr
    for child in metric_children(expr):
        yield from walk_metric(child)


def refs(expr: m.MetricExpr) -> set[str]:
    return {n.metric for n in walk_metric(expr) if isinstance(n, m.MetricRef)}


def leaf_sources(expr: m.MetricExpr, exprs: dict[str, m.MetricExpr], seen: frozenset[str] = frozenset(),
                 memo: dict[str, set[str]] | None = None) -> set[str]:
    """The base sources of every aggregate under `expr`, through the metrics it references (each
    referenced metric is expanded once per call, so a metric used twice per level stays linear)."""
    memo = {} if memo is None else memo
    found: set[str] = set()
    for node in walk_metric(expr):
        if isinstance(node, m.AggLeaf):
            found.add(node.agg.source)
        elif isinstance(node, m.DistinctHaving):
            found.add(node.source)
        elif isinstance(node, m.MetricRef) and node.metric in exprs and node.metric not in seen:
            if node.metric not in memo:
                memo[node.metric] = leaf_sources(exprs[node.metric], exprs, seen | {node.metric}, memo)
            found |= memo[node.metric]
    return found


def filtered_nodes(expr: m.MetricExpr, exprs: dict[str, m.MetricExpr]) -> list[tuple[m.Filtered, set[str]]]:
    return [(n, leaf_sources(n.expr, exprs)) for n in walk_metric(expr) if isinstance(n, m.Filtered)]


def additive(expr: m.MetricExpr, exprs: dict[str, m.MetricExpr], seen: set[str],
             memo: dict[str, bool] | None = None) -> bool:
    """Whether `expr` is a linear combination of sums and counts (each referenced metric decided once per call)."""
    memo = {} if memo is None else memo
    if isinstance(expr, m.AggLeaf):
        return expr.agg.func in ("sum", "count")
    if isinstance(expr, m.Planned):
        return True
    if isinstance(expr, m.MetricRef):
        if expr.metric in seen or expr.metric not in exprs:
            return False
        if expr.metric not in memo:
            memo[expr.metric] = additive(exprs[expr.metric], exprs, seen | {expr.metric}, memo)
        return memo[expr.metric]
    if isinstance(expr, (m.Filtered, m.Balance)):  # closing/opening: additive over all but time (see semi_additive)
        return additive(expr.expr, exprs, seen, memo)
    if isinstance(expr, m.Lag):
        return not expr.growth and additive(expr.expr, exprs, seen, memo)
    if isinstance(expr, m.Arith):
        return _additive_arith(expr, exprs, seen, memo)
    return False


def reads(expr: m.MetricExpr, exprs: dict[str, m.MetricExpr], kinds: tuple[type, ...],
          seen: frozenset[str] = frozenset(), memo: dict[str, bool] | None = None) -> bool:
    """Whether a node of one of `kinds` is under `expr`, through the metrics it references (each
    referenced metric decided once per call, so a metric used twice per level stays linear)."""
    memo = {} if memo is None else memo
    for node in walk_metric(expr):
        if isinstance(node, kinds):
            return True
        if isinstance(node, m.MetricRef) and node.metric in exprs and node.metric not in seen:
            if node.metric not in memo:
                memo[node.metric] = reads(exprs[node.metric], exprs, kinds, seen | {node.metric}, memo)
            if memo[node.metric]:
                return True
    return False


def planned_targets(metrics: Iterable[str], exprs: dict[str, m.MetricExpr]) -> list[str]:
    """The targets whose saved plan the metrics read (planned(T)), through the metrics they reference."""
    found: dict[str, None] = {}
    seen: set[str] = set()
    pending = [name for name in metrics if name in exprs]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in walk_metric(exprs[name]):
            if isinstance(node, m.Planned):
                found[node.target] = None
            elif isinstance(node, m.MetricRef) and node.metric in exprs:
                pending.append(node.metric)
    return sorted(found)


def semi_additive(expr: m.MetricExpr, exprs: dict[str, m.MetricExpr]) -> bool:
    """Reads a closing/opening balance (through the metrics it references): it may be split, not spread over time."""
    return reads(expr, exprs, (m.Balance,))


def _additive_arith(expr: m.Arith, exprs: dict[str, m.MetricExpr], seen: set[str], memo: dict[str, bool]) -> bool:
    args = expr.args
    if expr.op in ("+", "-"):
        return all(additive(a, exprs, seen, memo) for a in args)
    if expr.op == "neg":
        return additive(args[0], exprs, seen, memo)
    if expr.op == "*":
        return (isinstance(args[0], m.Const) and additive(args[1], exprs, seen, memo)) or (
            isinstance(args[1], m.Const) and additive(args[0], exprs, seen, memo))
    if expr.op == "/":
        return isinstance(args[1], m.Const) and Decimal(args[1].value) != 0 and additive(args[0], exprs, seen, memo)
    return False


def is_product(expr: m.MetricExpr) -> bool:
    if isinstance(expr, m.MetricRef):
        return True
    return isinstance(expr, m.Arith) and expr.op == "*" and all(is_product(a) for a in expr.args)


def is_sum(expr: m.MetricExpr) -> bool:
    if isinstance(expr, m.MetricRef):
        return True
    return isinstance(expr, m.Arith) and expr.op in ("+", "-") and all(is_sum(a) for a in expr.args)


def first_index(expr: m.MetricExpr, name: str) -> int:
    order = [n.metric for n in walk_metric(expr) if isinstance(n, m.MetricRef)]
    return order.index(name)
