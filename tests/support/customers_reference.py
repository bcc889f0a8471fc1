"""Plain-Python references for the example project's customers-over-time queries (specs/customers.metric):
sets of customer ids per bucket over all the history in the CSV files, compared bucket by bucket."""

from __future__ import annotations

import datetime as dt
from typing import Any

from support.reference import Dataset, Result, bucket_start, buckets, div


def _paid_keys(ds: Dataset, grain: str) -> dict[dt.date, set[Any]]:
    out: dict[dt.date, set[Any]] = {}
    for r in ds.wide_rows("orders"):
        if r["orders.status"] == "paid" and r["orders.customer_id"] is not None:
            out.setdefault(bucket_start(r["orders.order_date"], grain), set()).add(r["orders.customer_id"])
    return out


def customer_retention(ds: Dataset) -> Result:
    """buyers, retained(buyers, 1 year), its rate, churned(buyers, 1 year), new(buyers), returning, 2025–2026."""
    keys = _paid_keys(ds, "year")
    rows = []
    for b in buckets((dt.date(2025, 1, 1), dt.date(2026, 12, 31)), "year"):
        now, last = keys.get(b, set()), keys.get(b.replace(year=b.year - 1), set())
        seen_before = set().union(*(k for x, k in keys.items() if x < b))
        new = now - seen_before
        rows.append((b, len(now), len(now & last), div(len(now & last), len(last)), len(last - now), len(new),
                     len(now) - len(new)))
    columns = ["time_year", "buyers", "retained_buyers", "retention_rate", "churned_buyers", "new_buyers",
               "returning_buyers"]
    return Result(columns, rows, n_dims=1)


def new_and_returning(ds: Dataset) -> Result:
    """Monthly 2026: buyers, new and returning buyers, connected-call customers and their 7-day conversion."""
    keys = _paid_keys(ds, "month")
    orders: dict[Any, list[dt.date]] = {}
    for r in ds.wide_rows("orders"):
        if r["orders.status"] == "paid" and r["orders.customer_id"] is not None:
            orders.setdefault(r["orders.customer_id"], []).append(r["orders.order_date"])
    rows = []
    for b in buckets((dt.date(2026, 1, 1), dt.date(2026, 12, 31)), "month"):
        now = keys.get(b, set())
        new = now - set().union(*(k for x, k in keys.items() if x < b))
        calls = [r for r in ds.wide_rows("calls") if r["calls.connected"] is True
                 and r["calls.customer_id"] is not None and bucket_start(r["calls.call_date"], "month") == b]
        called = {r["calls.customer_id"] for r in calls}
        converted = {r["calls.customer_id"] for r in calls
                     if any(r["calls.call_date"] <= d <= r["calls.call_date"] + dt.timedelta(days=7)
                            for d in orders.get(r["calls.customer_id"], []))}
        rows.append((b, len(now), len(new), len(now) - len(new), len(called), len(converted),
                     div(len(converted), len(called))))
    columns = ["time_month", "buyers", "new_buyers", "returning_buyers", "called_customers", "call_to_order_7d",
               "call_conversion_7d"]
    return Result(columns, rows, n_dims=1)
