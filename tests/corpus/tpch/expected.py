"""TPC-H flavoured: Q1's pricing summary (sums of decimal products, averages, counts by return
flag and line status, the ship-date cutoff as a `period`) and a Q5-style revenue by nation for
one region and order year through a four-hop join chain, ordered by revenue. Sums of decimal
products are exact on both engines; averages are compared to 1e-9."""

from collections.abc import Callable
from typing import Any

from support.reference import Group, Row, Source, and_, avg, count, dim, eq, metric, period, sum_

SOURCES = [
    Source(
        "lineitem",
        "tpch.lineitem",
        "l_orderkey:bigint l_linenumber:int l_quantity:decimal(15,2) "
        "l_extendedprice:decimal(15,2) l_discount:decimal(15,2) l_tax:decimal(15,2) "
        "l_returnflag:string l_linestatus:string l_shipdate:date",
        time="l_shipdate",
        joins=("l_orderkey -> orders.o_orderkey",),
    ),
    Source(
        "orders",
        "tpch.orders",
        "o_orderkey:bigint o_custkey:bigint o_orderstatus:string o_totalprice:decimal(15,2) o_orderdate:date",
        time="o_orderdate",
        joins=("o_custkey -> customer.c_custkey",),
    ),
    Source(
        "customer",
        "tpch.customer",
        "c_custkey:bigint c_name:string c_nationkey:int c_mktsegment:string",
        joins=("c_nationkey -> nation.n_nationkey",),
    ),
    Source(
        "nation",
        "tpch.nation",
        "n_nationkey:int n_name:string n_regionkey:int",
        joins=("n_regionkey -> region.r_regionkey",),
    ),
    Source("region", "tpch.region", "r_regionkey:int r_name:string"),
]

RETURNFLAG = dim("returnflag", "lineitem.l_returnflag")
LINESTATUS = dim("linestatus", "lineitem.l_linestatus")
NATION = dim("nation", "nation.n_name")


def _col(name: str) -> Callable[[Row], Any]:
    return lambda r: r[f"lineitem.{name}"]


def _disc_price(r: Row) -> Any:
    return r["lineitem.l_extendedprice"] * (1 - r["lineitem.l_discount"])


@metric
def sum_qty(g: Group) -> Any:
    return sum_(g.rows("lineitem"), _col("l_quantity"))


@metric
def sum_base_price(g: Group) -> Any:
    return sum_(g.rows("lineitem"), _col("l_extendedprice"))


@metric
def sum_disc_price(g: Group) -> Any:
    return sum_(g.rows("lineitem"), _disc_price)


@metric
def sum_charge(g: Group) -> Any:
    return sum_(g.rows("lineitem"), lambda r: _disc_price(r) * (1 + r["lineitem.l_tax"]))


@metric
def avg_qty(g: Group) -> Any:
    return avg(g.rows("lineitem"), _col("l_quantity"))


@metric
def avg_price(g: Group) -> Any:
    return avg(g.rows("lineitem"), _col("l_extendedprice"))


@metric
def avg_disc(g: Group) -> Any:
    return avg(g.rows("lineitem"), _col("l_discount"))


@metric
def count_order(g: Group) -> Any:
    return count(g.rows("lineitem"))


@metric
def revenue(g: Group) -> Any:
    return sum_disc_price(g)


QUERIES = {
    "q1": lambda ds: ds.query(
        metrics=[sum_qty, sum_base_price, sum_disc_price, sum_charge, avg_qty, avg_price, avg_disc, count_order],
        by=[RETURNFLAG, LINESTATUS],
        period=period("1992-01-01", "1998-09-02"),
        order=["returnflag", "linestatus"],
    ),
    "q5": lambda ds: ds.query(
        metrics=[revenue],
        by=[NATION],
        where=lambda r: and_(
            eq(r["region.r_name"], "ASIA"),
            eq(r["orders.o_orderdate"].year if r["orders.o_orderdate"] else None, 1994),
        ),
        order=["revenue desc"],
    ),
}
