"""Balances (LANGUAGE.md §5): `closing(m)` and `opening(m)`, m over the latest / earliest day with rows
of each bucket. m must be additive (a sum of balances per day); such a metric is semi-additive: it
splits over every dimension but is never spread over time (targets check that, see `targets.py`)."""

from __future__ import annotations

from collections.abc import Callable

from metricdsl.ir import model as m
from metricdsl.ir.walk import additive, reads, walk_metric
from metricdsl.semantic.context import Scope
from metricdsl.syntax import ast

BALANCE_FUNCTIONS = ("closing", "opening")
NOT_ADDITIVE_HELP = ("a balance is the sum of the rows of one day: write closing(aum) with "
                     "`metric aum = sum(balances.balance)`; for an average balance divide by the days, "
                     "aum / count_distinct(balances.snapshot_date)")
Resolve = Callable[[ast.Expr], "m.MetricExpr | None"]


def balance_function(scope: Scope, expr: ast.Call, resolve: Resolve) -> m.MetricExpr | None:
    """closing(m) / opening(m); additivity is checked once every metric is resolved (`check_balances`)."""
    if len(expr.args) != 1:
        scope.report.error("E110", f"`{expr.name}` takes one metric: {expr.name}(aum)", expr.span)
        return None
    inner = resolve(expr.args[0])
    return None if inner is None else m.Balance(expr=inner, closing=expr.name == "closing")


def check_balances(scope: Scope, decl: ast.MetricDecl, expr: m.MetricExpr) -> bool:
    """Each closing/opening written in this metric takes an additive metric that is not a balance already,
    and no cumulative window of this metric reads a balance (E415)."""
    calls = [c for c in ast.calls(decl.expr) if c.name in BALANCE_FUNCTIONS]
    nodes = [n for n in walk_metric(expr) if isinstance(n, m.Balance)]
    ok = True
    for node, call in zip(nodes, calls):
        name = "closing" if node.closing else "opening"
        if not additive(node.expr, scope.metric_exprs, set()):
            what = f"`{node.expr.metric}`" if isinstance(node.expr, m.MetricRef) else "its argument"
            scope.report.error("E415", f"{name}(…) needs an additive metric (sums and counts), and {what} is not",
                               call.span, NOT_ADDITIVE_HELP)
            ok = False
        elif reads(node.expr, scope.metric_exprs, (m.Balance,)):
            scope.report.error("E415", f"{name}(…) of a metric that already is a closing or opening balance",
                               call.span, "a balance is taken once: closing(aum), not closing(closing(aum))")
            ok = False
    for window in walk_metric(expr):
        if isinstance(window, m.Cumulative) and reads(window.expr, scope.metric_exprs, (m.Balance,)):
            scope.report.error("E415", "cumulative(…) of a closing or opening balance: a balance is a level, "
                               "not a flow, so it does not add up over time", decl.expr.span,
                               "take the balance of the whole window instead: closing(aum) at a coarser grain")
            ok = False
    return ok
