"""Empty aggregates and zero denominators (LANGUAGE.md §3, §8): in a group where an aggregate
sees no rows, count / count_distinct / sum give 0 and avg / min / max give NULL; x / 0 and
x / NULL are NULL; `/` is real division on integer columns, in aggregates and row by row; a
query without `by` returns one row even when nothing matches; a group appears only when one of
the query's metrics sees a row in it."""

from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

from support.reference import (
    Group,
    Row,
    Source,
    avg,
    count,
    count_distinct,
    dim,
    div,
    eq,
    max_,
    metric,
    min_,
    period,
    sum_,
)

SOURCES = [
    Source(
        "tickets",
        "ea_tickets",
        "ticket_id:int opened:date team:string status:string agent:string minutes:int reopens:int",
        time="opened",
    )
]

TEAM = dim("team", "tickets.team")


def _status(value: str) -> Callable[[Row], Any]:
    return lambda r: eq(r["tickets.status"], value)


def _minutes(r: Row) -> Any:
    return r["tickets.minutes"]


@metric
def total(g: Group) -> Any:
    return count(g.rows("tickets"))


@metric
def solved(g: Group) -> Any:
    return count(g.rows("tickets", _status("solved")))


@metric
def escalations(g: Group) -> Any:
    return count(g.rows("tickets", _status("escalated")))


@metric
def solve_rate(g: Group) -> Any:
    return div(solved(g), total(g))


@metric
def solved_minutes(g: Group) -> Any:
    return sum_(g.rows("tickets", _status("solved")), _minutes)


@metric
def avg_solved_minutes(g: Group) -> Any:
    return avg(g.rows("tickets", _status("solved")), _minutes)


@metric
def min_solved_minutes(g: Group) -> Any:
    return min_(g.rows("tickets", _status("solved")), _minutes)


@metric
def max_solved_minutes(g: Group) -> Any:
    return max_(g.rows("tickets", _status("solved")), _minutes)


@metric
def solvers(g: Group) -> Any:
    return count_distinct(g.rows("tickets", _status("solved")), lambda r: r["tickets.agent"])


@metric
def minutes_per_solved(g: Group) -> Any:
    return div(solved_minutes(g), solved(g))


@metric
def escalations_per_solved(g: Group) -> Any:
    return div(escalations(g), solved(g))


@metric
def minutes_per_ticket(g: Group) -> Any:
    rows = g.rows("tickets")
    return div(sum_(rows, _minutes), count(rows))


@metric
def minutes_per_reopen(g: Group) -> Any:
    return sum_(g.rows("tickets"), lambda r: div(r["tickets.minutes"], r["tickets.reopens"]))


QUERIES = {
    "by_team": lambda ds: ds.query(
        metrics=[
            total,
            solved,
            solve_rate,
            solved_minutes,
            avg_solved_minutes,
            min_solved_minutes,
            max_solved_minutes,
            solvers,
        ],
        by=[TEAM],
    ),
    "ratios_by_team": lambda ds: ds.query(
        metrics=[minutes_per_solved, escalations_per_solved, minutes_per_ticket, minutes_per_reopen],
        by=[TEAM],
    ),
    "nothing_matches": lambda ds: ds.query(
        metrics=[total, solved, solve_rate, solved_minutes, avg_solved_minutes, min_solved_minutes, solvers],
        where=lambda r: eq(r["tickets.team"], "delta"),
    ),
    "empty_period": lambda ds: ds.query(
        metrics=[total, solved_minutes, max_solved_minutes, minutes_per_ticket],
        period=period("2026-06-01", "2026-06-30"),
    ),
    "only_solved_groups": lambda ds: ds.query(metrics=[avg_solved_minutes], by=[TEAM]),
}

HAND_CHECKED = {
    "by_team": (
        [
            "team",
            "total",
            "solved",
            "solve_rate",
            "solved_minutes",
            "avg_solved_minutes",
            "min_solved_minutes",
            "max_solved_minutes",
            "solvers",
        ],
        [
            ("alpha", 3, 2, D(2) / 3, 31, D("15.5"), 10, 21, 2),
            ("beta", 2, 0, D(0), 0, None, None, None, 0),
            ("gamma", 3, 2, D(2) / 3, 11, D("5.5"), 4, 7, 1),
        ],
    ),
    "ratios_by_team": (
        ["team", "minutes_per_solved", "escalations_per_solved", "minutes_per_ticket", "minutes_per_reopen"],
        [
            ("alpha", D("15.5"), D(0), D(12), D("20.5")),
            ("beta", None, None, D(8), D("3.5")),
            ("gamma", D("5.5"), D("0.5"), D(14) / 3, D("6.5")),
        ],
    ),
    "nothing_matches": (
        ["total", "solved", "solve_rate", "solved_minutes", "avg_solved_minutes", "min_solved_minutes", "solvers"],
        [(0, 0, None, 0, None, None, 0)],
    ),
    "empty_period": (
        ["total", "solved_minutes", "max_solved_minutes", "minutes_per_ticket"],
        [(0, 0, None, None)],
    ),
    "only_solved_groups": (
        ["team", "avg_solved_minutes"],
        [("alpha", D("15.5")), ("gamma", D("5.5"))],
    ),
}
