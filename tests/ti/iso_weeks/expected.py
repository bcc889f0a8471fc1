"""The metrics of spec.metric restated in Python for the time-intelligence reference."""

from typing import Any

from support.reference import Group, Source, count_distinct, div, metric, sum_
from support.ti_reference import cumulative, growth, lag

SOURCES = [Source("events", "ti_events", "event_id:int event_date:date user_id:int value:int", time="event_date")]
DIMS: dict[str, Any] = {}
WHERE: dict[str, Any] = {}


@metric
def total(g: Group) -> Any:
    return sum_(g.rows("events"), lambda r: r["events.value"])


@metric
def users(g: Group) -> Any:
    return count_distinct(g.rows("events"), lambda r: r["events.user_id"])


@metric
def per_user(g: Group) -> Any:
    return div(total(g), users(g))


METRICS = {
    m.name: m
    for m in [
        total,
        users,
        per_user,
        lag(total, 1, "period", "total_prev"),
        lag(total, 1, "week", "total_lw"),
        lag(total, 2, "week", "total_l2w"),
        lag(total, 52, "week", "total_l52w"),
        lag(total, 1, "year", "total_ly"),
        lag(users, 1, "period", "users_prev"),
        growth(total, 1, "period", "total_pop"),
        growth(total, 1, "week", "total_wow"),
        growth(total, 1, "year", "total_yoy"),
        growth(per_user, 1, "period", "per_user_pop"),
        cumulative(total, "week", "total_wtd"),
        cumulative(users, "week", "users_wtd"),
        cumulative(total, "month", "total_mtd"),
        cumulative(total, "year", "total_ytd"),
        cumulative(users, "year", "users_ytd"),
        cumulative(total, "week", "total_2w", 2),
        cumulative(total, "day", "total_14d", 14),
        cumulative(total, "day", "total_7d", 7),
        cumulative(users, "week", "users_2w", 2),
        cumulative(per_user, "week", "per_user_2w", 2),
    ]
}
