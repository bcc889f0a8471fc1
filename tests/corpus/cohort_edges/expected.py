"""Edge cases of retained, churned, converted and closing/opening (LANGUAGE.md §5), computed directly
from the rows: timestamp times, NULL groups, a period starting and ending inside months."""

import datetime as dt
from decimal import Decimal
from typing import Any

from support.reference import Dataset, Result, Source, bucket_start, buckets

SOURCES = [
    Source("orders", "ce_orders", "order_id:int ordered_at:timestamp customer_id:bigint channel:string status:string",
           time="ordered_at"),
    Source("calls", "ce_calls", "call_id:int called_at:timestamp customer_id:bigint", time="called_at"),
    Source("balances", "ce_balances",
           "row_id:int taken_at:timestamp account_id:string product:string balance:decimal(18,2)", time="taken_at"),
]

Row = dict[str, Any]


def _month_later(day: dt.date) -> dt.date:
    """The same day a month later, clamped to the month's last day (31 January → 28 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(day=1, year=year, month=month) + dt.timedelta(days=day.day - 1),
               following - dt.timedelta(days=1))


def _within(moment: dt.datetime, period: tuple[dt.date, dt.date]) -> bool:
    return period[0] <= moment.date() <= period[1]


def _buyers(ds: Dataset) -> list[Row]:
    return [r for r in ds.wide_rows("orders") if r["orders.status"] == "paid" and r["orders.customer_id"] is not None]


def customers(ds: Dataset, period: tuple[dt.date, dt.date], by_channel: bool, metrics: list[str]) -> Result:
    """Per month (and channel): buyers now; buyers whose order a month later falls in the period,
    counted for that later month (retained: also buying now; churned: not); callers and the callers
    with a paid order from the call's time to two days later."""
    group = (lambda r: r["orders.channel"]) if by_channel else (lambda r: None)
    now: dict[tuple[dt.date, Any], set[Any]] = {}
    earlier: dict[tuple[dt.date, Any], set[Any]] = {}
    for r in _buyers(ds):
        day = r["orders.ordered_at"].date()
        if _within(r["orders.ordered_at"], period):
            now.setdefault((bucket_start(day, "month"), group(r)), set()).add(r["orders.customer_id"])
        moved = _month_later(day)
        if period[0] <= moved <= period[1]:
            earlier.setdefault((bucket_start(moved, "month"), group(r)), set()).add(r["orders.customer_id"])
    calls = [r for r in ds.wide_rows("calls") if r["calls.customer_id"] is not None and _within(r["calls.called_at"], period)]
    orders = _buyers(ds)
    rows = []
    groups = sorted({g for _, g in now} | {g for _, g in earlier}, key=lambda v: (v is None, v))
    for g in groups:
        for b in buckets(period, "month"):
            current, before = now.get((b, g), set()), earlier.get((b, g), set())
            called = [c for c in calls if bucket_start(c["calls.called_at"].date(), "month") == b]
            converted = {c["calls.customer_id"] for c in called if any(
                o["orders.customer_id"] == c["calls.customer_id"]
                and c["calls.called_at"] <= o["orders.ordered_at"] <= c["calls.called_at"] + dt.timedelta(days=2)
                for o in orders)}
            values = {"buyers": len(current), "retained_last": len(current & before),
                      "churned_last": len(before - current), "callers": len({c["calls.customer_id"] for c in called}),
                      "call_to_order_2d": len(converted)}
            rows.append(((b, g) if by_channel else (b,)) + tuple(values[m] for m in metrics))
    columns = ["time_month", *(["channel"] if by_channel else []), *metrics]
    return Result(columns, rows, n_dims=2 if by_channel else 1)


def balances(ds: Dataset, period: tuple[dt.date, dt.date]) -> Result:
    """Per month and product: the sum on the month's last (first) day with any rows, 0 for a product
    without rows that day."""
    rows_in = [r for r in ds.wide_rows("balances") if _within(r["balances.taken_at"], period)]
    products = sorted({r["balances.product"] for r in rows_in}, key=lambda v: (v is None, v))
    out = []
    for p in products:
        for b in buckets(period, "month"):
            month = [r for r in rows_in if bucket_start(r["balances.taken_at"].date(), "month") == b]
            if not month:
                out.append((b, p, 0, 0))
                continue
            days = [r["balances.taken_at"].date() for r in month]

            def on(day: dt.date, product: Any = p, month: list[Row] = month) -> Decimal:
                return sum((r["balances.balance"] for r in month
                            if r["balances.taken_at"].date() == day and r["balances.product"] == product), Decimal(0))

            out.append((b, p, on(max(days)), on(min(days))))
    return Result(["time_month", "product", "aum_close", "aum_open"], out, n_dims=2)


PARTIAL = (dt.date(2026, 1, 15), dt.date(2026, 3, 20))
FIRST_QUARTER = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
CUSTOMERS = ["buyers", "retained_last", "churned_last"]
QUERIES = {
    "partial": lambda ds: customers(ds, PARTIAL, False, [*CUSTOMERS, "callers", "call_to_order_2d"]),
    "partial_channel": lambda ds: customers(ds, PARTIAL, True, CUSTOMERS),
    "whole_months": lambda ds: customers(ds, FIRST_QUARTER, True, CUSTOMERS),
    "balances_by_product": lambda ds: balances(ds, (dt.date(2026, 1, 1), dt.date(2026, 2, 28))),
}

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
HAND_CHECKED = {
    # January: 1 bought on 20 Dec and 20 Jan (retained), 2's 5 December is too early; February: 3
    # (3 Jan) and 6 (31 Jan → 28 Feb) retained, 1 and 2 churned; March: 3 and 5 (10 and 5 Feb) churned,
    # 4's 25 February too late.
    "partial": (["time_month", *CUSTOMERS, "callers", "call_to_order_2d"],
                [(JAN, 3, 1, 0, 2, 2), (FEB, 4, 2, 2, 3, 1), (MAR, 1, 0, 2, 3, 1)]),
    "balances_by_product": (["time_month", "product", "aum_close", "aum_open"],
                            [(JAN, "fund", Decimal("100.00"), 0), (FEB, "fund", Decimal("125.00"), 0),
                             (JAN, None, Decimal("50.00"), Decimal("70.00")), (FEB, None, 0, Decimal("60.00"))]),
}
