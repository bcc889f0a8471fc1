"""`count_distinct … having` (LANGUAGE.md §5): the condition is evaluated per key within each
output group, on the key's rows after the metric's `where` (customer 3's cancelled order does
not make a repeat buyer); NULL keys are never counted; empty months give 0 and a NULL rate."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

from support.reference import (
    TIME_MONTH,
    Group,
    Row,
    Source,
    count,
    count_distinct,
    count_distinct_having,
    dim,
    div,
    eq,
    metric,
    period,
    sum_,
)

SOURCES = [
    Source(
        "orders",
        "hv_orders",
        "order_id:int order_date:date customer_id:int shop:string status:string amount:decimal(10,2)",
        time="order_date",
    )
]

SHOP = dim("shop", "orders.shop")


def _paid_rows(g: Group) -> Any:
    return g.rows("orders", lambda r: eq(r["orders.status"], "paid"))


def _customer(r: Row) -> Any:
    return r["orders.customer_id"]


@metric
def buyers(g: Group) -> Any:
    return count_distinct(_paid_rows(g), _customer)


@metric
def repeat_buyers(g: Group) -> Any:
    return count_distinct_having(_paid_rows(g), _customer, lambda rows: count(rows) >= 2)


@metric
def big_spenders(g: Group) -> Any:
    return count_distinct_having(_paid_rows(g), _customer, lambda rows: sum_(rows, lambda r: r["orders.amount"]) > 100)


@metric
def repeat_rate(g: Group) -> Any:
    return div(repeat_buyers(g), buyers(g))


METRICS = [buyers, repeat_buyers, big_spenders, repeat_rate]
QUERIES = {
    "overall": lambda ds: ds.query(metrics=METRICS),
    "by_shop": lambda ds: ds.query(metrics=METRICS, by=[SHOP]),
    "by_month": lambda ds: ds.query(metrics=METRICS, by=[TIME_MONTH], period=period("2026-01-01", "2026-03-31")),
}

COLUMNS = ["buyers", "repeat_buyers", "big_spenders", "repeat_rate"]
HAND_CHECKED = {
    "overall": (COLUMNS, [(4, 3, 2, D("0.75"))]),
    "by_shop": (["shop", *COLUMNS], [("A", 2, 1, 1, D("0.5")), ("B", 3, 1, 1, D(1) / 3)]),
    "by_month": (
        ["time_month", *COLUMNS],
        [
            (dt.date(2026, 1, 1), 4, 2, 2, D("0.5")),
            (dt.date(2026, 2, 1), 2, 0, 0, D(0)),
            (dt.date(2026, 3, 1), 0, 0, 0, None),
        ],
    ),
}
