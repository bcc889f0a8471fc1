"""Checking queries (named `query` blocks and ad-hoc `--metrics … --by …` requests) against the model
(LANGUAGE.md §7, §8): which metrics can be grouped and filtered how."""

from __future__ import annotations

from metricdsl.diagnostics import Note, did_you_mean
from metricdsl.grains import TIME_PREFIX, grain_rank, is_time_name, parse_time_name, whole_buckets, window_covers
from metricdsl.ir import model as m
from metricdsl.ir.walk import walk_metric, walk_row
from metricdsl.semantic.context import Scope
from metricdsl.semantic.hints import only_close, time_hint
from metricdsl.semantic.kpis import check_query_kpis
from metricdsl.semantic.planned import check_query_planned
from metricdsl.semantic.properties import (
    MAX_RELATIVE_COUNT,
    PERIOD_YEARS,
    location,
    parse_period,
    parse_query_period,
    plain_names,
    properties,
)
from metricdsl.semantic.reach import check_groupable, check_reachable
from metricdsl.semantic.rows import RowResolver
from metricdsl.semantic.vocabulary import COMPARISONS, QUERY_PROPERTIES
from metricdsl.source import Span
from metricdsl.syntax import ast

Named = list[tuple[str, Span]]
MAX_LIMIT = 2**63 - 1


class QueryChecker:
    """Checks one query block; returns None when it has an error."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.report = scope.report

    def check(self, decl: ast.BlockDecl) -> m.Query | None:
        report = self.report
        mark = report.mark()
        props = properties(report, decl.block, QUERY_PROPERTIES, "query")
        if "metrics" not in props:
            report.error("E108", f"query `{decl.name}` needs `metrics:`", decl.name_span,
                         "add e.g. `metrics: revenue, buyers`")
            return None
        metrics = plain_names(report, props["metrics"])
        by = plain_names(report, props["by"]) if "by" in props else []
        where = self.where(props.get("where"))
        period = self.period(props["period"]) if "period" in props else None
        order = self.order(props.get("order"), metrics, by)
        limit = self.limit(props.get("limit"))
        self.check_request(metrics, by, where, period, props.get("where"))
        if report.failed_since(mark):
            return None
        return m.Query(
            name=decl.name, label=decl.label, metrics=tuple(n for n, _ in metrics), by=tuple(m.group_ref(n) for n, _ in by),
            where=where, period=period, order=tuple(order), limit=limit, location=location(decl.name_span))

    def where(self, prop: ast.Property | None) -> m.RowExpr | None:
        if prop is None:
            return None
        if len(prop.items) != 1 or prop.items[0].kind != "plain":
            self.report.error("E109", "`where:` takes one condition (combine with `and`/`or`)", prop.span)
            return None
        return RowResolver(self.scope).condition(prop.items[0].expr)

    def period(self, prop: ast.Property) -> m.AnyPeriod | None:
        item = prop.items[0]
        period = parse_query_period(item) if len(prop.items) == 1 else None
        if period is None and not _has_invalid_date(item):
            self.report.error("E502", *_period_problem(prop))
        return period

    def order(self, prop: ast.Property | None, metrics: Named, by: Named) -> list[m.OrderItem]:
        if prop is None:
            return []
        known = [n for n, _ in by] + [n for n, _ in metrics]
        items = []
        for item in prop.items:
            if item.kind not in ("plain", "direction") or not isinstance(item.expr, ast.Name):
                self.report.error("E109", "`order:` takes names of the query's metrics and dimensions, each with an "
                                  "optional `desc`", item.span)
                continue
            name = item.expr.dotted
            columns = {n.replace(".", "_"): n for n in known}  # §8: output column names are accepted too
            name = name if name in known else columns.get(name, name)
            if name not in known:
                self.report.error("E503", f"`order` names `{name}`, which the query does not return", item.expr.span,
                                  only_close(did_you_mean(name, known)) or "order by one of: " + ", ".join(known))
                continue
            items.append(m.OrderItem(name=name, descending=item.direction == "desc"))
        return items

    def limit(self, prop: ast.Property | None) -> int | None:
        if prop is None:
            return None
        expr = prop.items[0].expr
        if len(prop.items) == 1 and isinstance(expr, ast.Number) and expr.value == expr.value.to_integral_value() \
                and 0 < expr.value <= MAX_LIMIT:
            return int(expr.value)
        shown = f", not {expr.text}" if len(prop.items) == 1 and isinstance(expr, ast.Number) else ""
        too_large = isinstance(expr, ast.Number) and expr.value > MAX_LIMIT
        self.report.error("E109", f"`limit:` takes a positive whole number{shown}", prop.items[0].span,
                          f"at most {MAX_LIMIT} (2^63 - 1, the largest LIMIT every engine takes)" if too_large else None)
        return None

    # ---- the request: which metrics can be grouped and filtered how ---------------------------
    def check_request(self, metrics: Named, by: Named, where: m.RowExpr | None, period: m.AnyPeriod | None,
                      where_prop: ast.Property | None) -> None:
        symbols = self.scope.symbols
        self.check_output_columns(metrics, by)
        time_dimensions = [n for n, _ in by if is_time_name(n)]
        for name, span in by:
            self.check_dimension_name(name, span)
        if len(time_dimensions) > 1:
            self.report.error("E501", "a query groups by at most one time dimension", by[-1][1])
        grain = parse_time_name(time_dimensions[0]) if time_dimensions else None
        for name, span in metrics:
            metric = self.scope.metrics.get(name)
            if metric is None:
                if not symbols.known(name, "metric"):
                    hint = did_you_mean(name, symbols.named("metric"))
                    if symbols.is_a(name, "dimension"):
                        hint = f"`{name}` is a dimension: put it in `by:`"
                    self.report.error("E103", f"unknown metric `{name}`", span, hint)
                continue
            self.check_metric_fits(metric, span, by, where, period, where_prop)
            check_query_planned(self.scope, metric, span, [n for n, _ in by if self.group_row(n)], where)
            if grain is not None or not time_dimensions:  # an unknown `time.<grain>` is reported once (E104)
                self.check_time_intelligence(metric, span, grain)
            check_query_kpis(self.scope, metric, span, [n for n, _ in by], self.expanded_nodes(metric.expr, set()))
            if period is not None or time_dimensions:
                self.check_having_dates(metric, span)

    def check_output_columns(self, metrics: Named, by: Named) -> None:
        """Every output column appears once (§8 names them after the dimension or metric)."""
        seen: dict[str, tuple[str, Span]] = {}
        for name, span in [*by, *metrics]:
            column = name.replace(".", "_")
            if column in seen:
                first, first_span = seen[column]
                what = f"`{name}` is listed twice" if first == name else \
                    f"`{name}` and `{first}` would both be returned as column `{column}`"
                self.report.error("E501", what, span, "each dimension and metric appears once in a query",
                                  [Note(first_span, "first listed here")])
            else:
                seen[column] = (name, span)

    def check_dimension_name(self, name: str, span: Span) -> None:
        symbols = self.scope.symbols
        if is_time_name(name):
            if parse_time_name(name) is None:
                self.report.error("E104", f"unknown time dimension `{name}`", span, time_hint(name.removeprefix(TIME_PREFIX)))
        elif not symbols.known(name, "dimension"):
            hint = did_you_mean(name, symbols.named("dimension"))
            if symbols.is_a(name, "metric"):
                hint = f"`{name}` is a metric: put it in `metrics:`"
            self.report.error("E104", f"unknown dimension `{name}`", span, hint)

    def check_metric_fits(self, metric: m.Metric, span: Span, by: Named, where: m.RowExpr | None,
                          period: m.AnyPeriod | None, where_prop: ast.Property | None) -> None:
        if metric.card.status == "deprecated":
            self.report.error("W002", f"metric `{metric.name}` is deprecated", span)
        for dim, dim_span in by:
            if not self.allowed(metric, dim, dim_span):
                continue
            row = self.group_row(dim)
            if row is None:
                continue  # unknown: reported once by check_dimension_name
            for base in metric.sources:
                check_groupable(self.scope, base, row, dim_span, metric.name)
        if where is not None and where_prop is not None:
            for base in metric.sources:
                check_reachable(self.scope, base, where, where_prop.items[0].span,
                                f"the query's `where`, for metric `{metric.name}`")
        if period is not None:
            for base in metric.sources:
                if self.scope.sources[base].time_column is None:
                    self.report.error("E406", f"metric `{metric.name}` reads `{base}`, which has no `time:` column, "
                                      "so the query's `period` cannot filter it", span)

    def allowed(self, metric: m.Metric, dim: str, span: Span) -> bool:
        """The metric card's `dimensions:` (if any) allows grouping by `dim`; E305 when not."""
        allowed = metric.card.dimensions
        if allowed is None or dim in allowed or (is_time_name(dim) and "time" in allowed):
            return True
        self.report.error("E305", f"metric `{metric.name}` may only be grouped by {', '.join(allowed)}, "
                          f"not `{dim}`", span)
        return False

    def group_row(self, dim: str) -> m.TimeRef | m.DimRef | None:
        """The row expression of a known `by` dimension."""
        if is_time_name(dim):
            grain = parse_time_name(dim)
            return m.TimeRef(grain=grain) if grain is not None else None
        return m.DimRef(name=dim) if dim in self.scope.dimensions else None

    def check_time_intelligence(self, metric: m.Metric, span: Span, grain: str | None) -> None:
        for node in self.expanded_nodes(metric.expr, set()):
            if not isinstance(node, (m.Lag, m.Cumulative)):
                continue
            if grain is None:
                self.report.error("E405", f"metric `{metric.name}` uses {_describe(node)}, which needs a time "
                                  "dimension (time.day … time.year) in the query's `by`", span)
                return
            problem = time_problem(node, grain)
            if problem:
                self.report.error("E407", f"metric `{metric.name}`: {problem}", span)
                return

    def check_having_dates(self, metric: m.Metric, span: Span) -> None:
        """W004: a `having` that compares a date aggregate with a date literal (`min(orders.order_date)
        >= 2026-01-01`, "first-time buyers"). `having` sees only the rows inside the period and the
        time bucket, so the earlier rows it is meant to detect are invisible and every key passes."""
        for node in self.expanded_nodes(metric.expr, set()):
            if isinstance(node, m.DistinctHaving) and _compares_date_aggregate(node.condition):
                self.report.error("W004", f"metric `{metric.name}` compares a date in its `having`, which sees only "
                                  "the rows inside the query's period and time bucket", span,
                                  "rows before the period never reach `having`, so a test such as "
                                  "`min(orders.order_date) >= 2026-01-01` passes for every key; "
                                  "see docs/language.md, \"having and the period\"")
                return

    def expanded_nodes(self, expr: m.MetricExpr, seen: set[str]) -> list[m.MetricExpr]:
        """Every node of the expression and, once each, of the metrics it references (`seen` is shared
        by the whole walk, so a metric used twice per level of a chain is expanded once)."""
        exprs = self.scope.metric_exprs
        nodes: list[m.MetricExpr] = []
        for node in walk_metric(expr):
            nodes.append(node)
            if isinstance(node, m.MetricRef) and node.metric not in seen and node.metric in exprs:
                seen.add(node.metric)
                nodes.extend(self.expanded_nodes(exprs[node.metric], seen))
        return nodes


def _compares_date_aggregate(condition: m.RowExpr) -> bool:
    """A comparison (or `between`) of a date-typed aggregate with a date literal."""
    for node in walk_row(condition):
        if isinstance(node, m.Apply) and node.op in (*COMPARISONS, "between", "not_between"):
            dated = any(isinstance(a, m.Agg) and a.type in ("date", "timestamp") for a in node.args)
            if dated and any(isinstance(a, m.Lit) and a.type == "date" for a in node.args):
                return True
    return False


def _has_invalid_date(item: ast.Item) -> bool:
    """An invalid date (2026-02-30) was already reported (E004) by the parser, which put a null there."""
    return any(isinstance(e, ast.Null) and e.span.end_column - e.span.column == len("YYYY-MM-DD")
               for e in (item.expr, item.upper) if e is not None)


def _period_problem(prop: ast.Property) -> tuple[str, Span, str | None]:
    item = prop.items[0]
    if len(prop.items) == 1 and isinstance(item.expr, ast.RelativePeriod):
        return (f"a relative period counts 1 to {MAX_RELATIVE_COUNT:,} buckets, not {item.expr.count}", item.span,
                "e.g. `last 7 days`, `last 3 months`, `this month`")
    for bound in (item.expr, item.upper):
        year = bound.value.year if isinstance(bound, ast.DateLiteral) else (
            int(bound.value) if isinstance(bound, ast.Number) and bound.value == bound.value.to_integral_value()
            and 0 <= bound.value <= 9999 else None)
        if year is not None and not PERIOD_YEARS[0] <= year <= PERIOD_YEARS[1] and bound is not None:
            message = f"the year {year} is out of range: a period lies within the years {PERIOD_YEARS[0]} to " \
                      f"{PERIOD_YEARS[1]}"
            return message, bound.span, "write a four-digit year such as 2026"
    if len(prop.items) == 1 and item.kind == "range" and item.upper is not None:
        start = parse_period(ast.Item("plain", item.expr, item.expr.span))
        end = parse_period(ast.Item("plain", item.upper, item.upper.span))
        if start is not None and end is not None and start.start > end.end:
            return (f"the period starts after it ends ({start.start.isoformat()} > {end.end.isoformat()})", item.span,
                    "write the earlier date first: `start .. end`")
    return (("a period is a year (2026), a date range (2026-01-01 .. 2026-06-30), a range of years, "
            "`this year|quarter|month|week` or `last N days|weeks|months|quarters|years`"), item.span, None)


def _describe(node: m.Lag | m.Cumulative) -> str:
    if isinstance(node, m.Lag):
        return f"{'growth' if node.growth else 'lag'}(…, {node.count} {node.unit})"
    return f"cumulative(…, {node.count} {node.unit}s)" if node.count else f"cumulative(…, {node.unit})"


def time_problem(node: m.Lag | m.Cumulative, grain: str) -> str | None:
    """Why an offset or window does not fit the query's time grain, or None."""
    if isinstance(node, m.Lag):
        if node.unit == "period" or node.unit == grain:
            return None
        if not whole_buckets(node.unit, node.count, grain):
            return f"an offset of {node.count} {node.unit} is not a whole number of {grain}s"
        return None
    if node.count is None:
        return _to_date_problem(node.unit, grain)
    if not window_covers(node.unit, node.count, grain):
        return f"a rolling window of {node.count} {node.unit}(s) is shorter than a {grain} or not a whole number of {grain}s"
    return None


def _to_date_problem(boundary: str, grain: str) -> str | None:
    if grain_rank(boundary) < grain_rank(grain):
        return f"cumulative to-date by {boundary} at {grain} grain: the {grain} is longer than the {boundary}"
    if boundary == "week" and grain != "day" and grain != "week":
        return "cumulative by week needs a day or week grain"
    if grain == "week" and boundary in ("month", "quarter"):
        return f"weeks do not nest in {boundary}s, so {boundary}-to-date at week grain has no meaning; " \
               "use day grain, or year-to-date (ISO years) at week grain"
    return None
