"""`median` and `percentile` (LANGUAGE.md §5, §8): continuous percentiles over the non-NULL values of
each group, interpolated at p × (n − 1); one value is every percentile of itself; two values
interpolate (team C: median 2.5, 25th percentile 1.75); only NULLs or no rows give NULL."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

from support.reference import (
    TIME_MONTH,
    Group,
    Row,
    Source,
    count,
    dim,
    div,
    eq,
    median,
    metric,
    ne,
    percentile,
    period,
)

SOURCES = [
    Source(
        "tickets",
        "pc_tickets",
        "ticket_id:int opened:date team:string priority:string minutes:decimal(10,2) score:int",
        time="opened",
    )
]

TEAM = dim("team", "tickets.team")


def _minutes(r: Row) -> Any:
    return r["tickets.minutes"]


@metric
def ticket_count(g: Group) -> Any:
    return count(g.rows("tickets"))


@metric
def median_minutes(g: Group) -> Any:
    return median(g.rows("tickets"), _minutes)


@metric
def p90_minutes(g: Group) -> Any:
    return percentile(g.rows("tickets"), _minutes, "0.9")


@metric
def p25_minutes(g: Group) -> Any:
    return percentile(g.rows("tickets"), _minutes, "0.25")


@metric
def fastest(g: Group) -> Any:
    return percentile(g.rows("tickets"), _minutes, "0")


@metric
def slowest(g: Group) -> Any:
    return percentile(g.rows("tickets"), _minutes, "1")


@metric
def urgent_median(g: Group) -> Any:
    return median(g.rows("tickets", lambda r: eq(r["tickets.priority"], "urgent")), _minutes)


@metric
def median_score(g: Group) -> Any:
    return median(g.rows("tickets"), lambda r: r["tickets.score"])


@metric
def minutes_per_score(g: Group) -> Any:
    return div(median_minutes(g), median_score(g))


BY_TEAM = [ticket_count, median_minutes, p90_minutes, p25_minutes, fastest, slowest, urgent_median, median_score,
           minutes_per_score]
QUERIES = {
    "by_team": lambda ds: ds.query(metrics=BY_TEAM, by=[TEAM]),
    "by_month": lambda ds: ds.query(metrics=[ticket_count, median_minutes, p90_minutes, urgent_median],
                                    by=[TIME_MONTH], period=period("2026-01-01", "2026-03-31")),
    "overall": lambda ds: ds.query(metrics=[median_minutes, p90_minutes, median_score],
                                   where=lambda r: ne(r["tickets.team"], "A")),
}

HAND_CHECKED = {
    "by_team": (
        ["team", "ticket_count", "median_minutes", "p90_minutes", "p25_minutes", "fastest", "slowest",
         "urgent_median", "median_score", "minutes_per_score"],
        [
            ("A", 4, D(25), D(37), D("17.5"), D(10), D(40), D(15), D(4), D("6.25")),
            ("B", 1, D("7.25"), D("7.25"), D("7.25"), D("7.25"), D("7.25"), None, D(2), D("3.625")),
            ("C", 2, D("2.5"), D("3.7"), D("1.75"), D(1), D(4), D("2.5"), D("1.5"), D("2.5") / D("1.5")),
            ("D", 2, None, None, None, None, None, None, D(5), None),
            ("E", 2, D("12.8"), D("13.04"), D("12.65"), D("12.5"), D("13.1"), None, D(4), D("3.2")),
        ],
    ),
    "by_month": (
        ["time_month", "ticket_count", "median_minutes", "p90_minutes", "urgent_median"],
        [
            (dt.date(2026, 1, 1), 5, D(10), D(29), D("5.5")),
            (dt.date(2026, 2, 1), 6, D("16.55"), D(27), D(12)),
            (dt.date(2026, 3, 1), 0, None, None, None),
        ],
    ),
}
