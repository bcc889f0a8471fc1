"""Checking `metric` declarations (LANGUAGE.md §5): arithmetic over aggregates, metrics and numbers,
time functions, `having`, `where`; then cycles, filter reachability, additivity and the metric card."""

from __future__ import annotations

from collections.abc import Sequence

from metricdsl.diagnostics import did_you_mean
from metricdsl.grains import is_grain, is_time_name
from metricdsl.ir import model as m
from metricdsl.ir.formats import HELP, format_problem
from metricdsl.ir.walk import additive, filtered_nodes, inside_aggregate, leaf_sources, refs, walk_metric, walk_row
from metricdsl.semantic.aggregates import aggregate
from metricdsl.semantic.balances import BALANCE_FUNCTIONS, balance_function, check_balances
from metricdsl.semantic.chains import chain_ops, chain_terms, regroup, strip_signs
from metricdsl.semantic.cohorts import COHORT_FUNCTIONS, check_cohorts, cohort_function
from metricdsl.semantic.context import Scope
from metricdsl.semantic.cycles import find_cycles
from metricdsl.semantic.depth import check_depths, dependency_order
from metricdsl.semantic.kpis import PEER_FUNCTIONS, options_misplaced, peer_function
from metricdsl.semantic.planned import PLANNED_FUNCTIONS, check_planned_wrappers, planned_function
from metricdsl.semantic.properties import bool_value, choice_value, location, plain_names, properties, text_value
from metricdsl.semantic.reach import check_reachable
from metricdsl.semantic.rows import RowResolver
from metricdsl.semantic.vocabulary import (
    AGGREGATES,
    CATEGORIES,
    DIRECTIONS,
    KPI_KINDS,
    METRIC_FUNCTIONS,
    METRIC_PROPERTIES,
    STATUSES,
)
from metricdsl.syntax import ast

TEXT_CARD_KEYS = ("description", "unit", "format", "owner", "version", "label")
BOOL_CARD_KEYS = ("core", "kpi")
ARITH_FUNCTIONS = ("abs", "round", "floor", "ceil", "coalesce")
TIME_FUNCTIONS = ("lag", "growth", "cumulative")
# The largest offset or window per unit: 999 years (a period is at most a year).
MAX_OFFSET = {"year": 999, "quarter": 999 * 4, "month": 999 * 12, "week": 999 * 52, "day": 999 * 365, "period": 999}


class MetricResolver:
    """Resolves metric expressions into `scope.metric_exprs`; every method reports its own errors."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.report = scope.report
        self.symbols = scope.symbols

    def resolve(self, decl: ast.MetricDecl) -> None:
        mark = self.report.mark()
        expr = self.expr(decl.expr)
        if decl.having is not None:
            expr = self.having(decl, expr)
        if decl.where is not None and expr is not None:
            condition = RowResolver(self.scope).condition(decl.where)
            expr = m.Filtered(expr=expr, condition=condition)
        if expr is not None and not self.report.failed_since(mark):
            self.scope.metric_exprs[decl.name] = expr

    def expr(self, expr: ast.Expr) -> m.MetricExpr | None:
        if isinstance(expr, ast.Number):
            return m.Const(value=str(expr.value))
        if isinstance(expr, ast.Name):
            return self.name(expr)
        if isinstance(expr, ast.Binary) and expr.op in "+-*/":
            return self.arithmetic(expr)
        if isinstance(expr, ast.Unary) and expr.op in "+-":
            flips, inner = strip_signs(expr)
            operand = self.expr(inner)
            return operand if flips % 2 == 0 or operand is None else m.Arith(op="neg", args=(operand,))
        if isinstance(expr, ast.Call):
            return self.call(expr)
        self.report.error("E203", "a metric is arithmetic over aggregates, metrics and numbers", expr.span,
                          "conditions go after the expression: `… where <condition>`")
        return None

    def arithmetic(self, expr: ast.Binary) -> m.MetricExpr | None:
        """`a + b - c …` and `a * b * …` as chains (regrouped when long), `/` as it is written."""
        terms = chain_terms(expr) if chain_ops(expr.op) else [("+", expr.left), (expr.op, expr.right)]
        resolved = [(op, self.expr(term)) for op, term in terms]
        if any(value is None for _, value in resolved):
            return None
        return regroup(resolved, lambda op, left, right: m.Arith(op=op, args=(left, right)))  # type: ignore[arg-type]

    def name(self, expr: ast.Name) -> m.MetricExpr | None:
        name = expr.dotted
        if len(expr.parts) == 2 and self.symbols.is_a(expr.parts[0], "source"):
            self.report.error("E204", f"column `{name}` outside an aggregate", expr.span,
                              f"a metric aggregates rows: sum({name}), count_distinct({name}), …")
            return None
        if self.symbols.is_a(name, "metric"):
            return m.MetricRef(metric=name)
        if name not in self.symbols.broken:
            hint = did_you_mean(name, self.symbols.named("metric"))
            if self.symbols.is_a(name, "dimension"):
                hint = f"`{name}` is a dimension; use it in `where` or in a query's `by`"
            elif self.symbols.is_a(name, "source"):
                hint = f"to count the rows of `{name}`, write count({name})"
            self.report.error("E103", f"unknown metric `{name}`", expr.span, hint)
        return None

    def call(self, expr: ast.Call) -> m.MetricExpr | None:
        if options_misplaced(self.scope, expr):
            return None
        if expr.name in PEER_FUNCTIONS:
            return peer_function(self.scope, expr, self.expr)
        if expr.name in BALANCE_FUNCTIONS:
            return balance_function(self.scope, expr, self.expr)
        if expr.name in COHORT_FUNCTIONS:
            return cohort_function(self.scope, expr, self.expr)
        if expr.name in PLANNED_FUNCTIONS:
            return planned_function(self.scope, expr)
        if expr.name in AGGREGATES:
            agg, _ = aggregate(self.scope, expr)
            return m.AggLeaf(agg=agg) if agg else None
        if expr.name in TIME_FUNCTIONS:
            return self.time_function(expr)
        if expr.name in ARITH_FUNCTIONS:
            args = [self.expr(a) for a in expr.args]
            if not all(args):
                return None
            if not args or (expr.name != "coalesce" and len(args) > (2 if expr.name == "round" else 1)):
                self.report.error("E110", f"wrong number of arguments to `{expr.name}`", expr.span)
                return None
            return m.Arith(op=expr.name, args=tuple(args))  # type: ignore[arg-type]
        self.report.error("E110", f"unknown function `{expr.name}` in a metric", expr.name_span,
                          did_you_mean(expr.name, [*AGGREGATES, *METRIC_FUNCTIONS]))
        return None

    def time_function(self, expr: ast.Call) -> m.MetricExpr | None:
        """`lag`/`growth` (an offset) and `cumulative` (a to-date boundary or a rolling window)."""
        if len(expr.args) != 2:
            self.report.error("E110", f"`{expr.name}` takes a metric and a duration: {expr.name}(revenue, 1 year)",
                              expr.span)
            return None
        inner = self.expr(expr.args[0])
        window = expr.args[1]
        if inner is None:
            return None
        if expr.name == "cumulative":
            if isinstance(window, ast.Name) and len(window.parts) == 1:
                boundary = window.parts[0]
                if is_grain(boundary) and boundary != "day":  # to-date: reset each week, month, quarter or year
                    return m.Cumulative(expr=inner, unit=boundary)
            if isinstance(window, ast.Duration) and is_grain(window.unit) and window.count > 0:
                if not self.within_dates(window):
                    return None
                return m.Cumulative(expr=inner, unit=window.unit, count=window.count)
            self.report.error("E407", "cumulative takes a boundary (year, quarter, month, week) or a window like "
                              "`7 days`", window.span)
            return None
        if isinstance(window, ast.Duration) and window.count > 0 and self.within_dates(window):
            return m.Lag(expr=inner, count=window.count, unit=window.unit,  # type: ignore[arg-type]
                         growth=expr.name == "growth")
        if isinstance(window, ast.Duration) and window.count > 0:
            return None
        self.report.error("E407", f"`{expr.name}` takes an offset like `1 year` or `1 period`", window.span)
        return None

    def within_dates(self, window: ast.Duration) -> bool:
        """An offset or window of at most 999 years (in its own unit); E407 beyond: it would leave
        the range of dates every engine (and Python) can represent."""
        limit = MAX_OFFSET[window.unit]
        if window.count <= limit:
            return True
        self.report.error("E407", f"an offset or window of {window.count} {window.unit}s is beyond the range of dates",
                          window.span, f"at most {limit} {window.unit}s" + ("" if window.unit in ("period", "year") else " (999 years)"))
        return False

    def having(self, decl: ast.MetricDecl, expr: m.MetricExpr | None) -> m.MetricExpr | None:
        """`count_distinct(key) having <condition over aggregates of the key's source>`."""
        assert decl.having is not None
        if not (isinstance(expr, m.AggLeaf) and expr.agg.func == "count_distinct"):
            if expr is not None:
                self.report.error("E109", "`having` qualifies a single count_distinct(…)", decl.having.span,
                                  "write `count_distinct(orders.customer_id) having count(orders) >= 2`")
            return None
        source = expr.agg.source
        resolver = RowResolver(self.scope, aggregates=lambda call: aggregate(self.scope, call, source))
        condition = resolver.condition(decl.having)
        for node in walk_row(condition):
            if isinstance(node, m.Col) and not inside_aggregate(condition, node):
                self.report.error("E204", f"column `{node.source}.{node.column}` outside an aggregate in `having`",
                                  decl.having.span)
                return None
        assert expr.agg.arg is not None
        return m.DistinctHaving(key=expr.agg.arg, source=source, condition=condition)


def finish_metrics(scope: Scope, decls: Sequence[ast.MetricDecl]) -> None:
    """Turn the resolved expressions into `scope.metrics`, leaving out cycles and unreachable filters."""
    cycles = _metric_cycles(scope)
    too_deep = check_depths(scope, decls) | _nested_cumulatives(scope, decls)
    for decl in decls:
        name = decl.name
        if name in cycles or name in too_deep or name not in scope.metric_exprs:
            continue
        expr = scope.metric_exprs[name]
        sources = tuple(sorted(metric_sources(scope, name)))
        if not _check_filters(scope, decl, expr) or not check_balances(scope, decl, expr) \
                or not check_cohorts(scope, decl, expr) or not check_planned_wrappers(scope, decl, expr):
            continue
        scope.metrics[name] = m.Metric(
            name=name, label=decl.label, expr=expr, card=_card(scope, decl), additive=is_additive(scope, expr),
            sources=sources, location=location(decl.name_span))


def _nested_cumulatives(scope: Scope, decls: Sequence[ast.MetricDecl]) -> set[str]:
    """E407 for a `cumulative` over an expression that is already cumulative (directly, through a
    `lag`, or through the metrics it names): a window of windows has no defined meaning."""
    cumulative: dict[str, bool] = {}  # the metric reads a cumulative anywhere below it
    nested: set[str] = set()
    for name in dependency_order(scope):
        nodes = list(walk_metric(scope.metric_exprs[name]))
        cumulative[name] = any(isinstance(n, m.Cumulative) or (isinstance(n, m.MetricRef) and cumulative.get(n.metric))
                               for n in nodes)
        for node in nodes:
            if isinstance(node, m.Cumulative) and any(
                    isinstance(n, m.Cumulative) or (isinstance(n, m.MetricRef) and cumulative.get(n.metric))
                    for n in walk_metric(node.expr)):
                nested.add(name)
    for decl in decls:
        if decl.name in nested:
            scope.report.error("E407", f"metric `{decl.name}` takes a cumulative of a cumulative", decl.name_span,
                               "a window over a window has no single meaning: take the cumulative of the base "
                               "metric once, e.g. cumulative(revenue, year)")
    return nested


def metric_sources(scope: Scope, name: str) -> set[str]:
    """The base sources of every aggregate the metric reads, through the metrics it references."""
    return leaf_sources(scope.metric_exprs[name], scope.metric_exprs)


def is_additive(scope: Scope, expr: m.MetricExpr) -> bool:
    return additive(expr, scope.metric_exprs, set())


def _metric_cycles(scope: Scope) -> set[str]:
    """The metrics on a cycle (each reported) and the metrics that reference them."""
    graph = {name: sorted(refs(expr)) for name, expr in scope.metric_exprs.items()}
    on_cycle: set[str] = set()
    for cycle in find_cycles(graph):
        text = " -> ".join([*cycle, cycle[0]])
        for name in cycle:
            scope.report.error("E401", f"metric cycle: {text}", scope.symbols.shared[name].span,
                               "a metric cannot depend on itself")
        on_cycle |= set(cycle)
    return on_cycle | {n for n, deps in graph.items() if any(d in on_cycle for d in deps)}


def _check_filters(scope: Scope, decl: ast.MetricDecl, expr: m.MetricExpr) -> bool:
    ok = True
    for node, bases in filtered_nodes(expr, scope.metric_exprs):
        for base in sorted(bases):
            ok &= check_reachable(scope, base, node.condition, decl.where.span if decl.where else decl.span,
                                  f"the `where` of metric `{decl.name}`")
    return ok


def _card(scope: Scope, decl: ast.MetricDecl) -> m.MetricCard:
    report = scope.report
    props = properties(report, decl.block, METRIC_PROPERTIES, "metric")
    values: dict[str, object] = {}
    for key in TEXT_CARD_KEYS:
        if key in props:
            values[key] = text_value(report, props[key])
    if isinstance(declared := values.get("format"), str) and (problem := format_problem(declared)):
        report.error("E109", problem, props["format"].items[0].span, HELP)
    for key in BOOL_CARD_KEYS:
        if key in props:
            values[key] = bool_value(report, props[key])
    if "category" in props:
        values["category"] = choice_value(report, props["category"], CATEGORIES)
    if "kind" in props:
        values["kind"] = choice_value(report, props["kind"], KPI_KINDS)
    if "direction" in props:
        values["direction"] = choice_value(report, props["direction"], DIRECTIONS)
    if "status" in props:
        values["status"] = choice_value(report, props["status"], STATUSES) or "published"
    if "dimensions" in props:
        values["dimensions"] = tuple(_allowed_dimensions(scope, props["dimensions"]))
    values.pop("label", None)
    return m.MetricCard(**{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]


def _allowed_dimensions(scope: Scope, prop: ast.Property) -> list[str]:
    names = []
    for name, span in plain_names(scope.report, prop):
        if name != "time" and not is_time_name(name) and not scope.symbols.is_a(name, "dimension"):
            scope.report.error("E104", f"unknown dimension `{name}`", span,
                               did_you_mean(name, [*scope.symbols.named("dimension"), "time"]))
        names.append(name)
    return names
