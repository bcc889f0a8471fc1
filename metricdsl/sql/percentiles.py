"""Exact `median`/`percentile` where the engine has no such aggregate (Impala: APPX_MEDIAN is approximate).

The scan (one percentile measure, see `metricdsl.plan.percentiles`) numbers the rows of each group
by the argument, and counts the group's non-null values; the percentile is then interpolated as
PostgreSQL's `percentile_cont` does: at position p × (n − 1) (0-based) between the values at its
floor and its ceiling. Rows whose value is NULL sort last and are not counted, so a group with
only NULLs (or none) gives NULL, and the group still appears as it does on every other engine.
"""

from __future__ import annotations

from typing import Protocol

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.nodes import RANKED, PercentileMeasure, QueryPlan, Scan
from metricdsl.sql.rows import RowCompiler, aliased, col, ident

VALUE, ROW_NUMBER, POSITION = "percentile_value", "percentile_row", "percentile_position"


class ScanBuilder(Protocol):
    """What the statement builder offers a scan (metricdsl.sql.statement.StatementBuilder)."""

    plan: QueryPlan

    def rows(self, scan: Scan) -> RowCompiler: ...

    def scan_dims(self, scan: Scan, rows: RowCompiler) -> list[exp.Expr]: ...

    def scan_where(self, scan: Scan, rows: RowCompiler, conditions: list[m.RowExpr | None]) -> exp.Expr | None: ...

    def from_with_joins(self, select: exp.Select, base: str, rows: RowCompiler,
                        scan: Scan | None = None) -> exp.Select: ...


def exact_percentile_scan(builder: ScanBuilder, scan: Scan) -> exp.Select:
    measure = scan.measures[0]
    assert measure.arg is not None and isinstance(measure, PercentileMeasure)
    rows = builder.rows(scan)
    dims = builder.scan_dims(scan, rows)
    value = exp.Cast(this=rows(measure.arg), to=exp.DataType.build("DOUBLE"))
    partition = [e.copy() for e in dims]
    ordered = exp.Order(expressions=[exp.Ordered(this=value.copy(), desc=False, nulls_first=False)])
    row_number = exp.Window(this=exp.RowNumber(), partition_by=partition, order=ordered)
    count = exp.Window(this=exp.Count(this=value.copy()), partition_by=[e.copy() for e in dims])
    position = exp.Mul(this=exp.Literal.number(measure.fraction),
                       expression=exp.Paren(this=exp.Sub(this=count, expression=exp.Literal.number(1))))
    inner = exp.select(*[exp.alias_(e, ident(d.column)) for e, d in zip(dims, builder.plan.dims)],
                       exp.alias_(value, ident(VALUE)), exp.alias_(row_number, ident(ROW_NUMBER)),
                       exp.alias_(position, ident(POSITION)))
    inner = builder.from_with_joins(inner, scan.source, rows, scan)
    where = builder.scan_where(scan, rows, scan.conditions)
    if where is not None:
        inner = inner.where(where)
    outer = exp.select(*[col(d.column) for d in builder.plan.dims],
                       exp.alias_(interpolated(), ident(measure.column))).from_(aliased(inner, RANKED))
    return outer.group_by(*[col(d.column) for d in builder.plan.dims]) if builder.plan.dims else outer


def interpolated() -> exp.Expr:
    """low + (position − floor(position)) × (high − low), all aggregates over one group's numbered rows."""
    position = col(POSITION)
    low, high = _value_at(exp.Floor(this=position.copy())), _value_at(exp.Ceil(this=position.copy()))
    fraction = exp.Max(this=exp.Sub(this=position.copy(), expression=exp.Floor(this=position.copy())))
    spread = exp.Paren(this=exp.Sub(this=high, expression=low.copy()))
    return exp.Add(this=low, expression=exp.Mul(this=fraction, expression=spread))


def _value_at(index: exp.Expr) -> exp.Expr:
    """MAX(CASE WHEN row = index + 1 THEN value END): the value at a 0-based position of the group."""
    hit = exp.EQ(this=col(ROW_NUMBER), expression=exp.Add(this=index, expression=exp.Literal.number(1)))
    return exp.Max(this=exp.Case(ifs=[exp.If(this=hit, true=col(VALUE))]))



