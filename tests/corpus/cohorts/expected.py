"""retained, churned, new and converted (LANGUAGE.md §5), computed directly from the rows: sets of
customer ids per (bucket, group), over all history where a function needs it (a plain-Python
evaluator of its own, since the shared one filters rows by the period first)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from support.reference import Dataset, Result, Source, bucket_start, buckets, div, next_bucket

SOURCES = [
    Source("orders", "co_orders",
           "order_id:int order_date:date customer_id:bigint channel:string status:string amount:decimal(10,2)",
           time="order_date"),
    Source("calls", "co_calls", "call_id:int called_on:date customer_id:bigint agent:string", time="called_on"),
]

Keys = dict[tuple[Any, ...], set[Any]]


def _paid(ds: Dataset) -> list[dict[str, Any]]:
    return [r for r in ds.wide_rows("orders") if r["orders.status"] == "paid" and r["orders.customer_id"] is not None]


def _keys(rows: list[dict[str, Any]], time: str, key: str, grain: str, group: Callable[[dict[str, Any]], Any],
          start: dt.date | None = None, end: dt.date | None = None) -> Keys:
    """Distinct keys per (bucket, group) of the rows whose time lies in [start, end]."""
    out: Keys = {}
    for r in rows:
        if (start and r[time] < start) or (end and r[time] > end):
            continue
        out.setdefault((bucket_start(r[time], grain), group(r)), set()).add(r[key])
    return out


def _back(bucket: dt.date, years: int = 0, grain: str = "year") -> dt.date:
    """The bucket `years` years earlier, or (years=0) the previous bucket of the grain."""
    if years:
        return bucket.replace(year=bucket.year - years)
    return bucket_start(bucket - dt.timedelta(days=1), grain)


def cohort_query(ds: Dataset, grain: str, period: tuple[dt.date, dt.date] | None, metrics: list[str],
                 group: Callable[[dict[str, Any]], Any] | None = None) -> Result:
    group_of = group or (lambda r: None)
    paid = _paid(ds)
    every = _keys(paid, "orders.order_date", "orders.customer_id", grain, group_of)  # all history
    start, end = period if period else (None, None)
    now = _keys(paid, "orders.order_date", "orders.customer_id", grain, group_of, start, end)
    calls = [r for r in ds.wide_rows("calls") if r["calls.customer_id"] is not None]
    if period is None:
        first = min(b for b, _ in every)
        last = max(b for b, _ in every)
        span = []
        while first <= last:
            span.append(first)
            first = next_bucket(first, grain)
    else:
        span = buckets(period, grain)
    groups = {g for _, g in now} | {g for b, g in every if any(_back(x, 1) == b for x in span)}
    rows = []
    for g in sorted(groups, key=lambda v: (v is None, v)):
        for b in span:
            current = now.get((b, g), set())
            earlier_year = every.get((_back(b, 1), g), set())  # the periods here are whole buckets
            earlier_period = every.get((_back(b, 0, grain), g), set())
            before = {k for (x, gg), ks in every.items() if gg == g and x < b for k in ks}
            values: dict[str, Any] = {
                "buyers": len(current),
                "retained_buyers": len(current & earlier_year),
                "churned_buyers": len(earlier_year - current),
                "retention_rate": div(len(current & earlier_year), len(earlier_year)),
                "new_buyers": len(current - before),
                "returning_buyers": len(current) - len(current - before),
                "churned_last_month": len(earlier_period - current),
            }
            callers = {r["calls.customer_id"] for r in calls if bucket_start(r["calls.called_on"], grain) == b
                       and (not period or period[0] <= r["calls.called_on"] <= period[1])}
            converted = {r["calls.customer_id"] for r in calls if r["calls.customer_id"] in callers
                         and bucket_start(r["calls.called_on"], grain) == b
                         and (not period or period[0] <= r["calls.called_on"] <= period[1])
                         and any(o["orders.customer_id"] == r["calls.customer_id"]
                                 and r["calls.called_on"] <= o["orders.order_date"]
                                 <= r["calls.called_on"] + dt.timedelta(days=7) for o in paid)}
            values |= {"callers": len(callers), "call_to_order_7d": len(converted),
                       "call_conversion": div(len(converted), len(callers))}
            key = (b,) if group is None else (b, g)
            rows.append(key + tuple(values[name] for name in metrics))
    columns = [f"time_{grain}"] + ([] if group is None else ["channel"]) + metrics
    return Result(columns, rows, n_dims=1 if group is None else 2)


YEARLY = ["buyers", "retained_buyers", "churned_buyers", "retention_rate", "new_buyers", "returning_buyers"]
MONTHLY = ["buyers", "new_buyers", "returning_buyers", "callers", "call_to_order_7d", "call_conversion",
           "churned_last_month"]
QUERIES = {
    "yearly": lambda ds: cohort_query(ds, "year", (dt.date(2025, 1, 1), dt.date(2026, 12, 31)), YEARLY),
    "monthly": lambda ds: cohort_query(ds, "month", (dt.date(2026, 1, 1), dt.date(2026, 12, 31)), MONTHLY),
    "yearly_channel": lambda ds: cohort_query(ds, "year", (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
                                              ["buyers", "retained_buyers", "churned_buyers", "new_buyers"],
                                              group=lambda r: r["orders.channel"]),
    "all_years": lambda ds: cohort_query(ds, "year", None, ["buyers", "churned_last_month", "new_buyers"]),
}

Y25, Y26 = dt.date(2025, 1, 1), dt.date(2026, 1, 1)
HAND_CHECKED = {
    "yearly": (["time_year", *YEARLY], [(Y25, 3, 1, 1, div(1, 2), 2, 1), (Y26, 6, 2, 1, div(2, 3), 3, 3)]),
    "yearly_channel": (["time_year", "channel", "buyers", "retained_buyers", "churned_buyers", "new_buyers"],
                       [(Y26, "phone", 2, 1, 2, 1), (Y26, "web", 4, 0, 0, 3)]),
}
