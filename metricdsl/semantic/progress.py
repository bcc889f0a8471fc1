"""`time_progress(cal)` (LANGUAGE.md §9): the share of each bucket's working days of a calendar that
lie on or before the as-of date. The call names a declared `calendar` (E605 otherwise); a metric
may not shift, accumulate or rank it (it is a position in the schedule, not a flow of rows); and a
query needs a time dimension or a period to say which buckets it measures (E605)."""

from __future__ import annotations

from metricdsl.diagnostics import did_you_mean
from metricdsl.ir import model as m
from metricdsl.ir.walk import reads, walk_metric
from metricdsl.semantic.context import Scope
from metricdsl.semantic.names import name_argument
from metricdsl.source import Span
from metricdsl.syntax import ast

PROGRESS_FUNCTIONS = ("time_progress",)
NOT_OVER = (m.Lag, m.Cumulative, m.Total, m.Rank, m.Balance, m.Cohort)


def progress_function(scope: Scope, expr: ast.Call) -> m.MetricExpr | None:
    """time_progress(cal): one argument, the name of a declared calendar."""
    arg = name_argument(scope, expr, "`time_progress` takes one calendar: time_progress(cn)")
    if arg is None:
        return None
    name = arg.dotted
    if scope.symbols.is_a(name, "calendar"):
        return m.TimeProgress(calendar=name)
    if name not in scope.symbols.broken:
        calendars = scope.symbols.named("calendar")
        scope.report.error("E605", f"unknown calendar `{name}`", arg.span, did_you_mean(name, calendars) or (
            "declare it, e.g. `calendar cn { country: CN }`" if not calendars
            else "declared calendars: " + ", ".join(calendars)))
    return None


def check_progress(scope: Scope, decl: ast.MetricDecl, expr: m.MetricExpr) -> bool:
    """No lag, growth, cumulative, total, rank, balance or cohort function of a time progress (E605)."""
    for node in walk_metric(expr):
        if isinstance(node, NOT_OVER) and reads(node.expr, scope.metric_exprs, (m.TimeProgress,)):
            scope.report.error("E605", f"metric `{decl.name}` takes {_function_name(node)}(…) of a "
                               "time_progress", decl.expr.span,
                               "time_progress is each bucket's share of its working days through the as-of date; "
                               "use it as it is, e.g. `achievement / time_progress(cn)`")
            return False
    return True


def _function_name(node: m.MetricExpr) -> str:
    if isinstance(node, m.Cohort):
        return node.op
    if isinstance(node, m.Balance):
        return "closing" if node.closing else "opening"
    if isinstance(node, m.Lag) and node.growth:
        return "growth"
    return type(node).__name__.lower()


def check_query_progress(scope: Scope, metrics: list[tuple[m.Metric, Span]], by: list[str],
                         has_time: bool, period: m.AnyPeriod | None) -> None:
    """Per query: time_progress needs a time dimension or a period; a query whose metrics read no rows
    at all takes its buckets from the period, and has no members for another dimension."""
    reading = [(metric, span) for metric, span in metrics
               if reads(metric.expr, scope.metric_exprs, (m.TimeProgress,))]
    if not reading:
        return
    metric, span = reading[0]
    if not has_time and period is None:
        scope.report.error("E605", f"metric `{metric.name}` uses time_progress, which needs a time dimension "
                           "(time.day … time.year) in the query's `by` or a `period`", span,
                           "add e.g. `by: time.month`, or `period: this month` for the progress of the period")
        return
    if any(m_.sources for m_, _ in metrics):
        return
    others = [d for d in by if not d.startswith("time.")]
    if others:
        scope.report.error("E605", f"no metric of the query reads rows, so `{others[0]}` has no members to show "
                           f"`{metric.name}` for", span,
                           "time_progress is the same for every member: add a metric that reads a source, "
                           f"e.g. `metrics: revenue, {metric.name}`")
    elif period is None:
        scope.report.error("E605", f"no metric of the query reads rows, so the buckets of `{metric.name}` come from "
                           "the period, and the query has none", span, "add e.g. `period: 2026`")
