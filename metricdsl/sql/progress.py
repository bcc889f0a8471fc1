"""SQL of `time_progress(cal)` (LANGUAGE.md §9; planned in metricdsl.plan.progress).

A bucket's progress is its working days from its first day through the as-of date over all its
working days: 0 for a bucket that starts after the as-of date, 1 for one that ends on or before
it, and for the bucket that holds the as-of date the ratio, from the calendar's days written into
the statement as literal rows (sql/workdays.py). A bucket without working days counts as done from
its first day (1). Without a time dimension the one "bucket" is the whole period (`this month`: the
whole month that holds the as-of date).

The literal days cover only what the as-of date can reach: with a literal as-of date, the bucket
(or period) that holds it; with a placeholder or `CURRENT_DATE` and a literal period, the period's
buckets; otherwise (a relative period or none, the as-of date known only at run time) the year
before through the year after the year of compiling. A bucket the days do not cover gets NULL,
never a wrong value. The progress columns are LEFT JOINed to the grouped rows on the time bucket
(or crossed with them, for a whole period): one small row per bucket, never a join of fact rows.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.nodes import WITH_PROGRESS, ProgressPlan, QueryPlan, fresh_name
from metricdsl.sql import bounds
from metricdsl.sql.bounds import Day, add_days, day_sql
from metricdsl.sql.rows import add_interval, col, data_type, ident, safe_divide
from metricdsl.sql.target import Target
from metricdsl.sql.workdays import (
    BUCKET,
    DAY,
    WORKDAY,
    WORKDAYS,
    WORKDAYS_THROUGH,
    covering_days,
    workday_rows,
    workdays_by_bucket,
)

COVERED_YEARS = 1
"""Without a literal as-of date or period, the days run from this many years before to as many after
the year of compiling."""


class BuilderLike(Protocol):
    """What this module uses of metricdsl.sql.statement.StatementBuilder."""

    project: m.Project
    plan: QueryPlan
    target: Target
    as_of: m.AsOf | None
    ctes: list[tuple[str, exp.Expr]]


def attach_progress(builder: BuilderLike, source: str) -> str:
    """The relation the final select reads: `source`, or `source` with a column per time_progress."""
    plan = builder.plan
    if not plan.progress:
        return source
    taken = {name for name, _ in builder.ctes} | {scan.name for scan in plan.scans}
    select = exp.select(exp.Column(this=exp.Star(), table=ident(source))).from_(ident(source))
    for progress in plan.progress:
        select = _with_progress(builder, progress, source, select, taken)
    name = fresh_name(WITH_PROGRESS, taken)
    builder.ctes.append((name, select))
    return name


def _with_progress(builder: BuilderLike, progress: ProgressPlan, source: str, select: exp.Select,
                   taken: set[str]) -> exp.Select:
    plan, as_of = builder.plan, bounds.as_of_day(builder.as_of)
    days = fresh_name(f"{progress.column}_days", taken)
    counts = fresh_name(f"{progress.column}_counts", taken)
    time_dim = plan.time_dim
    grain = time_dim.grain if time_dim is not None else None
    first_day, last_day = _day_range(plan.period, builder.as_of, grain)
    calendar = builder.project.calendars[progress.calendar]
    builder.ctes.append((days, workday_rows(calendar, first_day, last_day, builder.target.capabilities)))
    if time_dim is not None and grain is not None:
        builder.ctes.append((counts, workdays_by_bucket(days, grain, as_of)))
        bucket = col(time_dim.column, source)
        value = _progress(bucket, add_interval(bucket.copy(), 1, grain), counts, as_of)
        on = exp.EQ(this=col(BUCKET, counts), expression=bucket.copy())
        return select.select(exp.alias_(value, ident(progress.column))).join(ident(counts), on=on, join_type="LEFT")
    assert plan.period is not None, "the checker asks for a period without a time dimension (E605)"
    start, last = period_span(plan.period, as_of)
    builder.ctes.append((counts, _span_counts(days, start, last, as_of)))
    value = _progress(day_sql(start), day_sql(add_days(last, 1)), counts, as_of)
    if not (isinstance(start, datetime.date) and isinstance(last, datetime.date)):
        covered = exp.and_(exp.GTE(this=day_sql(start), expression=day_sql(first_day)),
                           exp.LTE(this=day_sql(last), expression=day_sql(last_day)), wrap=False, copy=False)
        value = exp.Case(ifs=[exp.If(this=covered, true=value)])
    return select.select(exp.alias_(value, ident(progress.column))).join(ident(counts), join_type="CROSS")


def _progress(start: exp.Expr, after: exp.Expr, counts: str, as_of: Day) -> exp.Expr:
    """0 before the bucket starts, 1 once it has ended (or when it has no working days), else the ratio;
    NULL where the literal days do not reach (a bucket the CASE cannot decide from its dates)."""
    workdays = col(WORKDAYS, counts)
    ratio = safe_divide(col(WORKDAYS_THROUGH, counts), workdays)
    case = exp.Case(ifs=[
        exp.If(this=exp.GT(this=start, expression=day_sql(as_of)), true=exp.Literal.number(0)),
        exp.If(this=exp.LTE(this=after, expression=day_sql(add_days(as_of, 1))), true=exp.Literal.number(1)),
        exp.If(this=exp.GT(this=workdays, expression=exp.Literal.number(0)), true=ratio),
        exp.If(this=exp.EQ(this=workdays.copy(), expression=exp.Literal.number(0)), true=exp.Literal.number(1)),
    ])
    return exp.Cast(this=case, to=data_type("DOUBLE"))


def _span_counts(days: str, start: Day, last: Day, as_of: Day) -> exp.Select:
    """The working days of the whole period, and those through the as-of date: one row."""
    through = exp.Case(ifs=[exp.If(this=exp.LTE(this=col(DAY, days), expression=day_sql(as_of)),
                                   true=col(WORKDAY, days))], default=exp.Literal.number(0))
    within = exp.and_(exp.GTE(this=col(DAY, days), expression=day_sql(start)),
                      exp.LTE(this=col(DAY, days), expression=day_sql(last)), wrap=False, copy=False)
    return exp.select(exp.alias_(exp.Sum(this=col(WORKDAY, days)), ident(WORKDAYS)),
                      exp.alias_(exp.Sum(this=through), ident(WORKDAYS_THROUGH))).from_(ident(days)).where(within)


def period_span(period: m.AnyPeriod, as_of: Day) -> tuple[Day, Day]:
    """The first and last day of the period whose progress a query without a time dimension shows:
    a literal period as written; `this <unit>` the whole unit that holds the as-of date; `last N
    <units>` those whole units."""
    if isinstance(period, m.Period):
        return period.start, period.end
    if period.which == "this":
        start = bounds.bucket_start(as_of, period.unit)
        return start, add_days(_bucket_after(start, period.unit), -1)
    start, stop, _ = bounds.relative_days(period, as_of)
    return start, add_days(stop, -1)


def _bucket_after(start: Day, unit: str) -> Day:
    if isinstance(start, datetime.date):
        return add_days(covering_days(start, start, unit)[1], 1)
    return add_interval(start.copy(), 1, unit)


def _day_range(period: m.AnyPeriod | None, as_of: m.AsOf | None, grain: str | None) -> tuple[datetime.date, datetime.date]:
    """The days to write into the statement (literal): what the as-of date can reach, in whole buckets."""
    known = as_of.date if as_of is not None else None
    if known is not None:
        if grain is not None:
            return covering_days(known, known, grain)
        assert period is not None
        start, last = period_span(period, known)
        assert isinstance(start, datetime.date) and isinstance(last, datetime.date)
        return start, last
    if isinstance(period, m.Period):
        return covering_days(period.start, period.end, grain) if grain else (period.start, period.end)
    year = datetime.date.today().year
    first, last = datetime.date(year - COVERED_YEARS, 1, 1), datetime.date(year + COVERED_YEARS, 12, 31)
    return covering_days(first, last, grain or "day")

