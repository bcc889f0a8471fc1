"""The bounds a query reads: its period and its as-of date as days, literal or computed in SQL.

A `Day` is a `datetime.date` (a literal in the SQL, so a warehouse prunes partitions) or a sqlglot
date expression (computed at run time from `CAST('<placeholder>' AS DATE)` or `CURRENT_DATE`).
The same arithmetic serves both: given a literal as-of date every bound comes out literal, given a
placeholder every bound is an expression of it (LANGUAGE.md §7). The statement asks this module
for three things only: the calendar's first and last bucket, the time filter of each scan, and
the as-of cap (no scan reads rows after the as-of date).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlglot import exp

from metricdsl import grains
from metricdsl.ir import model as m
from metricdsl.plan.nodes import Shift
from metricdsl.sql.calendar import digit_places, literal_calendar, raw_bounds, series
from metricdsl.sql.rows import add_interval, date_literal, truncate

Day = datetime.date | exp.Expr
ONE_DAY = datetime.timedelta(days=1)


# ---- day arithmetic, literal where it can be ---------------------------------------------------
def day_sql(day: Day) -> exp.Expr:
    return date_literal(day) if isinstance(day, datetime.date) else day.copy()


def add_days(day: Day, days: int) -> Day:
    if isinstance(day, datetime.date):
        return day + datetime.timedelta(days=days)
    return add_interval(day.copy(), days, "day") if days else day


def add_months(month_start: Day, months: int) -> Day:
    """The first day of the month `months` after `month_start` (which is a first day of a month)."""
    if isinstance(month_start, datetime.date):
        return grains.shift_months(month_start, months)
    return add_interval(month_start.copy(), months, "month") if months else month_start


def bucket_start(day: Day, grain: str) -> Day:
    """The first day of the `grain` bucket that holds `day` (ISO weeks start on Monday)."""
    if isinstance(day, datetime.date):
        return grains.bucket_start(day, grain)
    return day if grain == "day" else truncate(grain, day.copy())


def earliest(first: Day, second: Day) -> Day:
    if isinstance(first, datetime.date) and isinstance(second, datetime.date):
        return min(first, second)
    return exp.Least(this=day_sql(first), expressions=[day_sql(second)])


def as_of_day(as_of: m.AsOf | None) -> Day:
    """The as-of date: a literal, `CAST('<placeholder>' AS DATE)`, or the engine's `CURRENT_DATE`."""
    if as_of is None:
        return exp.Cast(this=exp.CurrentDate(), to=exp.DataType.build("DATE"))
    if as_of.date is not None:
        return as_of.date
    return exp.Cast(this=exp.Literal.string(as_of.placeholder or ""), to=exp.DataType.build("DATE"))


# ---- the bounds of one query ---------------------------------------------------------------------
@dataclass(frozen=True)
class Bounds:
    """Rows with `start <= time < stop` (either side may be open); no scan reads at or after `cap`."""

    start: Day | None
    stop: Day | None
    cap: Day | None = None
    month_starts: bool = False  # start and stop are first days of months (exact month shifts in SQL)
    span_days: int | None = None  # at most this many days from start to stop (sizes a computed calendar)


MOST_DAYS = {"day": 1, "week": 7, "month": 31, "quarter": 92, "year": 366}
FEWEST_DAYS = {"day": 1, "week": 7, "month": 28, "quarter": 90, "year": 365}


def relative_days(period: m.RelativePeriod, as_of: Day) -> tuple[Day, Day, bool]:
    """First day, the day after the last, and whether both are first days of months."""
    unit, count = period.unit, period.count
    if period.which == "this":
        return bucket_start(as_of, unit), add_days(as_of, 1), False
    if unit == "day":
        return add_days(as_of, 1 - count), add_days(as_of, 1), False
    current = bucket_start(as_of, unit)
    if unit == "week":
        return add_days(current, -7 * count), current, False
    return add_months(current, -count * grains.MONTHS_PER_UNIT[unit]), current, True


def query_bounds(period: m.AnyPeriod | None, as_of: m.AsOf | None) -> Bounds | None:
    """The bounds of a query with this period at this as-of date (None: the query reads every row).

    A relative period without an as-of date is counted from `CURRENT_DATE`. Given an as-of date,
    a literal period ends at it too, and without a period the rows end at it."""
    if period is None and as_of is None:
        return None
    if isinstance(period, m.Period) and as_of is None:
        return Bounds(period.start, period.end + ONE_DAY, month_starts=_month_starts(period.start, period.end + ONE_DAY))
    today = as_of_day(as_of)
    cap = add_days(today, 1)
    if period is None:
        return Bounds(None, cap, cap)
    start: Day
    stop: Day
    if isinstance(period, m.Period):
        start, stop, month_starts = period.start, earliest(period.end + ONE_DAY, cap), False
        span = (period.end - period.start).days + 1
    else:
        start, stop, month_starts = relative_days(period, today)
        span = MOST_DAYS[period.unit] * (1 if period.which == "this" else period.count)
    if isinstance(start, datetime.date) and isinstance(stop, datetime.date):
        month_starts = _month_starts(start, stop)
    return Bounds(start, stop, cap, month_starts, span)


def _month_starts(start: datetime.date, stop: datetime.date) -> bool:
    return start.day == 1 and stop.day == 1


def calendar(bounds: Bounds, grain: str, column: str, generate_series: bool) -> exp.Query:
    """Every bucket of the period (bounds with a start and a stop): literal rows or a series between
    literal buckets when the dates are known now; else a series sized for the longest such period."""
    assert bounds.start is not None and bounds.stop is not None
    first, last = bucket_start(bounds.start, grain), bucket_start(add_days(bounds.stop, -1), grain)
    if isinstance(first, datetime.date) and isinstance(last, datetime.date):
        return literal_calendar(grain, column, first, last, generate_series)
    assert bounds.span_days is not None
    places = digit_places(bounds.span_days // FEWEST_DAYS[grain] + 2)
    return series(grain, column, day_sql(first), day_sql(last), None, generate_series, places)


def time_filter(bounds: Bounds, shift: Shift | None, windowed: bool, time: exp.Expr,
                raw_time: exp.Expr) -> list[exp.Expr]:
    """The conditions on a scan's rows: its (shifted) time within the bounds, on the raw column where
    that is exact so that a warehouse can still prune partitions; a windowed scan reads up to the cap."""
    if windowed:
        return [] if bounds.cap is None else [exp.LT(this=raw_time, expression=day_sql(bounds.cap))]
    start, stop = bounds.start, bounds.stop
    if shift is not None:
        raw = raw_day_bounds(bounds, shift)
        if raw is not None:
            time, (start, stop) = raw_time, raw
    parts: list[exp.Expr] = []
    if start is not None:
        parts.append(exp.GTE(this=time, expression=day_sql(start)))
    if stop is not None:
        parts.append(exp.LT(this=time.copy(), expression=day_sql(stop)))
    return parts


def raw_day_bounds(bounds: Bounds, shift: Shift) -> tuple[Day | None, Day | None] | None:
    """Bounds on the unshifted time equivalent to `start <= shifted(t) < stop`, or None."""
    start, stop = bounds.start, bounds.stop
    if isinstance(start, datetime.date) and isinstance(stop, datetime.date):
        return raw_bounds(shift, start, stop)
    if shift.months == 0:
        return (None if start is None else add_days(start, -shift.days),
                None if stop is None else add_days(stop, -shift.days))
    if shift.days == 0 and bounds.month_starts and start is not None and stop is not None:
        return add_months(start, -shift.months), add_months(stop, -shift.months)
    return None
