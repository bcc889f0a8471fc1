"""closing/opening (LANGUAGE.md §5): m over the latest / earliest day of the bucket with rows (after m's
and the query's `where`), the same day for every product; a product without rows that day gets 0."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

from support.reference import (
    TIME_MONTH,
    TIME_QUARTER,
    Group,
    Source,
    balance,
    count,
    count_distinct,
    dim,
    div,
    gt,
    metric,
    ne,
    period,
    sum_,
    year,
)

SOURCES = [
    Source("balances", "bl_balances",
           "row_id:int snapshot_date:date account_id:string product:string balance:decimal(18,2)",
           time="snapshot_date")
]

PRODUCT = dim("product", "balances.product")


def _big(r: dict[str, Any]) -> Any:
    return gt(r["balances.balance"], 100)


@metric
def aum(g: Group) -> Any:
    return sum_(g.rows("balances"), lambda r: r["balances.balance"])


@metric
def accounts(g: Group) -> Any:
    return count(g.rows("balances"))


@metric
def aum_close(g: Group) -> Any:
    return balance(g, aum, "balances")


@metric
def aum_open(g: Group) -> Any:
    return balance(g, aum, "balances", closing=False)


@metric
def aum_daily_avg(g: Group) -> Any:
    return div(aum(g), count_distinct(g.rows("balances"), lambda r: r["balances.snapshot_date"]))


@metric
def accounts_close(g: Group) -> Any:
    return balance(g, accounts, "balances")


@metric
def big_close(g: Group) -> Any:
    return balance(g.where(_big), aum, "balances")


@metric
def close_change(g: Group) -> Any:
    return aum_close(g) - aum_open(g)


QUERIES = {
    "monthly": lambda ds: ds.query(
        metrics=[aum_close, aum_open, aum_daily_avg, accounts_close, big_close, close_change],
        by=[TIME_MONTH, PRODUCT], period=period("2026-01-01", "2026-03-31")),
    "overall": lambda ds: ds.query(metrics=[aum_close, aum_open, aum], period=period("2026-01-01", "2026-02-15")),
    "by_product": lambda ds: ds.query(metrics=[aum_close, aum_open], by=[PRODUCT],
                                      where=lambda r: ne(r["balances.account_id"], "A1")),
    "quarterly": lambda ds: ds.query(metrics=[aum_close, aum_open, big_close], by=[TIME_QUARTER], period=year(2026)),
}

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
HAND_CHECKED = {
    "monthly": (
        ["time_month", "product", "aum_close", "aum_open", "aum_daily_avg", "accounts_close", "big_close",
         "close_change"],
        [
            (JAN, "P", D("190.00"), D("100.00"), D(410) / 3, 2, D("150.00"), D("90.00")),
            (JAN, "Q", 0, D("500.00"), D(475), 0, 0, D("-500.00")),
            (FEB, "P", D("45.00"), D("160.00"), D(375) / 3, 1, D("170.00"), D("-115.00")),
            (FEB, "Q", 0, 0, D(300), 0, D("300.00"), 0),
            (MAR, "P", D("240.00"), D("180.00"), D(420) / 2, 2, D("190.00"), D("60.00")),
            (MAR, "Q", 0, 0, D(310), 0, 0, 0),
            (MAR, "R", D("75.50"), 0, D("75.5"), 1, 0, D("75.50")),
            (JAN, "R", 0, 0, None, 0, 0, 0),
            (FEB, "R", 0, 0, None, 0, 0, 0),
        ],
    ),
    "overall": (["aum_close", "aum_open", "aum"], [(D("470.00"), D("600.00"), D("1990.00"))]),
}
