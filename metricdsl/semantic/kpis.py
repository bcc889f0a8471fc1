"""The KPI functions of LANGUAGE.md §5 that look beyond one output group: peers and totals
(`total`, `rank`). A metric is checked here once; whether a query can use it (its `within`
dimensions must be in the query's `by`) is checked per query by `check_query_kpis`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from metricdsl.diagnostics import did_you_mean
from metricdsl.ir import model as m
from metricdsl.semantic.cohorts import check_query_cohorts
from metricdsl.semantic.context import Scope
from metricdsl.source import Span
from metricdsl.syntax import ast

PEER_FUNCTIONS = ("total", "rank")
Resolve = Callable[[ast.Expr], "m.MetricExpr | None"]


def options_misplaced(scope: Scope, expr: ast.Call) -> bool:
    """`within …` and `asc`/`desc` belong to total and rank only (reported; True when present)."""
    if expr.name in PEER_FUNCTIONS or (not expr.within and expr.direction is None):
        return False
    what = "`within` is an option of `total` and `rank`" if expr.within else f"`{expr.direction}` is an option of `rank`"
    scope.report.error("E110", f"{what}, not of `{expr.name}`", expr.span)
    return True


def peer_function(scope: Scope, expr: ast.Call, resolve: Resolve) -> m.MetricExpr | None:
    """total(m [, within d…]) and rank(m [, within d…] [asc|desc])."""
    if len(expr.args) != 1:
        scope.report.error("E110", f"`{expr.name}` takes one metric, then optionally `within` dimensions: "
                           f"{expr.name}(revenue, within team)", expr.span)
        return None
    if expr.name == "total" and expr.direction is not None:
        scope.report.error("E110", f"`{expr.direction}` is an option of `rank`, not of `total`", expr.span)
        return None
    inner = resolve(expr.args[0])
    within = _within(scope, expr.within)
    if inner is None or within is None:
        return None
    if expr.name == "total":
        return m.Total(expr=inner, within=within)
    return m.Rank(expr=inner, within=within, ascending=expr.direction == "asc")


def _within(scope: Scope, names: Iterable[ast.Name]) -> tuple[str, ...] | None:
    found: list[str] = []
    ok = True
    for name in names:
        dotted = name.dotted
        if not scope.symbols.is_a(dotted, "dimension"):
            ok = False
            if dotted not in scope.symbols.broken:
                scope.report.error("E104", f"unknown dimension `{dotted}` in `within`", name.span,
                                   did_you_mean(dotted, scope.symbols.named("dimension")))
            continue
        found.append(dotted)
    return tuple(found) if ok else None


def check_query_kpis(scope: Scope, metric: m.Metric, span: Span, by: list[str], nodes: list[m.MetricExpr]) -> None:
    """Per query: every `within` dimension of the metric's totals and ranks is in the query's `by`; the
    customers-over-time functions have a time dimension (see `cohorts.py`)."""
    check_query_cohorts(scope, metric, span, by, nodes)
    for node in nodes:
        if isinstance(node, (m.Total, m.Rank)):
            missing = [d for d in node.within if d not in by]
            if missing:
                name = "total" if isinstance(node, m.Total) else "rank"
                scope.report.error("E413", f"metric `{metric.name}` uses {name}(…, within {', '.join(node.within)}), "
                                   f"but the query does not group by {', '.join(f'`{d}`' for d in missing)}", span,
                                   f"add {', '.join(f'`{d}`' for d in missing)} to the query's `by:`, or drop it "
                                   "from `within`")
                return
