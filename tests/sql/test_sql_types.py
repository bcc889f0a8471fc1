"""The one type map and the one table reference, shared by the statement builder and the warehouse."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from metricdsl.runtime.warehouse import DuckDBWarehouse, create_table
from metricdsl.sql.capabilities import Capabilities, capabilities
from metricdsl.sql.dialects.impala import impala_dialect
from metricdsl.sql.target import DIALECTS, target
from metricdsl.sql.types import aggregate_type, literal_type, sql_type, table_ref, unify


@pytest.mark.parametrize(("type_name", "expected"), [
    ("int", "BIGINT"),
    ("bigint", "BIGINT"),
    ("double", "DOUBLE"),
    ("decimal(10,2)", "DECIMAL(38, 2)"),
    ("decimal(38,9)", "DECIMAL(38, 9)"),
    ("string", "TEXT"),
    ("bool", "BOOLEAN"),
    ("date", "DATE"),
    ("timestamp", "TIMESTAMP"),
])
def test_sql_type(type_name: str, expected: str) -> None:
    assert sql_type(type_name) == expected


@pytest.mark.parametrize(("dialect", "expected"), [
    ("duckdb", '"dw"."fact_orders" AS "orders"'),
    ("postgres", '"dw"."fact_orders" AS "orders"'),
    ("impala", "`dw`.`fact_orders` AS `orders`"),
])
def test_table_ref_quotes_every_part_per_dialect(dialect: str, expected: str) -> None:
    assert table_ref(("dw", "fact_orders"), "orders").sql(dialect=target(dialect).sqlglot) == expected


def test_table_ref_with_one_and_three_parts() -> None:
    assert table_ref(("orders",)).sql("duckdb") == '"orders"'
    assert table_ref(("lake", "dw", "orders"), "o").sql("postgres") == '"lake"."dw"."orders" AS "o"'
    assert table_ref(("Order Lines",)).sql(dialect=impala_dialect()) == "`Order Lines`"


def test_create_table_uses_the_same_map() -> None:
    columns = {"id": "int", "amount": "decimal(10,2)", "day": "date", "note": "string"}
    created = create_table(table_ref(("dw", "orders")), columns)
    assert created.sql("duckdb") == (
        'CREATE TABLE "dw"."orders" ("id" BIGINT, "amount" DECIMAL(38, 2), "day" DATE, "note" TEXT)')
    assert created.sql("postgres") == (
        'CREATE TABLE "dw"."orders" ("id" BIGINT, "amount" DECIMAL(38, 2), "day" DATE, "note" TEXT)')


def test_the_warehouse_creates_a_working_table() -> None:
    with DuckDBWarehouse() as warehouse:
        warehouse.execute('CREATE SCHEMA "dw"')
        columns = {"id": "int", "amount": "decimal(10,2)", "day": "date", "ok": "bool", "share": "double"}
        warehouse.execute(create_table(table_ref(("dw", "orders")), columns).sql("duckdb"))
        warehouse.execute("INSERT INTO dw.orders VALUES (3000000000, 12.5, DATE '2026-02-01', true, 0.25)")
        result = warehouse.execute("SELECT * FROM dw.orders")
    assert result.rows == [(3000000000, Decimal("12.50"), datetime.date(2026, 2, 1), True, 0.25)]


def test_capabilities_come_from_one_table_with_defaults() -> None:
    assert capabilities("duckdb") == Capabilities()
    assert capabilities("postgres") == Capabilities(round_doubles=False, code_point_strings=False)
    old = capabilities("impala", "3.0")
    assert (old.version, old.generate_series, old.materialized_ctes) == ((3, 0, 0), False, False)
    assert (old.multiple_count_distinct, old.date_type, old.pipe_concat) == (False, False, False)
    assert capabilities("impala").version == (3, 4, 0)
    assert capabilities("impala", "4.0").grouping_sets


def test_targets_read_the_dialects_capabilities() -> None:
    assert DIALECTS == ("duckdb", "postgres", "impala", "spark")
    impala = target("impala", "3.0")
    assert impala.capabilities == impala.sqlglot.capabilities == capabilities("impala", "3.0")
    assert impala.version == "3.0"
    assert target("postgres").capabilities.materialized_ctes
    with pytest.raises(ValueError, match="unknown dialect `oracle`"):
        target("oracle")


def _number(value: str) -> Any:
    from metricdsl.ir import model as m

    return m.Lit(type="number", value=value)


@pytest.mark.parametrize(("value", "expected"), [("1", "bigint"), ("1_000", "bigint"), ("0.25", "decimal(38,2)"),
                                                 ("1e3", "double"), ("2.5E-1", "double")])
def test_literal_type(value: str, expected: str) -> None:
    assert literal_type(value) == expected


def test_untyped_aggregates_take_the_type_of_their_literals() -> None:
    """`sum(case when … then 1 else 0 end)` is checked as `number`: its NULL placeholder must still be typed."""
    from metricdsl.ir import model as m

    project = m.Project.model_construct(sources={}, dimensions={})
    flag = m.Lit(type="bool", value="true")
    ones = m.CaseExpr(whens=((flag, _number("1")),), otherwise=_number("0"))
    halves = m.CaseExpr(whens=((flag, _number("0.5")),), otherwise=_number("0"))
    mixed = m.Apply(op="*", args=(halves, _number("1.25")))
    assert aggregate_type("sum", ones, "number", project) == "bigint"
    assert aggregate_type("sum", halves, "number", project) == "decimal(38,1)"
    assert aggregate_type("max", mixed, "number", project) == "decimal(38,2)"
    assert aggregate_type("min", m.Apply(op="/", args=(ones, ones)), "unknown", project) == "double"
    assert aggregate_type("count_distinct", ones, "number", project) == "bigint"
    assert aggregate_type("sum", ones, "decimal(10,2)", project) == "decimal(10,2)"  # the checker's type wins
    assert unify(["unknown", "null"]) == "unknown" and unify(["string", "null"]) == "string"
