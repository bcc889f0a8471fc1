"""A cross-source query: groups that exist in one source only, the NULL group present in both
sources (joined on NULL), empty months filled for every region, and empty aggregates per
source: sum/count 0, avg/max NULL (LANGUAGE.md §8)."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

from support.reference import TIME_MONTH, Group, Source, avg, count, dim, div, max_, metric, period, sum_

SOURCES = [
    Source(
        "orders",
        "cs_orders",
        "order_id:int order_date:date region_id:int amount:decimal(10,2)",
        time="order_date",
        joins=("region_id -> regions.region_id",),
    ),
    Source(
        "visits",
        "cs_visits",
        "visit_id:int visit_date:date region_id:int pages:int",
        time="visit_date",
        joins=("region_id -> regions.region_id",),
    ),
    Source("regions", "cs_regions", "region_id:int name:string"),
]

REGION = dim("region", "regions.name")


@metric
def revenue(g: Group) -> Any:
    return sum_(g.rows("orders"), lambda r: r["orders.amount"])


@metric
def order_count(g: Group) -> Any:
    return count(g.rows("orders"))


@metric
def avg_order(g: Group) -> Any:
    return avg(g.rows("orders"), lambda r: r["orders.amount"])


@metric
def visits(g: Group) -> Any:
    return count(g.rows("visits"))


@metric
def pages(g: Group) -> Any:
    return sum_(g.rows("visits"), lambda r: r["visits.pages"])


@metric
def max_pages(g: Group) -> Any:
    return max_(g.rows("visits"), lambda r: r["visits.pages"])


@metric
def revenue_per_visit(g: Group) -> Any:
    return div(revenue(g), visits(g))


@metric
def conversion(g: Group) -> Any:
    return div(order_count(g), visits(g))


QUERIES = {
    "by_region": lambda ds: ds.query(
        metrics=[revenue, order_count, avg_order, visits, pages, revenue_per_visit], by=[REGION]
    ),
    "by_region_month": lambda ds: ds.query(
        metrics=[revenue, visits], by=[TIME_MONTH, REGION], period=period("2026-03-01", "2026-04-30")
    ),
    "totals": lambda ds: ds.query(metrics=[revenue, visits, conversion]),
    "march_only": lambda ds: ds.query(
        metrics=[visits, max_pages, avg_order], by=[REGION], period=period("2026-03-01", "2026-03-31")
    ),
}

MAR, APR = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
HAND_CHECKED = {
    "by_region": (
        ["region", "revenue", "order_count", "avg_order", "visits", "pages", "revenue_per_visit"],
        [
            ("East", D("150.00"), 3, D(50), 2, 8, D(75)),
            ("West", D("50.00"), 1, D(50), 1, 6, D(50)),
            ("North", 0, 0, None, 1, 2, D(0)),
            (None, D("10.00"), 1, D(10), 2, 5, D(5)),
        ],
    ),
    "by_region_month": (
        ["time_month", "region", "revenue", "visits"],
        [
            (MAR, "East", D("120.00"), 2),
            (MAR, "West", D("50.00"), 0),
            (MAR, "North", 0, 1),
            (MAR, None, D("10.00"), 2),
            (APR, "East", D("30.00"), 0),
            (APR, "West", 0, 1),
            (APR, "North", 0, 0),
            (APR, None, 0, 0),
        ],
    ),
    "totals": (["revenue", "visits", "conversion"], [(D("210.00"), 6, D(5) / D(6))]),
    "march_only": (
        ["region", "visits", "max_pages", "avg_order"],
        [
            ("East", 2, 5, D(60)),
            ("West", 0, None, D(50)),
            ("North", 1, 2, None),
            (None, 2, 4, D(10)),
        ],
    ),
}
