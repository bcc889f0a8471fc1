"""Loading CSVs into a warehouse: by header name, one NULL rule, checked values, all or nothing, on both engines."""

from __future__ import annotations

import decimal
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from metricdsl.errors import DataLoadFailed, MissingData, TablesNotEmpty, WarehouseError
from metricdsl.pipeline.compile import compile_sql
from metricdsl.pipeline.load import load_project
from metricdsl.pipeline.request import QueryRequest
from metricdsl.runtime.warehouse import Warehouse, connect

SCHEMA = f"lt_{secrets.token_hex(4)}"
SPEC = f"""
source orders {{
  table: {SCHEMA}.orders
  time: order_date
  key: order_id
  columns {{ order_id: bigint, order_date: date, customer_id: bigint, status: string, amount: decimal(18, 2),
            paid: bool }}
  join customers on customer_id = customers.customer_id
}}
source customers {{
  table: {SCHEMA}.customers
  key: customer_id
  columns {{ customer_id: bigint, segment: string }}
}}
dimension segment = customers.segment
dimension status = orders.status
metric revenue = sum(orders.amount)
metric orders_n = count(orders)
"""
ORDERS = """order_id,order_date,customer_id,status,amount,paid
1,2026-01-05,10,paid,100.50,true
2,2026-01-06,11,,20.00,false
3,2026-02-01,10,"",5.25,t
"""
# the same customers with the columns in another order than declared
CUSTOMERS = """segment,customer_id
A,10
B,11
"""


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest) -> Iterator[Warehouse]:
    url = request.getfixturevalue(f"{request.param}_url")
    connection = connect(url)
    try:
        yield connection
    finally:
        if connection.dialect == "postgres":
            connection.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        connection.close()


def project(tmp_path: Path, orders: str = ORDERS, customers: str | None = CUSTOMERS) -> tuple[Any, Path]:
    (tmp_path / "spec.metric").write_text(SPEC, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / f"{SCHEMA}.orders.csv").write_text(orders, encoding="utf-8")
    if customers is not None:
        (data / f"{SCHEMA}.customers.csv").write_text(customers, encoding="utf-8")
    return load_project(tmp_path), data


def rows(warehouse: Warehouse, sql: str) -> list[tuple[Any, ...]]:
    return warehouse.execute(sql).rows


def test_columns_are_mapped_by_header_name(warehouse: Warehouse, tmp_path: Path) -> None:
    model, data = project(tmp_path)
    assert warehouse.load_data(model, data) == [f"{SCHEMA}.orders", f"{SCHEMA}.customers"]
    assert rows(warehouse, f'SELECT customer_id, segment FROM "{SCHEMA}"."customers" ORDER BY 1') == [(10, "A"), (11, "B")]
    sql = compile_sql(model, QueryRequest(metrics=("revenue",), by=("segment",)), warehouse.dialect)
    assert rows(warehouse, sql) == [("A", decimal.Decimal("105.75")), ("B", decimal.Decimal("20.00"))]


def test_empty_and_quoted_empty_fields_are_null(warehouse: Warehouse, tmp_path: Path) -> None:
    model, data = project(tmp_path)
    warehouse.load_data(model, data)
    got = rows(warehouse, f'SELECT order_id, status IS NULL, paid FROM "{SCHEMA}"."orders" ORDER BY 1')
    assert got == [(1, False, True), (2, True, False), (3, True, True)]


def test_a_table_with_rows_is_replaced_only_when_asked(warehouse: Warehouse, tmp_path: Path) -> None:
    model, data = project(tmp_path)
    warehouse.load_data(model, data)
    (data / f"{SCHEMA}.orders.csv").write_text(ORDERS.splitlines()[0] + "\n9,2026-03-01,10,paid,1.00,true\n",
                                               encoding="utf-8")
    with pytest.raises(TablesNotEmpty, match=f"{SCHEMA}.orders, {SCHEMA}.customers already hold rows.*--replace"):
        warehouse.load_data(model, data)
    assert rows(warehouse, f'SELECT COUNT(*) FROM "{SCHEMA}"."orders"') == [(3,)]
    warehouse.load_data(model, data, replace=True)
    assert rows(warehouse, f'SELECT order_id FROM "{SCHEMA}"."orders"') == [(9,)]


def test_an_empty_table_is_replaced_without_asking(warehouse: Warehouse, tmp_path: Path) -> None:
    model, data = project(tmp_path)
    warehouse.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
    warehouse.execute(f'CREATE TABLE "{SCHEMA}"."orders" (x INT)')
    warehouse.execute(f'CREATE TABLE "{SCHEMA}"."customers" (y INT)')
    warehouse.load_data(model, data)
    assert rows(warehouse, f'SELECT COUNT(*) FROM "{SCHEMA}"."orders"') == [(3,)]


def test_a_bad_value_names_file_line_and_column_and_keeps_the_old_rows(warehouse: Warehouse, tmp_path: Path) -> None:
    model, data = project(tmp_path)
    warehouse.load_data(model, data)
    lines = ORDERS.splitlines()
    lines[2] = "2,2026-01-06,11,paid,abc,false"
    (data / f"{SCHEMA}.orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (data / f"{SCHEMA}.customers.csv").write_text("customer_id,segment\n12,C\n", encoding="utf-8")
    with pytest.raises(DataLoadFailed) as failure:
        warehouse.load_data(model, data, replace=True)
    [problem] = failure.value.diagnostics
    assert problem.code == "E702" and problem.span is not None
    assert (problem.span.line, problem.span.column, problem.span.end_column) == (3, 22, 25)
    assert problem.span.file.endswith(f"{SCHEMA}.orders.csv")
    assert problem.message == ("`abc` is not a number such as 1234.50 with at most 36 digits before the point "
                               "(column `amount` of source `orders`)")
    # nothing was replaced: neither the bad file's table nor the good one's
    assert rows(warehouse, f'SELECT COUNT(*) FROM "{SCHEMA}"."orders"') == [(3,)]
    assert rows(warehouse, f'SELECT customer_id FROM "{SCHEMA}"."customers" ORDER BY 1') == [(10,), (11,)]


@pytest.mark.parametrize(("orders", "code", "where", "message"), [
    ("order_id,order_date,customer_id,status,amount\n1,2026-01-05,10,paid,1\n", "E701", (1, 1),
     "the header has no column `paid`, which source `orders` declares"),
    ("order_id,order_date,customer_id,status,amount,paid,extra\n", "E701", (1, 52),
     "column `extra` is not a column of source `orders`"),
    ("order_id,order_date,customer_id,status,amount,payd\n", "E701", (1, 47),
     "column `payd` is not a column of source `orders`"),  # and a second E701: no column `paid`
    (ORDERS + "4,2026-02-30,10,paid,1,true\n", "E702", (5, 3),
     "`2026-02-30` is not a date written YYYY-MM-DD (column `order_date` of source `orders`)"),
    (ORDERS + "99999999999999999999,2026-02-01,10,paid,1,true\n", "E702", (5, 1),
     "`99999999999999999999` is not a whole number such as -12 (at most 19 digits) (column `order_id` of source `orders`)"),
    (ORDERS + "4,2026-02-01,10,paid,1,maybe\n", "E702", (5, 24),
     "`maybe` is not true or false (also t, f, 1, 0) (column `paid` of source `orders`)"),
    (ORDERS + "4,2026-02-01,10,paid\n", "E701", (5, 1), "this record has 4 field(s), the header 6"),
])
def test_bad_files_are_diagnostics(tmp_path: Path, orders: str, code: str, where: tuple[int, int], message: str) -> None:
    model, data = project(tmp_path, orders)
    with connect() as warehouse, pytest.raises(DataLoadFailed) as failure:
        warehouse.load_data(model, data)
    first = failure.value.diagnostics[0]
    assert first.span is not None
    assert (first.code, (first.span.line, first.span.column), first.message) == (code, where, message)


def test_a_missing_csv_is_named_when_a_query_needs_its_table(warehouse: Warehouse, tmp_path: Path) -> None:
    model, data = project(tmp_path, customers=None)
    warehouse.load_data(model, data)
    ok = compile_sql(model, QueryRequest(metrics=("revenue",)), warehouse.dialect)
    assert rows(warehouse, ok) == [(decimal.Decimal("125.75"),)]
    needs = compile_sql(model, QueryRequest(metrics=("revenue",), by=("segment",)), warehouse.dialect)
    with pytest.raises(MissingData, match=rf"^no data for table {SCHEMA}.customers: .*{SCHEMA}.customers.csv does not exist"):
        warehouse.execute(needs)


def test_the_engine_refusing_a_value_rolls_back_everything(warehouse: Warehouse, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A value the checks let through but the database refuses: the error names the file; nothing changed."""
    from metricdsl.runtime import csvdata

    model, data = project(tmp_path)
    warehouse.load_data(model, data)
    (data / f"{SCHEMA}.customers.csv").write_text("customer_id,segment\n12,C\n", encoding="utf-8")
    (data / f"{SCHEMA}.orders.csv").write_text(ORDERS.replace("100.50", "1x"), encoding="utf-8")
    monkeypatch.setattr(csvdata, "check_value", lambda kind, cell: None)
    with pytest.raises(WarehouseError, match=rf"{SCHEMA}.orders.csv: the database refused the data"):
        warehouse.load_data(model, data, replace=True)
    assert rows(warehouse, f'SELECT customer_id FROM "{SCHEMA}"."customers" ORDER BY 1') == [(10,), (11,)]
    assert rows(warehouse, f'SELECT COUNT(*) FROM "{SCHEMA}"."orders"') == [(3,)]
