"""Customers over time (LANGUAGE.md §5): `retained(m, offset)`, `churned(m, offset)`, `new(m)` and
`converted(a, b, N unit)` over key metrics — metrics that are one `count_distinct(k)`, optionally
with `where`. A metric is checked once every metric is resolved (`check_cohorts`); whether a query
can use it (a time dimension, an offset of whole buckets) is checked per query (`check_query_cohorts`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from metricdsl.grains import is_grain, parse_time_name, whole_buckets
from metricdsl.ir import model as m
from metricdsl.ir.walk import reads, walk_metric
from metricdsl.semantic.context import Scope
from metricdsl.source import Span
from metricdsl.syntax import ast

COHORT_FUNCTIONS = ("retained", "churned", "new", "converted")
KEY_HELP = ("a key metric is one count_distinct, optionally filtered: "
            "`metric buyers = count_distinct(orders.customer_id) where orders.status = 'paid'`")
USAGE = {"retained": "retained(buyers, 1 year)", "churned": "churned(buyers, 1 period)", "new": "new(buyers)",
         "converted": "converted(visitors, buyers, 7 days)"}
Resolve = Callable[[ast.Expr], "m.MetricExpr | None"]


@dataclass(frozen=True)
class KeyMetric:
    """What a key metric counts: the distinct `key` of `source`'s rows that pass every filter."""

    source: str
    key: m.RowExpr
    filters: tuple[m.RowExpr, ...]


def key_metric(expr: m.MetricExpr, exprs: dict[str, m.MetricExpr],
               filters: tuple[m.RowExpr, ...] = ()) -> KeyMetric | None:
    """The key metric `expr` is (through references and `where`s), or None when it is not one."""
    if isinstance(expr, m.MetricRef):
        inner = exprs.get(expr.metric)
        return None if inner is None else key_metric(inner, exprs, filters)
    if isinstance(expr, m.Filtered):
        return key_metric(expr.expr, exprs, (*filters, expr.condition))
    if isinstance(expr, m.AggLeaf) and expr.agg.func == "count_distinct" and expr.agg.arg is not None:
        return KeyMetric(expr.agg.source, expr.agg.arg, filters)
    return None


def cohort_function(scope: Scope, expr: ast.Call, resolve: Resolve) -> m.MetricExpr | None:
    name = expr.name
    metrics = {"new": 1, "retained": 1, "churned": 1, "converted": 2}[name]
    durations = 0 if name == "new" else 1
    if len(expr.args) != metrics + durations:
        scope.report.error("E110", f"`{name}` takes {'two key metrics' if metrics == 2 else 'a key metric'}"
                           f"{' and a duration' if durations else ''}: {USAGE[name]}", expr.span)
        return None
    inner = [resolve(arg) for arg in expr.args[:metrics]]
    count = unit = None
    if durations:
        duration = expr.args[-1]
        allowed = ("period",) if name != "converted" else ()
        if not (isinstance(duration, ast.Duration) and duration.count > 0
                and (is_grain(duration.unit) or duration.unit in allowed)):
            what = "an offset like `1 year` or `1 period`" if name != "converted" else "a window like `7 days`"
            scope.report.error("E407", f"`{name}` takes {what}", duration.span, f"write {USAGE[name]}")
            return None
        count, unit = duration.count, duration.unit
    if any(i is None for i in inner):
        return None
    return m.Cohort(op=name, expr=inner[0], other=inner[1] if metrics == 2 else None,  # type: ignore[arg-type]
                    count=count, unit=unit)


def check_cohorts(scope: Scope, decl: ast.MetricDecl, expr: m.MetricExpr) -> bool:
    """Each function written in this metric takes key metrics (E417) whose keys have one type (E418);
    and none is read through a lag, window or balance of this metric (E417)."""
    calls = [c for c in ast.calls(decl.expr) if c.name in COHORT_FUNCTIONS]
    nodes = [n for n in walk_metric(expr) if isinstance(n, m.Cohort)]
    ok = True
    for node, call in zip(nodes, calls):
        keys = []
        for arg, arg_expr in zip([node.expr, node.other], call.args):
            if arg is None:
                continue
            key = key_metric(arg, scope.metric_exprs)
            if key is None:
                what = f"`{arg.metric}`" if isinstance(arg, m.MetricRef) else "this"
                scope.report.error("E417", f"`{node.op}` counts keys of a key metric, and {what} is not one "
                                   "count_distinct", arg_expr.span, KEY_HELP)
                ok = False
            keys.append(key)
        types = [_key_type(scope, k) for k in keys]
        if len(types) == 2 and "unknown" not in types and types[0] != types[1]:
            scope.report.error("E418", f"`converted` compares keys of different types: {types[0]} and "
                               f"{types[1]}", call.span,
                               "both metrics must count the same key, e.g. the customer id of each source")
            ok = False
    for outer in walk_metric(expr):
        if isinstance(outer, (m.Lag, m.Cumulative, m.Balance)) and reads(outer.expr, scope.metric_exprs, (m.Cohort,)):
            scope.report.error("E417", "retained, churned, new and converted compare buckets themselves; they "
                               "cannot be lagged, accumulated or taken as a balance", decl.expr.span,
                               "shift the key metric instead: retained(buyers, 1 year) / lag(buyers, 1 year)")
            ok = False
    return ok


def check_query_cohorts(scope: Scope, metric: m.Metric, span: Span, by: list[str],
                        nodes: list[m.MetricExpr]) -> None:
    """Per query: these functions need a time dimension (E405) and offsets of whole buckets (E407)."""
    grains = [g for g in (parse_time_name(name) for name in by) if g is not None]
    for node in nodes:
        if not isinstance(node, m.Cohort):
            continue
        if not grains:
            scope.report.error("E405", f"metric `{metric.name}` uses {node.op}(…), which needs a time dimension "
                               "(time.day … time.year) in the query's `by`", span)
            return
        if node.op in ("retained", "churned") and node.unit not in ("period", grains[0]) \
                and not whole_buckets(node.unit or "", node.count or 0, grains[0]):
            scope.report.error("E407", f"metric `{metric.name}`: an offset of {node.count} {node.unit} is not a "
                               f"whole number of {grains[0]}s", span)
            return


def _key_type(scope: Scope, key: KeyMetric | None) -> str:
    """The declared type of a key that is a column (`unknown` otherwise: nothing to compare)."""
    if key is None or not isinstance(key.key, m.Col):
        return "unknown"
    columns = scope.sources[key.key.source].columns if key.key.source in scope.sources else None
    return (columns or {}).get(key.key.column, "unknown")
