"""NULL join keys and orphan keys: every sale keeps its row through the LEFT joins; NULL is a
group of its own, and a query `where` on a joined column sees the NULLs (LANGUAGE.md §2, §8)."""

from decimal import Decimal as D
from typing import Any

from support.reference import Group, Source, count, count_distinct, dim, is_null, metric, sum_

SOURCES = [
    Source(
        "sales",
        "jn.sales",
        "sale_id:int sale_date:date customer_id:int store_id:int amount:decimal(10,2)",
        time="sale_date",
        joins=("customer_id -> customers.customer_id", "store_id -> stores.store_id"),
    ),
    Source("customers", "jn.customers", "customer_id:int name:string tier:string"),
    Source("stores", "jn.stores", "store_id:int city:string"),
]

TIER = dim("tier", "customers.tier")
CUSTOMER = dim("customer", "customers.name")
CITY = dim("city", "stores.city")


@metric
def revenue(g: Group) -> Any:
    return sum_(g.rows("sales"), lambda r: r["sales.amount"])


@metric
def sales_count(g: Group) -> Any:
    return count(g.rows("sales"))


@metric
def customers_seen(g: Group) -> Any:
    return count_distinct(g.rows("sales"), lambda r: r["sales.customer_id"])


QUERIES = {
    "by_tier": lambda ds: ds.query(metrics=[revenue, sales_count, customers_seen], by=[TIER]),
    "by_city_tier": lambda ds: ds.query(metrics=[revenue, sales_count], by=[CITY, TIER]),
    "unmatched_only": lambda ds: ds.query(metrics=[revenue, sales_count], where=lambda r: is_null(r["customers.tier"])),
    "matched_customers": lambda ds: ds.query(
        metrics=[revenue], by=[CITY], where=lambda r: not is_null(r["customers.name"])
    ),
}

HAND_CHECKED = {
    "by_tier": (
        ["tier", "revenue", "sales_count", "customers_seen"],
        [
            ("gold", D("160.00"), 3, 2),
            ("silver", D("135.00"), 3, 2),
            # sale 4 (NULL key), 5 (orphan 99), 6 (Cho, tier NULL), 10 (NULL key)
            (None, D("105.00"), 4, 2),
        ],
    ),
    "by_city_tier": (
        ["city", "tier", "revenue", "sales_count"],
        [
            ("北京", "gold", D("150.00"), 2),
            ("北京", "silver", D("60.00"), 1),
            ("北京", None, D("30.00"), 1),
            ("上海", "silver", D("75.00"), 2),
            ("上海", None, D("40.00"), 1),
            (None, "gold", D("10.00"), 1),
            (None, None, D("35.00"), 2),
        ],
    ),
    "unmatched_only": (["revenue", "sales_count"], [(D("105.00"), 4)]),
    "matched_customers": (
        ["city", "revenue"],
        [("北京", D("210.00")), ("上海", D("75.00")), (None, D("30.00"))],
    ),
}
