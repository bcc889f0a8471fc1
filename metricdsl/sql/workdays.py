"""A working-day calendar as literal rows in the SQL: one row per day, `(day DATE, workday INT)`.

The compiler knows a `calendar`'s days (LANGUAGE.md §9: statutory holidays, make-up workdays
(调休), `closed:` and `open:`), so it writes them into the statement rather than asking the
warehouse for a holiday table. The rows are a `VALUES` list where the engine reads one as a table
(DuckDB, PostgreSQL, Spark), else (Impala) a `UNION ALL` of one-row selects, the shape of the
literal calendars in `sql/calendar.py`. Both uses read the same rows:

- `time_progress(cal)`: `workdays_by_bucket(…, through=as_of)` gives, per bucket, its workdays
  and its workdays through the as-of date;
- `planned(T)` at day grain: join the days to the months (`workdays_by_bucket(…, "month")`) and
  share each month's target by `workday / workdays`.
"""

from __future__ import annotations

import datetime

from sqlglot import exp

from metricdsl import grains
from metricdsl.allocate.calendar import WorkCalendar, days_between
from metricdsl.ir.targets import CalendarSpec
from metricdsl.sql.capabilities import Capabilities
from metricdsl.sql.rows import col, date_literal, ident, stacked, truncate

DAY = "day"
WORKDAY = "workday"
BUCKET = "bucket"
WORKDAYS = "workdays"
WORKDAYS_THROUGH = "workdays_through"
VALUES_ALIAS = "calendar_days"


def covering_days(first: datetime.date, last: datetime.date, grain: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the `grain` buckets that hold `first` … `last` (whole buckets)."""
    start = grains.bucket_start(first, grain)
    last_bucket = grains.bucket_start(last, grain)
    if grain in grains.MONTHS_PER_UNIT:
        after = grains.shift_months(last_bucket, grains.MONTHS_PER_UNIT[grain])
    else:
        after = last_bucket + datetime.timedelta(days=grains.DAYS_PER_UNIT[grain])
    return start, after - datetime.timedelta(days=1)


def calendar_days(calendar: CalendarSpec | WorkCalendar, first: datetime.date,
                  last: datetime.date) -> list[tuple[datetime.date, bool]]:
    """Every day from `first` to `last` (inclusive) and whether it is a working day of `calendar`."""
    work = calendar if isinstance(calendar, WorkCalendar) else WorkCalendar(calendar)
    return [(day, work.is_workday(day)) for day in days_between(first, last)]


def workday_rows(calendar: CalendarSpec | WorkCalendar, first: datetime.date, last: datetime.date,
                 capabilities: Capabilities) -> exp.Query:
    """A query of the columns `day` (DATE) and `workday` (1 or 0), one row per day from `first` to
    `last` inclusive: put it in a CTE and read it as a table."""
    if last < first:
        raise ValueError(f"a calendar range {first} .. {last} ends before it starts")
    days = calendar_days(calendar, first, last)
    if capabilities.values_tables:
        return _values_rows(days)
    return _union_rows(days)


def _row(day: datetime.date, workday: bool) -> tuple[exp.Expr, exp.Expr]:
    return date_literal(day), exp.Literal.number(int(workday))


def _values_rows(days: list[tuple[datetime.date, bool]]) -> exp.Select:
    values = exp.Values(expressions=[exp.Tuple(expressions=list(_row(day, work))) for day, work in days],
                        alias=exp.TableAlias(this=ident(VALUES_ALIAS), columns=[ident(DAY), ident(WORKDAY)]))
    return exp.select(col(DAY, VALUES_ALIAS), col(WORKDAY, VALUES_ALIAS)).from_(values)


def _union_rows(days: list[tuple[datetime.date, bool]]) -> exp.Query:
    """Only the first select names its columns: a UNION takes its column names from the first."""
    selects = []
    for index, (day, work) in enumerate(days):
        value, flag = _row(day, work)
        if index == 0:
            value, flag = exp.alias_(value, ident(DAY)), exp.alias_(flag, ident(WORKDAY))
        selects.append(exp.select(value, flag))
    return stacked(selects)


def workdays_by_bucket(days: str, grain: str, through: exp.Expr | datetime.date | None = None) -> exp.Select:
    """Per `grain` bucket of the relation `days` (columns `day`, `workday`): `bucket` (its first day),
    `workdays` (its working days) and, given `through`, `workdays_through` (its working days on or
    before that day; a literal date or a DATE expression such as the as-of placeholder)."""
    bucket = col(DAY, days) if grain == "day" else truncate(grain, col(DAY, days))
    columns: list[exp.Expr] = [
        exp.alias_(bucket, ident(BUCKET)),
        exp.alias_(exp.Sum(this=col(WORKDAY, days)), ident(WORKDAYS)),
    ]
    if through is not None:
        limit = date_literal(through) if isinstance(through, datetime.date) else through.copy()
        counted = exp.Case(ifs=[exp.If(this=exp.LTE(this=col(DAY, days), expression=limit),
                                       true=col(WORKDAY, days))], default=exp.Literal.number(0))
        columns.append(exp.alias_(exp.Sum(this=counted), ident(WORKDAYS_THROUGH)))
    return exp.select(*columns).from_(ident(days)).group_by(bucket.copy())

