"""SQL of balances (LANGUAGE.md §5; planned in metricdsl.plan.balances): closing(m) and opening(m).

A balance scan aggregates its rows (after the period, the query's `where` and m's filters) to one row
per day and group (not per bucket too: the bucket follows from the day on the aggregated rows), kept
in a CTE of its own (materialized where the target can, so the rows are read once), then a window over those aggregated rows finds each time bucket's latest (for
`opening`, earliest) day with rows — partitioned by the bucket only, so the day is the same for
every group of the bucket (without a time dimension: one day for the whole period) — and sums the
day's values per group. A group with rows in the bucket but none on that day gets 0 (it closed
before the bucket ended), never a join of raw rows.
"""

from __future__ import annotations

from typing import Protocol

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.nodes import BALANCE_DAYS as DAILY
from metricdsl.plan.nodes import BALANCE_EDGES as EDGES
from metricdsl.plan.nodes import Measure, Scan, fresh_name
from metricdsl.sql.percentiles import ScanBuilder as RowScanBuilder
from metricdsl.sql.rows import RowCompiler, aliased, col, ident, truncate


class ScanBuilder(RowScanBuilder, Protocol):
    """What the statement builder offers a scan (metricdsl.sql.statement.StatementBuilder), with measures."""

    project: m.Project

    def measure_sql(self, rows: RowCompiler, measure: Measure) -> exp.Expr: ...

    def kept_rows(self, base: str, query: exp.Select) -> str: ...


def balance_scan(builder: ScanBuilder, scan: Scan) -> exp.Select:
    rows = builder.rows(scan)
    dims = builder.scan_dims(scan, rows)
    time_dim = builder.plan.time_dim
    dim_columns = [d.column for d in builder.plan.dims]
    taken = set(dim_columns) | {mz.column for mz in scan.measures}
    day_column, edge_column = fresh_name("balance_day", taken), fresh_name("balance_edge", taken)
    # grouped by day and the other dimensions only: the day decides the bucket, computed on the few
    # aggregated rows instead of once per raw row
    day_dims = [(e, d.column) for e, d in zip(dims, builder.plan.dims) if d.grain is None]
    day = day_of(builder, scan, rows)
    daily = exp.select(*[exp.alias_(e, ident(c)) for e, c in day_dims], exp.alias_(day, ident(day_column)),
                       *[exp.alias_(builder.measure_sql(rows, mz), ident(mz.column)) for mz in scan.measures])
    daily = builder.from_with_joins(daily, scan.source, rows, scan)
    where = builder.scan_where(scan, rows, scan.conditions)
    if where is not None:
        daily = daily.where(where)
    daily = daily.group_by(*[e.copy() for e, _ in day_dims], day.copy())
    bucket = None if time_dim is None else truncate(time_dim.grain or "day", col(day_column))
    edge_func = exp.Max if scan.balance == "closing" else exp.Min
    edge = exp.Window(this=edge_func(this=col(day_column)), partition_by=[bucket.copy()] if bucket else [])
    columns = [bucket if d.grain is not None and bucket is not None else col(d.column) for d in builder.plan.dims]
    marked = exp.select(*[exp.alias_(c, ident(n)) for c, n in zip(columns, dim_columns)], col(day_column),
                        *[col(mz.column) for mz in scan.measures],
                        exp.alias_(edge, ident(edge_column))).from_(
        exp.Table(this=ident(builder.kept_rows(f"{scan.name}_days", daily)), alias=exp.TableAlias(this=ident(DAILY))))
    on_edge = exp.EQ(this=col(day_column), expression=col(edge_column))
    values = [exp.alias_(exp.Sum(this=exp.Case(ifs=[exp.If(this=on_edge.copy(), true=col(mz.column))])),
                         ident(mz.column)) for mz in scan.measures]
    outer = exp.select(*[col(c) for c in dim_columns], *values).from_(aliased(marked, EDGES))
    return outer.group_by(*[col(c) for c in dim_columns]) if dim_columns else outer


def day_of(builder: ScanBuilder, scan: Scan, rows: RowCompiler) -> exp.Expr:
    """The rows' day: a DATE time column as it is (truncating it would cost a call per raw row)."""
    if scan.shift is None and builder.project.sources[scan.source].time_is_date:
        return rows.time()
    return truncate("day", rows.time())
