"""SQL of `planned(T)` (LANGUAGE.md §9; planned in metricdsl.plan.planned): a scan of T's saved plan.

The store table holds rows (`grain`, `start`, `member`, `target`): the year, each month and (when
the plan spreads to weeks) each week clipped to its month, for the whole (member null) and for
each split member. The scan reads one grain of rows — weeks at week grain, months otherwise (the
year row when the plan has no months) — and sums them per output group; a quarter or a year is
the sum of its months. At day grain each month's target is shared by the working days of T's
calendar: its days are literal rows (metricdsl.sql.workdays) joined to the month rows, each day
taking target × workday / the month's workdays.

A period keeps the rows whose bucket (at the query's grain, or the rows' own without a time
dimension) overlaps it, so a bucket's planned value is its whole target, as `track` reports it.
"""

from __future__ import annotations

from typing import Protocol

from sqlglot import exp

from metricdsl.allocate.calendar import WorkCalendar
from metricdsl.ir import model as m
from metricdsl.plan.nodes import OutputDim, PlannedRead, QueryPlan, Scan
from metricdsl.sql import bounds as query_bounds
from metricdsl.sql import workdays
from metricdsl.sql.rows import RowCompiler, aggregate, col, data_type, ident, safe_divide, truncate, with_filter
from metricdsl.sql.target import Target
from metricdsl.sql.types import sql_type, table_ref

SAVED = "saved_plan"  # the alias of the store table
COLUMNS = ("grain", "start", "member", "target")


class ScanBuilder(Protocol):
    """What this module uses of metricdsl.sql.statement.StatementBuilder."""

    project: m.Project
    plan: QueryPlan
    target: Target
    bounds: query_bounds.Bounds | None
    ctes: list[tuple[str, exp.Expr]]


class PlanRows(RowCompiler):
    """Row expressions over the saved rows: the split dimension is the member, `time.*` the row's day."""

    def __init__(self, project: m.Project, read: PlannedRead, day: exp.Expr, member: exp.Expr,
                 builder: ScanBuilder) -> None:
        super().__init__(project, read.store[-1], day, builder.target.capabilities)
        self.member = member

    def compile(self, expr: m.RowExpr) -> exp.Expr:
        if isinstance(expr, m.DimRef):
            return self.member.copy()
        if isinstance(expr, m.TimeRef) and expr.grain == "day":
            return self.time().copy()
        return super().compile(expr)


def planned_scan(builder: ScanBuilder, scan: Scan) -> exp.Select:
    read = scan.planned
    assert read is not None
    select = exp.select().from_(table_ref(read.store, SAVED))
    day = col("start", SAVED)
    rows_grain = "month" if read.rows == "day" else read.rows
    value: exp.Expr = col("target", SAVED)
    if read.rows == "day":
        days_name, months_name = _workday_ctes(builder, scan, read)
        day = col(workdays.DAY, days_name)
        select = select.join(exp.Table(this=ident(days_name)), join_type="INNER", on=exp.EQ(
            this=truncate("month", col(workdays.DAY, days_name)), expression=col("start", SAVED)))
        select = select.join(exp.Table(this=ident(months_name)), join_type="INNER", on=exp.EQ(
            this=col(workdays.BUCKET, months_name), expression=col("start", SAVED)))
        share = exp.Mul(this=col("target", SAVED), expression=col(workdays.WORKDAY, days_name))
        value = safe_divide(share, col(workdays.WORKDAYS, months_name))
    rows = PlanRows(builder.project, read, day, _member(builder.project, read), builder)
    time_dim = builder.plan.time_dim
    bucket_grain = time_dim.grain if time_dim is not None and time_dim.grain else read.rows
    dims = [_dim(d, rows, day) for d in builder.plan.dims]
    measures = [exp.alias_(with_filter(aggregate("sum", value.copy()), None if mz.condition is None else rows(mz.condition)),
                           ident(mz.column)) for mz in scan.measures]
    select = select.select(*[exp.alias_(e, ident(d.column)) for e, d in zip(dims, builder.plan.dims)], *measures)
    conditions = _conditions(builder, read, rows, rows_grain, bucket_grain, day)
    select = select.where(exp.and_(*conditions, wrap=False, copy=False))
    return select.group_by(*[e.copy() for e in dims]) if dims else select


def _workday_ctes(builder: ScanBuilder, scan: Scan, read: PlannedRead) -> tuple[str, str]:
    """The CTEs of T's calendar days over its period's months, and of the months' working days."""
    first, last = workdays.covering_days(read.period[0], read.period[1], "month")
    days_name, months_name = f"{scan.name}_days", f"{scan.name}_months"
    calendar = WorkCalendar(read.calendar)  # no calendar: Monday to Friday, as the allocator counts
    builder.ctes.append((days_name, workdays.workday_rows(calendar, first, last, builder.target.capabilities)))
    builder.ctes.append((months_name, workdays.workdays_by_bucket(days_name, "month")))
    return days_name, months_name


def _member(project: m.Project, read: PlannedRead) -> exp.Expr:
    """The member column, of the split dimension's type (the member is saved as text)."""
    member = col("member", SAVED)
    dimension = project.dimensions.get(read.split_dimension or "")
    if dimension is None or dimension.type in ("string", "unknown"):
        return member
    return exp.Cast(this=member, to=data_type(sql_type(dimension.type)))


def _dim(dim: OutputDim, rows: PlanRows, day: exp.Expr) -> exp.Expr:
    if dim.grain is not None:
        return _bucket(dim.grain, day)
    return rows(dim.row_expr)


def _bucket(grain: str, day: exp.Expr) -> exp.Expr:
    return day.copy() if grain == "day" else truncate(grain, day.copy())


def _conditions(builder: ScanBuilder, read: PlannedRead, rows: PlanRows, rows_grain: str, bucket_grain: str,
                day: exp.Expr) -> list[exp.Expr]:
    """The saved rows of one grain, the members' or the whole's, whose bucket overlaps the period."""
    member = col("member", SAVED)
    parts: list[exp.Expr] = [
        exp.EQ(this=col("grain", SAVED), expression=exp.Literal.string(rows_grain)),
        exp.Not(this=exp.Is(this=member, expression=exp.Null())) if read.members
        else exp.Is(this=member, expression=exp.Null()),
    ]
    bounds, bucket = builder.bounds, _bucket(bucket_grain, day)
    if bounds is not None and bounds.start is not None:
        first = query_bounds.bucket_start(bounds.start, bucket_grain)
        parts.append(exp.GTE(this=bucket.copy(), expression=query_bounds.day_sql(first)))
    if bounds is not None and bounds.stop is not None:  # a bucket overlaps when it starts before the stop
        parts.append(exp.LT(this=bucket.copy(), expression=query_bounds.day_sql(bounds.stop)))
    if builder.plan.where is not None:
        parts.append(exp.Paren(this=rows(builder.plan.where)))
    return parts
