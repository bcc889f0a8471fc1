"""time.day / week / month / quarter / year: ISO weeks starting on Monday across year
boundaries (and week 53), bucket values are first days as dates, every bucket overlapping the
period appears with 0 / NULL, rows outside the period are not counted, min() of a date column
is a date, and the date functions month() / year() in dimensions (LANGUAGE.md §3, §4, §8)."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

from support.reference import (
    TIME_DAY,
    TIME_MONTH,
    TIME_QUARTER,
    TIME_WEEK,
    TIME_YEAR,
    Dim,
    Group,
    Row,
    Source,
    avg,
    count,
    dim,
    eq,
    max_,
    metric,
    min_,
    period,
    sum_,
    year,
)

SOURCES = [
    Source(
        "events",
        "tb_events",
        "event_id:int event_date:date kind:string value:int",
        time="event_date",
    )
]

KIND = dim("kind", "events.kind")
EVENT_MONTH_NO = Dim("event_month_no", lambda r: r["events.event_date"].month)


def _value(r: Row) -> Any:
    return r["events.value"]


@metric
def events(g: Group) -> Any:
    return count(g.rows("events"))


@metric
def total(g: Group) -> Any:
    return sum_(g.rows("events"), _value)


@metric
def avg_value(g: Group) -> Any:
    return avg(g.rows("events"), _value)


@metric
def min_value(g: Group) -> Any:
    return min_(g.rows("events"), _value)


@metric
def max_value(g: Group) -> Any:
    return max_(g.rows("events"), _value)


@metric
def first_day(g: Group) -> Any:
    return min_(g.rows("events"), lambda r: r["events.event_date"])


QUERIES = {
    "weekly_year_boundary": lambda ds: ds.query(
        metrics=[events, total, min_value],
        by=[TIME_WEEK],
        period=period("2025-12-27", "2026-01-11"),
        order=["time.week"],
    ),
    "weekly_53": lambda ds: ds.query(
        metrics=[events, total], by=[TIME_WEEK], period=period("2026-12-21", "2027-01-03")
    ),
    "daily": lambda ds: ds.query(
        metrics=[events, total, avg_value],
        by=[TIME_DAY],
        period=period("2025-12-28", "2026-01-02"),
        order=["time.day"],
    ),
    "monthly_2026": lambda ds: ds.query(
        metrics=[events, total, avg_value, max_value, first_day],
        by=[TIME_MONTH],
        period=year(2026),
        order=["time.month"],
    ),
    "monthly_partial_period": lambda ds: ds.query(
        metrics=[events, total], by=[TIME_MONTH], period=period("2025-12-30", "2026-03-14")
    ),
    "quarterly": lambda ds: ds.query(
        metrics=[events, total],
        by=[TIME_QUARTER, KIND],
        period=year(2025),
        order=["time.quarter", "kind"],
    ),
    "yearly": lambda ds: ds.query(
        metrics=[events, total, min_value],
        by=[TIME_YEAR],
        period=period("2023-01-01", "2027-12-31"),
    ),
    # No period: LANGUAGE.md only fills "the buckets of the period"; the data has no gap here.
    "yearly_no_period": lambda ds: ds.query(metrics=[events], by=[TIME_YEAR]),
    "by_month_number": lambda ds: ds.query(
        metrics=[events, total],
        by=[EVENT_MONTH_NO],
        where=lambda r: eq(r["events.event_date"].year, 2025),
        order=["event_month_no"],
    ),
}

d = dt.date
HAND_CHECKED = {
    "weekly_year_boundary": (
        ["time_week", "events", "total", "min_value"],
        [(d(2025, 12, 22), 0, 0, None), (d(2025, 12, 29), 4, 41, 3), (d(2026, 1, 5), 1, 30, 30)],
    ),
    "weekly_53": (
        ["time_week", "events", "total"],
        [(d(2026, 12, 21), 0, 0), (d(2026, 12, 28), 2, 9)],
    ),
    "daily": (
        ["time_day", "events", "total", "avg_value"],
        [
            (d(2025, 12, 28), 0, 0, None),
            (d(2025, 12, 29), 1, 3, D(3)),
            (d(2025, 12, 30), 0, 0, None),
            (d(2025, 12, 31), 1, 8, D(8)),
            (d(2026, 1, 1), 1, 10, D(10)),
            (d(2026, 1, 2), 0, 0, None),
        ],
    ),
    "monthly_2026": (
        ["time_month", "events", "total", "avg_value", "max_value", "first_day"],
        [(d(2026, 1, 1), 4, 61, D("15.25"), 30, d(2026, 1, 1))]
        + [(d(2026, 2, 1), 0, 0, None, None, None)]
        + [(d(2026, 3, 1), 1, 2, D(2), 2, d(2026, 3, 15))]
        + [(d(2026, m, 1), 0, 0, None, None, None) for m in (4, 5, 6)]
        + [(d(2026, 7, 1), 1, 3, D(3), 3, d(2026, 7, 4))]
        + [(d(2026, m, 1), 0, 0, None, None, None) for m in (8, 9, 10, 11)]
        + [(d(2026, 12, 1), 1, 4, D(4), 4, d(2026, 12, 31))],
    ),
    "monthly_partial_period": (
        ["time_month", "events", "total"],
        [(d(2025, 12, 1), 1, 8), (d(2026, 1, 1), 4, 61), (d(2026, 2, 1), 0, 0), (d(2026, 3, 1), 0, 0)],
    ),
    "quarterly": (
        ["time_quarter", "kind", "events", "total"],
        [
            (d(2025, 1, 1), "a", 2, 9),
            (d(2025, 1, 1), "b", 2, 5),
            (d(2025, 4, 1), "a", 0, 0),
            (d(2025, 4, 1), "b", 1, 6),
            (d(2025, 7, 1), "a", 0, 0),
            (d(2025, 7, 1), "b", 0, 0),
            (d(2025, 10, 1), "a", 1, 3),
            (d(2025, 10, 1), "b", 1, 8),
        ],
    ),
    "yearly": (
        ["time_year", "events", "total", "min_value"],
        [
            (d(2023, 1, 1), 0, 0, None),
            (d(2024, 1, 1), 1, 5, 5),
            (d(2025, 1, 1), 7, 31, 1),
            (d(2026, 1, 1), 7, 70, 1),
            (d(2027, 1, 1), 1, 5, 5),
        ],
    ),
    "by_month_number": (
        ["event_month_no", "events", "total"],
        [(1, 3, 10), (3, 1, 4), (4, 1, 6), (12, 2, 11)],
    ),
}
