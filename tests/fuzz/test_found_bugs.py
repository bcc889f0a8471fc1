"""The bugs the differential fuzzer found, each as the example hypothesis shrank it to.

Each test is one generated project written out (declarations the shrinker could not drop but
that the query never reads are left out), compiled, run on DuckDB and PostgreSQL and compared
with the plain-Python reference, exactly as ``test_differential`` does.  They fail on the code
the fuzzer ran against; a fixed bug has its ``xfail`` marker removed (``strict``: a fixed
bug with its marker left in fails the suite; any other exception than a ``Disagreement`` fails too).
"""

from __future__ import annotations

from typing import Any

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


def test_having_filtered_on_a_joined_source(fuzz_engines: dict[str, Any]) -> None:
    """metric m1 = count_distinct(sales.sale_id) having count(sales) >= 2 where customers.customer_id = 1
    --metrics m1 --period 2026: "Referenced table customers not found" on both engines."""
    m1 = metric("m1", Agg("count_distinct", Col("sales", "sale_id", "num"), "sales"),
                having=Compare(">=", AggCall("count", None, "sales"), Lit(2)),
                where=Compare("=", Col("customers", "customer_id", "num"), Lit(1)))
    assert_agree(FuzzProject("joins", (), (m1,), Query(("m1",), period="2026")), fuzz_engines)


def test_an_indicator_sum_in_the_third_scan(fuzz_engines: dict[str, Any]) -> None:
    """m2 = m1 / m1 - sum(case when visits.visit_id = 1 then 1 else 0 end) after the scans of orders and
    of its lag, by time.year: "UNION types text and bigint cannot be matched" on PostgreSQL."""
    indicator = Case(((Compare("=", Col("visits", "visit_id", "num"), Lit(1)), Lit(1)),), Lit(0))
    m1 = metric("m1", Agg("count", None, "orders"))
    m2 = metric("m2", MArith("-", MArith("/", MRef("m1"), MRef("m1")), Agg("sum", indicator, "visits")))
    m5 = metric("m5", Agg("sum", Col("orders", "order_id", "num"), "orders"))
    m6 = metric("m6", Lag(MRef("m1"), 1, "period"))
    query = Query(("m6", "m5", "m2"), ("time.year",))
    assert_agree(FuzzProject("shop", (), (m1, m2, m5, m6), query), fuzz_engines)


def test_lag_of_a_year_to_date(fuzz_engines: dict[str, Any]) -> None:
    """metric m3 = lag(cumulative(m1, year), 1 period) by time.month: January's value is December's
    sum alone instead of the year to date at December, on both engines."""
    m1 = metric("m1", Agg("sum", Col("events", "event_id", "num"), "events"))
    m3 = metric("m3", Lag(Cumulative(MRef("m1"), "year"), 1, "period"))
    assert_agree(FuzzProject("events", (), (m1, m3), Query(("m3",), ("time.month",))), fuzz_engines)


def test_round_of_a_half(fuzz_engines: dict[str, Any]) -> None:
    """metric m2 = round(m1 / 2) where m1 = sum(orders.order_id) = 28441: 14220 on PostgreSQL, not 14221."""
    m1 = metric("m1", Agg("sum", Col("orders", "order_id", "num"), "orders"))
    m2 = metric("m2", MFunc("round", (MArith("/", MRef("m1"), MConst(2)),)))
    assert_agree(FuzzProject("shop", (), (m1, m2), Query(("m2",))), fuzz_engines)


def test_round_to_places_of_a_ratio(fuzz_engines: dict[str, Any]) -> None:
    """metric m3 = round(m1 / m1, 1): PostgreSQL rejects the SQL."""
    m1 = metric("m1", Agg("count", Col("sales", "sale_date", "date"), "sales"))
    m3 = metric("m3", MFunc("round", (MArith("/", MRef("m1"), MRef("m1")), MConst(1))))
    assert_agree(FuzzProject("joins", (), (m1, m3), Query(("m3",))), fuzz_engines)


def test_string_between_in_code_point_order(fuzz_engines: dict[str, Any]) -> None:
    """--where "d1 between 'O''Brien desk' and 'east'" with d1 = lower(regions.name): 'east' is in the
    range in code-point order, not under an ICU collation (PostgreSQL returns 0)."""
    d1 = DimensionDef("d1", Func("lower", (Col("regions", "name", "str"),)), "regions", "str")
    m2 = metric("m2", Agg("sum", Col("visits", "visit_id", "num"), "visits"))
    where = Between(DimRef("d1", "str"), Lit("O'Brien desk"), Lit("east"))
    assert_agree(FuzzProject("cross", (d1,), (m2,), Query(("m2",), where=where)), fuzz_engines)


def test_order_by_the_time_column_name(fuzz_engines: dict[str, Any]) -> None:
    """--metrics m1 --by time.month --order time_month: rejected with E503."""
    m1 = metric("m1", Agg("sum", Col("sales", "sale_id", "num"), "sales"))
    query = Query(("m1",), ("time.month",), order=(OrderItem("time_month"),))
    assert_agree(FuzzProject("joins", (), (m1,), query), fuzz_engines)


def test_a_lag_that_reads_nothing_shows_no_group(fuzz_engines: dict[str, Any]) -> None:
    """metric m2 = lag(m1, 1 period) by time.quarter, d1 = stores.city, no period: the data is all in
    Q1 2026, so the lag reads nothing and, by §8, no group appears.  Both engines returned the
    three cities of Q1 2026 with 0: the groups were taken from the lagged rows before those labelled
    past the data's last bucket were dropped."""
    d1 = DimensionDef("d1", Col("stores", "city", "str"), "stores", "str")
    m1 = metric("m1", Agg("sum", Col("sales", "amount", "num"), "sales"))
    m2 = metric("m2", Lag(MRef("m1"), 1, "period"))
    assert_agree(FuzzProject("joins", (d1,), (m1, m2), Query(("m2",), ("time.quarter", "d1"))), fuzz_engines)


def test_a_lag_beside_a_second_source_keeps_the_data_buckets(fuzz_engines: dict[str, Any]) -> None:
    """--metrics m2,m3 --by time.month, m2 = lag(m1, 1 period) of orders, m3 = sum(visits.visit_id):
    the buckets must run over the data, January 2024 to January 2027 (as they do for m2 alone), not
    February 2024 to December 2026: the calendar took the lagged scan's rows into account only when
    no unlagged scan of the query existed.  Shrunk by the deep profile to m2 / m3, written out here
    as the two columns it divides."""
    m1 = metric("m1", Agg("sum", Col("orders", "order_id", "num"), "orders"))
    m2 = metric("m2", Lag(MRef("m1"), 1, "period"))
    m3 = metric("m3", Agg("sum", Col("visits", "visit_id", "num"), "visits"))
    assert_agree(FuzzProject("shop", (), (m1, m2, m3), Query(("m2", "m3"), ("time.month",))), fuzz_engines)


def test_order_by_an_alias_of_a_string_metric(fuzz_engines: dict[str, Any]) -> None:
    """metric m2 = m1 (m1 = min(events.kind)) --by time.year --order m2.  Passes on the code the
    fuzzer was written against; the fuzzer run on the fix of item 4 (main, 3c0cf02) finds
    PostgreSQL rejecting ``ORDER BY "m2" COLLATE "C"``: a COLLATE turns the output alias into an
    expression over the input columns, where ``m2`` is called ``m1``."""
    m1 = MetricDef("m1", Agg("min", Col("events", "kind", "str"), "events"), "str")
    m2 = MetricDef("m2", MRef("m1"), "str")
    query = Query(("m2",), ("time.year",), order=(OrderItem("m2"),))
    assert_agree(FuzzProject("events", (), (m1, m2), query), fuzz_engines)
