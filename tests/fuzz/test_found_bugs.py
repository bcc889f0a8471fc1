"""The bugs the differential fuzzer found, each as the example hypothesis shrank it to.

Each test is one generated project written out (declarations the shrinker could not drop but
that the query never reads are left out), compiled, run on DuckDB and PostgreSQL and compared
with the plain-Python reference, exactly as ``test_differential`` does.  They fail on the code
the fuzzer ran against; whoever fixes a bug removes its ``xfail`` marker (``strict``: a fixed
bug with its marker left in fails the suite).
"""

from __future__ import annotations

from typing import Any

import pytest
from fuzz_model import (
    Agg,
    AggCall,
    Between,
    Case,
    Col,
    Compare,
    Cumulative,
    DimensionDef,
    DimRef,
    Func,
    FuzzProject,
    Lag,
    Lit,
    MArith,
    MConst,
    MetricDef,
    MFunc,
    MRef,
    OrderItem,
    Query,
)
from fuzz_runner import assert_agree


def metric(name: str, expr: Any, **more: Any) -> MetricDef:
    return MetricDef(name, expr, "num", **more)


@pytest.mark.xfail(strict=True, reason="issue 14 item 1: count_distinct … having filtered on a joined source")
def test_having_filtered_on_a_joined_source(fuzz_engines: dict[str, Any]) -> None:
    """metric m1 = count_distinct(sales.sale_id) having count(sales) >= 2 where customers.customer_id = 1
    --metrics m1 --period 2026: "Referenced table customers not found" on both engines."""
    m1 = metric("m1", Agg("count_distinct", Col("sales", "sale_id", "num"), "sales"),
                having=Compare(">=", AggCall("count", None, "sales"), Lit(2)),
                where=Compare("=", Col("customers", "customer_id", "num"), Lit(1)))
    assert_agree(FuzzProject("joins", (), (m1,), Query(("m1",), period="2026")), fuzz_engines)


@pytest.mark.xfail(strict=True, reason="issue 14 item 2: untyped NULL placeholders in the UNION (PostgreSQL)")
def test_an_indicator_sum_on_a_third_source(fuzz_engines: dict[str, Any]) -> None:
    """metric m1 = sum(case when visits.visitor_id > 510 then 1 else 0 end) after two other sources'
    metrics: "UNION types text and bigint cannot be matched" on PostgreSQL."""
    indicator = Case(((Compare(">", Col("visits", "visitor_id", "num"), Lit(510)), Lit(1)),), Lit(0))
    metrics = (metric("m1", Agg("count", None, "orders")), metric("m2", Agg("count", None, "budgets")),
               metric("m3", Agg("sum", indicator, "visits")))
    assert_agree(FuzzProject("shop", (), metrics, Query(("m1", "m2", "m3"))), fuzz_engines)


@pytest.mark.xfail(strict=True, reason="issue 14 item 3: a lagged to-date cumulative anchors at the current bucket")
def test_lag_of_a_year_to_date(fuzz_engines: dict[str, Any]) -> None:
    """metric m3 = lag(cumulative(m1, year), 1 period) by time.month: January's value is December's
    sum alone instead of the year to date at December, on both engines."""
    m1 = metric("m1", Agg("sum", Col("events", "event_id", "num"), "events"))
    m3 = metric("m3", Lag(Cumulative(MRef("m1"), "year"), 1, "period"))
    assert_agree(FuzzProject("events", (), (m1, m3), Query(("m3",), ("time.month",))), fuzz_engines)


@pytest.mark.xfail(strict=True, reason="issue 14 item 4: round(double precision) rounds half to even on PostgreSQL")
def test_round_of_a_half(fuzz_engines: dict[str, Any]) -> None:
    """metric m2 = round(m1 / 2) where m1 = sum(orders.order_id) = 28441: 14220 on PostgreSQL, not 14221."""
    m1 = metric("m1", Agg("sum", Col("orders", "order_id", "num"), "orders"))
    m2 = metric("m2", MFunc("round", (MArith("/", MRef("m1"), MConst(2)),)))
    assert_agree(FuzzProject("shop", (), (m1, m2), Query(("m2",))), fuzz_engines)


@pytest.mark.xfail(strict=True, reason="issue 14 item 4: round(double precision, integer) does not exist on PostgreSQL")
def test_round_to_places_of_a_ratio(fuzz_engines: dict[str, Any]) -> None:
    """metric m3 = round(m1 / m1, 1): PostgreSQL rejects the SQL."""
    m1 = metric("m1", Agg("count", Col("sales", "sale_date", "date"), "sales"))
    m3 = metric("m3", MFunc("round", (MArith("/", MRef("m1"), MRef("m1")), MConst(1))))
    assert_agree(FuzzProject("joins", (), (m1, m3), Query(("m3",))), fuzz_engines)


@pytest.mark.xfail(strict=True, reason="issue 14 item 4: string comparison follows the database collation")
def test_string_between_in_code_point_order(fuzz_engines: dict[str, Any]) -> None:
    """--where "d1 between 'O''Brien desk' and 'east'" with d1 = lower(regions.name): 'east' is in the
    range in code-point order, not under an ICU collation (PostgreSQL returns 0)."""
    d1 = DimensionDef("d1", Func("lower", (Col("regions", "name", "str"),)), "regions", "str")
    m2 = metric("m2", Agg("sum", Col("visits", "visit_id", "num"), "visits"))
    where = Between(DimRef("d1", "str"), Lit("O'Brien desk"), Lit("east"))
    assert_agree(FuzzProject("cross", (d1,), (m2,), Query(("m2",), where=where)), fuzz_engines)


@pytest.mark.xfail(strict=True, reason="issue 14 item 5: `order` by the output column name `time_month` is E503")
def test_order_by_the_time_column_name(fuzz_engines: dict[str, Any]) -> None:
    """--metrics m1 --by time.month --order time_month: rejected with E503."""
    m1 = metric("m1", Agg("sum", Col("sales", "sale_id", "num"), "sales"))
    query = Query(("m1",), ("time.month",), order=(OrderItem("time_month"),))
    assert_agree(FuzzProject("joins", (), (m1,), query), fuzz_engines)

