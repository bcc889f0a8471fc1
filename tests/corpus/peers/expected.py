"""`total` and `rank` (LANGUAGE.md §5): a total is the metric recomputed over the bucket (and the
`within` dimensions), so customer 1, who buys from x1, x2 and y2 in January, counts once in
`total(buyers)`; ranks are SQL RANK (x1 and x2 tie in January: 1, 1, then 3), highest first, a
NULL average last; an agent without sales in a bucket is a row of 0 that ranks like one."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

from support.reference import (
    TIME_MONTH,
    Group,
    Source,
    avg,
    count,
    count_distinct,
    dim,
    div,
    gt,
    metric,
    num,
    period,
    rank,
    sum_,
    total,
)

SOURCES = [
    Source(
        "sales",
        "pe_sales",
        "sale_id:int sold_on:date customer_id:int agent:string team:string amount:decimal(10,2) rating:int",
        time="sold_on",
    ),
    Source("visits", "pe_visits", "visit_id:int visited_on:date agent:string", time="visited_on"),
]

AGENT = dim("agent", "sales.agent")
TEAM = dim("team", "sales.team")


@metric
def revenue(g: Group) -> Any:
    return sum_(g.rows("sales"), lambda r: r["sales.amount"])


@metric
def buyers(g: Group) -> Any:
    return count_distinct(g.rows("sales"), lambda r: r["sales.customer_id"])


@metric
def avg_rating(g: Group) -> Any:
    return avg(g.rows("sales"), lambda r: r["sales.rating"])


@metric
def revenue_share(g: Group) -> Any:
    return div(revenue(g), total(g, revenue))


@metric
def team_share(g: Group) -> Any:
    return div(revenue(g), total(g, revenue, ("team",)))


@metric
def buyer_share(g: Group) -> Any:
    return div(buyers(g), total(g, buyers))


@metric
def all_buyers(g: Group) -> Any:
    return total(g, buyers)


@metric
def team_buyers(g: Group) -> Any:
    return total(g, buyers, ("team",))


@metric
def visit_count(g: Group) -> Any:
    return count(g.rows("visits"), lambda r: r["visits.visit_id"])


@metric
def all_revenue(g: Group) -> Any:
    return total(g, revenue)


def _revenue_plus(g: Group) -> Any:
    rating = avg_rating(g)
    return None if rating is None else num(revenue(g)) + 0 * rating


@metric
def all_revenue_plus(g: Group) -> Any:
    return total(g, metric(_revenue_plus))


revenue_rank = rank("revenue_rank", revenue, ("team",))
overall_rank = rank("overall_rank", revenue)
rating_rank = rank("rating_rank", avg_rating)
low_rank = rank("low_rank", revenue, ("team",), ascending=True)

MONTHLY = [revenue, revenue_share, team_share, buyers, buyer_share, all_buyers, team_buyers, revenue_rank,
           overall_rank, low_rank]
QUERIES = {
    "monthly_agents": lambda ds: ds.query(metrics=MONTHLY, by=[TIME_MONTH, TEAM, AGENT],
                                          period=period("2026-01-01", "2026-02-28")),
    "ratings": lambda ds: ds.query(metrics=[avg_rating, rating_rank, revenue_share], by=[AGENT]),
    "by_team": lambda ds: ds.query(metrics=[revenue, revenue_share, buyers, buyer_share], by=[TEAM],
                                   where=lambda r: gt(r["sales.amount"], 5)),
    "overall": lambda ds: ds.query(metrics=[revenue_share, all_buyers, overall_rank]),
    "with_visits": lambda ds: ds.query(metrics=[revenue, revenue_share, all_revenue, all_revenue_plus, all_buyers,
                                                visit_count], by=[TIME_MONTH]),
}

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
HAND_CHECKED = {
    "monthly_agents": (
        ["time_month", "team", "agent", "revenue", "revenue_share", "team_share", "buyers", "buyer_share",
         "all_buyers", "team_buyers", "revenue_rank", "overall_rank", "low_rank"],
        [
            (JAN, "X", "x1", D(100), D(100) / 350, D(100) / 230, 1, D("0.25"), 4, 3, 1, 1, 2),
            (JAN, "X", "x2", D(100), D(100) / 350, D(100) / 230, 2, D("0.5"), 4, 3, 1, 1, 2),
            (JAN, "X", "x3", D(30), D(30) / 350, D(30) / 230, 1, D("0.25"), 4, 3, 3, 4, 1),
            (JAN, "Y", "y1", D(100), D(100) / 350, D(100) / 120, 1, D("0.25"), 4, 2, 1, 1, 3),
            (JAN, "Y", "y2", D(20), D(20) / 350, D(20) / 120, 1, D("0.25"), 4, 2, 2, 5, 2),
            (JAN, "Y", "y3", 0, D(0), D(0), 0, D(0), 4, 2, 3, 6, 1),
            (FEB, "X", "x1", D(10), D(10) / 224, D("0.5"), 1, D(1) / 3, 3, 1, 1, 2, 2),
            (FEB, "X", "x2", D(10), D(10) / 224, D("0.5"), 1, D(1) / 3, 3, 1, 1, 2, 2),
            (FEB, "X", "x3", 0, D(0), D(0), 0, D(0), 3, 1, 3, 5, 1),
            (FEB, "Y", "y1", D(200), D(200) / 224, D(200) / 204, 1, D(1) / 3, 3, 2, 1, 1, 3),
            (FEB, "Y", "y2", 0, D(0), D(0), 0, D(0), 3, 2, 3, 5, 1),
            (FEB, "Y", "y3", D(4), D(4) / 224, D(4) / 204, 1, D(1) / 3, 3, 2, 2, 4, 2),
        ],
    ),
    "overall": (["revenue_share", "all_buyers", "overall_rank"], [(D(1), 8, 1)]),
    "with_visits": (
        ["time_month", "revenue", "revenue_share", "all_revenue", "all_revenue_plus", "all_buyers", "visit_count"],
        [
            (JAN, D(350), D(1), D(350), D(350), 4, 1),
            (FEB, D(224), D(1), D(224), D(224), 3, 0),
            (dt.date(2026, 3, 1), D(50), D(1), D(50), None, 1, 0),
            (dt.date(2026, 4, 1), 0, None, 0, None, 0, 2),
        ],
    ),
}
