"""The calendar CTE and the date arithmetic of shifted and cumulative scans.

The calendar holds every bucket of the period, or without a period every bucket from the first
to the last one with data. It is a `generate_series` where the engine has one, else a series of
0…9999 (more digit places where the period needs them) built from crossed digits and added to the
first bucket.
"""

from __future__ import annotations

import datetime

from sqlglot import exp

from metricdsl import grains
from metricdsl.errors import PlanningBug
from metricdsl.ir import model as m
from metricdsl.plan.nodes import BOUNDS, CALENDAR, DIGIT_PLACES, NUMBERS, RANGES, SERIES, Shift, Window
from metricdsl.sql.rows import (
    add_interval,
    aliased,
    col,
    data_type,
    date_literal,
    ident,
    interval_step,
    stacked,
    truncate,
)

FIRST, LAST = "first_bucket", "last_bucket"
MIN_PLACES = 4
"""A numbers calendar has at least 0 … 9999; a period's calendar adds digit places as it needs them."""
DATA_PLACES = {"day": 6, "week": 5, "month": 4, "quarter": 4, "year": 4}
"""Without a period the span is known only at run time: 1,000,000 days (2,738 years), 100,000 weeks,
10,000 months (833 years) cover every date an engine without generate_series (Impala: 1400–9999) holds
in practice."""


# ---- the calendar ------------------------------------------------------------------------------
LITERAL_BUCKETS = 120
"""Without generate_series, a literal period of at most this many buckets is written as literal rows."""


def period_calendar(grain: str, column: str, period: m.Period, generate_series: bool) -> exp.Query:
    """Every bucket of the period: a generated series, or (no generate_series, a short period) literal rows."""
    first, last = grains.bucket_start(period.start, grain), grains.bucket_start(period.end, grain)
    return literal_calendar(grain, column, first, last, generate_series)


def literal_calendar(grain: str, column: str, first: datetime.date, last: datetime.date,
                     generate_series: bool) -> exp.Query:
    """Every bucket from `first` to `last` (bucket starts known when compiling)."""
    if not generate_series:
        days = literal_buckets(first, last, grain)
        if len(days) <= LITERAL_BUCKETS:
            return stacked([exp.select(exp.alias_(date_literal(day), ident(column))) for day in days])
    return series(grain, column, date_literal(first), date_literal(last), None, generate_series,
                  digit_places(bucket_count(first, last, grain)))


def digit_places(buckets: int) -> int:
    """The digit places of a numbers calendar of `buckets` rows (0 … buckets - 1), at least MIN_PLACES."""
    return max(MIN_PLACES, len(str(buckets - 1)))


def literal_buckets(first: datetime.date, last: datetime.date, grain: str) -> list[datetime.date]:
    """The first days of the buckets from `first` to `last` (both bucket starts), stopping past the limit."""
    days: list[datetime.date] = []
    day = first
    while day <= last and len(days) <= LITERAL_BUCKETS:
        days.append(day)
        if grain in grains.MONTHS_PER_UNIT:
            day = grains.shift_months(day, grains.MONTHS_PER_UNIT[grain])
        else:
            day += datetime.timedelta(days=grains.DAYS_PER_UNIT[grain])
    return days


def data_calendar(grain: str, column: str, ranges: list[exp.Select], generate_series: bool) -> exp.Select:
    """Every bucket from the first to the last of `ranges` (selects of `bucket_range`)."""
    bounds = exp.select(
        exp.alias_(exp.Min(this=col(FIRST)), ident(FIRST)),
        exp.alias_(exp.Max(this=col(LAST)), ident(LAST)),
    ).from_(aliased(stacked(ranges), RANGES))
    return series(grain, column, col(FIRST, BOUNDS), col(LAST, BOUNDS), bounds, generate_series,
                  DATA_PLACES[grain])


def bucket_count(first: datetime.date, last: datetime.date, grain: str) -> int:
    """The number of `grain` buckets from the one starting on `first` to the one starting on `last`."""
    if grain in ("day", "week"):
        return (last - first).days // grains.DAYS_PER_UNIT[grain] + 1
    months = (last.year - first.year) * 12 + last.month - first.month
    return months // grains.MONTHS_PER_UNIT[grain] + 1


def bucket_range(select: exp.Select, bucket: exp.Expr) -> exp.Select:
    """`select` extended with the first and last `bucket` of its rows."""
    return select.select(exp.alias_(exp.Min(this=bucket), ident(FIRST)),
                         exp.alias_(exp.Max(this=bucket.copy()), ident(LAST)))


def within_calendar(column: str) -> exp.Expr:
    """Lagged rows labelled past the last bucket of the data (no period given) are not output buckets."""
    last = exp.Subquery(this=exp.select(exp.Max(this=col(column))).from_(ident(CALENDAR)))
    return exp.Or(this=exp.Is(this=col(column), expression=exp.Null()),
                  expression=exp.LTE(this=col(column), expression=last))


def series(grain: str, column: str, first: exp.Expr, last: exp.Expr, bounds: exp.Select | None,
           generate_series: bool, places: int) -> exp.Select:
    if generate_series:
        return generated_series(grain, column, first, last, bounds)
    return numbered_series(grain, column, first, last, bounds, places)


def generated_series(grain: str, column: str, first: exp.Expr, last: exp.Expr,
                     bounds: exp.Select | None) -> exp.Select:
    step, unit = interval_step(grain)
    interval = exp.Interval(this=exp.Literal.string(str(step)), unit=exp.Var(this=unit))
    timestamp = data_type("TIMESTAMP")
    generated = exp.Anonymous(this="generate_series", expressions=[
        exp.Cast(this=first, to=timestamp), exp.Cast(this=last, to=timestamp), interval])
    table = exp.Table(this=generated, alias=exp.TableAlias(this=ident(SERIES), columns=[ident("bucket")]))
    value = exp.alias_(exp.Cast(this=col("bucket", SERIES), to=data_type("DATE")), ident(column))
    select = exp.select(value)
    if bounds is None:
        return select.from_(table)
    return select.from_(aliased(bounds, BOUNDS)).join(table, join_type="CROSS")


def numbered_series(grain: str, column: str, first: exp.Expr, last: exp.Expr,
                    bounds: exp.Select | None, places: int) -> exp.Select:
    """A calendar without generate_series: 0 … 10^places - 1 from crossed digits, added to the first bucket."""
    if places > len(DIGIT_PLACES):
        raise PlanningBug(f"a calendar of more than {10 ** len(DIGIT_PLACES):,} buckets")
    digits = stacked([exp.select(exp.alias_(exp.Literal.number(d), ident("d"))) for d in range(10)])
    ones, *higher = DIGIT_PLACES[:places]
    number: exp.Expr = exp.Add(this=col("d", ones), expression=exp.Literal.number(0))
    for power, place in enumerate(higher, start=1):
        number = exp.Add(this=number, expression=exp.Mul(this=col("d", place), expression=exp.Literal.number(10 ** power)))
    numbers = exp.select(exp.alias_(number, ident("n"))).from_(aliased(digits.copy(), ones))
    for place in higher:
        numbers = numbers.join(aliased(digits.copy(), place), join_type="CROSS")
    bucket = add_interval(first, col("n", NUMBERS), grain)
    select = exp.select(exp.alias_(bucket, ident(column))).from_(aliased(numbers, NUMBERS))
    if bounds is not None:
        select = select.join(aliased(bounds, BOUNDS), join_type="CROSS")
    return select.where(exp.LTE(this=bucket.copy(), expression=last))


# ---- shifted and cumulative scans --------------------------------------------------------------
def shifted(value: exp.Expr, shift: Shift) -> exp.Expr:
    """`value` labelled `shift` later: months first (clamping at month end), then days."""
    if shift.months:
        value = add_interval(value, shift.months, "month")
    if shift.days:
        value = add_interval(value, shift.days, "day")
    return value


def raw_bounds(shift: Shift, start: datetime.date, stop: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """Bounds on the unshifted time equivalent to `start <= shifted(t) < stop`, or None.

    Adding days is exact; adding months clamps at month end but keeps the month, so it can be
    undone exactly only when both bounds are first days of months."""
    if shift.months == 0:
        return start - datetime.timedelta(days=shift.days), stop - datetime.timedelta(days=shift.days)
    if shift.days == 0 and start.day == 1 and stop.day == 1:
        return grains.months_before(start, shift.months), grains.months_before(stop, shift.months)
    return None


def window_bounds(window: Window, grain: str, bucket: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
    """The start and (exclusive) end of a cumulative window for the calendar `bucket` of `grain`."""
    end = add_interval(bucket, 1, grain)
    start: exp.Expr
    lagged = bucket.copy() if window.anchor is None else unshifted(bucket.copy(), window.anchor)
    if window.count is None and window.unit == "year" and grain == "week":
        start = iso_year_start(lagged)
    elif window.count is None:
        start = truncate(window.unit, lagged)
    else:
        step, unit = interval_step(window.unit)
        start = exp.Cast(this=exp.DateSub(this=end.copy(), expression=exp.Literal.number(window.count * step),
                                          unit=exp.Var(this=unit)), to=data_type("DATE"))
    if window.count is None and window.anchor is not None:
        start = shifted(start, window.anchor)  # the lagged bucket's window, on the moved timeline
    return start, end


def unshifted(value: exp.Expr, shift: Shift) -> exp.Expr:
    """`value` moved back by `shift`: days first, then months (the reverse of `shifted`)."""
    for count, unit in ((shift.days, "DAY"), (shift.months, "MONTH")):
        if count:
            value = exp.Cast(this=exp.DateSub(this=value, expression=exp.Literal.number(count), unit=exp.Var(this=unit)),
                             to=data_type("DATE"))
    return value


def iso_year_start(week: exp.Expr) -> exp.Expr:
    """Monday of ISO week 1 of the ISO year a week (given by its Monday) belongs to.

    The week's Thursday is in its ISO year; 4 January is always in week 1."""
    january_first = truncate("year", add_interval(week, 3, "day"))
    return truncate("week", add_interval(january_first, 3, "day"))
