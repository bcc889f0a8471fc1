"""Questions the KPI passes ask of a metric: which functions it calls as written, and whether it reads
a kind of IR node through the metrics it refers to."""

from __future__ import annotations

from collections.abc import Iterable

from metricdsl.ir import model as m
from metricdsl.ir.walk import walk_metric
from metricdsl.semantic.context import Scope
from metricdsl.syntax import ast


def reads(scope: Scope, expr: m.MetricExpr, kinds: tuple[type, ...], seen: frozenset[str] = frozenset()) -> bool:
    """Whether `expr`, or a metric it refers to (at any depth), holds a node of one of `kinds`."""
    for node in walk_metric(expr):
        if isinstance(node, kinds):
            return True
        if isinstance(node, m.MetricRef) and node.metric in scope.metric_exprs and node.metric not in seen \
                and reads(scope, scope.metric_exprs[node.metric], kinds, seen | {node.metric}):
            return True
    return False


def calls(expr: ast.Expr) -> Iterable[ast.Call]:
    """The calls of a metric expression, depth first in source order (as `walk_metric` visits the IR)."""
    if isinstance(expr, ast.Call):
        yield expr
        for arg in expr.args:
            yield from calls(arg)
    elif isinstance(expr, ast.Binary):
        yield from calls(expr.left)
        yield from calls(expr.right)
    elif isinstance(expr, ast.Unary):
        yield from calls(expr.operand)
