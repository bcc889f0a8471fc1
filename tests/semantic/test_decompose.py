"""Exactness of decompositions, proven with sympy from the metric definitions (LANGUAGE.md §6)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from metricdsl.ir import model as m
from metricdsl.pipeline.load import load
from metricdsl.runtime.verify import evaluate, relative_residual

SOURCES = """
source orders {
  table: fact_orders
  time: order_date
  columns { order_id: bigint, order_date: date, customer_id: bigint, status: string, amount: double }
}
source calls {
  table: fact_calls
  time: call_date
  columns { call_id: bigint, call_date: date, customer_id: bigint, connected: bool }
}
dimension status = orders.status
metric revenue = sum(orders.amount) where orders.status = 'paid'
metric buyers = count_distinct(orders.customer_id) where orders.status = 'paid'
metric aov = revenue / buyers
metric reach = count_distinct(calls.customer_id)
"""


def exactness(tmp_path: Path, text: str) -> dict[str, bool | None]:
    (tmp_path / "spec.metric").write_text(SOURCES + text, encoding="utf-8")
    loaded = load(tmp_path)
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    return {f"{d.metric}: {', '.join(d.drivers)}" if d.kind != "by" else f"{d.metric} by {d.by}": d.exact
            for d in loaded.model.decompositions}


def test_a_ratio_times_its_denominator_is_exact(tmp_path: Path) -> None:
    assert exactness(tmp_path, "decompose revenue = aov * buyers") == {"revenue: aov, buyers": True}


def test_unrelated_definitions_are_empirical(tmp_path: Path) -> None:
    text = "metric conversion = buyers / count(calls)\ndecompose buyers = reach * conversion"
    assert exactness(tmp_path, text) == {"buyers: reach, conversion": False}


def test_the_same_aggregate_under_the_same_filters_is_one_symbol(tmp_path: Path) -> None:
    text = """
metric paid_amount = sum(orders.amount) where status = 'paid'
metric gross = sum(orders.amount)
metric paid_gross = gross where orders.status = 'paid'
metric share = paid_gross / buyers
decompose paid_gross = share * buyers
decompose revenue = paid_amount * aov / paid_gross
decompose aov = gross / buyers
"""
    assert exactness(tmp_path, text) == {
        "paid_gross: share, buyers": True,  # through a filtered reference: the same leaf as revenue
        "revenue: paid_amount, aov, paid_gross": False,  # `where status` (a dimension) is not `orders.status`
        "aov: gross, buyers": False,  # the unfiltered sum is another leaf
    }


def test_additive_identities_and_splits_are_exact(tmp_path: Path) -> None:
    text = """
metric refunds = sum(orders.amount) where orders.status = 'refunded'
metric gross = revenue + refunds
metric net = gross - refunds
decompose gross = revenue + refunds
decompose net = revenue - refunds
decompose revenue by status
"""
    assert exactness(tmp_path, text) == {"gross: revenue, refunds": True, "net: revenue, refunds": False,
                                         "revenue by status": True}


def test_time_functions_are_opaque_but_structural(tmp_path: Path) -> None:
    text = """
metric revenue_ly = lag(revenue, 1 year)
metric ratio_ly = revenue / revenue_ly
metric other_ly = lag(buyers, 1 year)
metric ratio_other = revenue / other_ly
decompose revenue = ratio_ly * revenue_ly
decompose revenue = ratio_other * revenue_ly
"""
    assert exactness(tmp_path, text) == {"revenue: ratio_ly, revenue_ly": True,
                                         "revenue: ratio_other, revenue_ly": False}


def test_formula_evaluation_follows_sql_nulls() -> None:
    formula = m.Arith(op="*", args=(m.MetricRef(metric="a"), m.Arith(op="/", args=(
        m.MetricRef(metric="b"), m.MetricRef(metric="c")))))
    assert evaluate(formula, {"a": 2.0, "b": 3.0, "c": 4.0}) == 1.5
    assert evaluate(formula, {"a": 2.0, "b": 3.0, "c": 0.0}) is None
    assert evaluate(formula, {"a": None, "b": 3.0, "c": 4.0}) is None
    assert relative_residual(100.0, 99.0) == pytest.approx(0.01)
    assert relative_residual(0.0, 0.0) == 0.0
    assert math.isinf(relative_residual(0.0, 1.0))
