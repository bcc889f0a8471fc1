"""How deep a metric's expression nests once the metrics and dimensions it names are written in.

The planner inlines every referenced metric and dimension, and SQL generation (sqlglot) recurses
once per level, so a metric that nests 40 levels and refers to another that nests 40 becomes an
80-level SQL expression. The parser bounds each expression (E006); this pass bounds the whole,
so the user gets a diagnostic instead of a RecursionError from a later stage. Chains such as a
sum of a thousand terms were regrouped by the checker and are only log2(n) deep here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from metricdsl.ir import model as m
from metricdsl.ir.walk import metric_children, refs, row_children, walk_metric
from metricdsl.semantic.context import Scope
from metricdsl.syntax import ast

MAX_INLINED_DEPTH = 60  # levels of a metric's IR with its references written in (see module doc)
SHARED_DEPTH = 8  # a shared value (sql/shared.py: read twice, at least 8 nodes) is a column, read by name


def check_depths(scope: Scope, decls: Sequence[ast.MetricDecl]) -> set[str]:
    """Report (E006) every metric nested deeper than MAX_INLINED_DEPTH; returns their names."""
    depths: dict[str, int] = {}
    too_deep: set[str] = set()
    for name in dependency_order(scope):
        depths[name] = _metric_depth(scope, scope.metric_exprs[name], depths)
    for decl in decls:
        depth = depths.get(decl.name, 0)
        if depth > MAX_INLINED_DEPTH:
            scope.report.error("E006", f"metric `{decl.name}` nests {depth} levels deep once the metrics and "
                               f"dimensions it uses are written in (at most {MAX_INLINED_DEPTH})", decl.name_span,
                               "flatten the formulas, e.g. sum the parts in one metric instead of wrapping "
                               "metric in metric")
            too_deep.add(decl.name)
    return too_deep


def dependency_order(scope: Scope) -> list[str]:
    """Metric names, each after the metrics it refers to (metrics on a cycle are left out)."""
    exprs = scope.metric_exprs
    waiting = {name: {r for r in refs(expr) if r in exprs} for name, expr in exprs.items()}
    users: dict[str, list[str]] = {}
    for name, needed in waiting.items():
        for ref in needed:
            users.setdefault(ref, []).append(name)
    ready = [name for name, needed in waiting.items() if not needed]
    order: list[str] = []
    while ready:
        name = ready.pop()
        order.append(name)
        for user in users.get(name, []):
            waiting[user].discard(name)
            if not waiting[user]:
                ready.append(user)
    return order


def _metric_depth(scope: Scope, expr: m.MetricExpr, depths: dict[str, int]) -> int:
    deepest = 0
    uses = Counter(node.metric for node in walk_metric(expr) if isinstance(node, m.MetricRef))
    pending: list[tuple[m.MetricExpr, int]] = [(expr, 1)]
    while pending:
        node, level = pending.pop()
        below = 0
        if isinstance(node, m.MetricRef):
            below = depths.get(node.metric, 0)
            if uses[node.metric] > 1:  # the planner computes a sub-metric used twice once and reads it by name
                below = min(below, SHARED_DEPTH)
        elif isinstance(node, m.AggLeaf):
            below = _row_depth(scope, node.agg)
        elif isinstance(node, m.DistinctHaving):
            below = max(_row_depth(scope, node.key), _row_depth(scope, node.condition))
        elif isinstance(node, m.Filtered):
            below = _row_depth(scope, node.condition)
        deepest = max(deepest, level + below)
        pending.extend((child, level + 1) for child in metric_children(node))
    return deepest


def _row_depth(scope: Scope, expr: m.RowExpr) -> int:
    deepest = 0
    pending: list[tuple[m.RowExpr, int]] = [(expr, 1)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, m.DimRef) and node.name in scope.dimensions:
            pending.append((scope.dimensions[node.name].expr, level + 1))
        deepest = max(deepest, level)
        pending.extend((child, level + 1) for child in row_children(node))
    return deepest
