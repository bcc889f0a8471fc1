"""A four-hop join chain (LANGUAGE.md §2): lineitem -> orders -> customer -> nation -> region,
with a missing link at each hop (orphan order 99, orphan customer 99, NULL customer, customer
with NULL nation, nation with orphan region) — each such line lands in the NULL groups and is
never dropped. A two-column `key`. Dimensions named like sources. Files are read in sorted
order and the queries come first."""

from typing import Any

from support.reference import Group, Source, count, count_distinct, dim, eq, metric, sum_

SOURCES = [
    Source(
        "lineitem",
        "jc.lineitem",
        "l_orderkey:int l_linenumber:int l_quantity:int l_price:decimal(10,2)",
        joins=("l_orderkey -> orders.o_orderkey",),
    ),
    Source(
        "orders",
        "jc.orders",
        "o_orderkey:int o_custkey:int o_orderdate:date",
        time="o_orderdate",
        joins=("o_custkey -> customer.c_custkey",),
    ),
    Source(
        "customer",
        "jc.customer",
        "c_custkey:int c_name:string c_nationkey:int",
        joins=("c_nationkey -> nation.n_nationkey",),
    ),
    Source(
        "nation",
        "jc.nation",
        "n_nationkey:int n_name:string n_regionkey:int",
        joins=("n_regionkey -> region.r_regionkey",),
    ),
    Source("region", "jc.region", "r_regionkey:int r_name:string"),
]

REGION = dim("region", "region.r_name")
NATION = dim("nation", "nation.n_name")


@metric
def quantity(g: Group) -> Any:
    return sum_(g.rows("lineitem"), lambda r: r["lineitem.l_quantity"])


@metric
def lines(g: Group) -> Any:
    return count(g.rows("lineitem"))


@metric
def order_count(g: Group) -> Any:
    return count(g.rows("orders"))


@metric
def customers_ordering(g: Group) -> Any:
    return count_distinct(g.rows("orders"), lambda r: r["orders.o_custkey"])


QUERIES = {
    "by_region": lambda ds: ds.query(metrics=[quantity, lines], by=[REGION]),
    "by_region_nation": lambda ds: ds.query(metrics=[quantity, lines, order_count], by=[REGION, NATION]),
    "asia_only": lambda ds: ds.query(
        metrics=[quantity, customers_ordering],
        by=[NATION],
        where=lambda r: eq(r["region.r_name"], "ASIA"),
    ),
}

HAND_CHECKED = {
    "by_region": (
        ["region", "quantity", "lines"],
        [("ASIA", 19, 4), ("AMERICA", 6, 2), (None, 28, 5)],
    ),
    "by_region_nation": (
        ["region", "nation", "quantity", "lines", "order_count"],
        [
            ("ASIA", "CHINA", 8, 2, 1),
            ("ASIA", "JAPAN", 11, 2, 2),
            ("AMERICA", "BRAZIL", 6, 2, 2),
            ("EUROPE", "FRANCE", 0, 0, 1),
            (None, "ATLANTIS", 6, 1, 1),
            (None, None, 22, 4, 3),
        ],
    ),
    "asia_only": (
        ["nation", "quantity", "customers_ordering"],
        [("CHINA", 8, 1), ("JAPAN", 11, 1)],
    ),
}
