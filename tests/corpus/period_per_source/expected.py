"""`period` filters each source on its own time column and each metric is bucketed on its own
source's time column: an order of 2025-12-31 shipped 2026-01-02 counts for boxes in January
2026 but not for revenue (LANGUAGE.md §4, §8).

Decision: date_trunc('month', d) in a dimension yields a date (the first day of the month),
like the time.* values of §8, on every engine."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

from support.reference import TIME_MONTH, Dim, Group, Source, bucket_start, count, metric, period, sum_

SOURCES = [
    Source("orders", "pp.orders", "order_id:int order_date:date amount:decimal(10,2)", time="order_date"),
    Source(
        "shipments",
        "pp.shipments",
        "shipment_id:int order_id:int shipped_on:date boxes:int",
        time="shipped_on",
        joins=("order_id -> orders.order_id",),
    ),
]

ORDER_MONTH = Dim("order_month", lambda r: bucket_start(r["orders.order_date"], "month"))


@metric
def revenue(g: Group) -> Any:
    return sum_(g.rows("orders"), lambda r: r["orders.amount"])


@metric
def order_count(g: Group) -> Any:
    return count(g.rows("orders"))


@metric
def boxes(g: Group) -> Any:
    return sum_(g.rows("shipments"), lambda r: r["shipments.boxes"])


@metric
def shipment_count(g: Group) -> Any:
    return count(g.rows("shipments"))


QUERIES = {
    "monthly": lambda ds: ds.query(
        metrics=[revenue, order_count, boxes, shipment_count],
        by=[TIME_MONTH],
        period=period("2026-01-01", "2026-02-28"),
    ),
    "totals_q1": lambda ds: ds.query(
        metrics=[revenue, boxes, shipment_count], period=period("2026-01-01", "2026-03-31")
    ),
    "shipped_in_january_by_order_month": lambda ds: ds.query(
        metrics=[boxes, shipment_count], by=[ORDER_MONTH], period=period("2026-01-01", "2026-01-31")
    ),
}

HAND_CHECKED = {
    "monthly": (
        ["time_month", "revenue", "order_count", "boxes", "shipment_count"],
        [(dt.date(2026, 1, 1), D("150.00"), 2, 3, 2), (dt.date(2026, 2, 1), D("70.00"), 1, 4, 2)],
    ),
    "totals_q1": (["revenue", "boxes", "shipment_count"], [(D("260.00"), 9, 5)]),
    "shipped_in_january_by_order_month": (
        ["order_month", "boxes", "shipment_count"],
        [(dt.date(2025, 12, 1), 1, 1), (dt.date(2026, 1, 1), 2, 1)],
    ),
}
