"""Checking queries (named `query` blocks and ad-hoc `--metrics … --by …` requests) against the model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricdsl.diagnostics import Note, did_you_mean
from metricdsl.ir import model as m
from metricdsl.source import Span
from metricdsl.syntax import ast

if TYPE_CHECKING:
    from metricdsl.semantic.checker import Checker

GRAIN_DAYS = {"day": 1, "week": 7}
GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


class QueryChecker:
    def __init__(self, checker: Checker) -> None:
        self.c = checker

    def check(self, decl: ast.BlockDecl) -> m.Query | None:
        from metricdsl.semantic.checker import location, parse_period
        from metricdsl.semantic.vocabulary import QUERY_PROPERTIES

        c = self.c
        before = len(c.errors())
        props = c.properties(decl.block, QUERY_PROPERTIES, "query")
        if "metrics" not in props:
            c.error("E108", f"query `{decl.name}` needs `metrics:`", decl.name_span, "add e.g. `metrics: revenue, buyers`")
            return None
        metrics = [(n, s) for n, s in c.plain_names(props["metrics"])]
        by = [(n, s) for n, s in c.plain_names(props["by"])] if "by" in props else []
        where = self.where(props.get("where"))
        period = None
        if "period" in props:
            item = props["period"].items[0]
            period = parse_period(item, c) if len(props["period"].items) == 1 else None
            if period is None and not _has_invalid_date(item):
                c.error("E502", *_period_problem(props["period"]))
        order = self.order(props.get("order"), metrics, by)
        limit = self.limit(props.get("limit"))
        self.check_request(metrics, by, where, period, props.get("where"))
        if len(c.errors()) != before:
            return None
        return m.Query(
            name=decl.name, label=decl.label, metrics=tuple(n for n, _ in metrics), by=tuple(n for n, _ in by),
            where=where, period=period, order=tuple(order), limit=limit, location=location(decl.name_span))

    def where(self, prop: ast.Property | None) -> m.RowExpr | None:
        from metricdsl.semantic.checker import RowContext

        if prop is None:
            return None
        if len(prop.items) != 1 or prop.items[0].kind != "plain":
            self.c.error("E109", "`where:` takes one condition (combine with `and`/`or`)", prop.span)
            return None
        condition, condition_type = self.c.row(prop.items[0].expr, RowContext())
        self.c.expect_bool(prop.items[0].expr, condition_type)
        return condition

    def order(self, prop: ast.Property | None, metrics: list[tuple[str, Span]], by: list[tuple[str, Span]]) -> list[m.OrderItem]:
        if prop is None:
            return []
        known = [n for n, _ in by] + [n for n, _ in metrics]
        items = []
        for item in prop.items:
            if item.kind not in ("plain", "direction") or not isinstance(item.expr, ast.Name):
                self.c.error("E109", "`order:` takes names of the query's metrics and dimensions, each with an optional `desc`",
                             item.span)
                continue
            name = item.expr.dotted
            if name not in known:
                self.c.error("E503", f"`order` names `{name}`, which the query does not return", item.expr.span,
                             _close(did_you_mean(name, known)) or "order by one of: " + ", ".join(known))
                continue
            items.append(m.OrderItem(name=name, descending=item.direction == "desc"))
        return items

    def limit(self, prop: ast.Property | None) -> int | None:
        if prop is None:
            return None
        expr = prop.items[0].expr
        if len(prop.items) == 1 and isinstance(expr, ast.Number) and expr.value == expr.value.to_integral_value() and expr.value > 0:
            return int(expr.value)
        shown = f", not {expr.text}" if len(prop.items) == 1 and isinstance(expr, ast.Number) else ""
        self.c.error("E109", f"`limit:` takes a positive whole number{shown}", prop.items[0].span)
        return None

    # ---- the request: which metrics can be grouped and filtered how ---------------------------
    def check_request(self, metrics: list[tuple[str, Span]], by: list[tuple[str, Span]], where: m.RowExpr | None,
                      period: m.Period | None, where_prop: ast.Property | None) -> None:
        c = self.c
        self.check_output_columns(metrics, by)
        grains = [n.split(".", 1)[1] for n, _ in by if n.startswith("time.")]
        for name, span in by:
            self.check_dimension_name(name, span)
        if len(grains) > 1:
            c.error("E501", "a query groups by at most one time dimension", by[-1][1])
        for name, span in metrics:
            metric = c.metrics.get(name)
            if metric is None:
                if name not in c.declared.metrics and name not in c.declared.broken:
                    hint = did_you_mean(name, c.declared.metrics)
                    if name in c.declared.dimensions:
                        hint = f"`{name}` is a dimension: put it in `by:`"
                    c.error("E103", f"unknown metric `{name}`", span, hint)
                continue
            self.check_metric_fits(metric, span, by, where, period, where_prop)
            self.check_time_intelligence(metric, span, grains[0] if grains else None)

    def check_output_columns(self, metrics: list[tuple[str, Span]], by: list[tuple[str, Span]]) -> None:
        """Every output column appears once (§8 names them after the dimension or metric)."""
        seen: dict[str, tuple[str, Span]] = {}
        for name, span in [*by, *metrics]:
            column = name.replace(".", "_")
            if column in seen:
                first, first_span = seen[column]
                what = f"`{name}` is listed twice" if first == name else \
                    f"`{name}` and `{first}` would both be returned as column `{column}`"
                self.c.error("E501", what, span, "each dimension and metric appears once in a query",
                             [Note(first_span, "first listed here")])
            else:
                seen[column] = (name, span)

    def check_dimension_name(self, name: str, span: Span) -> None:
        from metricdsl.semantic.checker import time_hint

        c = self.c
        if name.startswith("time."):
            if name.split(".", 1)[1] not in m.TIME_GRAINS:
                c.error("E104", f"unknown time dimension `{name}`", span, time_hint(name.split(".", 1)[1]))
        elif name not in c.declared.dimensions and name not in c.declared.broken:
            hint = did_you_mean(name, c.declared.dimensions)
            if name in c.declared.metrics:
                hint = f"`{name}` is a metric: put it in `metrics:`"
            c.error("E104", f"unknown dimension `{name}`", span, hint)

    def check_metric_fits(self, metric: m.Metric, span: Span, by: list[tuple[str, Span]], where: m.RowExpr | None,
                          period: m.Period | None, where_prop: ast.Property | None) -> None:
        c = self.c
        if metric.card.status == "deprecated":
            c.error("W002", f"metric `{metric.name}` is deprecated", span)
        allowed = metric.card.dimensions
        for dim, dim_span in by:
            if allowed is not None and dim not in allowed and not (dim.startswith("time.") and "time" in allowed):
                c.error("E305", f"metric `{metric.name}` may only be grouped by {', '.join(allowed)}, not `{dim}`", dim_span)
                continue
            if dim.startswith("time.") and dim.split(".")[1] not in m.TIME_GRAINS or (not dim.startswith("time.") and dim not in c.dimensions):
                continue  # unknown: reported once by check_dimension_name
            row = m.TimeRef(grain=dim.split(".")[1]) if dim.startswith("time.") else m.DimRef(name=dim)  # type: ignore[arg-type]
            for base in metric.sources:
                self.reachable(base, row, dim_span, metric.name, dim)
        if where is not None and where_prop is not None:
            for base in metric.sources:
                c.check_reachable(base, where, where_prop.items[0].span, f"the query's `where`, for metric `{metric.name}`")
        if period is not None:
            for base in metric.sources:
                if c.sources[base].time_column is None:
                    c.error("E406", f"metric `{metric.name}` reads `{base}`, which has no `time:` column, "
                            "so the query's `period` cannot filter it", span)

    def reachable(self, base: str, row: m.RowExpr, span: Span, metric: str, dim: str) -> None:
        c = self.c
        if isinstance(row, m.TimeRef):
            if c.sources[base].time_column is None:
                c.error("E406", f"metric `{metric}` reads `{base}`, which has no `time:` column, so it cannot be "
                        f"grouped by `{dim}`", span, f"add `time: <date column>` to source `{base}`")
            return
        for target in sorted(c.column_sources(row)):
            if base == target:
                continue
            paths = c.graph.paths(base, target)
            if not paths:
                c.error("E305", f"dimension `{dim}` is not reachable from source `{base}` of metric `{metric}`", span,
                        f"no chain of `join`s leads from `{base}` to `{target}`")
            elif len(paths) > 1:
                c.reach(base, target, span, f"dimension `{dim}` (metric `{metric}`)")

    def check_time_intelligence(self, metric: m.Metric, span: Span, grain: str | None) -> None:
        c = self.c
        for node in self.expanded_nodes(metric.expr, set()):
            if not isinstance(node, (m.Lag, m.Cumulative)):
                continue
            if grain is None:
                c.error("E405", f"metric `{metric.name}` uses {_describe(node)}, which needs a time dimension "
                        "(time.day … time.year) in the query's `by`", span)
                return
            problem = time_problem(node, grain)
            if problem:
                c.error("E407", f"metric `{metric.name}`: {problem}", span)
                return

    def expanded_nodes(self, expr: m.MetricExpr, seen: set[str]) -> list[m.MetricExpr]:
        from metricdsl.ir.walk import walk_metric

        nodes: list[m.MetricExpr] = []
        for node in walk_metric(expr):
            nodes.append(node)
            if isinstance(node, m.MetricRef) and node.metric not in seen and node.metric in self.c.metric_exprs:
                nodes.extend(self.expanded_nodes(self.c.metric_exprs[node.metric], seen | {node.metric}))
        return nodes


def _close(hint: str | None) -> str | None:
    """A did-you-mean hint only when something is spelled like the name (else the caller lists them all)."""
    return hint if hint is not None and hint.startswith("did you mean") else None


def _has_invalid_date(item: ast.Item) -> bool:
    """An invalid date (2026-02-30) was already reported (E004) by the parser, which put a null there."""
    return any(isinstance(e, ast.Null) and e.span.end_column - e.span.column == len("YYYY-MM-DD")
               for e in (item.expr, item.upper) if e is not None)


def _period_problem(prop: ast.Property) -> tuple[str, Span, str | None]:
    from metricdsl.semantic.checker import parse_period

    item = prop.items[0]
    if len(prop.items) == 1 and item.kind == "range" and item.upper is not None:
        start = parse_period(ast.Item("plain", item.expr, item.expr.span), None)
        end = parse_period(ast.Item("plain", item.upper, item.upper.span), None)
        if start is not None and end is not None and start.start > end.end:
            return (f"the period starts after it ends ({start.start.isoformat()} > {end.end.isoformat()})", item.span,
                    "write the earlier date first: `start .. end`")
    return ("a period is a year (2026), a date range (2026-01-01 .. 2026-06-30) or a range of years", item.span, None)


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
        if _grain_rank(node.unit) < _grain_rank(grain):
            return f"cumulative to-date by {node.unit} at {grain} grain: the {grain} is longer than the {node.unit}"
        if node.unit == "week" and grain != "day" and grain != "week":
            return "cumulative by week needs a day or week grain"
        if grain == "week" and node.unit in ("month", "quarter"):
            return f"weeks do not nest in {node.unit}s, so {node.unit}-to-date at week grain has no meaning; " \
                   "use day grain, or year-to-date (ISO years) at week grain"
        return None
    if not window_covers(node.unit, node.count, grain):
        return f"a rolling window of {node.count} {node.unit}(s) is shorter than a {grain} or not a whole number of {grain}s"
    return None


def whole_buckets(unit: str, count: int, grain: str) -> bool:
    if grain in GRAIN_MONTHS:
        return unit in GRAIN_MONTHS and (GRAIN_MONTHS[unit] * count) % GRAIN_MONTHS[grain] == 0
    if grain == "week":
        return unit in ("week", "day") and (GRAIN_DAYS[unit] * count) % 7 == 0
    return True  # day grain: every offset lands on a day


def window_covers(unit: str, count: int, grain: str) -> bool:
    if grain == "day":
        return True
    if grain == "week":
        return unit in ("day", "week") and (GRAIN_DAYS[unit] * count) % 7 == 0
    return unit in GRAIN_MONTHS and (GRAIN_MONTHS[unit] * count) % GRAIN_MONTHS[grain] == 0


def _grain_rank(grain: str) -> int:
    return ["day", "week", "month", "quarter", "year"].index(grain)
